import Synchronization

/// The nodes of one type, column by column.
struct NodeTable: Sendable {
    let type: NodeTypeID
    /// Node ids (slugs) in row order.
    var ids: [String]
    /// One column per field of the type, in `NodeTypeDef.fields` order.
    var columns: [Column]
    /// Line in the file each row came from (for messages).
    var lines: [Int32]
    var count: Int { ids.count }
}

/// The edges of one type: endpoints, attribute columns and adjacency in both directions.
struct EdgeTable: Sendable {
    let type: EdgeTypeID
    /// Row of the `from` node in its type's table, per edge.
    var from: [Int32]
    /// Row of the `to` node in its type's table, per edge.
    var to: [Int32]
    /// One column per field of the type, in `EdgeTypeDef.fields` order.
    var columns: [Column]
    /// Edges leaving each `from`-type node (from → to).
    var outgoing: Adjacency
    /// Edges reaching each `to`-type node (to ← from).
    var incoming: Adjacency
    var count: Int { from.count }
}

/// A loaded network: typed nodes and edges with integer ids, and name indexes.
///
/// The name index of a node type (folded name or alias → rows) and the id index are built on
/// first use, so that a run that never looks a name up never pays for them.
public final class Graph: Sendable {
    public let schema: Schema
    /// The table of each node type and of each edge type: `nodes[t]`, `edges[e]`.
    let nodes: TypeIndexed<NodeTypeID, NodeTable>
    let edges: TypeIndexed<EdgeTypeID, EdgeTable>
    /// Where the network was read from (a folder, or "bundled").
    public let origin: String
    private let nameIndexes: Mutex<[NameIndex?]>
    /// Lookups made per type; the index is built at the third.
    private let lookups: Mutex<[Int]>
    private let ids = Mutex<[String: NodeRef]?>(nil)

    init(schema: Schema, nodes: TypeIndexed<NodeTypeID, NodeTable>, edges: TypeIndexed<EdgeTypeID, EdgeTable>, origin: String) {
        self.schema = schema
        /// Date fields read as `.date` values.
        func markDates(_ columns: inout [Column], _ fields: [FieldDef]) {
            for (i, f) in fields.enumerated() where f.type == .date && i < columns.count {
                if case .string(var sc) = columns[i] { sc.isDate = true; columns[i] = .string(sc) }
                if case .constant(var c) = columns[i] { c.isDate = true; columns[i] = .constant(c) }
            }
        }
        var nodes = nodes, edges = edges
        for t in nodes.indices where t < schema.nodeTypes.endIndex { markDates(&nodes[t].columns, schema[t].fields) }
        for t in edges.indices where t < schema.edgeTypes.endIndex { markDates(&edges[t].columns, schema[t].fields) }
        self.nodes = nodes
        self.edges = edges
        self.origin = origin
        self.nameIndexes = Mutex(Array(repeating: nil, count: nodes.count))
        self.lookups = Mutex(Array(repeating: 0, count: nodes.count))
    }

    /// Folded name or alias → rows, for nodes of type `t`: a byte-keyed table whose payload is
    /// the first row, the others chained through `next`.
    struct NameIndex: Sendable {
        var table: ByteTable
        var next: [Int32]
        func rows(_ key: [UInt8]) -> [Int32] {
            guard let first = key.withUnsafeBytes({ table.find($0) }) else { return [] }
            var out: [Int32] = [], r = Int32(bitPattern: first)
            while r >= 0 { out.append(r); r = next[Int(r)] }
            return out.sorted()
        }
    }

    /// The name index of type `t`, built now if it is not yet.
    func nameIndex(_ t: NodeTypeID) -> NameIndex {
        nameIndexes.withLock { cache in
            if let c = cache[t.index] { return c }
            let def = schema[t], table = nodes[t]
            var index = NameIndex(table: ByteTable(capacity: table.count), next: [Int32](repeating: -1, count: table.count))
            /// Chains row `i` under `key` unless it is already there.
            func add(_ key: String, _ i: Int) {
                var k = key
                k.withUTF8 { p in
                    let raw = UnsafeRawBufferPointer(p)
                    if let first = index.table.find(raw) {
                        var r = Int32(bitPattern: first)
                        while r >= 0 { if Int(r) == i { return }; r = index.next[Int(r)] }
                        // Prepend: the payload becomes the new row.
                        index.next[i] = Int32(bitPattern: first)
                        index.table.replace(raw, UInt32(i))
                    } else {
                        index.table.insert(raw, UInt32(i))
                    }
                }
            }
            let nameCol = def.nameField.map { table.columns[$0] }
            let aliasCol = def.aliasField.map { table.columns[$0] }
            for i in 0..<table.count {
                if case .string(let sc)? = nameCol, let n = sc.string(i) { let f = fold(n); if !f.isEmpty { add(f, i) } }
                if case .list(let l)? = aliasCol { for a in l[i] { let f = fold(a); if !f.isEmpty { add(f, i) } } }
            }
            cache[t.index] = index
            return index
        }
    }

