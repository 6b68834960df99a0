/// The `markdown` format: a GitHub-flavoured pipe table.
///
/// ```
/// | name | population |
/// |---|---:|
/// | Oyem | 30000 |
/// ```
///
/// - The header is always written (a pipe table needs it), whatever `header` says.
/// - Numeric columns (see `isNumericColumn`) are right-aligned with `---:`; others use `---`.
/// - In cells, `|` is written `\|` and line breaks (LF, CR, CRLF) `<br>`; nothing else is
///   escaped, so Markdown in the data renders as Markdown.
/// - Null and the empty string are both an empty cell. Values print as `Graph.displayText` does.
/// - Rows are buffered until `end()` (to decide the alignment). Several results are separated
///   by a blank line.
public final class MarkdownWriter: ResultWriter {
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []
    var rows: [[Value]] = []
    var results = 0

    public init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
    }

    public func begin(_ columns: [ResultColumn]) throws {
        self.columns = columns
        rows = []
    }

    public func row(_ values: [Value]) throws { rows.append(values) }

    public func end() throws {
        var text = results > 0 ? "\n" : ""
        results += 1
        func line(_ cells: [String]) -> String {
            cells.isEmpty ? "||\n" : "| " + cells.joined(separator: " | ") + " |\n"
        }
        text += line(columns.map { MarkdownWriter.cell($0.name) })
        text += "|" + columns.indices.map { isNumericColumn(columns[$0], rows: rows, index: $0) ? "---:|" : "---|" }.joined() + "\n"
        for r in rows {
            text += line(r.map { isNullish($0) ? "" : MarkdownWriter.cell(graph.displayText($0)) })
        }
        rows = []
        try output.write(text)
        try output.flush()
    }

    /// A table cell: `|` escaped, line breaks as `<br>`.
    public static func cell(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x7C || b == 0x0A || b == 0x0D { needs = true; break }
        if !needs { return s }
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r", "\r\n": out += "<br>"
            default: out.append(c)
            }
        }
        return out
    }
}
