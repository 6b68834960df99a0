/// The `table` format: aligned columns for people, in the style of DuckDB's shell.
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
/// - Null is `options.nullText` (`∅`, dimmed with `color`); an empty string is an empty cell.
/// - Line breaks inside a cell show as `↵`, a tab as a space, and other control characters
///   as their Unicode control pictures (U+2400…), so that a row stays on one line.
/// - With `terminalWidth`, the table fits in that many cells: only text columns are cut (with
///   `…`, the widest first, never below `textFloor` cells or their header); numbers, dates, booleans,
///   short codes (every value at most `rigidWidth` cells) and headers are never cut. When even
///   that does not fit, whole columns are left out from the middle, a `…` column stands in for
///   them, and a footer names them.
/// - With `maxRows`, at most that many rows are shown: the first half and the last half, with
///   a `⋮` row between, and the footer says `N rows (M shown)`. Only those rows are kept in
///   memory.
/// - With `isTerminal`, a footer `(N rows)` / `(1 row)` follows the table.
/// - With `header == false`, neither the header nor the underline is printed.
/// - No line ends with a space. Rows are buffered until `end()` and written line by line —
///   except when every row is written (no `maxRows`: a pipe, a file): then only the first
///   `widthRows` rows are held; they decide the widths and alignment, and later rows are
///   written as they come. A later cell wider than its column is written whole (its line is
///   pushed right), never cut — except in a column fitted to `terminalWidth`, which cuts it
///   with `…` as it cuts the first rows. Several results are separated by a blank line.
public final class TableWriter: ResultWriter {
    let options: OutputOptions
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []
    /// The first rows (all of them without `maxRows`).
    var rows: [[Value]] = []
    /// The last rows, a ring of `tailCapacity` starting at `tailStart`, once `rows` is full.
    var tail: [[Value]] = []
    var tailStart = 0
    var total = 0
    var results = 0

    /// Columns never shrink below this many cells when fitting the terminal.
    public static let minimumColumnWidth = 6
    /// Text columns are cut to no fewer cells than this (or their header) before whole columns
    /// are left out.
    public static let textFloor = 10
    /// A text column whose values are all at most this wide is a code: never cut.
    public static let rigidWidth = 10
    /// Rows shown on a terminal unless `.maxrows` says otherwise.
    public static let defaultMaxRows = 40

