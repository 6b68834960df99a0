/// `match … | count` (with `where`, `select` or `derive` steps between): the rows' order cannot
/// be seen, so the matcher may bind the pattern in the cheapest order instead of the written
/// one (docs/language.md, "Binding order"). Elsewhere the written order stays, because it is the
/// order of the rows.
///
/// The cost model is greedy, on the network's counts (the way Kuzu and DuckDB's join-order
/// optimisers start): scan first the node variable with the fewest estimated candidates (its
/// name-index hits, else its type's count, a quarter per `{field: value}` filter); then
/// close every edge whose two ends are bound; else walk the edge with the smallest estimated
/// fan-out from a bound end (edges of its types per node of the bound end's type, in the
/// directions the pattern allows, shrunk by the filters of the edge and of the end it reaches);
/// a part of the pattern that shares no variable with the bound ones starts again from its
/// cheapest node. Every such order binds the same set of rows: only their order differs.
enum MatchOrderRule {
    static func apply(_ p: PlanNode, _ graph: Graph) -> PlanNode {
        guard case .count(let input) = p.op, let rewritten = reorder(input, graph) else { return p }
        return PlanNode(.count(rewritten), p.shape, at: p.span)
    }

    /// `n` with its match (found under steps that keep one row per row, or drop some) reordered;
    /// nil when there is none or its order is already the cheapest.
    static func reorder(_ n: PlanNode, _ graph: Graph) -> PlanNode? {
        switch n.op {
        case .match(let m):
            let steps = cheapestSteps(m, graph)
            if steps.map(key) == m.steps.map(key) { return nil }
            return PlanNode(.match(MatchPlan(nodes: m.nodes, edges: m.edges, steps: steps)), n.shape, at: n.span)
        case .filter, .project, .derive:
            guard let c = reorder(n.op.children[0], graph) else { return nil }
            return PlanNode(n.op.replacingChildren([c]), n.shape, at: n.span)
        default:
            return nil
        }
    }

    static func key(_ s: MatchStep) -> [Int] {
        switch s {
        case .scan(let n): [0, n]
        case .expand(let e, let f): [1, e, f]
        case .connect(let e): [2, e]
        }
    }

    /// A filter's estimated selectivity.
    static let filterSelectivity = 0.25

    static func shrunk(_ x: Double, by filters: Int) -> Double {
        (0..<filters).reduce(x) { v, _ in v * filterSelectivity }
    }

    static func cheapestSteps(_ m: MatchPlan, _ g: Graph) -> [MatchStep] {
        let s = g.schema
        func typeCount(_ t: NodeTypeID?) -> Double {
            Double(t.map { g.nodes[$0].count } ?? g.nodes.reduce(0) { $0 + $1.count })
        }
        /// Estimated nodes a variable may bind, and the fraction of its type's nodes that is.
        func estimate(_ i: Int) -> (count: Double, fraction: Double) {
            let v = m.nodes[i]
            let all = max(1, typeCount(v.type))
            // (A name filter became the candidates: it is not among the filters.)
            let c = shrunk(v.candidates.map { Double($0.count) } ?? all, by: v.filters.count)
            return (c, c / all)
        }
        /// Edges reached per bound node when edge `j` is walked from variable `from`.
        func fanOut(_ j: Int, from: Int) -> Double {
            let e = m.edges[j]
            let fromIsA = from == e.a
            let to = fromIsA ? e.b : e.a
            var out = 0.0
            for t in e.types {
                let def = s.edgeTypes[t], edges = Double(g.edges[t].count)
                let asFrom: Bool, asTo: Bool
                switch e.direction {
                case .right: asFrom = fromIsA; asTo = !fromIsA
                case .left: asFrom = !fromIsA; asTo = fromIsA
                case .both: asFrom = true; asTo = true
                }
                if asFrom && (m.nodes[from].type == nil || m.nodes[from].type == def.fromType) {
                    out += edges / max(1, Double(g.nodes[def.fromType].count))
                }
                if asTo && (m.nodes[from].type == nil || m.nodes[from].type == def.toType) {
                    out += edges / max(1, Double(g.nodes[def.toType].count))
                }
            }
            return shrunk(out, by: e.filters.count) * estimate(to).fraction
        }

        var bound = Set<Int>(), done = Set<Int>()
        var steps: [MatchStep] = []
        while done.count < m.edges.count || bound.count < m.nodes.count {
            if let j = m.edges.indices.first(where: { !done.contains($0) && bound.contains(m.edges[$0].a) && bound.contains(m.edges[$0].b) }) {
                steps.append(.connect(edge: j)); done.insert(j); continue
            }
            let walks = m.edges.indices.filter { !done.contains($0) && (bound.contains(m.edges[$0].a) || bound.contains(m.edges[$0].b)) }
            if let j = walks.min(by: { a, b in
                let fa = fanOut(a, from: bound.contains(m.edges[a].a) ? m.edges[a].a : m.edges[a].b)
                let fb = fanOut(b, from: bound.contains(m.edges[b].a) ? m.edges[b].a : m.edges[b].b)
                return fa < fb
            }) {
                let from = bound.contains(m.edges[j].a) ? m.edges[j].a : m.edges[j].b
                steps.append(.expand(edge: j, from: from)); done.insert(j)
                bound.insert(m.edges[j].a); bound.insert(m.edges[j].b)
                continue
            }
            guard let n = m.nodes.indices.filter({ !bound.contains($0) }).min(by: { estimate($0).count < estimate($1).count }) else { break }
            steps.append(.scan(node: n)); bound.insert(n)
        }
        return steps
    }
}
