import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// `explain`: the physical plan that runs, as an indented tree, one operator a line, with the
/// planner's choices (`ColumnScan … filter(…)`, `HashJoin keys(…)`, `DenseAggregate`…) and the
/// subplans of `in (…)` and `exists(…)` under the operator that evaluates them.
/// With a profile (`explain analyze`), each line ends with the rows the operator produced and
/// the time spent in it (its inputs and the operators it feeds excluded; a subplan's time is
/// part of the operator that runs it).
enum Explain {
    static func lines(_ p: PlanNode, graph: Graph, profile: Profile? = nil) -> [String] {
        var out: [String] = []
        render(p, graph, profile, 0, &out)
        return out
    }

    static func render(_ p: PlanNode, _ g: Graph, _ profile: Profile?, _ depth: Int, _ out: inout [String], readByParent: Bool = false) {
        let pad = String(repeating: "  ", count: depth)
        var suffix = ""
        if let profile {
            let st = profile.stats(p)
            let childNs = p.op.children.reduce(UInt64(0)) { $0 + profile.stats($1).ns }
            let selfNs = st.ns > childNs ? st.ns - childNs : 0
            suffix = st.calls == 0 ? (readByParent ? "  (read on its columns by the operator above)" : "  (never ran)") : "  (rows \(st.rows), \(fixedPoint(Double(selfNs) / 1e6, digits: 3)) ms)"
        }
        var line = describe(p, g)
        // A scan's first conjunct that the planner chose to run as a selection loop: say so.
        if case .columnScan(_, let cs) = p.op, let first = cs.first, first.selectionLoop {
            line += ", \(first.text) as a selection loop"
        }
        out.append(pad + line + suffix)
        for (kind, sub) in subplans(p.op) {
            out.append(pad + "  " + (kind == "in" ? "Subplan in (…): run once, its values hashed" : "Subplan exists(…): run once for each node, from the node, until its first row"))
            render(sub, g, profile, depth + 2, &out)
        }
        if case .match(let m) = p.op { matchSteps(m, g, pad, &out) }
        var columnRead = false
        if case .columnAggregate = p.op { columnRead = true }
        for c in p.op.children { render(c, g, profile, depth + 1, &out, readByParent: columnRead) }
    }

    /// The subplans of the operator's expressions.
    static func subplans(_ op: PlanOp) -> [(kind: String, plan: PlanNode)] {
        var found: [(kind: String, plan: PlanNode)] = []
        _ = op.mappingExpressions { e in found += e.subplans; return e }
        return found
    }

    static func describe(_ p: PlanNode, _ g: Graph) -> String {
        let s = g.schema
        func types(_ ts: [EdgeTypeID]) -> String { ts.map { s[$0].name }.joined(separator: ", ") }
        func keys(_ ks: [SortSpec]) -> String { ks.map { $0.text + ($0.descending ? " desc" : "") }.joined(separator: ", ") }
        func filter(_ cs: [Conjunct]) -> String { cs.map(\.text).joined(separator: " and ") }
        func table(_ t: ScanTarget) -> String {
            switch t {
            case .nodes(let n): "\(s[n].source) (\(g.nodes[n].count) rows)"
            case .edges(let e): "\(s[e].source) (\(g.edges[e].count) rows)"
            }
        }
        func aggs(_ a: [AggregateSpec]) -> String {
            a.map { Citations.isCarry($0) ? "sources (--cite: every row's facts; no column-aggregate fast path)" : $0.function.rawValue }.joined(separator: ", ")
        }
        let cols = p.shape.columns.map(\.name).joined(separator: ", ")
        switch p.op {
        case .scanNodes(let t): return "ScanNodes \(table(.nodes(t)))"
        case .scanEdges(let t): return "ScanEdges \(table(.edges(t)))"
        case .columnScan(let t, let cs): return "ColumnScan \(table(t)) filter(\(filter(cs)))"
        case .lookupNodes(let t, let refs, let name):
            return "LookupByName \(t.map { s.nodeTypes[$0].name } ?? "node") \"\(name)\" via name index (\(refs.count) match\(refs.count == 1 ? "" : "es"))"
        case .rows(let name, let rows): return "Rows \(name) (\(rows.count) rows)"
        case .input: return "Input (the current row's node)"
        case .shortestPath(let a, let b, let via, let max):
            return "ShortestPath \"\(g.name(of: a))\" to \"\(g.name(of: b))\" via \(via.isEmpty ? "all edges" : types(via)) max \(max) (breadth-first)"
        case .match(let m):
            return "Match (\(m.nodes.count) node\(m.nodes.count == 1 ? "" : "s"), \(m.edges.count) edge\(m.edges.count == 1 ? "" : "s"))"
        case .edgeMatch(let m):
            let walk = m.anyOrder ? "in edge order (counted: no order needed)"
                : m.direction == .both ? "both ways" : m.direction == .right ? "from each from-node" : "from each to-node"
            return "EdgeMatch \(m.text) as a walk of \(s.edgeTypes[m.edgeType].source) (\(g.edges[m.edgeType].count) rows) \(walk)"
                + (m.fused.isEmpty ? "" : " filter(\(filter(m.fused)))")
                + (m.anyOrder || m.startTests.isEmpty ? "" : ", skipping the nodes that fail \(filter(m.startTests))")
        case .filter(_, let cs): return "Filter \(filter(cs))"
        case .project(_, _, let names): return "Project \(names.map(Citations.explainName).joined(separator: ", "))"
        case .derive(_, _, let names): return "Derive \(names.joined(separator: ", "))"
        case .sort(_, let k): return "Sort \(keys(k)) (stable)"
        case .topK(_, let k, let n): return "TopK \(n) by \(keys(k))"
        case .limit(_, let n): return "Limit \(n)"
        case .takePer(_, _, let k, let t): return "TakePer \(k) per \(t) (first rows of each group, in order)"
        case .append(_, _, let d, let t):
            return t > 0 ? "Append (the totals row last)" : d ? "Union (rows already written dropped)" : "Append (all rows kept)"
        case .skip(_, let n): return "Skip \(n)"
        case .distinct: return "Distinct on \(cols)"
        case .count: return "Count"
        case .hashAggregate(_, _, let a, let names):
            return "HashAggregate keys [\(names.joined(separator: ", "))] aggregates [\(aggs(a))]"
        case .denseAggregate(_, _, let a, let names, let t):
            return "DenseAggregate keys [\(names.joined(separator: ", "))] aggregates [\(aggs(a))] (groups by \(s.nodeTypes[t].name) row, no hashing)"
        case .columnAggregate(_, _, let a, let names):
            return "ColumnAggregate keys [\(names.joined(separator: ", "))] aggregates [\(aggs(a))] (on the column arrays, no input rows)"
        case .expand(_, _, let t, let d, let kind):
            return "Expand \(d == .right ? "out" : d == .left ? "in" : "both ways") \(types(t))\(kind.map { " (kind \($0))" } ?? "")"
        case .follow(_, _, let t, let a, let b): return "FollowBFS \(types(t)) depth \(a)..\(b)"
        case .nearest(_, _, let t, let f, let k): return "Nearest \(s.nodeTypes[t].source) k=\(k)\(f == nil ? "" : " with filter")"
        case .join: return "Join (unplanned)"
        case .hashJoin(let l, let r, let lk, let rk, let res, let outer):
            // The right side's name: `right`, or the one `join … as NAME` gave it.
            let side = p.shape.namespaces.keys.sorted().first { l.shape.namespaces[$0] == nil } ?? "right"
            let pairs = zip(lk, rk).map { "\(text($0, l.shape, g)) = \(side).\(text($1, r.shape, g))" }
            return "HashJoin\(outer ? " left outer" : "") keys(\(pairs.joined(separator: ", ")))\(res == nil ? "" : " with residual filter")"
        case .nestedLoopJoin(_, _, _, let outer): return "NestedLoopJoin\(outer ? " left outer" : "")"
        case .output(_, let spec):
            let names = spec.columns.map(\.name) + (spec.cite ? ["sources (--cite)"] : [])
            let shown = names.count > 8 ? names.prefix(6).joined(separator: ", ") + ", … (\(names.count) columns)" : names.joined(separator: ", ")
            return "Output \(shown)" + (spec.hidden.isEmpty ? "" : " + for the drawing: \(spec.hidden.map(\.name).joined(separator: ", "))")
        }
    }

