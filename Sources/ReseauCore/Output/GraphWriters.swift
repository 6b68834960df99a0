/// A writer that draws the network a result holds (`dot`, `graphml`, `svg`). `Session` calls
/// this `begin` instead of `ResultWriter.begin`, and appends to each row, after the visible
/// values, the values of `hidden`: those of `networkHiddenColumns` the rows have (a node row's
/// `node`; a graph step's `prev` node, `edge` and, for `nearest`, `km`).
public protocol NetworkWriter: ResultWriter {
    func begin(_ columns: [ResultColumn], hidden: [ResultColumn], query: QueryText) throws
}

/// The hidden columns a `NetworkWriter` receives, when the rows have them.
let networkHiddenColumns = ["node", "prev", "edge", "km"]

/// The text of the query a result comes from (a map's title) and where it is (for errors).
public struct QueryText: Sendable {
    public let source: SourceText
    public let span: Span
    /// Ctrl-C and `--timeout` for a writer whose `end()` does much work (a map of many cities).
    public let cancellation: CancellationFlag?
    public init(source: SourceText, span: Span, cancellation: CancellationFlag? = nil) {
        self.source = source; self.span = span; self.cancellation = cancellation
    }
    /// The query's text, on one line.
    public var text: String {
        let lo = Swift.max(0, Swift.min(span.start, source.bytes.count)), hi = Swift.max(lo, Swift.min(span.end, source.bytes.count))
        let raw = String(decoding: source.bytes[lo..<hi], as: UTF8.self)
        return raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// The nodes and links a result holds, for the `dot` and `graphml` formats.
///
/// - Every node value in any cell is a node; every edge value is a link (with its endpoints
///   added as nodes), labelled with its edge type.
/// - A row that holds no edge value links its consecutive node values (in column order):
///   `twinnings` rows (`from`, `to`) or `match (a)-[:member]->(o)` rows. The link is the
///   graph's edge between the two nodes when all edges between them are of one type (the
///   first such edge, in edge-id order); otherwise an unlabelled, undirected link.
/// - A `path` result (an int `step` column, one node per row) links the node of each row whose
///   `step` is one more than the previous row's to that row's node, through an edge of the
///   type named in the row's `edge` column when there is one.
/// - The rows of a graph step (`twins`, `out`, `in`, `follow`, `nearest`) bring their hidden
///   `node`, `prev` and `edge` (see `NetworkWriter`): the edge is a link; a `nearest` row, which
///   has no edge, links `prev` to its node with an undirected link labelled `nearest (N km)`.
///   A node row's hidden `node` is a node even when no visible column holds it (`cities`).
/// - Nodes are deduplicated (by node), edges by edge, other links by their ends and label.
///   Order is that of first appearance.
struct GraphCollector {
    struct Link {
        var from: NodeRef
        var to: NodeRef
        /// The edge type name, or a path's `edge` text, or "".
        var label: String
        /// The edge type name for graph edges, nil for links made up from a row.
        var type: String?
        var directed: Bool
    }

    enum LinkKey: Hashable {
        case edge(EdgeRef)
        case made(NodeRef, NodeRef, String, Bool)
    }

    let graph: Graph
    var columns: [ResultColumn] = []
    var nodes: [NodeRef] = []
    var nodeSet = Set<NodeRef>()
    var links: [Link] = []
    var linkSet = Set<LinkKey>()
    var stepColumn: Int?
    var edgeColumn: Int?
    var previous: (step: Int, node: NodeRef)?
    /// Positions of the hidden columns in a row (after the visible ones), when given.
    var hiddenNode: Int?, hiddenPrev: Int?, hiddenEdge: Int?, hiddenKm: Int?
    /// A `path` result's nodes in step order (for the map's numbered chain).
    var pathSteps: [(step: Int, node: NodeRef)] = []

    init(graph: Graph) { self.graph = graph }

    var hasDirected: Bool { links.contains { $0.directed } }

    mutating func begin(_ columns: [ResultColumn], hidden: [ResultColumn] = []) {
        self.columns = columns
        nodes = []; nodeSet = []; links = []; linkSet = []; previous = nil; pathSteps = []
        stepColumn = columns.firstIndex { $0.name == "step" }
        edgeColumn = columns.firstIndex { $0.name == "edge" }
        func at(_ name: String) -> Int? { hidden.firstIndex { $0.name == name }.map { columns.count + $0 } }
        hiddenNode = at("node"); hiddenPrev = at("prev"); hiddenEdge = at("edge"); hiddenKm = at("km")
    }

    mutating func add(_ n: NodeRef) {
        if nodeSet.insert(n).inserted { nodes.append(n) }
    }

    mutating func add(_ e: EdgeRef) {
        let (a, b) = graph.endpoints(e)
        add(a); add(b)
        guard linkSet.insert(.edge(e)).inserted else { return }
        let def = graph.schema[e.type]
        links.append(Link(from: a, to: b, label: def.name, type: def.name, directed: !def.undirected))
    }

    /// Links `a` and `b` through a graph edge of type `typeName` (or of the only type that
    /// joins them), else with a made-up link labelled `typeName ?? ""`.
    mutating func link(_ a: NodeRef, _ b: NodeRef, typeName: String?) {
        guard a != b else { return }
        let found = edges(between: a, b, typeName: typeName)
        if let first = found.first, typeName != nil || found.allSatisfy({ $0.type == first.type }) {
            add(first)
            return
        }
        let label = typeName ?? ""
        let key = LinkKey.made(min(a, b), max(a, b), label, false)
        guard linkSet.insert(key).inserted else { return }
        links.append(Link(from: a, to: b, label: label, type: nil, directed: false))
    }

    /// The edges joining `a` and `b` in either direction, of type `typeName` when given.
    func edges(between a: NodeRef, _ b: NodeRef, typeName: String?) -> [EdgeRef] {
        var out: [EdgeRef] = []
        for (t, def) in graph.schema.edgeTypes.withIDs {
            if let typeName, def.name != typeName { continue }
            let table = graph.edges[t]
            for (x, y) in [(a, b), (b, a)] where x.type == def.fromType && y.type == def.toType {
                for k in table.outgoing.range(x.index) {
                    let e = table.outgoing.edges[k]
                    if table.to[Int(e)] == y.index { out.append(EdgeRef(type: t, index: Int(e))) }
                }
            }
        }
        return out.sorted()
    }

    mutating func row(_ values: [Value]) {
        var rowNodes: [NodeRef] = []
        var sawEdge = false
        func collect(_ v: Value) {
            switch v {
            case .node(let n): rowNodes.append(n)
            case .edge(let e): sawEdge = true; add(e)
            case .list(let l): for x in l { collect(x) }
            default: break
            }
        }
        for v in values.prefix(columns.count) { collect(v) }
        for n in rowNodes { add(n) }
        func hidden(_ i: Int?) -> Value? { i.flatMap { $0 < values.count ? values[$0] : nil } }
        if case .node(let n)? = hidden(hiddenNode) { add(n) }
        if case .edge(let e)? = hidden(hiddenEdge) {
            add(e)
            sawEdge = true
        } else if case .node(let p)? = hidden(hiddenPrev), case .node(let n)? = hidden(hiddenNode), p != n {
            // `nearest`: no edge joins the start and the city found.
            add(p)
            var label = "nearest"
            if let km = hidden(hiddenKm)?.number, km.isFinite, abs(km) < 1e9 { label += " (\(Int(km.rounded())) km)" }
            let key = LinkKey.made(p, n, label, false)
            if linkSet.insert(key).inserted { links.append(Link(from: p, to: n, label: label, type: nil, directed: false)) }
            sawEdge = true
        }
        if let s = stepColumn, s < values.count, case .int(let step) = values[s], let node = rowNodes.first {
            if !sawEdge, let p = previous, p.step + 1 == step {
                var typeName: String? = nil
                if let ec = edgeColumn, ec < values.count, case .string(let t) = values[ec] { typeName = t }
                link(p.node, node, typeName: typeName)
            }
            previous = (step, node)
            pathSteps.append((step, node))
            return
        }
        if !sawEdge && rowNodes.count >= 2 {
            for i in 1..<rowNodes.count { link(rowNodes[i - 1], rowNodes[i], typeName: nil) }
        }
    }
}

/// The `dot` format (Graphviz): the nodes and edges of a result (see `GraphCollector`).
///
/// ```
/// digraph reseau {
///   "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
///   "rivm" [label="RIVM", type="org"];
///   "clermont-ferrand" -> "rivm" [label="member", type="member"];
/// }
/// ```
///
/// `graph … { a -- b }` when every link is undirected; `digraph … { a -> b }` when any edge
/// type is directed, undirected links then carrying `dir=none`. Node ids are the node ids,
/// quoted. Written at `end()`; a result with no node is an empty (valid) graph. Several results
/// are several graphs, separated by a blank line (`dot` reads them all).
final class DOTWriter: NetworkWriter {
    let graph: Graph
    let output: TextOutput
    var collector: GraphCollector
    var results = 0

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
        collector = GraphCollector(graph: graph)
    }

    func begin(_ columns: [ResultColumn]) throws { collector.begin(columns) }
    func begin(_ columns: [ResultColumn], hidden: [ResultColumn], query: QueryText) throws { collector.begin(columns, hidden: hidden) }
    func row(_ values: [Value]) throws { collector.row(values) }

    func end() throws {
        let directed = collector.hasDirected
        var text = results > 0 ? "\n" : ""
        results += 1
        text += (directed ? "digraph" : "graph") + " reseau {\n"
        for n in collector.nodes {
            text += "  \(DOTWriter.quoted(graph.id(of: n))) [label=\(DOTWriter.quoted(graph.name(of: n))), type=\(DOTWriter.quoted(graph.schema[n.type].name))];\n"
        }
        for l in collector.links {
            var attrs: [String] = []
            if !l.label.isEmpty { attrs.append("label=" + DOTWriter.quoted(l.label)) }
            if let t = l.type { attrs.append("type=" + DOTWriter.quoted(t)) }
            if directed && !l.directed { attrs.append("dir=none") }
            text += "  \(DOTWriter.quoted(graph.id(of: l.from))) \(directed ? "->" : "--") \(DOTWriter.quoted(graph.id(of: l.to)))"
            text += (attrs.isEmpty ? "" : " [" + attrs.joined(separator: ", ") + "]") + ";\n"
        }
        text += "}\n"
        try output.write(text)
        try output.flush()
    }

    /// A DOT quoted string: `"` and `\` escaped, line breaks as `\n`, other controls (ESC, DEL,
    /// C1) as U+FFFD.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n", "\r", "\r\n": out += "\\n"
            case "\t": out.append(c)
            default:
                // Terminal controls (ESC, DEL, C1) never reach the output raw.
                if c.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                    out += "\u{FFFD}"
                } else {
                    out.append(c)
                }
            }
        }
        return out + "\""
    }
}

