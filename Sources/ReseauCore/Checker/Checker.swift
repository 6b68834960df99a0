/// A result bound by `let`: its shape and rows.
struct Binding_: Sendable {
    let shape: Shape
    let rows: [[Value]]
}

/// Resolves a parsed query against the schema, the network's names, parameters and `let`
/// bindings; type-checks it; and produces its plan. Unknown names get "did you mean" from the
/// names valid at that point.
struct Checker {
    let graph: Graph
    let params: [String: Value]
    let bindings: [String: Binding_]
    let source: SourceText
    let limits: Limits
    /// Where warnings go (none are kept when nil).
    let warnings: WarningSink?
    /// Polled by the checker's own long loops (the name search); nil: never stopped.
    var cancellation: CancellationFlag? = nil
    /// `--cite`: steps that replace rows keep the input's values for the `sources` column
    /// (Output/Citations.swift). Off, the plans are exactly those of a run without it.
    var cite = false
    var schema: Schema { graph.schema }

    init(graph: Graph, params: [String: Value], bindings: [String: Binding_], source: SourceText, limits: Limits, warnings: WarningSink? = nil) {
        self.graph = graph; self.params = params; self.bindings = bindings; self.source = source; self.limits = limits
        self.warnings = warnings
    }

    func warn(_ message: String, _ span: Span, hint: String? = nil) {
        var d = Diagnostic(.check, message, at: span, hint: hint)
        d.isWarning = true
        warnings?.items.append(d)
    }

    func text(_ span: Span) -> String {
        let b = source.bytes
        var s = min(max(0, span.start), b.count), e = min(max(s, span.end), b.count)
        // A parenthesised expression's span leaves out its outer parentheses: take them back.
        var open = b[s..<e].filter { $0 == 0x28 }.count, close = b[s..<e].filter { $0 == 0x29 }.count
        while open > close, e < b.count, b[e] == 0x29 { e += 1; close += 1 }
        while close > open, s > 0, b[s - 1] == 0x28 { s -= 1; open += 1 }
        return String(decoding: b[s..<e], as: UTF8.self)
    }

    func fail(_ message: String, _ span: Span, hint: String? = nil, notes: [String] = []) -> Diagnostic {
        Diagnostic(.check, message, at: span, hint: hint, notes: notes)
    }

    /// "did you mean 'x'?" from `candidates`, or nil.
    func suggest(_ name: String, _ candidates: [String]) -> String? {
        closestNames(to: name, in: candidates, limit: 1).first.map { "did you mean '\($0)'?" }
    }

    var sourceNames: [String] {
        schema.nodeTypes.map(\.source) + schema.edgeTypes.map(\.source) + bindings.keys.sorted()
    }

    // MARK: queries

    /// Checks a query and returns its plan.
    func check(_ q: Query) throws(Diagnostic) -> PlanNode {
        var node = try checkSource(q.source)
        for s in q.steps { node = try checkStep(s, node) }
        return node
    }

    func checkSource(_ src: Source) throws(Diagnostic) -> PlanNode {
        try checkSourceOperators(src).located(src.span, below: nil)
    }

