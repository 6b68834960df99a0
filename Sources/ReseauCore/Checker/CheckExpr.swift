/// Aggregates found while checking the bindings of a `group` or `aggregate` step.
final class AggregateCollector {
    let input: Shape
    let keyNames: [String]
    let keyTypes: [ValueType]
    var specs: [AggregateSpec] = []
    init(input: Shape, keyNames: [String], keyTypes: [ValueType]) { self.input = input; self.keyNames = keyNames; self.keyTypes = keyTypes }
}

extension Checker {
    static let aggregateNames = AggregateFunction.allCases.map(\.rawValue)
    static let functionNames = Builtin.allCases.map(\.rawValue)

    /// Checks `e` against rows of `shape`. With `aggregates`, aggregate calls are collected and
    /// names must be group keys.
    func checkExpr(_ e: Expr, _ shape: Shape, aggregates: AggregateCollector? = nil) throws(Diagnostic) -> TypedExpr {
        switch e {
        case .literal(let v, _):
            return .constant(v)
        case .param(let n):
            return .constant(try paramValue(n))
        case .list(let items, _):
            var out: [TypedExpr] = []
            for i in items { out.append(try checkExpr(i, shape, aggregates: aggregates)) }
            return .list(out)
        case .name(let n):
            if let agg = aggregates {
                if let k = agg.keyNames.firstIndex(of: n.text) { return .access(.slot(k), agg.keyTypes[k]) }
                if let f = AggregateFunction(rawValue: n.text), !agg.input.knownNames.contains(n.text) {
                    throw fail("'\(n.text)' is an aggregate: it needs parentheses", n.span,
                               hint: f == .count ? "write count()" : "write \(n.text)(FIELD)")
                }
                throw fail("'\(n.text)' is neither a group key nor inside an aggregate", n.span,
                           hint: "use an aggregate such as sum(\(n.text)) or list(\(n.text))")
            }
            return try resolveName(n, shape)
        case .member(let base, let field):
            if case .name(let b) = base, aggregates == nil, shape.column(named: b.text) == nil, let ns = shape.namespaces[b.text] {
                guard let c = ns.first(where: { $0.name == field.text }) else {
                    throw fail("unknown column '\(field.text)' on \(b.text)", field.span, hint: suggest(field.text, ns.map(\.name)),
                               notes: ["columns: " + ns.map(\.name).joined(separator: ", ")])
                }
                return .access(c.access, c.type)
            }
            let t = try checkExpr(base, shape, aggregates: aggregates)
            return try member(t, field, baseSpan: base.span)
        case .unary(let op, let x, _):
            let t = try checkExpr(x, shape, aggregates: aggregates)
            switch op {
            case .not:
                guard t.type == .bool || t.type == .null || t.type == .any else { throw fail("'not' needs a boolean, found \(t.type)", x.span) }
                return .unary(.not, t, .bool)
            case .neg:
                guard t.type.isNumeric else { throw fail("'-' needs a number, found \(t.type)", x.span) }
                return .unary(.neg, t, t.type == .null ? .int : t.type)
            }
        case .lookup(let typeName, let nameExpr, _):
            guard let t = schema.nodeType(named: typeName.text) else {
                throw fail("unknown node type '\(typeName.text)'", typeName.span, hint: suggest(typeName.text, schema.nodeTypes.map(\.name)))
            }
            return .constant(.node(try resolveName(nameExpr, type: t).0[0]))
        case .binary(let op, let a, let b, let span):
            let l = try checkExpr(a, shape, aggregates: aggregates)
            let r = try checkExpr(b, shape, aggregates: aggregates)
            if op == .eq || op == .ne { try checkNameComparison(l, r, a, b) }
            return .binary(op, l, r, try binaryType(op, l.type, r.type, a, b, span))
        case .inQuery(let x, let q, _):
            let t = try checkExpr(x, shape, aggregates: aggregates)
            var plain = self
            plain.cite = false  // a subquery's rows are not output: nothing to cite
            let plan = try plain.check(q)
            guard plan.shape.columns.count == 1 else {
                throw fail("the query after 'in' must yield one column, it yields \(plan.shape.columns.count)", q.span,
                           hint: "add '| select …' with one expression")
            }
            try requireComparable(t.type, plan.shape.columns[0].type, x.span.to(q.span), op: "in")
            return .inQuery(t, plan)
        case .exists(let steps, let span):
            if aggregates != nil {
                throw fail("'exists' reads the row's node, which is neither a group key nor inside an aggregate", span,
                           hint: "count the rows where it holds: sum(if exists(…) then 1 else 0)")
            }
            guard let slot = shape.nodeSlot else {
                throw fail("'exists' needs rows that are nodes", span)
            }
            var sub = PlanNode(.input, .nodeRow(shape.nodeType, schema: schema), at: span)
            var plain = self
            plain.cite = false  // a subquery's rows are not output: nothing to cite
            for s in steps { sub = try plain.checkStep(s, sub) }
            return .exists(slot: slot, sub)
        case .ifThen(let c, let a, let b, _):
            let tc = try checkExpr(c, shape, aggregates: aggregates)
            guard tc.type == .bool || tc.type == .null || tc.type == .any else { throw fail("'if' needs a boolean condition, found \(tc.type)", c.span) }
            let ta = try checkExpr(a, shape, aggregates: aggregates), tb = try checkExpr(b, shape, aggregates: aggregates)
            guard let t = unify(ta.type, tb.type) else {
                throw fail("the branches of 'if' have different types: \(ta.type) and \(tb.type)", a.span.to(b.span))
            }
            return .ifThen(tc, ta, tb, t)
        case .call(let fn, let args, let span):
            if let agg = AggregateFunction(rawValue: fn.text) {
                guard let collector = aggregates else {
                    throw fail("aggregate '\(fn.text)' outside 'group' or 'aggregate'", fn.span,
                               hint: "use it in '| group by … : name = \(fn.text)(…)' or '| aggregate name = \(fn.text)(…)'")
                }
                return try aggregateCall(agg, fn, args, span, collector)
            }
            guard let b = Builtin(rawValue: fn.text) else {
                let all = Checker.functionNames + Checker.aggregateNames
                throw fail("unknown function '\(fn.text)'", fn.span, hint: suggest(fn.text, all),
                           notes: ["functions: " + Checker.functionNames.joined(separator: ", "), "aggregates: " + Checker.aggregateNames.joined(separator: ", ")])
            }
            var targs: [TypedExpr] = []
            for a in args { targs.append(try checkExpr(a, shape, aggregates: aggregates)) }
            return try builtinCall(b, fn, targs, args, span)
        }
    }

