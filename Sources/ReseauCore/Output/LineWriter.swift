/// The `line` format (`.format line`, like sqlite3's `.mode line`): one `field = value` per
/// line, field names right-aligned, a blank line between rows, for rows too wide for a table.
///
/// ```
///       name = Clermont-Ferrand
/// population = 147284
/// ```
///
/// - Values are never cut; control characters are shown as in the table (`TableWriter.visible`).
/// - Null is `options.nullText`. `header` does not apply.
/// - Rows are written as they come. Several results are separated by a blank line too.
final class LineWriter: ResultWriter {
    let options: OutputOptions
    let graph: Graph
    let output: TextOutput
    var names: [String] = []
    /// Rows of this result; whether anything was written before (a blank line goes between).
    var rowsWritten = 0
    var started = false

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.options = options; self.graph = graph; self.output = output
    }

    func begin(_ columns: [ResultColumn]) throws {
        let heads = columns.map { TableWriter.visible($0.name) }
        let width = heads.map { displayWidth($0) }.max() ?? 0
        names = heads.map { String(repeating: " ", count: width - displayWidth($0)) + $0 }
        rowsWritten = 0
    }

    func row(_ values: [Value]) throws {
        var s = started ? "\n" : ""
        started = true
        rowsWritten += 1
        for (i, name) in names.enumerated() {
            let v = i < values.count ? values[i] : .null
            s += name + " = " + (isNullish(v) ? options.nullText : TableWriter.visible(graph.displayText(v))) + "\n"
        }
        try output.write(s)
    }

    func end() throws {
        if options.isTerminal {
            try output.write((started ? "\n" : "") + "(\(rowsWritten) row\(rowsWritten == 1 ? "" : "s"))\n")
            started = true
        }
        try output.flush()
    }
}