    static func matchSteps(_ m: MatchPlan, _ g: Graph, _ pad: String, _ out: inout [String]) {
        let s = g.schema
        func types(_ ts: [EdgeTypeID]) -> String { ts.map { s[$0].name }.joined(separator: ", ") }
        for st in m.steps {
            switch st {
            case .scan(let i):
                let v = m.nodes[i]
                let what = v.candidates != nil ? "LookupByName" : "ScanNodes"
                out.append(pad + "  \(what) \(v.name ?? "_")\(v.type.map { ":" + s.nodeTypes[$0].name } ?? "")\(v.filters.isEmpty ? "" : " {" + v.filters.map(\.field).joined(separator: ", ") + "}")")
            case .expand(let j, let f):
                let e = m.edges[j]
                let other = f == e.a ? e.b : e.a
                out.append(pad + "  Expand \(m.nodes[f].name ?? "_") -[\(e.name ?? "")\(e.types.count == s.edgeTypes.count ? "" : ":" + types(e.types))]- \(m.nodes[other].name ?? "_")")
            case .connect(let j):
                let e = m.edges[j]
                out.append(pad + "  Connect \(m.nodes[e.a].name ?? "_") -[\(e.name ?? ""):\(types(e.types))]- \(m.nodes[e.b].name ?? "_")")
            }
        }
    }

    /// A key expression as text: the name of the column it reads, else a short form.
    static func text(_ e: TypedExpr, _ shape: Shape, _ g: Graph) -> String {
        switch e {
        case .access(let a, _):
            if let c = shape.columns.first(where: { $0.access == a }) { return c.name }
            if let c = shape.hidden.values.first(where: { $0.access == a }) { return c.name }
            return "…"
        case .nodeField(let b, let t, let f, _): return text(b, shape, g) + "." + g.schema.nodeTypes[t].fields[f].name
        case .edgeField(let b, let t, let f, _): return text(b, shape, g) + "." + g.schema.edgeTypes[t].fields[f].name
        case .nodeID(let b): return text(b, shape, g) + ".id"
        case .constant(let v): return MatchToEdgeScanRule.literal(v)
        case .call(let b, let xs, _): return "\(b.rawValue)(\(xs.map { text($0, shape, g) }.joined(separator: ", ")))"
        default: return "…"
        }
    }
}

/// Rows out and time of each operator of a run (`explain analyze`).
final class Profile: @unchecked Sendable {
    public struct Stats { public var rows = 0; public var ns: UInt64 = 0; public var calls = 0 }
    var table: [ObjectIdentifier: Stats] = [:]
    init() {}
    func stats(_ p: PlanNode) -> Stats { table[ObjectIdentifier(p)] ?? Stats() }
    func add(_ p: PlanNode, rows: Int, ns: UInt64) {
        var s = table[ObjectIdentifier(p)] ?? Stats()
        s.rows += rows; s.ns &+= ns; s.calls += 1
        table[ObjectIdentifier(p)] = s
    }
}