    /// `x.name == "…"` with a text that is no node's exact name but that the lookup rules
    /// (aliases, case, accents) resolve: a comparison that would silently match nothing.
    func checkNameComparison(_ l: TypedExpr, _ r: TypedExpr, _ a: Expr, _ b: Expr) throws(Diagnostic) {
        func nameField(_ e: TypedExpr) -> NodeTypeID? {
            switch e {
            case .access(.nodeField(_, let t, let f), _), .nodeField(_, let t, let f, _):
                return schema.nodeTypes[t].nameField == f ? t : nil
            default: return nil
            }
        }
        for (field, value, fieldExpr, valueExpr) in [(l, r, a, b), (r, l, b, a)] {
            guard let t = nameField(field), case .constant(.string(let s)) = value else { continue }
            guard let ni = schema.nodeTypes[t].nameField, case .string(let col) = graph.nodes[t].columns[ni],
                  col.code(of: s) == nil else { continue }
            let refs = graph.lookup(s, type: t)
            guard refs.count == 1 else { continue }
            let real = graph.name(of: refs[0]), typeName = schema.nodeTypes[t].name
            var base = text(fieldExpr.span)
            if base.hasSuffix(".name") { base = String(base.dropLast(5)) } else { base = "node" }
            warn("no \(typeName) is named exactly \"\(s)\" ('==' compares names exactly): the lookup rules would find \"\(real)\"", valueExpr.span,
                 hint: "to mean that \(typeName), write \(base) == \(typeName) \"\(s)\" (names, aliases, any case and accents)")
        }
    }