    /// The node whose id is `id`, of any type.
    public func node(withID id: String) -> NodeRef? {
        ids.withLock { cached in
            if cached == nil {
                var m: [String: NodeRef] = [:]
                for t in nodes { for (i, x) in t.ids.enumerated() where m[x] == nil { m[x] = NodeRef(type: t.type, index: i) } }
                cached = m
            }
            return cached![id]
        }
    }

    /// The value of field `field` of node `n`.
    @inline(__always)
    public func field(_ n: NodeRef, _ field: Int) -> Value { nodes[n.type].columns[field].value(Int(n.index)) }

    /// The value of field `field` of edge `e`.
    @inline(__always)
    public func field(_ e: EdgeRef, _ field: Int) -> Value { edges[e.type].columns[field].value(Int(e.index)) }

    /// Latitude and longitude of `n` (its type's coordinate fields), when both are set.
    /// Hot loops take `fields` once (`schema.nodeTypes.mapByID(\.coordinates)`) and pass it in.
    @inline(__always)
    public func position(of n: NodeRef, _ fields: TypeIndexed<NodeTypeID, CoordinateFields?>) -> (lat: Double, lon: Double)? {
        guard let c = fields[n.type], let x = field(n, c.lat).number, let y = field(n, c.lon).number else { return nil }
        return (x, y)
    }

    /// The node's display name: its `name`, or its id when the type has no name.
    public func name(of n: NodeRef) -> String {
        let t = nodes[n.type]
        if let f = schema[n.type].nameField, case .string(let s) = t.columns[f], let v = s.string(Int(n.index)) {
            return v
        }
        return t.ids[Int(n.index)]
    }

    public func id(of n: NodeRef) -> String { nodes[n.type].ids[Int(n.index)] }

    /// The endpoints of an edge.
    public func endpoints(_ e: EdgeRef) -> (from: NodeRef, to: NodeRef) {
        let def = schema[e.type], t = edges[e.type]
        return (NodeRef(type: def.fromType, index: Int(t.from[Int(e.index)])),
                NodeRef(type: def.toType, index: Int(t.to[Int(e.index)])))
    }

    /// A display name for an edge: "from → to" (or "from — to" when undirected).
    public func name(of e: EdgeRef) -> String {
        let (a, b) = endpoints(e)
        return name(of: a) + (schema[e.type].undirected ? " — " : " → ") + name(of: b)
    }

    /// Nodes of `type` (or of any type when nil) whose folded name or alias equals folded `name`.
    ///
    /// The first lookup of a type scans its distinct names with an allocation-free comparison (a
    /// run that looks up a name or two never pays for an index); the third builds the type's index.
    public func lookup(_ name: String, type: NodeTypeID?) -> [NodeRef] {
        let key = fold(name)
        let keyBytes = Array(key.utf8)
        var out: [NodeRef] = []
        for t in type.map({ [$0] }) ?? Array(nodes.indices) {
            let indexed = nameIndexes.withLock { $0[t.index] != nil }
            let count = lookups.withLock { c -> Int in c[t.index] += 1; return c[t.index] }
            if indexed || count > 2 {
                for i in nameIndex(t).rows(keyBytes) { out.append(NodeRef(type: t, index: Int(i))) }
                continue
            }
            let def = schema[t], table = nodes[t]
            guard !keyBytes.isEmpty else { continue }
            var hits = Set<Int32>()
            if let f = def.nameField, case .string(let sc) = table.columns[f] {
                let matching = Set(sc.dictionary.indices.filter { foldedEquals(sc.dictionary[$0], keyBytes) }.map { Int32($0) })
                if !matching.isEmpty { for (i, c) in sc.codes.enumerated() where matching.contains(c) { hits.insert(Int32(i)) } }
            }
            if let a = def.aliasField, case .list(let l) = table.columns[a] {
                for (i, names) in l.enumerated() where !names.isEmpty && names.contains(where: { foldedEquals($0, keyBytes) }) { hits.insert(Int32(i)) }
            }
            for i in hits.sorted() { out.append(NodeRef(type: t, index: Int(i))) }
        }
        return out
    }

    /// All node names of `type` (or of every type), for suggestions and completion.
    public func allNames(type: NodeTypeID?) -> [String] {
        var out: [String] = []
        for t in type.map({ [$0] }) ?? Array(nodes.indices) {
            guard let f = schema[t].nameField, case .string(let s) = nodes[t].columns[f] else { continue }
            for i in 0..<nodes[t].count { if let n = s.string(i) { out.append(n) } }
            if let a = schema[t].aliasField, case .list(let l) = nodes[t].columns[a] {
                for x in l { out.append(contentsOf: x) }
            }
        }
        return out
    }
}
