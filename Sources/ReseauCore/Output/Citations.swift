/// `--cite`: the seed lines behind each result row.
///
/// Every node and edge of the network has a `source` field (Data/README.md), free text such as
/// `002_671a6b7235ccf533.txt:166; michelin derived: … (001_d660dc12dd0e42cd.txt:6); lat, lon: GeoNames …`.
/// A citation is a `FILE.txt:LINE` reference found anywhere in that text (remarks included);
/// named public sources (GeoNames, web pages) and the short `004:139` forms of remarks are not
/// citations: they stay readable in the `source` field itself.
///
/// How a row's facts reach the output (docs/language.md, "Citing sources"):
/// - the row itself holds them: every node and edge value in any of its slots, visible or hidden
///   (`node`, `prev`, `edge`, a join's right side, a match's variables, a path step's edge);
/// - under `--cite` the checker makes the steps that drop slots keep them: `select` carries the
///   input row's values in a hidden column, `group`/`aggregate`/`count` gather every input row's
///   values per group (a `list` aggregate into the hidden column). Nested lists are walked.
/// Without `--cite` none of this is planned: the plans and the rows are the ones of before.
enum Citations {
    /// The hidden column (a name no query can write) that carries the values of replaced rows.
    static let hidden = "\u{1}sources"

    /// An expression holding every slot of a row of `shape`, as a list.
    static func carry(_ shape: Shape) -> TypedExpr {
        .list((0..<shape.width).map { .access(.slot($0), .any) })
    }

    /// The aggregate that gathers, per group, the values of every input row.
    static func aggregate(_ input: Shape) -> AggregateSpec {
        AggregateSpec(function: .list, argument: carry(input), type: .list)
    }

    /// True for the aggregate `aggregate(_:)` makes (for `explain`).
    static func isCarry(_ a: AggregateSpec) -> Bool {
        guard a.function == .list, case .list(let xs)? = a.argument else { return false }
        for (i, x) in xs.enumerated() {
            guard case .access(.slot(i), .any) = x else { return false }
        }
        return true
    }

    /// How `explain` names a column or aggregate the checker added for `--cite`.
    static func explainName(_ name: String) -> String { name == hidden ? "sources (--cite)" : name }

    /// The `FILE.txt:LINE` references in `text`, in order of appearance (repeats kept).
    /// FILE is a run of letters, digits, `_`, `-` and `.` ending in `.txt`; LINE is decimal digits.
    static func references(in text: String) -> [SourceReference] {
        let b = Array(text.utf8)
        var out: [SourceReference] = []
        func isNameByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
        }
        let ext = Array(".txt:".utf8)
        var i = 0
        while i + ext.count < b.count {
            guard b[i] == 0x2E, Array(b[i..<(i + ext.count)]) == ext else { i += 1; continue }
            var start = i
            while start > 0 && isNameByte(b[start - 1]) { start -= 1 }
            var end = i + ext.count, line = 0, digits = 0
            while end < b.count, b[end] >= 0x30, b[end] <= 0x39, digits < 9 {
                line = line * 10 + Int(b[end] - 0x30); end += 1; digits += 1
            }
            if start < i, digits > 0 {
                out.append(SourceReference(file: String(decoding: b[start..<(i + 4)], as: UTF8.self), line: line))
            }
            i = end > i ? end : i + 1
        }
        return out
    }
}

/// One seed line: `file:line`.
struct SourceReference: Hashable, Comparable, Sendable, CustomStringConvertible {
    let file: String
    let line: Int
    init(file: String, line: Int) { self.file = file; self.line = line }
    static func < (a: SourceReference, b: SourceReference) -> Bool { (a.file, a.line) < (b.file, b.line) }
    var description: String { "\(file):\(line)" }
}

/// Collects the citations of result rows; each node's and edge's `source` is read once, each
/// reference is a number (file index << 32 | line) while rows are cited, and its text is made once.
final class Citer {
    let graph: Graph
    private var nodeRefs: TypeIndexed<NodeTypeID, [[UInt64]?]>
    private var edgeRefs: TypeIndexed<EdgeTypeID, [[UInt64]?]>
    private let nodeSource: TypeIndexed<NodeTypeID, Int?>
    private let edgeSource: TypeIndexed<EdgeTypeID, Int?>
    private var files: [String] = []
    private var fileIndex: [String: UInt64] = [:]
    private var texts: [UInt64: Value] = [:]
    private var seen = Set<UInt64>()

    init(graph: Graph) {
        self.graph = graph
        nodeRefs = graph.nodes.mapByID { Array(repeating: nil, count: $0.count) }
        edgeRefs = graph.edges.mapByID { Array(repeating: nil, count: $0.count) }
        nodeSource = graph.schema.nodeTypes.mapByID(\.sourceField)
        edgeSource = graph.schema.edgeTypes.mapByID(\.sourceField)
    }

    /// The `sources` value of a row: its citations, deduplicated, in file and line order.
    func cite(_ row: [Value]) -> Value {
        seen.removeAll(keepingCapacity: true)
        for v in row { collect(v) }
        let files = self.files
        let keys = seen.sorted { a, b in
            let fa = Int(a >> 32), fb = Int(b >> 32)
            if fa != fb { return files[fa] < files[fb] }
            return (a & 0xFFFF_FFFF) < (b & 0xFFFF_FFFF)
        }
        return .list(keys.map { k in
            if let t = texts[k] { return t }
            let t = Value.string("\(files[Int(k >> 32)]):\(k & 0xFFFF_FFFF)")
            texts[k] = t
            return t
        })
    }

    private func collect(_ v: Value) {
        switch v {
        case .node(let n):
            let t = n.type, i = Int(n.index)
            guard t < nodeRefs.endIndex, i < nodeRefs[t].count else { return }
            if nodeRefs[t][i] == nil { nodeRefs[t][i] = read(nodeSource[t].map { graph.nodes[t].columns[$0].value(i) }) }
            for k in nodeRefs[t][i]! { seen.insert(k) }
        case .edge(let e):
            let t = e.type, i = Int(e.index)
            guard t < edgeRefs.endIndex, i < edgeRefs[t].count else { return }
            if edgeRefs[t][i] == nil { edgeRefs[t][i] = read(edgeSource[t].map { graph.edges[t].columns[$0].value(i) }) }
            for k in edgeRefs[t][i]! { seen.insert(k) }
        case .list(let items):
            for x in items { collect(x) }
        default:
            break
        }
    }

    private func read(_ v: Value?) -> [UInt64] {
        guard case .string(let s)? = v else { return [] }
        return Citations.references(in: s).map { r in
            let f: UInt64
            if let x = fileIndex[r.file] { f = x } else { f = UInt64(files.count); fileIndex[r.file] = f; files.append(r.file) }
            return f << 32 | UInt64(UInt32(truncatingIfNeeded: r.line))
        }
    }
}
