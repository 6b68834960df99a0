/// The `table` format: aligned columns for people.
///
/// ```
/// name              population
/// ────────────────  ──────────
/// Clermont-Ferrand      147284
/// Oyem                       ∅
/// ```
///
/// - Columns are separated by two spaces; the header is underlined with `─` (U+2500).
///   Widths are in terminal cells (`displayWidth`), so accents and CJK characters align.
/// - Numeric columns (see `isNumericColumn`) are right-aligned, header included; others left.
/// - Null is `∅` (dimmed with `color`); an empty string is an empty cell.
/// - Line breaks inside a cell show as `↵`, a tab as a space, and other control characters
///   as their Unicode control pictures (U+2400…), so that a row stays on one line.
/// - Cells are cut with `…` only when `terminalWidth` is set and the table is wider than it:
///   the widest columns shrink first, never below 6 cells (or their natural width).
/// - With `isTerminal`, a footer `(N rows)` / `(1 row)` follows the table.
/// - With `header == false`, neither the header nor the underline is printed.
/// - No line ends with a space. Rows are buffered until `end()`. Several results are
///   separated by a blank line.
public final class TableWriter: ResultWriter {
    let options: OutputOptions
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []
    var rows: [[Value]] = []
    var results = 0

    /// Columns never shrink below this many cells when fitting the terminal.
    public static let minimumColumnWidth = 6

    public init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.options = options; self.graph = graph; self.output = output
    }

    public func begin(_ columns: [ResultColumn]) throws {
        self.columns = columns
        rows = []
    }

    public func row(_ values: [Value]) throws { rows.append(values) }

    public func end() throws {
        var text = results > 0 ? "\n" : ""
        results += 1
        let n = columns.count
        if n > 0 {
            // Cell texts (nil: null) and widths.
            let cells: [[String?]] = rows.map { r in r.map { isNullish($0) ? nil : TableWriter.visible(graph.displayText($0)) } }
            let heads = columns.map { TableWriter.visible($0.name) }
            let right = (0..<n).map { isNumericColumn(columns[$0], rows: rows, index: $0) }
            var widths = [Int](repeating: 0, count: n)
            if options.header { for i in 0..<n { widths[i] = displayWidth(heads[i]) } }
            for r in cells { for i in 0..<n { widths[i] = max(widths[i], r[i].map { displayWidth($0) } ?? 1) } }
            if let limit = options.terminalWidth { widths = TableWriter.fit(widths, into: limit) }

            func line(_ texts: [String?], bold: Bool) -> String {
                var s = ""
                for i in 0..<n {
                    if i > 0 { s += "  " }
                    var t = texts[i] ?? "∅"
                    var w = displayWidth(t)
                    if w > widths[i] { t = truncated(t, toWidth: widths[i]); w = displayWidth(t) }
                    let pad = String(repeating: " ", count: widths[i] - w)
                    var styled = t
                    if options.color {
                        if texts[i] == nil { styled = "\u{1B}[2m" + t + "\u{1B}[0m" }
                        else if bold && !t.isEmpty { styled = "\u{1B}[1m" + t + "\u{1B}[0m" }
                    }
                    s += right[i] ? pad + styled : styled + pad
                }
                while s.last == " " { s.removeLast() }
                return s + "\n"
            }

            if options.header {
                text += line(heads, bold: true)
                text += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
            }
            for r in cells { text += line(r, bold: false) }
        }
        if options.isTerminal { text += rows.count == 1 ? "(1 row)\n" : "(\(rows.count) rows)\n" }
        rows = []
        try output.write(text)
        try output.flush()
    }

    /// Column widths shrunk so that the table (columns plus two-space gaps) fits in `limit`
    /// cells: the widest column loses a cell at a time, and no column goes below
    /// `min(its width, minimumColumnWidth)`. When even that is too wide, the floors are returned.
    public static func fit(_ widths: [Int], into limit: Int) -> [Int] {
        var w = widths
        let floors = widths.map { min($0, minimumColumnWidth) }
        var excess = w.reduce(0, +) + 2 * max(0, w.count - 1) - limit
        while excess > 0 {
            // The widest column that can still shrink, and the next width down.
            var top = -1
            for i in w.indices where w[i] > floors[i] && (top < 0 || w[i] > w[top]) { top = i }
            if top < 0 { break }
            let widest = w[top]
            var next = floors[top]
            for i in w.indices where w[i] < widest && w[i] > next { next = w[i] }
            let tied = w.indices.filter { w[$0] == widest && w[$0] > floors[$0] }
            // Bring every tied column down towards `next`, a cell at a time across them.
            var step = min(widest - max(next, tied.map { floors[$0] }.max() ?? 0), (excess + tied.count - 1) / tied.count)
            if step <= 0 { step = 1 }
            for i in tied where excess > 0 {
                let d = min(step, excess, w[i] - floors[i])
                w[i] -= d
                excess -= d
            }
        }
        return w
    }

    /// `s` with control characters made visible so a cell stays on one line.
    static func visible(_ s: String) -> String {
        TerminalText.escape(s, .cell)
    }
}