    func checkSourceOperators(_ src: Source) throws(Diagnostic) -> PlanNode {
        switch src {
        case .named(let n):
            if let t = schema.nodeType(source: n.text) { return PlanNode(.scanNodes(type: t), .nodeRow(t, schema: schema)) }
            if let t = schema.edgeType(source: n.text) { return PlanNode(.scanEdges(type: t), .edgeRow(t, schema: schema)) }
            if let b = bindings[n.text] { return PlanNode(.rows(name: n.text, rows: b.rows), b.shape) }
            if schema.nodeType(named: n.text) != nil {
                throw fail("'\(n.text)' needs a name", n.span, hint: "write \(n.text) \"…\" to look one up, or \(schema[schema.nodeType(named: n.text)!].source) for all")
            }
            if n.text == "claims" || n.text == "path" || n.text == "match" {
                throw fail("incomplete '\(n.text)'", n.span)
            }
            throw fail("unknown source '\(n.text)'", n.span, hint: suggest(n.text, sourceNames),
                       notes: ["sources: " + sourceNames.joined(separator: ", ") + ", path, match, city \"…\""])
        case .lookup(let typeName, let nameExpr, _):
            guard let t = schema.nodeType(named: typeName.text) else {
                let types = schema.nodeTypes.map(\.name)
                throw fail("unknown node type '\(typeName.text)'", typeName.span, hint: suggest(typeName.text, types),
                           notes: ["node types: " + types.joined(separator: ", ")])
            }
            let (refs, name) = try resolveName(nameExpr, type: t)
            return PlanNode(.lookupNodes(type: t, refs: refs, name: name), .nodeRow(t, schema: schema))
        case .path(let a, let b, let via, let maxExpr, _):
            let from = try resolveEndpoint(a), to = try resolveEndpoint(b)
            var types: [EdgeTypeID] = []
            for v in via { types.append(try edgeType(v)) }
            var maxLen = limits.maxPathLength
            if let m = maxExpr {
                let v = try constantInt(m, what: "'max'")
                if v < 1 { throw fail("'max' must be at least 1", m.span) }
                if v > limits.maxPathLength {
                    throw fail("path length \(v) exceeds the limit of \(limits.maxPathLength)", m.span,
                               hint: "raise it with --max-path \(v)")
                }
                maxLen = v
            }
            var s = Shape()
            // Slot 4 holds the edge itself (unnamed; `--cite` cites it).
            s.width = 5
            s.columns = [ColumnInfo(name: "step", type: .int, access: .slot(0)),
                         ColumnInfo(name: "node", type: .node(nil), access: .slot(1)),
                         ColumnInfo(name: "type", type: .string, access: .slot(2)),
                         ColumnInfo(name: "edge", type: .string, access: .slot(3))]
            return PlanNode(.shortestPath(from: from, to: to, via: types, max: maxLen), s)
        case .match(let patterns, _):
            return try checkMatch(patterns)
        case .subquery(let q, _):
            return try check(q)
        }
    }

    func edgeType(_ n: Name) throws(Diagnostic) -> EdgeTypeID {
        if let t = schema.edgeType(named: n.text) { return t }
        if let t = schema.edgeType(source: n.text) {
            throw fail("unknown edge type '\(n.text)'", n.span, hint: "did you mean '\(schema[t].name)'?")
        }
        let names = schema.edgeTypes.map(\.name)
        throw fail("unknown edge type '\(n.text)'", n.span, hint: suggest(n.text, names), notes: ["edge types: " + names.joined(separator: ", ")])
    }

    /// The value of a constant expression (a literal or a parameter).
    func constant(_ e: Expr) throws(Diagnostic) -> Value {
        switch e {
        case .literal(let v, _): return v
        case .param(let n): return try paramValue(n)
        case .list(let items, _):
            var out: [Value] = []
            for i in items { out.append(try constant(i)) }
            return .list(out)
        default: throw fail("expected a literal or a parameter here", e.span)
        }
    }

    func constantInt(_ e: Expr, what: String) throws(Diagnostic) -> Int {
        let v = try constant(e)
        guard case .int(let i) = v else { throw fail("\(what) must be an integer", e.span) }
        return i
    }

    func paramValue(_ n: Name) throws(Diagnostic) -> Value {
        guard let v = params[n.text] else {
            let known = params.keys.sorted()
            throw fail("parameter $\(n.text) has no value", n.span,
                       hint: known.isEmpty ? "give one with --param \(n.text)=… or 'param \(n.text) = …'" : (suggest(n.text, known) ?? "give one with --param \(n.text)=…"))
        }
        return v
    }

