/// The output formats of `--format` and `.format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown, dot, graphml
}

/// How a result is written.
public struct OutputOptions: Sendable {
    public var format: OutputFormat
    /// Print the header row (`--no-header` turns it off) where the format has one.
    public var header = true
    /// Output goes to a terminal: the table gets a row-count footer and may cut cells with `…`.
    public var isTerminal = false
    /// Width of the terminal in cells, to cut table cells to fit; nil: never cut.
    public var terminalWidth: Int? = nil
    /// Use ANSI colours (nulls dimmed, header bold).
    public var color = false
    public init(format: OutputFormat) { self.format = format }
}

/// Makes the writer for `options.format`, writing to `output`; nodes and edges in results are
/// printed through `graph` (their names in tables, their fields in JSON).
public func makeWriter(_ options: OutputOptions, graph: Graph, output: TextOutput) -> ResultWriter {
    PlainWriter(graph: graph, output: output)
}

/// Placeholder TSV writer until the formats land.
final class PlainWriter: ResultWriter {
    let graph: Graph, output: TextOutput
    init(graph: Graph, output: TextOutput) { self.graph = graph; self.output = output }
    func begin(_ columns: [ResultColumn]) throws { try output.write(columns.map(\.name).joined(separator: "\t") + "\n") }
    func row(_ values: [Value]) throws { try output.write(values.map { text($0) }.joined(separator: "\t") + "\n") }
    func end() throws { try output.flush() }
    func text(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .int(let i): String(i)
        case .decimal(let d): String(d)
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .list(let l): l.map(text).joined(separator: "; ")
        case .node(let n): graph.name(of: n)
        case .edge(let e): graph.name(of: e)
        }
    }
}
