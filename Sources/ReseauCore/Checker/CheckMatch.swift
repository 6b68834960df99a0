extension Checker {
    /// Checks a `match` and chooses the order in which its variables are bound: start from a
    /// node the pattern names (`{name: "RIVM"}`, found through the name index), then walk the
    /// pattern's edges from bound nodes; a part that shares no name with the rest is a cross product.
    func checkMatch(_ patterns: [PathPattern]) throws(Diagnostic) -> PlanNode {
        var nodes: [MatchNodeVar] = []
        var nodeIndex: [String: Int] = [:]
        var edges: [MatchEdgeVar] = []
        var edgeNames: Set<String> = []
        var nodeSpans: [Span] = []

        func filters(_ props: [(Name, Expr)], fields: [String], what: String) throws(Diagnostic) -> [(field: String, value: TypedExpr)] {
            var out: [(field: String, value: TypedExpr)] = []
            for (n, e) in props {
                guard fields.contains(n.text) else {
                    throw fail("unknown field '\(n.text)' on \(what)", n.span, hint: suggest(n.text, fields), notes: ["fields: " + fields.joined(separator: ", ")])
                }
                out.append((n.text, .constant(try constant(e))))
            }
            return out
        }

        func addNode(_ p: NodePattern) throws(Diagnostic) -> Int {
            var type: NodeTypeID? = nil
            if let l = p.label {
                guard let t = schema.nodeType(named: l.text) else {
                    let names = schema.nodeTypes.map(\.name)
                    throw fail("unknown node type '\(l.text)'", l.span, hint: suggest(l.text, names), notes: ["node types: " + names.joined(separator: ", ")])
                }
                type = t
            }
            // The name property follows the lookup rules (aliases, case, accents); an untyped
            // node has only its id and a name.
            let nameKey = type.map { schema.nodeTypes[$0].roles.name } ?? "name"
            let fieldNames = type.map { ["id"] + schema.nodeTypes[$0].fields.map(\.name) } ?? ["id", "name"]
            var fs = try filters(p.properties, fields: fieldNames, what: type.map { schema.nodeTypes[$0].name } ?? "node")
            var candidates: [NodeRef]? = nil
            if let nameKey, let i = fs.firstIndex(where: { $0.field == nameKey }) {
                guard case .constant(.string(let name)) = fs[i].value else { throw fail("'\(nameKey)' must be a string", p.span) }
                candidates = graph.lookup(name, type: type)
                if candidates!.isEmpty {
                    let close = closestNames(to: name, in: graph.allNames(type: type), limit: 3)
                    let e = p.properties.first { $0.0.text == nameKey }!.1
                    throw fail("no \(type.map { schema.nodeTypes[$0].name } ?? "node") named \"\(name)\"", e.span,
                               hint: close.isEmpty ? nil : "did you mean " + close.map { "\"\($0)\"" }.joined(separator: " or ") + "?")
                }
                fs.remove(at: i)
            }
            if let v = p.variable {
                if let existing = nodeIndex[v.text] {
                    let old = nodes[existing]
                    if let t = type, let ot = old.type, t != ot {
                        throw fail("'\(v.text)' is already a \(schema.nodeTypes[ot].name)", p.span)
                    }
                    if !fs.isEmpty || candidates != nil || (type != nil && old.type == nil) {
                        nodes[existing] = MatchNodeVar(name: old.name, type: old.type ?? type, filters: old.filters + fs,
                                                       candidates: candidates ?? old.candidates)
                    }
                    return existing
                }
                if edgeNames.contains(v.text) { throw fail("'\(v.text)' is already an edge", v.span) }
                nodeIndex[v.text] = nodes.count
            }
            nodes.append(MatchNodeVar(name: p.variable?.text, type: type, filters: fs, candidates: candidates))
            nodeSpans.append(p.span)
            return nodes.count - 1
        }

        for pattern in patterns {
            var prev = try addNode(pattern.start)
            for (e, n) in pattern.hops {
                var types: [EdgeTypeID] = []
                for l in e.labels { types.append(try edgeType(l)) }
                if let v = e.variable {
                    if nodeIndex[v.text] != nil || !edgeNames.insert(v.text).inserted {
                        throw fail("'\(v.text)' is already used in this pattern", v.span)
                    }
                }
                let anyTypes = types.isEmpty ? Array(schema.edgeTypes.indices) : types
                let fieldNames: [String] = anyTypes.count == 1 ? schema.edgeTypes[anyTypes[0]].fields.map(\.name)
                    : Array(Set(anyTypes.flatMap { schema.edgeTypes[$0].fields.map(\.name) })).sorted()
                let fs = try filters(e.properties, fields: fieldNames, what: types.count == 1 ? "\(schema.edgeTypes[types[0]].name) edges" : "these edges")
                let next = try addNode(n)
                edges.append(MatchEdgeVar(name: e.variable?.text, types: types.isEmpty ? Array(schema.edgeTypes.indices) : types,
                                          direction: e.direction, a: prev, b: next, filters: fs))
                prev = next
            }
        }

        // Binding order.
        var bound = Set<Int>(), done = Set<Int>()
        var steps: [MatchStep] = []
        func pickNode() -> Int? {
            let free = nodes.indices.filter { !bound.contains($0) }
            return free.first { nodes[$0].candidates != nil } ?? free.first
        }
        while done.count < edges.count || bound.count < nodes.count {
            if let e = edges.indices.first(where: { !done.contains($0) && bound.contains(edges[$0].a) && bound.contains(edges[$0].b) }) {
                steps.append(.connect(edge: e)); done.insert(e); continue
            }
            if let e = edges.indices.first(where: { !done.contains($0) && (bound.contains(edges[$0].a) || bound.contains(edges[$0].b)) }) {
                let from = bound.contains(edges[e].a) ? edges[e].a : edges[e].b
                steps.append(.expand(edge: e, from: from)); done.insert(e)
                bound.insert(edges[e].a); bound.insert(edges[e].b)
                continue
            }
            guard let n = pickNode() else { break }
            steps.append(.scan(node: n)); bound.insert(n)
        }

        if !nodes.contains(where: { $0.name != nil }) && !edges.contains(where: { $0.name != nil }) {
            throw fail("this pattern names no node or edge, so its rows would have no columns", patterns[0].start.span,
                       hint: "name what you want back: (a:city)")
        }
        var s = Shape()
        s.width = nodes.count + edges.count
        var seen = Set<String>()
        for (i, n) in nodes.enumerated() {
            if let name = n.name, seen.insert(name).inserted {
                s.columns.append(ColumnInfo(name: name, type: .node(n.type), access: .slot(i)))
            }
        }
        for (i, e) in edges.enumerated() {
            if let name = e.name {
                s.columns.append(ColumnInfo(name: name, type: .edge(e.types.count == 1 ? e.types[0] : nil), access: .slot(nodes.count + i)))
            }
        }
        // Keep the columns in the order the names were first written.
        var order: [String: Int] = [:]
        for p in patterns {
            for v in [p.start.variable] + p.hops.flatMap({ [$0.0.variable, $0.1.variable] }) {
                if let v, order[v.text] == nil { order[v.text] = order.count }
            }
        }
        s.columns.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }
        return PlanNode(.match(MatchPlan(nodes: nodes, edges: edges, steps: steps)), s)
    }
}