    /// Nodes named `e` (a string or parameter), of `type` or of any type.
    func resolveName(_ e: Expr, type: NodeTypeID?) throws(Diagnostic) -> ([NodeRef], String) {
        let v = try constant(e)
        guard case .string(let name) = v else { throw fail("expected a name in quotes", e.span) }
        var refs = graph.lookup(name, type: type)
        if refs.isEmpty, type == schema.placeType || type == nil {
            // Allow the id itself: city "clermont-ferrand".
            if let r = graph.node(withID: name), type == nil || r.type == type { refs = [r] }
        }
        if refs.isEmpty, type == nil {
            refs = graph.lookup(name, type: nil)
        }
        let what = type.map { schema[$0].name } ?? "node"
        if refs.isEmpty {
            // Names and aliases are searched; each node is offered once, by its name.
            var close: [String] = []
            let stop: (() -> Bool)? = cancellation.map { flag in { flag.shouldStop } }
            let found = closestNamesCounted(to: name, in: graph.allNames(type: type), limit: 8, stop: stop).names
            if let flag = cancellation, flag.shouldStop {
                var d = Diagnostic(.check, flag.isPastDeadline ? "time limit exceeded" : "interrupted", at: e.span)
                d.interruption = Interrupted(timedOut: flag.isPastDeadline)
                throw d
            }
            for c in found {
                let names = graph.lookup(c, type: type).map { graph.name(of: $0) }
                for n in (names.isEmpty ? [c] : names) where !close.contains(n) { close.append(n) }
                if close.count >= 3 { break }
            }
            close = Array(close.prefix(3))
            throw fail("no \(what) named \"\(name)\"", e.span,
                       hint: close.isEmpty ? nil : "did you mean " + close.map { "\"\($0)\"" }.joined(separator: " or ") + "?")
        }
        if refs.count > 1 {
            let list = refs.map { "\(graph.name(of: $0)) (\(schema[$0.type].name) \(graph.id(of: $0)))" }
            throw fail("\"\(name)\" names \(refs.count) \(what == "node" ? "nodes" : schema[type!].source)", e.span,
                       hint: "say which", notes: list)
        }
        return (refs, name)
    }

    func resolveEndpoint(_ ep: Endpoint) throws(Diagnostic) -> NodeRef {
        var type: NodeTypeID? = nil
        if let t = ep.type {
            guard let x = schema.nodeType(named: t.text) else {
                throw fail("unknown node type '\(t.text)'", t.span, hint: suggest(t.text, schema.nodeTypes.map(\.name)))
            }
            type = x
        } else if case .string(let s)? = try? constant(ep.name) {
            // A bare name is a city when one matches, else any node.
            let cities = graph.lookup(s, type: schema.placeType)
            if cities.count == 1 { return cities[0] }
            if cities.count > 1 { type = schema.placeType }
        }
        return try resolveName(ep.name, type: type).0[0]
    }

    // MARK: steps

    func requireNodeRows(_ input: PlanNode, _ step: Step) throws(Diagnostic) -> Int {
        guard let slot = input.shape.nodeSlot else {
            throw fail("'\(step.keyword.text)' needs rows that are nodes", step.keyword.span,
                       hint: "start from a node source (cities, city \"…\") or a graph step")
        }
        return slot
    }

    /// The shape after a graph step reaching nodes of `type`: the node, `prev`, and `edge`/`km`/`depth`.
    func graphStepShape(_ type: NodeTypeID?, from prevType: NodeTypeID?, extra: (String, ValueType)?, edgeType: ValueType?) -> Shape {
        var s = Shape.nodeRow(type, schema: schema)
        s.width = 3
        s.hidden["prev"] = ColumnInfo(name: "prev", type: .node(prevType), access: .slot(1))
        if let edgeType { s.hidden["edge"] = ColumnInfo(name: "edge", type: edgeType, access: .slot(2)) }
        if let (n, t) = extra {
            s.hidden[n] = ColumnInfo(name: n, type: t, access: .slot(edgeType == nil ? 2 : 3))
            s.width = edgeType == nil ? 3 : 4
        }
        return s
    }

    /// Checks one step on top of `input`; every operator it makes is located at the step.
    func checkStep(_ step: Step, _ input: PlanNode) throws(Diagnostic) -> PlanNode {
        try checkStepOperators(step, input).located(step.span, below: input)
    }

