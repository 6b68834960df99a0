/// A column of a result: its printed name and its static type.
public struct ResultColumn: Sendable, Equatable {
    public let name: String
    public let type: ValueType
    public init(name: String, type: ValueType) { self.name = name; self.type = type }
}

/// Receives a result row by row. Formatters implement it; the executor drives it.
public protocol ResultWriter: AnyObject {
    /// Called once, before any row.
    func begin(_ columns: [ResultColumn]) throws
    /// Called for each row, in order; `values.count == columns.count`.
    func row(_ values: [Value]) throws
    /// Called once after the last row.
    func end() throws
    /// Several rows at once, in order, as `row` would take them one by one. `ResultStream`
    /// hands over the rows it held this way: a writer that lays its columns out from the first
    /// rows (table, markdown) reads them from the batch instead of keeping a copy.
    func rows(_ batch: [[Value]]) throws
    /// The writer as a `NetworkWriter` (dot, graphml, svg), else nil: a requirement rather than
    /// an `as?` cast, which would scan the binary's conformance records once per run.
    var asNetworkWriter: NetworkWriter? { get }
}

extension ResultWriter {
    public func rows(_ batch: [[Value]]) throws { for r in batch { try row(r) } }
    public var asNetworkWriter: NetworkWriter? { nil }
}

extension NetworkWriter {
    public var asNetworkWriter: NetworkWriter? { self }
}

/// Where formatted text goes: stdout, a temporary file for `-o`, a string in tests.
public protocol TextOutput: AnyObject {
    func write(_ s: String) throws
    func flush() throws
}

/// Collects text in memory (tests, `.output` buffering).
public final class StringOutput: TextOutput {
    public private(set) var text = ""
    public init() {}
    public func write(_ s: String) throws { text += s }
    /// Appends text that is not a result (a warning, in tests).
    public func append(_ s: String) { text += s }
    public func flush() throws {}
}

/// A whole result held in memory (tests and the REPL use it; output formats may buffer into it).
public struct ResultSet: Sendable {
    public var columns: [ResultColumn]
    public var rows: [[Value]]
    public init(columns: [ResultColumn], rows: [[Value]]) { self.columns = columns; self.rows = rows }
}

/// A writer that keeps the whole result.
public final class CollectingWriter: ResultWriter {
    public private(set) var result = ResultSet(columns: [], rows: [])
    public init() {}
    public func begin(_ columns: [ResultColumn]) throws { result.columns = columns }
    public func row(_ values: [Value]) throws { result.rows.append(values) }
    public func end() throws {}
}
