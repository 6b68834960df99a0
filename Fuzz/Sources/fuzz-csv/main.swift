// fuzz-csv: arbitrary bytes as one CSV file of the network (see CSVHarness).
import FuzzHarness

#if canImport(Glibc)
import Glibc
#endif

exit(runFuzzer { data, count in
    CSVHarness.run(bytes(data, count))
    return 0
})