    func checkStepOperators(_ step: Step, _ input: PlanNode) throws(Diagnostic) -> PlanNode {
        let shape = input.shape
        switch step.kind {
        case .filter(let e):
            let t = try checkExpr(e, shape)
            guard t.type == .bool || t.type == .null || t.type == .any else {
                throw fail("'where' needs a boolean condition, found \(t.type)", e.span)
            }
            // `a and b and c` is kept as its conjuncts, each with its text (for the planner's rules
            // and `explain`); the typed tree mirrors the syntax tree, so they split alike.
            func conjuncts(_ e: Expr, _ t: TypedExpr) -> [Conjunct] {
                if case .binary(.and, let a, let b, _) = e, case .binary(.and, let ta, let tb, _) = t {
                    return conjuncts(a, ta) + conjuncts(b, tb)
                }
                return [Conjunct(t, text(e.span))]
            }
            return PlanNode(.filter(input, conjuncts(e, t)), shape)
        case .select(let items):
            var exprs: [TypedExpr] = [], names: [String] = []
            var s = Shape()
            for (i, item) in items.enumerated() {
                let t = try checkExpr(item.expr, shape)
                var name = item.alias?.text ?? columnName(item.expr)
                // `select node.type, edge.type`: an unaliased field path whose last name is taken
                // is named by its whole path.
                if item.alias == nil, case .member = item.expr,
                   items.enumerated().contains(where: { j, o in j != i && (o.alias?.text ?? columnName(o.expr)) == name }) {
                    name = text(item.expr.span)
                }
                if names.contains(name) {
                    throw fail("two columns named '\(name)'", item.alias?.span ?? item.expr.span, hint: "rename one with 'as'")
                }
                exprs.append(t); names.append(name)
                s.columns.append(ColumnInfo(name: name, type: t.type, access: .slot(i)))
            }
            s.width = items.count
            if cite {
                // The input row's values ride along in a hidden last slot, for the citations.
                s.hidden[Citations.hidden] = ColumnInfo(name: Citations.hidden, type: .list, access: .slot(s.width))
                s.width += 1
                exprs.append(Citations.carry(shape)); names.append(Citations.hidden)
            }
            return PlanNode(.project(input, exprs, names: names), s)
        case .derive(let binds):
            var s = shape
            var exprs: [TypedExpr] = [], names: [String] = []
            for b in binds {
                if s.columns.contains(where: { $0.name == b.name.text }) {
                    throw fail("a column named '\(b.name.text)' already exists", b.name.span, hint: "choose another name")
                }
                let t = try checkExpr(b.expr, s)
                s.columns.append(ColumnInfo(name: b.name.text, type: t.type, access: .slot(s.width)))
                s.width += 1
                exprs.append(t); names.append(b.name.text)
            }
            return PlanNode(.derive(input, exprs, names: names), s)
        case .sort(let keys):
            var specs: [SortSpec] = []
            for k in keys {
                let t = try checkExpr(k.expr, shape)
                if case .list = t.type { throw fail("cannot sort by a list", k.expr.span) }
                specs.append(SortSpec(expr: t, descending: k.descending, text: text(k.expr.span)))
            }
            return PlanNode(.sort(input, specs), shape)
        case .take(let e):
            let n = try constantInt(e, what: "'take'")
            if n < 0 { throw fail("'take' needs a number ≥ 0", e.span) }
            return PlanNode(.limit(input, n), shape)
        case .takePer(let e, let keyExprs):
            let n = try constantInt(e, what: "'take'")
            if n < 0 { throw fail("'take' needs a number ≥ 0", e.span) }
            var keys: [TypedExpr] = []
            for k in keyExprs {
                let t = try checkExpr(k, shape)
                if t.type == .list { throw fail("cannot group rows by a list", k.span, hint: "take 1 per a field that holds one value (take 1 per country)") }
                keys.append(t)
            }
            return PlanNode(.takePer(input, keys: keys, k: n, text: keyExprs.map { text($0.span) }.joined(separator: ", ")), shape)
        case .skip(let e):
            let n = try constantInt(e, what: "'skip'")
            if n < 0 { throw fail("'skip' needs a number ≥ 0", e.span) }
            return PlanNode(.skip(input, n), shape)
        case .distinct:
            return PlanNode(.distinct(input, shape.columns.map(\.access)), shape)
        case .count:
            var s = Shape()
            s.width = 1
            s.columns = [ColumnInfo(name: "count", type: .int, access: .slot(0))]
            if cite {
                // Counted as `aggregate count = count()`, which gathers the rows' values too.
                s.hidden[Citations.hidden] = ColumnInfo(name: Citations.hidden, type: .list, access: .slot(1))
                s.width = 2
                let specs = [AggregateSpec(function: .count, argument: nil, type: .int), Citations.aggregate(shape)]
                return PlanNode(.hashAggregate(input, keys: [], aggregates: specs, keyNames: []), s)
            }
            return PlanNode(.count(input), s)
        case .group(let keys, let aggs, let totals):
            return try checkGroup(input, keys: keys, aggs: aggs, totals: totals)
        case .union(let src, let distinct):
            return try checkUnion(input, src, distinct: distinct, keyword: step.keyword.text)
        case .aggregate(let aggs):
            return try checkGroup(input, keys: [], aggs: aggs)
        case .join(let src, let on, let outer, let alias):
            return try checkJoin(input, src, on, outer: outer, alias: alias)
        case .twins:
            let slot = try requireNodeRows(input, step)
            guard let twins = schema.twinsStep else {
                throw fail("this network has no 'twins' step", step.keyword.span, hint: "walk its edges with 'out', 'in' or 'follow'")
            }
            let def = schema[twins.edgeType]
            if let t = shape.nodeType, t != def.fromType {
                throw fail("'twins' needs \(schema.nodeTypes[def.fromType].name) rows, these rows are \(schema.nodeTypes[t].source)", step.keyword.span)
            }
            let s = graphStepShape(def.toType, from: def.fromType, extra: nil, edgeType: .edge(twins.edgeType))
            return PlanNode(.expand(input, slot: slot, edgeTypes: [twins.edgeType], direction: .both, kind: twins.kind), s)
        case .out(let n), .in(let n):
            let slot = try requireNodeRows(input, step)
            let et = try edgeType(n)
            let def = schema[et]
            let isOut: Bool = if case .out = step.kind { true } else { false }
            let need = isOut ? def.fromType : def.toType
            if let t = shape.nodeType, t != need {
                throw fail("'\(step.keyword.text) \(n.text)' needs \(schema.nodeTypes[need].source), these rows are \(schema.nodeTypes[t].source)", n.span,
                           hint: isOut ? "'in \(n.text)' walks \(def.name) edges the other way" : "'out \(n.text)' walks \(def.name) edges the other way")
            }
            let reached = isOut ? def.toType : def.fromType
            let s = graphStepShape(reached, from: shape.nodeType, extra: nil, edgeType: .edge(et))
            return PlanNode(.expand(input, slot: slot, edgeTypes: [et], direction: isOut ? .right : .left, kind: nil), s)
        case .follow(let names, let lo, let hi):
            let slot = try requireNodeRows(input, step)
            var types: [EdgeTypeID] = []
            for n in names { types.append(try edgeType(n)) }
            var a = 1, b = 1
            if let lo { a = try constantInt(lo, what: "'depth'") }
            if let hi { b = try constantInt(hi, what: "'depth'") }
            if a < 0 || b < a { throw fail("'depth' needs 0 ≤ A ≤ B", (lo ?? hi)!.span.to((hi ?? lo)!.span)) }
            if b > limits.maxFollowDepth {
                throw fail("follow depth \(b) exceeds the limit of \(limits.maxFollowDepth)", hi!.span, hint: "raise it with --max-depth \(b)")
            }
            let reached = reachableType(from: shape.nodeType, via: types, depth: b)
            let edgeT: ValueType = types.count == 1 ? .edge(types[0]) : .edge(nil)
            let s = graphStepShape(reached, from: shape.nodeType, extra: ("depth", .int), edgeType: edgeT)
            return PlanNode(.follow(input, slot: slot, edgeTypes: types, min: a, max: b), s)
        case .nearest(let srcName, let filter, let take):
            let slot = try requireNodeRows(input, step)
            guard let t = schema.nodeType(source: srcName.text) else {
                let cands = schema.nodeTypes.map(\.source)
                throw fail("unknown node set '\(srcName.text)'", srcName.span, hint: suggest(srcName.text, cands))
            }
            guard schema.nodeTypes[t].coordinates != nil else {
                let with = schema.nodeTypes.filter { $0.coordinates != nil }.map(\.source)
                throw fail("\(srcName.text) have no coordinates", srcName.span, hint: "nearest works on " + with.joined(separator: ", "))
            }
            if let it = shape.nodeType, schema.nodeTypes[it].coordinates == nil {
                throw fail("'nearest' needs rows with coordinates, these rows are \(schema.nodeTypes[it].source)", step.keyword.span)
            }
            var k = 1
            if let take {
                k = try constantInt(take, what: "'take'")
                if k < 0 { throw fail("'take' needs a number ≥ 0", take.span) }
            }
            // The filter sees the candidate as the row's node and the start as `prev`.
            var cand = Shape.nodeRow(t, schema: schema)
            cand.width = 2
            cand.hidden["prev"] = ColumnInfo(name: "prev", type: .node(shape.nodeType), access: .slot(1))
            var f: TypedExpr? = nil
            if let filter {
                f = try checkExpr(filter, cand)
                guard f!.type == .bool || f!.type == .null else { throw fail("'where' needs a boolean condition, found \(f!.type)", filter.span) }
            }
            let s = graphStepShape(t, from: shape.nodeType, extra: ("km", .decimal), edgeType: nil)
            return PlanNode(.nearest(input, slot: slot, type: t, filter: f, k: k), s)
        }
    }

