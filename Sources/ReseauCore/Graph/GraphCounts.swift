/// Row counts of a loaded network, for the command line's `.tables`, `.schema` and
/// `reseau check` — the public view of the tables, whose columns and adjacency stay inside the
/// engine (docs/architecture.md, "Public surface").
extension Graph {
    /// Rows of node type `t`.
    public func count(_ t: NodeTypeID) -> Int { nodes[t].count }
    /// Rows of edge type `t`.
    public func count(_ t: EdgeTypeID) -> Int { edges[t].count }
    /// Nodes of every type.
    public var nodeCount: Int { nodes.reduce(0) { $0 + $1.count } }
    /// Edges of every type.
    public var edgeCount: Int { edges.reduce(0) { $0 + $1.count } }
    /// Edges of type `t` at node `n`, leaving it plus reaching it (a loop counts twice); 0 when
    /// `n` is not of one of the type's end types.
    public func degree(_ n: NodeRef, _ t: EdgeTypeID) -> Int {
        let table = edges[t], def = schema[t]
        var d = 0
        if n.type == def.fromType { d += table.outgoing.degree(n.index) }
        if n.type == def.toType { d += table.incoming.degree(n.index) }
        return d
    }
}
