/// A one-edge `match` → `EdgeMatch`, a walk of the edge table's adjacency arrays with the
/// pattern's `{field: value}` tests and the `where` conjuncts on it fused in as column tests.
///
/// `match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin` then costs what
/// `twinnings | where from.michelin and to.michelin` costs, instead of binding each variable
/// through the general pattern matcher. Same rows, same order: the general matcher scans the
/// first variable's nodes in row order and walks each one's edges in edge-id order, which is
/// the order of the adjacency arrays. An undirected `-[]-` yields each edge from both ends
/// (once for an edge from a node to itself); parallel edges are separate rows, as before.
///
/// It applies to a pattern of two distinct node variables and one edge of one type, with no
/// `{name: …}` lookup (those start from the name index, already fast), no `id` or string-valued
/// pattern test (those compare as the matcher does, not by dictionary code), and end types that
/// fit the pattern's labels. A `where` conjunct that is not a column test stays in a Filter above.
enum MatchToEdgeScanRule {
    static func apply(_ p: PlanNode, _ graph: Graph) -> PlanNode {
        switch p.op {
        case .match(let m):
            guard let plan = edgeMatch(m, graph) else { return p }
            return absorb(PlanNode(.edgeMatch(plan), p.shape, at: p.span), [], p.shape, p.span, graph)
        case .filter(let input, let conjuncts):
            guard case .edgeMatch = input.op else { return p }
            return absorb(input, conjuncts, p.shape, p.span, graph)
        case .count(let input):
            // Counting needs no order: read the edge table in edge order (under a Filter too) —
            // unless the start node has tests of its own: then the walk skips, node by node, the
            // edges of the nodes that fail them, which beats reading every edge.
            func unordered(_ n: PlanNode) -> PlanNode? {
                if case .edgeMatch(var m) = n.op, !m.anyOrder, m.startTests.isEmpty {
                    m.anyOrder = true
                    return PlanNode(.edgeMatch(m), n.shape, at: n.span)
                }
                if case .filter(let i, let cs) = n.op, let u = unordered(i) { return PlanNode(.filter(u, cs), n.shape, at: n.span) }
                return nil
            }
            guard let u = unordered(input) else { return p }
            return PlanNode(.count(u), p.shape, at: p.span)
        default:
            return p
        }
    }

    /// The edge match with `conjuncts` fused in where they run on columns, and a Filter of the rest.
    static func absorb(_ node: PlanNode, _ conjuncts: [Conjunct], _ shape: Shape, _ span: Span, _ graph: Graph) -> PlanNode {
        guard case .edgeMatch(let m) = node.op else { return node }
        var fused = m.fused, rest: [Conjunct] = []
        let columns = ColumnPredicates(graph: graph), target = ScanTarget.edges(m.edgeType)
        var whenFrom = m.whenFrom, whenTo = m.whenTo
        var startTests = m.startTests, restFrom = m.restFrom, restTo = m.restTo
        let nodeTarget = ScanTarget.nodes(m.startType)
        for c in conjuncts {
            guard let f = rewrite(c.expr, m, startIsFrom: true), let t = rewrite(c.expr, m, startIsFrom: false),
                  columns.scanPredicate(f, target) != nil, columns.scanPredicate(t, target) != nil else {
                rest.append(c); continue
            }
            fused.append(c)
            whenFrom.append(Conjunct(f, c.text)); whenTo.append(Conjunct(t, c.text))
            if let n = rewriteStart(c.expr, m), columns.scanPredicate(n, nodeTarget) != nil {
                startTests.append(Conjunct(n, c.text))
            } else {
                restFrom.append(Conjunct(f, c.text)); restTo.append(Conjunct(t, c.text))
            }
        }
        var plan = EdgeMatchPlan(edgeType: m.edgeType, direction: m.direction, startType: m.startType, startSlot: m.startSlot,
                                 otherSlot: m.otherSlot, edgeSlot: m.edgeSlot, width: m.width, whenFrom: whenFrom, whenTo: whenTo,
                                 fused: fused, text: m.text)
        plan.anyOrder = m.anyOrder
        plan.startTests = startTests; plan.restFrom = restFrom; plan.restTo = restTo
        let scan = PlanNode(.edgeMatch(plan), node.shape, at: node.span)
        return rest.isEmpty ? scan : PlanNode(.filter(scan, rest), shape, at: span)
    }