    /// The node type reached by walking `via` edges up to `depth` steps from `type`, when it is
    /// always the same; nil otherwise.
    func reachableType(from type: NodeTypeID?, via: [EdgeTypeID], depth: Int) -> NodeTypeID? {
        guard let type else { return nil }
        var frontier: Set<NodeTypeID> = [type], reached: Set<NodeTypeID> = []
        // The frontier is a set of node types: once one repeats, nothing new can be reached, so
        // the walk stops there however deep `depth` is.
        var seen: Set<Set<NodeTypeID>> = []
        for _ in 0..<max(depth, 1) {
            guard seen.insert(frontier).inserted else { break }
            var next: Set<NodeTypeID> = []
            for t in frontier {
                for e in via {
                    let d = schema[e]
                    if d.fromType == t { next.insert(d.toType) }
                    if d.toType == t { next.insert(d.fromType) }
                }
            }
            reached.formUnion(next)
            frontier = next
        }
        if depth == 0 { reached.insert(type) }
        return reached.count == 1 ? reached.first : nil
    }

    /// The name of an unaliased column: the last segment of a field path, else the source text.
    func columnName(_ e: Expr) -> String {
        switch e {
        case .name(let n): n.text
        case .member(_, let n): n.text
        default: text(e.span)
        }
    }

