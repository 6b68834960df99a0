/// JSON text for values, shared by the `json` and `jsonl` formats.
///
/// - Null (and a non-finite decimal) is `null`; ints and decimals are JSON numbers
///   (decimals by `formatDecimal`, so `500928.0` is `500928`); booleans `true`/`false`;
///   strings are escaped (`"`, `\`, control characters, U+2028/U+2029) and otherwise kept
///   as UTF-8; lists are arrays.
/// - A node is an object `{"type": "city", "id": "oyem", …}` with every field of its type in
///   schema order, nulls included; a node-valued field (`org.city`) holds the referenced
///   node's id string, so objects never nest.
/// - An edge is `{"type": "twin", "from": "<id>", "to": "<id>", …its fields}`.
/// - Objects are written on one line, `{"a": 1, "b": "x"}`, keys in column order.
enum JSONText {
    /// A JSON string literal for `s`.
    static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let h = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// The JSON text of `v`; nodes and edges are expanded through `graph`.
    static func value(_ v: Value, graph: Graph) -> String {
        switch v {
        case .null: return "null"
        case .int(let i): return String(i)
        case .decimal(let d): return d.isFinite ? formatDecimal(d) : "null"
        case .string(let s), .date(let s): return string(s)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map { value($0, graph: graph) }.joined(separator: ", ") + "]"
        case .node(let n):
            let def = graph.schema[n.type]
            var pairs = [("type", string(def.name)), ("id", string(graph.id(of: n)))]
            for (i, f) in def.fields.enumerated() { pairs.append((f.name, flat(graph.field(n, i), graph: graph))) }
            return object(pairs)
        case .edge(let e):
            let def = graph.schema[e.type]
            let (a, b) = graph.endpoints(e)
            var pairs = [("type", string(def.name)), ("from", string(graph.id(of: a))), ("to", string(graph.id(of: b)))]
            for (i, f) in def.fields.enumerated() { pairs.append((f.name, flat(graph.field(e, i), graph: graph))) }
            return object(pairs)
        }
    }

    /// A field value inside a node or edge object: nodes and edges as ids, not objects.
    static func flat(_ v: Value, graph: Graph) -> String {
        switch v {
        case .node(let n): string(graph.id(of: n))
        case .edge(let e): string(graph.name(of: e))
        case .list(let l): "[" + l.map { flat($0, graph: graph) }.joined(separator: ", ") + "]"
        default: value(v, graph: graph)
        }
    }

    /// `{"k": v, …}` from already-encoded values.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    /// One result row as an object keyed by the column names, in column order.
    static func row(_ values: [Value], columns: [ResultColumn], graph: Graph) -> String {
        var s = "{"
        for (i, c) in columns.enumerated() {
            if i > 0 { s += ", " }
            s += string(c.name) + ": " + value(i < values.count ? values[i] : .null, graph: graph)
        }
        return s + "}"
    }
}

/// The `json` format: each result is one array of row objects, one object per line:
///
/// ```
/// [
///   {"name": "Oyem", "population": 30000},
///   {"name": "Maebashi", "population": null}
/// ]
/// ```
///
/// An empty result is `[]`. Several results are several arrays, one after another. Rows are
/// written as they come. See `JSONText` for values. `header` does not apply.
final class JSONWriter: ResultWriter {
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []
    var count = 0

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
    }

    func begin(_ columns: [ResultColumn]) throws {
        self.columns = columns
        count = 0
    }

    func row(_ values: [Value]) throws {
        try output.write((count == 0 ? "[\n  " : ",\n  ") + JSONText.row(values, columns: columns, graph: graph))
        count += 1
    }

    func end() throws {
        try output.write(count == 0 ? "[]\n" : "\n]\n")
        try output.flush()
    }
}

/// The `jsonl` format (JSON Lines): one row object per line, nothing else; an empty result
/// writes nothing. See `JSONText` for values. `header` does not apply.
final class JSONLinesWriter: ResultWriter {
    let graph: Graph
    let output: TextOutput
    var columns: [ResultColumn] = []

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
    }

    func begin(_ columns: [ResultColumn]) throws { self.columns = columns }

    func row(_ values: [Value]) throws {
        try output.write(JSONText.row(values, columns: columns, graph: graph) + "\n")
    }

    func end() throws { try output.flush() }
}
