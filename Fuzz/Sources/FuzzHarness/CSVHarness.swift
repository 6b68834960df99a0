@_spi(Fuzz) import ReseauCore

/// One fuzz-csv input: `FuzzTargets.csv` (in ReseauCore, shared with the regression tests that
/// replay saved inputs): the first byte picks one of the CSV files, the other bytes are its content.
public enum CSVHarness {
    public static func run(_ data: [UInt8]) { FuzzTargets.csv(data) }
}