    func checkJoin(_ left: PlanNode, _ src: Source, _ on: Expr, outer: Bool, alias: Name?) throws(Diagnostic) -> PlanNode {
        let right = try checkSource(src)
        var s = left.shape
        // The right side's name: `right`, or the one `as` gives. A second unnamed join would
        // give its columns the names of the first one's (`right.source` twice).
        let side = alias?.text ?? "right"
        if let alias {
            if s.namespaces[side] != nil || s.column(named: side) != nil || ["prev", "edge", "node"].contains(side) {
                throw fail("'\(side)' already names something in these rows", alias.span, hint: "choose another name for the joined side")
            }
        } else if s.namespaces["right"] != nil {
            throw fail("a second join needs a name for its right side", src.span,
                       hint: "name it: join \(text(src.span)) as X on … X.field …; the first join's columns stay right.…")
        }
        let offset = s.width
        var ns: [ColumnInfo] = []
        for c in right.shape.columns {
            ns.append(ColumnInfo(name: c.name, type: c.type, access: shift(c.access, by: offset)))
        }
        for (k, c) in right.shape.hidden where k == "edge" {
            ns.append(ColumnInfo(name: k, type: c.type, access: shift(c.access, by: offset)))
        }
        if right.shape.isNodeRow {
            ns.append(ColumnInfo(name: "node", type: .node(right.shape.nodeType), access: .slot(offset + right.shape.nodeSlot!)))
        }
        s.namespaces[side] = ns
        for c in right.shape.columns {
            let name = side + "." + c.name
            if s.columns.contains(where: { $0.name == name }) {
                throw fail("the join would make two columns named '\(name)'", alias?.span ?? src.span, hint: "name the joined side with 'as'")
            }
            s.columns.append(ColumnInfo(name: name, type: c.type, access: shift(c.access, by: offset)))
        }
        s.width += right.shape.width
        // Each conjunct is checked on its own (for its error); the planner's join-keys rule
        // chooses the hash keys.
        var conjuncts: [Expr] = []
        func flatten(_ e: Expr) { if case .binary(.and, let a, let b, _) = e { flatten(a); flatten(b) } else { conjuncts.append(e) } }
        flatten(on)
        var typed: [TypedExpr] = []
        for c in conjuncts {
            let t = try checkExpr(c, s)
            guard t.type == .bool || t.type == .null else { throw fail("'on' needs a boolean condition, found \(t.type)", c.span) }
            typed.append(t)
        }
        let condition = typed.dropFirst().reduce(typed[0]) { .binary(.and, $0, $1, .bool) }
        return PlanNode(.join(left, right, condition, leftWidth: offset, outer: outer), s)
    }

