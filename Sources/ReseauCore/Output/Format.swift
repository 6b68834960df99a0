/// The output formats of `--format` and `.format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, line, csv, tsv, json, jsonl, markdown, dot, graphml, svg

    /// The format a file name's extension asks for (`-o out.csv`), nil for another extension.
    public init?(fileExtension name: String) {
        let dot = name.lastIndex(of: ".")
        guard let dot, !name[dot...].contains("/") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "md", "markdown": self = .markdown
        case "dot", "gv": self = .dot
        case "graphml": self = .graphml
        case "svg": self = .svg
        default: return nil
        }
    }
}

/// How a result is written.
public struct OutputOptions: Sendable, Equatable {
    public var format: OutputFormat
    /// Print the header row (`--no-header` turns it off) where the format has one.
    public var header = true
    /// Output goes to a terminal: the table gets a row-count footer and may cut cells with `…`.
    public var isTerminal = false
    /// Width of the terminal in cells, to cut table cells to fit; nil: never cut.
    public var terminalWidth: Int? = nil
    /// Use ANSI colours (nulls dimmed, header bold).
    public var color = false
    /// `--map-size`, `--map-color`: how the `svg` format draws dots.
    public var map = MapOptions()
    /// The rows a table shows (the first and the last ones) with a footer `N rows (M shown)`;
    /// nil: every row (pipes and files).
    public var maxRows: Int? = nil
    /// How a table or the line format shows null.
    public var nullText = "∅"
    public init(format: OutputFormat) { self.format = format }
}

/// Makes the writer for `options.format`, writing to `output`; nodes and edges in results are
/// printed through `graph` (their names in tables, their fields in JSON).
public func makeWriter(_ options: OutputOptions, graph: Graph, output: TextOutput) -> ResultWriter {
    switch options.format {
    case .table: TableWriter(options: options, graph: graph, output: output)
    case .line: LineWriter(options: options, graph: graph, output: output)
    case .csv: CSVWriter(options: options, graph: graph, output: output)
    case .tsv: TSVWriter(options: options, graph: graph, output: output)
    case .json: JSONWriter(options: options, graph: graph, output: output)
    case .jsonl: JSONLinesWriter(options: options, graph: graph, output: output)
    case .markdown: MarkdownWriter(options: options, graph: graph, output: output)
    case .dot: DOTWriter(options: options, graph: graph, output: output)
    case .graphml: GraphMLWriter(options: options, graph: graph, output: output)
    case .svg: SVGMapWriter(options: options, graph: graph, output: output)
    }
}