/// The `graphml` format: the nodes and edges of a result (see `GraphCollector`) as GraphML.
///
/// Keys `label` and `type` are declared for nodes (`n_label`, `n_type`) and for edges
/// (`e_label`, `e_type`). Node ids are the node ids; edges get ids `e0`, `e1`…. The graph's
/// `edgedefault` is `directed` when any edge type is directed, else `undirected`; an edge whose
/// direction differs says so with `directed="…"`. Text is XML-escaped, and characters XML 1.0
/// forbids become U+FFFD. Written at `end()`; a result with no node is an empty graph. Several
/// results are several documents, one after another.
final class GraphMLWriter: NetworkWriter {
    let graph: Graph
    let output: TextOutput
    var collector: GraphCollector

    init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output
        collector = GraphCollector(graph: graph)
    }

    func begin(_ columns: [ResultColumn]) throws { collector.begin(columns) }
    func begin(_ columns: [ResultColumn], hidden: [ResultColumn], query: QueryText) throws { collector.begin(columns, hidden: hidden) }
    func row(_ values: [Value]) throws { collector.row(values) }

    func end() throws {
        let directed = collector.hasDirected
        var text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
          <key id="n_label" for="node" attr.name="label" attr.type="string"/>
          <key id="n_type" for="node" attr.name="type" attr.type="string"/>
          <key id="e_label" for="edge" attr.name="label" attr.type="string"/>
          <key id="e_type" for="edge" attr.name="type" attr.type="string"/>
          <graph id="reseau" edgedefault="\(directed ? "directed" : "undirected")">

        """
        for n in collector.nodes {
            text += "    <node id=\"\(GraphMLWriter.escape(graph.id(of: n)))\">"
            text += "<data key=\"n_label\">\(GraphMLWriter.escape(graph.name(of: n)))</data>"
            text += "<data key=\"n_type\">\(GraphMLWriter.escape(graph.schema[n.type].name))</data></node>\n"
        }
        for (i, l) in collector.links.enumerated() {
            text += "    <edge id=\"e\(i)\" source=\"\(GraphMLWriter.escape(graph.id(of: l.from)))\" target=\"\(GraphMLWriter.escape(graph.id(of: l.to)))\""
            if l.directed != directed { text += " directed=\"\(l.directed)\"" }
            var data = ""
            if !l.label.isEmpty { data += "<data key=\"e_label\">\(GraphMLWriter.escape(l.label))</data>" }
            if let t = l.type { data += "<data key=\"e_type\">\(GraphMLWriter.escape(t))</data>" }
            text += data.isEmpty ? "/>\n" : ">" + data + "</edge>\n"
        }
        text += "  </graph>\n</graphml>\n"
        try output.write(text)
        try output.flush()
    }

    /// `s` escaped for XML text and attribute values; DEL and C1 controls as character references.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else if (0x7F...0x9F).contains(c.value) {
                    // DEL and the C1 controls: valid XML, but not raw on a terminal.
                    let hex = Array("0123456789ABCDEF")
                    out += "&#x" + String([hex[Int(c.value >> 4)], hex[Int(c.value & 15)]]) + ";"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }
}