    /// A bare name in a row: a column, a hidden column, a field of the row's node.
    func resolveName(_ n: Name, _ shape: Shape) throws(Diagnostic) -> TypedExpr {
        if let c = shape.column(named: n.text) { return .access(c.access, c.type) }
        if n.text == "type", shape.isNodeRow, let slot = shape.nodeSlot {
            return .nodeTypeName(.access(.slot(slot), .node(shape.nodeType)))
        }
        if shape.isNodeRow, shape.nodeType == nil, let slot = shape.nodeSlot {
            if n.text == "type" { return .nodeTypeName(.access(.slot(slot), .node(nil))) }
            if let t = dynamicFieldType(n.text) { return .dynamicField(.access(.slot(slot), .node(nil)), n.text, t) }
        }
        if shape.namespaces[n.text] != nil {
            throw fail("'\(n.text)' is not a value", n.span, hint: "write \(n.text).FIELD")
        }
        let names = shape.knownNames
        let on = shape.nodeType.map { " on \(schema.nodeTypes[$0].name)" } ?? ""
        let hint = suggest(n.text, names)
        throw fail("unknown field '\(n.text)'\(on)", n.span, hint: hint,
                   notes: hint == nil ? ["fields here: " + names.joined(separator: ", ")] : [])
    }

    /// The type of field `name` on nodes of unknown type: the field's type when every node type
    /// that has it agrees, `.any` when they differ, nil when none has it.
    func dynamicFieldType(_ name: String) -> ValueType? {
        if name == "id" || name == "type" { return .string }
        var found: ValueType? = nil
        for t in schema.nodeTypes {
            if let f = t.fields.first(where: { $0.name == name }) {
                if found == nil { found = f.type } else if found != f.type { found = .any }
            }
        }
        return found
    }

    /// `base.field` on a node or an edge.
    func member(_ base: TypedExpr, _ field: Name, baseSpan: Span) throws(Diagnostic) -> TypedExpr {
        switch base.type {
        case .node(let t?):
            let def = schema.nodeTypes[t]
            if field.text == "id" { return .nodeID(base) }
            if field.text == "type" { return .nodeTypeName(base) }
            if let f = def.fieldIndex(field.text) { return .nodeField(base, type: t, field: f, def.fields[f].type) }
            let names = ["id"] + def.fields.map(\.name)
            let hint = suggest(field.text, names)
            throw fail("unknown field '\(field.text)' on \(def.name)", field.span, hint: hint,
                       notes: hint == nil ? ["fields of \(def.name): " + names.joined(separator: ", ")] : [])
        case .node(nil), .any, .null:
            if field.text == "type" { return .nodeTypeName(base) }
            guard let t = dynamicFieldType(field.text) else {
                throw fail("no node type has a field '\(field.text)'", field.span,
                           hint: suggest(field.text, Array(Set(schema.nodeTypes.flatMap { $0.fields.map(\.name) })).sorted()))
            }
            return .dynamicField(base, field.text, t)
        case .edge(let t?):
            let def = schema.edgeTypes[t]
            if field.text == "from" { return .edgeEnd(base, to: false, .node(def.fromType)) }
            if field.text == "to" { return .edgeEnd(base, to: true, .node(def.toType)) }
            if field.text == "type" { return .constant(.string(def.name)) }
            if let f = def.fieldIndex(field.text) { return .edgeField(base, type: t, field: f, def.fields[f].type) }
            let names = ["from", "to", "type"] + def.fields.map(\.name)
            throw fail("unknown field '\(field.text)' on \(def.name) edges", field.span, hint: suggest(field.text, names),
                       notes: ["fields of \(def.name) edges: " + names.joined(separator: ", ")])
        case .edge(nil):
            if field.text == "from" { return .edgeEnd(base, to: false, .node(nil)) }
            if field.text == "to" { return .edgeEnd(base, to: true, .node(nil)) }
            if field.text == "type" { return .edgeTypeName(base) }
            throw fail("edges of several types: only 'from', 'to' and 'type' are known here", field.span,
                       hint: "name one edge type to reach its fields")
        default:
            throw fail("\(base.type) has no fields", baseSpan.to(field.span), hint: "'.\(field.text)' applies to nodes and edges")
        }
    }

    /// Int and decimal unify to decimal; null unifies with anything.
    func unify(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        if a == .null || a == .any { return b == .null ? a : b }
        if b == .null || b == .any { return a }
        if a.isNumeric && b.isNumeric { return .decimal }
        if a.isTextual && b.isTextual { return .string }
        if case .node = a, case .node = b { return .node(nil) }
        if case .edge = a, case .edge = b { return .edge(nil) }
        return nil
    }