    /// `union SRC` / `append SRC`: both sides projected to their columns (same names, in the same
    /// order, types that agree), then the left rows followed by the right ones.
    func checkUnion(_ left: PlanNode, _ src: Source, distinct: Bool, keyword: String) throws(Diagnostic) -> PlanNode {
        let right = try checkSource(src)
        let lc = left.shape.columns, rc = right.shape.columns
        let ln = lc.map(\.name), rn = rc.map(\.name)
        if ln != rn {
            let missing = ln.filter { !rn.contains($0) }, extra = rn.filter { !ln.contains($0) }
            var why = "the columns differ"
            if missing.isEmpty && extra.isEmpty { why = "the same columns in another order" }
            else if !missing.isEmpty { why = "it has no column '\(missing[0])'" }
            else if !extra.isEmpty { why = "this query has no column '\(extra[0])'" }
            throw fail("'\(keyword)' needs the same columns on both sides: \(why)", src.span,
                       hint: "select the same columns, in the same order, on both sides (… | select \(ln.prefix(4).joined(separator: ", ")))",
                       notes: ["this query: " + ln.joined(separator: ", "), "the \(keyword)ed query: " + rn.joined(separator: ", ")])
        }
        var s = Shape()
        s.width = lc.count
        for i in lc.indices {
            guard let t = unifiedType(lc[i].type, rc[i].type) else {
                throw fail("column '\(ln[i])' is \(lc[i].type) in this query but \(rc[i].type) in the \(keyword)ed one", src.span,
                           hint: "give both sides the same type, e.g. with a 'select' that converts one of them, or rename one so they are different columns")
            }
            s.columns.append(ColumnInfo(name: ln[i], type: t, access: .slot(i)))
        }
        func projected(_ p: PlanNode) -> PlanNode {
            // Rows that are already their columns (after a 'select', a 'group') stay as they are.
            if p.shape.width == p.shape.columns.count,
               p.shape.columns.enumerated().allSatisfy({ i, c in c.access == .slot(i) }) { return p }
            var ps = Shape()
            ps.width = p.shape.columns.count
            ps.columns = p.shape.columns.enumerated().map { i, c in ColumnInfo(name: c.name, type: c.type, access: .slot(i)) }
            return PlanNode(.project(p, p.shape.columns.map { .access($0.access, $0.type) }, names: ln), ps)
        }
        return PlanNode(.append(projected(left), projected(right), distinct: distinct, totalsKeys: 0), s)
    }

    /// The type of a column that holds values of types `a` and `b`, or nil when they do not mix.
    func unifiedType(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case (.any, _), (_, .any): return .any
        case (.int, .decimal), (.decimal, .int): return .decimal
        case (.node, .node): return .node(nil)
        case (.edge, .edge): return .edge(nil)
        default: return nil
        }
    }

    func shift(_ a: Access, by k: Int) -> Access {
        switch a {
        case .slot(let s): .slot(s + k)
        case .nodeField(let s, let t, let f): .nodeField(slot: s + k, type: t, field: f)
        case .nodeID(let s): .nodeID(slot: s + k)
        case .edgeField(let s, let t, let f): .edgeField(slot: s + k, type: t, field: f)
        case .edgeEnd(let s, let to): .edgeEnd(slot: s + k, to: to)
        }
    }
}
