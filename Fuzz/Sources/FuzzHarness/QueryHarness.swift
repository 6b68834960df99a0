@_spi(Fuzz) import ReseauCore

/// One fuzz-query input: `FuzzTargets.query` (in ReseauCore, shared with the regression tests
/// that replay saved inputs) on the bundled network. Only a crash, a sanitizer report, a
/// timeout or running out of memory is a finding.
public enum QueryHarness {
    /// The bundled network, loaded once per process.
    nonisolated(unsafe) public static var graph: Graph = {
        do { return try Loader.load(BundledSource()) } catch { fatalError("the bundled network does not load: \(error)") }
    }()

    public static func run(_ data: [UInt8]) { FuzzTargets.query(data, graph: graph) }
}