    func requireComparable(_ a: ValueType, _ b: ValueType, _ span: Span, op: String) throws(Diagnostic) {
        if (a == .date && b == .string) || (a == .string && b == .date) {
            throw fail("cannot compare a date with a string", span,
                       hint: "write the date as a date literal: @2022, @2022-03 or @2022-03-11 (or date(TEXT))",
                       notes: ["as text, \"2022-03-11\" <= \"2022\" is false; as dates, @2022-03-11 <= @2022 is true (compared by year)"])
        }
        if a == .null || b == .null || a == .any || b == .any { return }
        if a.isNumeric && b.isNumeric { return }
        if a.isTextual && b.isTextual { return }
        if a == b { return }
        if case .node = a, case .node = b { return }
        if case .edge = a, case .edge = b { return }
        if op == "in", b == .list { return }
        throw fail("type mismatch: cannot compare \(a) with \(b)", span)
    }

    func binaryType(_ op: BinaryOp, _ l: ValueType, _ r: ValueType, _ a: Expr, _ b: Expr, _ span: Span) throws(Diagnostic) -> ValueType {
        switch op {
        case .and, .or:
            for (t, e) in [(l, a), (r, b)] where !(t == .bool || t == .null || t == .any) {
                throw fail("'\(op.rawValue)' needs booleans, found \(t)", e.span)
            }
            return .bool
        case .eq, .ne:
            try requireComparable(l, r, span, op: op.rawValue)
            return .bool
        case .lt, .le, .gt, .ge:
            try requireComparable(l, r, span, op: op.rawValue)
            if case .node = l { throw fail("nodes can only be compared with == and !=", span) }
            if l == .list || r == .list { throw fail("lists cannot be ordered", span) }
            return .bool
        case .match:
            for (t, e) in [(l, a), (r, b)] where !t.isTextual {
                throw fail("'~' needs strings, found \(t)", e.span, hint: "'~' is a case- and accent-insensitive substring test")
            }
            return .bool
        case .in:
            if case .list = r { return .bool }
            if r == .null || r == .any { return .bool }
            throw fail("'in' needs a list [ … ] or a query ( … ), found \(r)", b.span)
        case .add:
            if l.isTextual && r.isTextual && (l == .string || l == .date || r == .string || r == .date) { return .string }
            fallthrough
        case .sub, .mul:
            for (t, e) in [(l, a), (r, b)] where !t.isNumeric {
                throw fail("type mismatch: '\(op.rawValue)' needs numbers, found \(t)", e.span)
            }
            if l == .decimal || r == .decimal { return .decimal }
            if l == .any || r == .any { return .any }
            return .int
        case .div:
            for (t, e) in [(l, a), (r, b)] where !t.isNumeric {
                throw fail("type mismatch: '/' needs numbers, found \(t)", e.span)
            }
            return .decimal
        }
    }

    func arity(_ fn: Name, _ args: [TypedExpr], _ range: ClosedRange<Int>, _ span: Span) throws(Diagnostic) {
        guard range.contains(args.count) else {
            let want = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : range.upperBound > 10 ? "at least \(range.lowerBound)" : "\(range.lowerBound) or \(range.upperBound)"
            let plural = range.upperBound == 1 || (range.upperBound > 10 && range.lowerBound == 1) ? "" : "s"
            throw fail("'\(fn.text)' takes \(want) argument\(plural), found \(args.count)", span)
        }
    }

