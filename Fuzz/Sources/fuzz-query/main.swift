// fuzz-query: arbitrary bytes as query text (see QueryHarness).
import FuzzHarness

#if canImport(Glibc)
import Glibc
#endif

_ = QueryHarness.graph // load the bundled network before the first input is timed
exit(runFuzzer { data, count in
    QueryHarness.run(bytes(data, count))
    return 0
})