    public init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.options = options; self.graph = graph; self.output = output
    }

    var headCapacity: Int { options.maxRows.map { max(1, ($0 + 1) / 2) } ?? Int.max }
    var tailCapacity: Int { options.maxRows.map { max(0, $0 - ($0 + 1) / 2) } ?? 0 }

    /// Rows that decide the columns' widths and alignment when every row is written (no
    /// `maxRows`: pipes, files, `.maxrows 0`). A longer result is written as it comes after
    /// them, so that a table holds at most this many rows, like the other formats hold none.
    public static let widthRows = 1_000
    /// Set by tests to make the first batch smaller.
    public var streamAfter = TableWriter.widthRows

    /// How the columns are laid out, decided once from the rows held (all of them, or the
    /// first `streamAfter` of a longer result).
    struct Layout {
        var keep: [Int]
        var gapAfter: Int?
        var widths: [Int]
        var right: [Bool]
        /// Columns cut to fit a terminal (text) may cut a later, wider cell; the others never.
        var rigid: [Bool]
        var footer: [String]
    }
    /// The layout of the result being streamed (nil while its rows are held).
    var layout: Layout?

    public func begin(_ columns: [ResultColumn]) throws {
        self.columns = columns
        rows = []
        tail = []
        tailStart = 0
        total = 0
        layout = nil
    }

    public func row(_ values: [Value]) throws {
        total += 1
        if let layout {
            try output.write(line(cells(values), layout, bold: false))
            return
        }
        if rows.count < headCapacity {
            rows.append(values)
            // Every row is written (no cap): past the first batch, stop holding them.
            if options.maxRows == nil && rows.count >= streamAfter {
                let cells = rows.map(cells)
                let l = makeLayout(cells, rows)
                layout = l
                rows = []
                try writeHead(l)
                for c in cells { try output.write(line(c, l, bold: false)) }
            }
            return
        }
        let cap = tailCapacity
        guard cap > 0 else { return }
        if tail.count < cap { tail.append(values) } else {
            tail[tailStart] = values
            tailStart = (tailStart + 1) % cap
        }
    }

    /// A batch of rows (`ResultStream` hands over the rows it held). When every row is written
    /// (no `maxRows`) and none is held yet, the layout is decided from the batch's first
    /// `streamAfter` rows, as `row` would decide it, without copying them: the batch is the
    /// only buffer of the result.
    public func rows(_ batch: [[Value]]) throws {
        guard options.maxRows == nil, layout == nil, rows.isEmpty, !columns.isEmpty, !batch.isEmpty else {
            for r in batch { try row(r) }
            return
        }
        total += batch.count
        if batch.count < streamAfter {
            // Shorter than a batch: laid out at `end`, as row by row. (The array is shared, not copied.)
            rows = batch
            return
        }
        let sample = batch.prefix(streamAfter)
        let cells = sample.map(cells)
        let l = makeLayout(cells, Array(sample))
        layout = l
        try writeHead(l)
        for c in cells { try output.write(line(c, l, bold: false)) }
        for r in batch.dropFirst(sample.count) { try output.write(line(self.cells(r), l, bold: false)) }
    }

    /// The texts of a row's cells (nil: null).
    func cells(_ r: [Value]) -> [String?] { r.map { isNullish($0) ? nil : TableWriter.visible(graph.displayText($0)) } }

    /// Widths, alignment and the columns that fit, from `shown` (their `cells`).
    func makeLayout(_ cells: [[String?]], _ shown: [[Value]]) -> Layout {
        let n = columns.count
        var footer: [String] = []
        let heads = columns.map { TableWriter.visible($0.name) }
        let right = (0..<n).map { isNumericColumn(columns[$0], rows: shown, index: $0) }
        let nullWidth = displayWidth(options.nullText)
        var widths = [Int](repeating: 0, count: n)
        var valueWidths = [Int](repeating: 0, count: n)
        for r in cells { for i in 0..<n { valueWidths[i] = max(valueWidths[i], r[i].map { displayWidth($0) } ?? nullWidth) } }
        let headWidths = heads.map { displayWidth($0) }
        for i in 0..<n { widths[i] = max(valueWidths[i], options.header ? headWidths[i] : 0) }
        var keep = Array(0..<n)
        var gapAfter: Int? = nil   // the `…` column stands after this position of `keep`
        var rigid = [Bool](repeating: true, count: n)
        if let limit = options.terminalWidth {
            rigid = (0..<n).map { i -> Bool in
                switch columns[i].type {
                case .int, .decimal, .date, .bool: return true
                default: return right[i] || valueWidths[i] <= TableWriter.rigidWidth
                }
            }
            let floors = (0..<n).map { i in
                rigid[i] ? widths[i] : min(widths[i], max(options.header ? headWidths[i] : 0, TableWriter.textFloor))
            }
            (keep, gapAfter) = TableWriter.columnsThatFit(floors, into: limit)
            let room = limit - (gapAfter == nil ? 0 : 3)
            let fitted = TableWriter.fit(keep.map { widths[$0] }, floors: keep.map { floors[$0] }, into: room)
            for (k, i) in keep.enumerated() { widths[i] = fitted[k] }
            if keep.count == 1 && widths[keep[0]] > limit { widths[keep[0]] = max(1, limit); rigid[keep[0]] = false }
            let dropped = (0..<n).filter { !keep.contains($0) }
            if !dropped.isEmpty {
                footer.append("\(dropped.count) column\(dropped.count == 1 ? "" : "s") not shown: "
                              + dropped.map { heads[$0] }.joined(separator: ", ") + " (.format line shows them all)")
            }
        }
        return Layout(keep: keep, gapAfter: gapAfter, widths: widths, right: right, rigid: rigid, footer: footer)
    }

    /// One line of the table. A cell wider than its column is cut with `…` only in a column
    /// fitted to the terminal's width; elsewhere (a row after the first batch that is wider)
    /// it is written whole and pushes the rest of its line to the right.
    func line(_ texts: [String?], _ l: Layout, bold: Bool, filler: String = "…") -> String {
        var s = ""
        for (k, i) in l.keep.enumerated() {
            if k > 0 { s += "  " }
            var t = texts[i] ?? options.nullText
            var w = displayWidth(t)
            if w > l.widths[i], !l.rigid[i] { t = truncated(t, toWidth: l.widths[i]); w = displayWidth(t) }
            let pad = String(repeating: " ", count: max(0, l.widths[i] - w))
            var styled = t
            if options.color {
                if texts[i] == nil { styled = "\u{1B}[2m" + t + "\u{1B}[0m" }
                else if bold && !t.isEmpty { styled = "\u{1B}[1m" + t + "\u{1B}[0m" }
            }
            s += l.right[i] ? pad + styled : styled + pad
            if k == l.gapAfter { s += "  " + filler }
        }
        while s.last == " " { s.removeLast() }
        return s + "\n"
    }

    /// The blank line before a second result, the header and its underline.
    func writeHead(_ l: Layout) throws {
        if results > 0 { try output.write("\n") }
        results += 1
        guard !columns.isEmpty, options.header else { return }
        try output.write(line(columns.map { TableWriter.visible($0.name) }, l, bold: true))
        try output.write(line((0..<columns.count).map { String(repeating: "─", count: l.widths[$0]) }, l, bold: false, filler: "─"))
    }

    public func end() throws {
        var footer: [String] = []
        var hidden = 0
        if let layout {
            footer = layout.footer
            self.layout = nil
        } else {
            let tailRows = Array(tail[tailStart...] + tail[..<tailStart])
            let shown = rows + tailRows
            hidden = total - shown.count
            let cells = shown.map(cells)
            let l = makeLayout(cells, shown)
            footer = l.footer
            try writeHead(l)
            if !columns.isEmpty {
                for r in cells.prefix(rows.count) { try output.write(line(r, l, bold: false)) }
                if hidden > 0 { try output.write(line([String?](repeating: "⋮", count: columns.count), l, bold: false, filler: "⋮")) }
                for r in cells.dropFirst(rows.count) { try output.write(line(r, l, bold: false)) }
            }
        }
        if options.isTerminal || hidden > 0 {
            let count = total == 1 ? "1 row" : "\(total) rows"
            footer.insert(hidden > 0 ? "\(count) (\(total - hidden) shown; .maxrows changes it)" : "(\(count))", at: 0)
        }
        rows = []
        tail = []
        if !footer.isEmpty {
            let lines = footer.flatMap { TableWriter.wrapped($0, width: options.terminalWidth) }
            try output.write(lines.joined(separator: "\n") + "\n")
        }
        try output.flush()
    }

    /// The columns (positions) kept when every column needs at least `floors[i]` cells and the
    /// table must fit in `limit`: all of them if they fit; else as many as fit taken from both
    /// ends towards the middle (left first), with room for a `…` column (3 cells) after the last
    /// one taken from the left (returned as its position in the kept list). At least one column.
    public static func columnsThatFit(_ floors: [Int], into limit: Int) -> (keep: [Int], gapAfter: Int?) {
        let n = floors.count
        if floors.reduce(0, +) + 2 * max(0, n - 1) <= limit { return (Array(0..<n), nil) }
        var left: [Int] = [], right: [Int] = []
        var used = 3   // "  …"
        var l = 0, r = n - 1
        var fromLeft = true
        while l <= r {
            let i = fromLeft ? l : r
            let cost = floors[i] + (left.isEmpty && right.isEmpty ? 0 : 2)
            if used + cost > limit { if left.isEmpty { left.append(i) }; break }
            used += cost
            if fromLeft { left.append(i); l += 1 } else { right.insert(i, at: 0); r -= 1 }
            fromLeft.toggle()
        }
        return (left + right, left.count - 1)
    }

    /// `text` in lines of at most `width` cells, broken at spaces (a word longer than a line
    /// stays whole); nil width: one line.
    public static func wrapped(_ text: String, width: Int?) -> [String] {
        guard let width, width > 0, displayWidth(text) > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty { current = String(word); continue }
            if displayWidth(current) + 1 + displayWidth(word) > width {
                lines.append(current)
                current = String(word)
            } else {
                current += " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Widths with the columns' floors: `fit(_:into:)` where only columns above their floor shrink.
    public static func fit(_ widths: [Int], floors: [Int], into limit: Int) -> [Int] {
        var w = widths
        var excess = w.reduce(0, +) + 2 * max(0, w.count - 1) - limit
        while excess > 0 {
            var top = -1
            for i in w.indices where w[i] > floors[i] && (top < 0 || w[i] > w[top]) { top = i }
            if top < 0 { break }
            w[top] -= 1
            excess -= 1
        }
        return w
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