    func builtinCall(_ b: Builtin, _ fn: Name, _ args: [TypedExpr], _ exprs: [Expr], _ span: Span) throws(Diagnostic) -> TypedExpr {
        func need(_ i: Int, _ ok: (ValueType) -> Bool, _ what: String) throws(Diagnostic) {
            let t = args[i].type
            if t == .null || t == .any { return }
            if !ok(t) { throw fail("'\(fn.text)' needs \(what), found \(t)", exprs[i].span) }
        }
        switch b {
        case .lower, .upper:
            try arity(fn, args, 1...1, span); try need(0, { $0.isTextual }, "a string")
            return .call(b, args, .string)
        case .len:
            try arity(fn, args, 1...1, span); try need(0, { $0.isTextual || $0 == .list }, "a string or a list")
            return .call(b, args, .int)
        case .round:
            try arity(fn, args, 1...2, span); try need(0, { $0.isNumeric }, "a number")
            if args.count == 2 { try need(1, { $0 == .int }, "an integer number of decimals") }
            return .call(b, args, args.count == 2 ? .decimal : .int)
        case .abs:
            try arity(fn, args, 1...1, span); try need(0, { $0.isNumeric }, "a number")
            return .call(b, args, args[0].type == .null ? .int : args[0].type)
        case .coalesce:
            try arity(fn, args, 1...1000, span)
            var t: ValueType = .null
            for (i, a) in args.enumerated() {
                guard let u = unify(t, a.type) else {
                    throw fail("the arguments of 'coalesce' have different types: \(t) and \(a.type)", exprs[i].span)
                }
                t = u
            }
            return .call(b, args, t)
        case .distance:
            try arity(fn, args, 2...2, span)
            let placed = schema.nodeTypes.filter { $0.coordinates != nil }.map { "a " + $0.name }.joined(separator: " or ")
            for i in 0..<2 {
                try need(i, { if case .node(let t) = $0 { t == nil || schema.nodeTypes[t!].coordinates != nil } else { false } }, placed)
            }
            return .call(b, args, .decimal)
        case .number:
            try arity(fn, args, 1...1, span)
            return .call(b, args, .decimal)
        case .string:
            try arity(fn, args, 1...1, span)
            return .call(b, args, .string)
        case .year, .month, .day:
            try arity(fn, args, 1...1, span); try need(0, { $0.isTextual }, "a date")
            return .call(b, args, .int)
        case .days:
            try arity(fn, args, 2...2, span)
            try need(0, { $0 == .date }, "a date"); try need(1, { $0 == .date }, "a date")
            return .call(b, args, .int)
        case .date:
            try arity(fn, args, 1...1, span); try need(0, { $0.isTextual }, "a string")
            if case .constant(.string(let s)) = args[0], let problem = Dates.problem(s) {
                throw fail("'\(s)' is not a date: \(problem)", exprs[0].span, hint: "write YYYY, YYYY-MM or YYYY-MM-DD, or the literal @2022-03-11")
            }
            return .call(b, args, .date)
        case .starts_with, .ends_with, .contains:
            try arity(fn, args, 2...2, span)
            try need(0, { $0.isTextual }, "a string"); try need(1, { $0.isTextual }, "a string")
            return .call(b, args, .bool)
        case .matches:
            try arity(fn, args, 2...2, span)
            try need(0, { $0.isTextual }, "a string"); try need(1, { $0 == .string }, "a pattern string")
            guard case .constant = args[1] else {
                throw fail("the pattern of 'matches' must be a literal or a parameter", exprs[1].span,
                           hint: "a pattern built from row values cannot be checked before the query runs")
            }
            if case .constant(.string(let p)) = args[1] {
                do { _ = try Regex(p) } catch {
                    throw fail("invalid regular expression \"\(p)\"", exprs[1].span, hint: "the syntax is Swift's Regex (PCRE-like): ^O, [0-9]+, (a|b)")
                }
            }
            return .call(b, args, .bool)
        case .replace:
            try arity(fn, args, 3...3, span)
            for i in 0..<3 { try need(i, { $0.isTextual }, "a string") }
            return .call(b, args, .string)
        case .substr:
            try arity(fn, args, 2...3, span)
            try need(0, { $0.isTextual }, "a string")
            for i in 1..<args.count { try need(i, { $0 == .int }, "an integer") }
            return .call(b, args, .string)
        case .split:
            try arity(fn, args, 2...2, span)
            try need(0, { $0.isTextual }, "a string"); try need(1, { $0.isTextual }, "a string")
            if case .constant(.string("")) = args[1] { throw fail("'split' needs a separator that is not empty", exprs[1].span) }
            return .call(b, args, .list)
        case .trim:
            try arity(fn, args, 1...1, span); try need(0, { $0.isTextual }, "a string")
            return .call(b, args, .string)
        }
    }

