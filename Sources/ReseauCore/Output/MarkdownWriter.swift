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
/// - The alignment is decided from the first `TableWriter.widthRows` rows, held until then (or
///   until `end()`); later rows are written as they come. Several results are separated by a
///   blank line.
final class MarkdownWriter: ResultWriter {
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []
    var rows: [[Value]] = []
    var results = 0

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
    }

    /// Set by tests to make the first batch smaller.
    var streamAfter = TableWriter.widthRows
    /// The alignment row was written and rows go out as they come.
    var streaming = false

    func begin(_ columns: [ResultColumn]) throws {
        self.columns = columns
        rows = []
        streaming = false
    }

    func row(_ values: [Value]) throws {
        if streaming { try output.write(line(cells(values))); return }
        rows.append(values)
        if rows.count >= streamAfter {
            streaming = true
            try output.write(head() + rows.map { line(cells($0)) }.joined())
            rows = []
        }
    }

    /// A batch of rows (`ResultStream` hands over the rows it held): the alignment is read from
    /// its first `streamAfter` rows without copying them, as `row` would decide it.
    func rows(_ batch: [[Value]]) throws {
        guard !streaming, rows.isEmpty, !batch.isEmpty else { for r in batch { try row(r) }; return }
        rows = batch   // shared, not copied
        guard batch.count >= streamAfter else { return }
        rows = Array(batch.prefix(streamAfter))
        streaming = true
        try output.write(head())
        rows = []
        for r in batch { try output.write(line(cells(r))) }
    }

    func line(_ cells: [String]) -> String {
        cells.isEmpty ? "||\n" : "| " + cells.joined(separator: " | ") + " |\n"
    }

    func cells(_ r: [Value]) -> [String] { r.map { isNullish($0) ? "" : MarkdownWriter.cell(graph.displayText($0)) } }

    /// The blank line before a second result, the header and the alignment row (from the rows held).
    func head() -> String {
        var text = results > 0 ? "\n" : ""
        results += 1
        text += line(columns.map { MarkdownWriter.cell($0.name) })
        text += "|" + columns.indices.map { isNumericColumn(columns[$0], rows: rows, index: $0) ? "---:|" : "---|" }.joined() + "\n"
        return text
    }

    func end() throws {
        if !streaming {
            var text = head()
            for r in rows { text += line(cells(r)) }
            try output.write(text)
        }
        streaming = false
        rows = []
        try output.flush()
    }

    /// A table cell: `|` escaped, line breaks as `<br>`.
    static func cell(_ s: String) -> String {
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
