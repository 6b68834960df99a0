/// The `csv` format: RFC 4180 with LF line endings.
///
/// - Fields are separated by commas; records end with LF (not CRLF: Unix tools expect it, and
///   RFC 4180 readers such as Python's `csv` module accept both).
/// - A field is quoted when it contains a comma, a double quote, CR or LF, or starts or ends
///   with a space or a tab; quotes inside are doubled.
/// - Null is an empty field; an empty string value is `""`, so the two stay distinct (an empty
///   list is an empty field). A record whose only field is empty is written `""`, so that it is
///   not read as a blank line.
/// - The header row holds the column names, unless `header == false`.
/// - Values print as `Graph.displayText` does (lists joined by `; `, nodes by name).
/// - Rows are written as they come. Several results are separated by a blank line.
final class CSVWriter: DelimitedWriter {
    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        super.init(options: options, graph: graph, output: output, separator: ",", field: CSVWriter.field)
    }

    override func row(_ values: [Value]) throws {
        var line = ""
        for (i, v) in values.enumerated() {
            if i > 0 { line += "," }
            if case .string("") = v { line += "\"\""; continue }
            if !isNullish(v) { line += CSVWriter.field(graph.displayText(v)) }
        }
        try output.write((line.isEmpty ? "\"\"" : line) + "\n")
    }

    /// One CSV field, quoted when needed.
    static func field(_ s: String) -> String {
        var quote = false
        for b in s.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { quote = true; break }
        if !quote, let f = s.unicodeScalars.first, let l = s.unicodeScalars.last {
            quote = f == " " || f == "\t" || l == " " || l == "\t"
        }
        if !quote { return s }
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}

/// The `tsv` format: tab-separated values with the escapes of PostgreSQL's and MySQL's text
/// format, so that every record is one line.
///
/// - Inside a field, `\` is written `\\`, a tab `\t`, LF `\n` and CR `\r`; nothing else is escaped.
/// - Null and the empty string are both an empty field.
/// - The header row holds the column names (escaped the same way), unless `header == false`.
/// - Values print as `Graph.displayText` does. Rows are written as they come; several results
///   are separated by a blank line.
final class TSVWriter: DelimitedWriter {
    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        super.init(options: options, graph: graph, output: output, separator: "\t", field: TSVWriter.field)
    }

    /// One TSV field, escaped.
    static func field(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D { needs = true; break }
        if !needs { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// What CSV and TSV share: a header of escaped names, one line per row of escaped fields
/// (null empty), rows written as they come, a blank line between results.
class DelimitedWriter: ResultWriter {
    let options: OutputOptions
    let graph: Graph
    let output: TextOutput
    let separator: String
    let field: (String) -> String
    var results = 0

    init(options: OutputOptions, graph: Graph, output: TextOutput, separator: String, field: @escaping (String) -> String) {
        self.options = options; self.graph = graph; self.output = output
        self.separator = separator; self.field = field
    }

    func begin(_ columns: [ResultColumn]) throws {
        var text = results > 0 ? "\n" : ""
        results += 1
        if options.header { text += columns.map { field($0.name) }.joinedPlain(separator) + "\n" }
        if !text.isEmpty { try output.write(text) }
    }

    func row(_ values: [Value]) throws {
        try output.write(values.map { isNullish($0) ? "" : field(graph.displayText($0)) }.joinedPlain(separator) + "\n")
    }

    func end() throws { try output.flush() }
}