    func aggregateCall(_ f: AggregateFunction, _ fn: Name, _ args: [Expr], _ span: Span, _ c: AggregateCollector) throws(Diagnostic) -> TypedExpr {
        var arg: TypedExpr? = nil
        if f == .count {
            guard args.count <= 1 else { throw fail("'count' takes 0 or 1 argument, found \(args.count)", span) }
        } else {
            guard args.count == 1 else { throw fail("'\(fn.text)' takes 1 argument, found \(args.count)", span) }
        }
        if let a = args.first {
            arg = try checkExpr(a, c.input) // nested aggregates are rejected: no collector here
        }
        let t: ValueType
        switch f {
        case .count, .count_distinct: t = .int
        case .sum:
            guard arg!.type.isNumeric else { throw fail("'sum' needs numbers, found \(arg!.type)", args[0].span) }
            t = arg!.type == .decimal ? .decimal : arg!.type == .int ? .int : .decimal
        case .avg:
            guard arg!.type.isNumeric else { throw fail("'avg' needs numbers, found \(arg!.type)", args[0].span) }
            t = .decimal
        case .min, .max:
            if arg!.type == .list { throw fail("'\(fn.text)' cannot order lists", args[0].span) }
            t = arg!.type
        case .list: t = .list
        }
        c.specs.append(AggregateSpec(function: f, argument: arg, type: t))
        return .access(.slot(c.keyNames.count + c.specs.count - 1), t)
    }

    func checkGroup(_ input: PlanNode, keys: [SelectItem], aggs: [Binding], totals: Bool = false) throws(Diagnostic) -> PlanNode {
        var keyExprs: [TypedExpr] = [], keyNames: [String] = [], keyTypes: [ValueType] = []
        for k in keys {
            let t = try checkExpr(k.expr, input.shape)
            let n = k.alias?.text ?? columnName(k.expr)
            if keyNames.contains(n) { throw fail("two columns named '\(n)'", k.alias?.span ?? k.expr.span, hint: "rename one with 'as'") }
            keyExprs.append(t); keyNames.append(n); keyTypes.append(t.type)
        }
        let collector = AggregateCollector(input: input.shape, keyNames: keyNames, keyTypes: keyTypes)
        var outputs: [TypedExpr] = [], names = keyNames
        for a in aggs {
            if names.contains(a.name.text) { throw fail("two columns named '\(a.name.text)'", a.name.span, hint: "choose another name") }
            outputs.append(try checkExpr(a.expr, input.shape, aggregates: collector))
            names.append(a.name.text)
        }
        if cite {
            // --cite: one more aggregate gathers the values of every row of the group (its
            // citations); it reads whole rows, so the column-aggregate fast path is not taken.
            collector.specs.append(Citations.aggregate(input.shape))
            let slot = keyNames.count + collector.specs.count - 1
            outputs.append(.access(.slot(slot), .list))
            names.append(Citations.hidden)
        }
        var aggShape = Shape()
        aggShape.width = keyNames.count + collector.specs.count
        for (i, n) in keyNames.enumerated() { aggShape.columns.append(ColumnInfo(name: n, type: keyTypes[i], access: .slot(i))) }
        for (i, s) in collector.specs.enumerated() { aggShape.columns.append(ColumnInfo(name: "#\(i)", type: s.type, access: .slot(keyNames.count + i))) }
        let grouped = PlanNode(.hashAggregate(input, keys: keyExprs, aggregates: collector.specs, keyNames: keyNames), aggShape)
        // When each binding is exactly one aggregate, in order, the aggregate's rows are the result.
        let direct = outputs.enumerated().allSatisfy { i, o in
            if case .access(.slot(let s), _) = o { s == keyNames.count + i } else { false }
        } && outputs.count == collector.specs.count
        var s = Shape()
        s.width = names.count
        let types = keyTypes + outputs.map(\.type)
        for (i, n) in names.enumerated() { s.columns.append(ColumnInfo(name: n, type: types[i], access: .slot(i))) }
        if cite, let last = s.columns.popLast() { s.hidden[Citations.hidden] = last }
        let result: PlanNode
        if direct {
            result = PlanNode(grouped.op, s)
        } else {
            let exprs = keyNames.indices.map { TypedExpr.access(.slot($0), keyTypes[$0]) } + outputs
            result = PlanNode(.project(grouped, exprs, names: names), s)
        }
        guard totals else { return result }
        // `with totals`: the same aggregates over all rows, keys null, appended as the last row.
        let all = try checkGroup(input, keys: [], aggs: aggs)
        let totalExprs = keyNames.map { _ in TypedExpr.constant(.null) }
            + outputs.indices.map { TypedExpr.access(.slot($0), outputs[$0].type) }
        let totalRow = PlanNode(.project(all, totalExprs, names: names), s)
        return PlanNode(.append(result, totalRow, distinct: false, totalsKeys: keyNames.count), s)
    }
}
