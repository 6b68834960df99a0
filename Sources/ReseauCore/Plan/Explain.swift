/// `explain`: the plan as an indented tree, one operator a line, with its arguments.
public enum Explain {
    public static func lines(_ p: PlanNode, graph: Graph) -> [String] {
        var out: [String] = []
        render(p, graph, 0, &out)
        return out
    }

    static func render(_ p: PlanNode, _ g: Graph, _ depth: Int, _ out: inout [String]) {
        let pad = String(repeating: "  ", count: depth)
        let s = g.schema
        func line(_ t: String) { out.append(pad + t) }
        func types(_ ts: [Int]) -> String { ts.map { s.edgeTypes[$0].name }.joined(separator: ", ") }
        func keys(_ ks: [SortSpec]) -> String { ks.map { $0.text + ($0.descending ? " desc" : "") }.joined(separator: ", ") }
        let cols = p.shape.columns.map(\.name).joined(separator: ", ")
        switch p.op {
        case .scanNodes(let t): line("ScanNodes \(s.nodeTypes[t].source) (\(g.nodes[t].count) rows)")
        case .scanEdges(let t): line("ScanEdges \(s.edgeTypes[t].source) (\(g.edges[t].count) rows)")
        case .lookupNodes(let t, let refs, let name):
            line("LookupByName \(t.map { s.nodeTypes[$0].name } ?? "node") \"\(name)\" via name index (\(refs.count) match\(refs.count == 1 ? "" : "es"))")
        case .rows(let name, let rows): line("Rows \(name) (\(rows.count) rows)")
        case .input: line("Input (the current row's node)")
        case .shortestPath(let a, let b, let via, let max):
            line("ShortestPath \"\(g.name(of: a))\" to \"\(g.name(of: b))\" via \(via.isEmpty ? "all edges" : types(via)) max \(max) (breadth-first)")
        case .match(let m):
            line("Match (\(m.nodes.count) node\(m.nodes.count == 1 ? "" : "s"), \(m.edges.count) edge\(m.edges.count == 1 ? "" : "s"))")
            for st in m.steps {
                switch st {
                case .scan(let i):
                    let v = m.nodes[i]
                    let what = v.candidates != nil ? "LookupByName" : "ScanNodes"
                    line("  \(what) \(v.name ?? "_")\(v.type.map { ":" + s.nodeTypes[$0].name } ?? "")\(v.filters.isEmpty ? "" : " {" + v.filters.map(\.field).joined(separator: ", ") + "}")")
                case .expand(let j, let f):
                    let e = m.edges[j]
                    let other = f == e.a ? e.b : e.a
                    line("  Expand \(m.nodes[f].name ?? "_") -[\(e.name ?? "")\(e.types.count == s.edgeTypes.count ? "" : ":" + types(e.types))]- \(m.nodes[other].name ?? "_")")
                case .connect(let j):
                    let e = m.edges[j]
                    line("  Connect \(m.nodes[e.a].name ?? "_") -[\(e.name ?? ""):\(types(e.types))]- \(m.nodes[e.b].name ?? "_")")
                }
            }
            return
        case .filter(let i, _, let t): line("Filter \(t)"); render(i, g, depth + 1, &out)
            // (A filter on a scan that tests only the scanned table's fields runs fused with it.)
        case .project(let i, _, let names): line("Project \(names.joined(separator: ", "))"); render(i, g, depth + 1, &out)
        case .derive(let i, _, let names): line("Derive \(names.joined(separator: ", "))"); render(i, g, depth + 1, &out)
        case .sort(let i, let k): line("Sort \(keys(k)) (stable)"); render(i, g, depth + 1, &out)
        case .topK(let i, let k, let n): line("TopK \(n) by \(keys(k))"); render(i, g, depth + 1, &out)
        case .limit(let i, let n): line("Limit \(n)"); render(i, g, depth + 1, &out)
        case .skip(let i, let n): line("Skip \(n)"); render(i, g, depth + 1, &out)
        case .distinct(let i, _): line("Distinct on \(cols)"); render(i, g, depth + 1, &out)
        case .count(let i): line("Count"); render(i, g, depth + 1, &out)
        case .hashAggregate(let i, let k, let a, let names):
            line("HashAggregate keys [\(names.joined(separator: ", "))] aggregates [\(a.map { $0.function.rawValue }.joined(separator: ", "))]")
            _ = k
            render(i, g, depth + 1, &out)
        case .expand(let i, _, let t, let d, let kind):
            line("Expand \(d == .right ? "out" : d == .left ? "in" : "both ways") \(types(t))\(kind.map { " (kind \($0))" } ?? "")")
            render(i, g, depth + 1, &out)
        case .follow(let i, _, let t, let a, let b): line("FollowBFS \(types(t)) depth \(a)..\(b)"); render(i, g, depth + 1, &out)
        case .nearest(let i, _, let t, let f, let k):
            line("Nearest \(s.nodeTypes[t].source) k=\(k)\(f == nil ? "" : " with filter")")
            render(i, g, depth + 1, &out)
        case .hashJoin(let l, let r, let lk, _, let res):
            line("HashJoin on \(lk.count) key\(lk.count == 1 ? "" : "s")\(res == nil ? "" : " with residual filter")")
            render(l, g, depth + 1, &out); render(r, g, depth + 1, &out)
        case .nestedLoopJoin(let l, let r, _):
            line("NestedLoopJoin")
            render(l, g, depth + 1, &out); render(r, g, depth + 1, &out)
        }
    }
}