    /// The edge match a general match plan is equivalent to, or nil.
    static func edgeMatch(_ m: MatchPlan, _ graph: Graph) -> EdgeMatchPlan? {
        let schema = graph.schema
        guard m.nodes.count == 2, m.edges.count == 1, m.steps.count == 2,
              case .scan(let start) = m.steps[0], case .expand(0, let from) = m.steps[1], from == start else { return nil }
        let e = m.edges[0]
        guard e.types.count == 1, e.a != e.b else { return nil }
        let t = e.types[0], def = schema.edgeTypes[t]
        let other = 1 - start
        let sv = m.nodes[start], ov = m.nodes[other]
        guard sv.candidates == nil, ov.candidates == nil else { return nil }
        // Is the start the edge's from, its to, or either (as the matcher walks it)?
        let startIsA = start == e.a
        let direction: Direction
        switch e.direction {
        case .right: direction = startIsA ? .right : .left
        case .left: direction = startIsA ? .left : .right
        case .both: direction = .both
        }
        let startType: NodeTypeID, otherType: NodeTypeID
        switch direction {
        case .right: startType = def.fromType; otherType = def.toType
        case .left: startType = def.toType; otherType = def.fromType
        case .both:
            guard def.fromType == def.toType else { return nil }
            startType = def.fromType; otherType = def.fromType
        }
        guard sv.type == nil || sv.type == startType, ov.type == nil || ov.type == otherType else { return nil }
        // The pattern's tests, as `where` conjuncts on the match's rows.
        let edgeSlot = m.nodes.count
        var tests: [Conjunct] = []
        func test(_ access: Access, _ type: ValueType, _ value: TypedExpr, _ text: String) -> Bool {
            guard case .constant(let v) = value else { return false }
            if case .string = v { return false }
            tests.append(Conjunct(.binary(.eq, .access(access, type), .constant(v), .bool), "\(text) == \(literal(v))"))
            return true
        }
        for (slot, v, type) in [(start, sv, startType), (other, ov, otherType)] {
            for f in v.filters {
                guard f.field != "id", let i = schema.nodeTypes[type].fieldIndex(f.field) else { return nil }
                guard test(.nodeField(slot: slot, type: type, field: i), schema.nodeTypes[type].fields[i].type, f.value,
                           "\(v.name ?? "_").\(f.field)") else { return nil }
            }
        }
        for f in e.filters {
            guard let i = def.fieldIndex(f.field) else { return nil }
            guard test(.edgeField(slot: edgeSlot, type: t, field: i), def.fields[i].type, f.value, "\(e.name ?? "_").\(f.field)") else { return nil }
        }
        let (l, r) = direction == .both ? ("-", "-") : direction == .right ? ("-", "->") : ("<-", "-")
        let text = "(\(sv.name ?? "")) \(l)[\(e.name ?? ""):\(def.name)]\(r) (\(ov.name ?? ""))"
        let plan = EdgeMatchPlan(edgeType: t, direction: direction, startType: startType, startSlot: start, otherSlot: other,
                                 edgeSlot: edgeSlot, width: m.nodes.count + m.edges.count, whenFrom: [], whenTo: [], fused: [], text: text)
        // Every pattern test must run on columns, or the general matcher keeps the pattern.
        let fusedAll = absorb(PlanNode(.edgeMatch(plan), Shape()), tests, Shape(), .none, graph)
        guard case .edgeMatch(let result) = fusedAll.op else { return nil }
        return result
    }

    /// A constant as the query would write it (`"signed"`, `@2021-10`, `(-3)`).
    static func literal(_ v: Value) -> String {
        switch v {
        case .node, .edge: "…"
        default: ASTPrinter.value(v)
        }
    }

    /// `e` with each field read replaced by `leaf`'s rewrite of it, through constants, `not`,
    /// negation and binary operators; nil when `leaf` refuses a read or `e` holds anything else.
    static func mapFieldReads(_ e: TypedExpr, _ leaf: (TypedExpr) -> TypedExpr?) -> TypedExpr? {
        switch e {
        case .constant: return e
        case .unary(let op, let x, let t):
            return mapFieldReads(x, leaf).map { .unary(op, $0, t) }
        case .binary(let op, let a, let b, let t):
            guard let x = mapFieldReads(a, leaf), let y = mapFieldReads(b, leaf) else { return nil }
            return .binary(op, x, y, t)
        default:
            return leaf(e)
        }
    }

    /// `e`, when it reads only the start node, rewritten to read a node row (slot 0) of its type.
    static func rewriteStart(_ e: TypedExpr, _ m: EdgeMatchPlan) -> TypedExpr? {
        mapFieldReads(e) { read in
            switch read {
            case .access(.nodeField(let slot, let type, let field), let vt), .nodeField(.access(.slot(let slot), _), let type, let field, let vt):
                guard slot == m.startSlot, type == m.startType else { return nil }
                return .access(.nodeField(slot: 0, type: type, field: field), vt)
            default:
                return nil
            }
        }
    }

    /// `e`, written on the match's rows, rewritten to read the edge row of a column scan of the
    /// edge table: the start node is the edge's `from` end when `startIsFrom`, else its `to`.
    static func rewrite(_ e: TypedExpr, _ m: EdgeMatchPlan, startIsFrom: Bool) -> TypedExpr? {
        func end(_ slot: Int) -> Bool? {
            if slot == m.startSlot { return !startIsFrom }
            if slot == m.otherSlot { return startIsFrom }
            return nil
        }
        return mapFieldReads(e) { read in
            switch read {
            case .access(.nodeField(let slot, let type, let field), let vt), .nodeField(.access(.slot(let slot), _), let type, let field, let vt):
                guard let to = end(slot) else { return nil }
                return .nodeField(.access(.edgeEnd(slot: 0, to: to), .node(type)), type: type, field: field, vt)
            case .access(.edgeField(let slot, let type, let field), let vt), .edgeField(.access(.slot(let slot), _), let type, let field, let vt):
                guard slot == m.edgeSlot else { return nil }
                return .access(.edgeField(slot: 0, type: type, field: field), vt)
            default:
                return nil
            }
        }
    }
}
