import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A row: one value per slot of its shape.
typealias Row = [Value]
/// A compiled expression.
typealias Eval = (Row) throws -> Value

extension Executor {
    /// Compiles a checked expression into a closure, once per query: field reads go straight to
    /// the graph's columns, and a string field compared with a constant compares dictionary codes.
    func compile(_ e: TypedExpr) throws -> Eval {
        let graph = self.graph
        switch e {
        case .constant(let v):
            return { _ in v }
        case .access(let a, _):
            return compileAccess(a)
        case .nodeField(let base, let type, let field, _):
            if case .access(.slot(let s), _) = base { return compileAccess(.nodeField(slot: s, type: type, field: field)) }
            if let f = directField(e) {
                let col = f.column
                return { row in let i = f.index(row); return i < 0 ? .null : col.value(i) }
            }
            let b = try compile(base)
            let col = graph.nodes[type].columns[field]
            return { row in
                if case .node(let n) = try b(row), n.type == type { return col.value(Int(n.index)) }
                return .null
            }
        case .dynamicField(let base, let name, _):
            let b = try compile(base)
            let idx = graph.schema.nodeTypes.mapByID { $0.fieldIndex(name) }
            let isID = name == "id"
            return { row in
                guard case .node(let n) = try b(row) else { return .null }
                if isID { return .string(graph.id(of: n)) }
                guard let f = idx[n.type] else { return .null }
                return graph.field(n, f)
            }
        case .nodeID(let base):
            let b = try compile(base)
            return { row in if case .node(let n) = try b(row) { .string(graph.id(of: n)) } else { .null } }
        case .nodeTypeName(let base):
            let b = try compile(base)
            let names = graph.schema.nodeTypes.mapByID(\.name)
            return { row in if case .node(let n) = try b(row) { .string(names[n.type]) } else { .null } }
        case .edgeField(let base, let type, let field, _):
            let b = try compile(base)
            let col = graph.edges[type].columns[field]
            return { row in
                if case .edge(let x) = try b(row), x.type == type { return col.value(Int(x.index)) }
                return .null
            }
        case .edgeTypeName(let base):
            let b = try compile(base)
            let names = graph.schema.edgeTypes.mapByID(\.name)
            return { row in if case .edge(let e) = try b(row) { .string(names[e.type]) } else { .null } }
        case .edgeEnd(let base, let to, _):
            let b = try compile(base)
            let ends = graph.edges.mapByID { to ? $0.to : $0.from }
            let types = graph.schema.edgeTypes.mapByID { to ? $0.toType : $0.fromType }
            return { row in
                guard case .edge(let x) = try b(row) else { return .null }
                return .node(NodeRef(type: types[x.type], index: Int(ends[x.type][Int(x.index)])))
            }
        case .list(let items):
            let cs = try items.map { try compile($0) }
            return { row in .list(try cs.map { try $0(row) }) }
        case .unary(let op, let x, _):
            let c = try compile(x)
            switch op {
            case .not: return { row in if case .bool(let b) = try c(row) { .bool(!b) } else { .null } }
            case .neg: return { row in
                switch try c(row) {
                case .int(let i): let (r, o) = (0).subtractingReportingOverflow(i); return o ? .null : .int(r)
                case .decimal(let d): return .decimal(-d)
                default: return .null
                }
            }
            }
        case .binary(let op, let l, let r, _):
            return try compileBinary(op, l, r)
        case .inQuery(let x, let plan):
            let c = try compile(x)
            var set = Set<Value>()
            var hasNumbers = false
            _ = try run(plan) { row in
                let v = normalize(row[0])
                if case .decimal = v { hasNumbers = true }
                if case .int = v { hasNumbers = true }
                // The set lives as long as the query: charged, never given back.
                if set.insert(v).inserted { try self.memory.charge(MemoryLayout<Value>.stride + Executor.entryBytes + v.approximateBytes, "'in (…)'", plan.span) }
                return true
            }
            _ = hasNumbers
            return { row in
                let v = try c(row)
                if v.isNull { return .null }
                return .bool(set.contains(normalize(v)))
            }
        case .exists(let slot, let plan):
            let box = InputBox()
            let sub = try Executor(graph: graph, cancellation: cancellation, limits: limits, memory: memory, input: box, profile: profile).producer(plan)
            // The subplan reads nothing but the row's node, so its answer for a node is known
            // after the first time: 0 not yet run, 1 false, 2 true (one byte per node, an
            // array per node type made when first needed).
            var known = TypeIndexed<NodeTypeID, [UInt8]>(repeating: [], count: graph.nodes.count)
            let counts = graph.nodes.mapByID(\.count)
            return { row in
                let node = row[slot]
                if case .node(let n) = node {
                    let t = n.type, i = Int(n.index)
                    if known[t].isEmpty { known[t] = [UInt8](repeating: 0, count: counts[t]) }
                    let k = known[t][i]
                    if k != 0 { return .bool(k == 2) }
                }
                box.row = [node]
                var found = false
                // A limit, timeout or Ctrl-C inside the subplan fails the query: no optional `try` here,
                // which once turned `--max-rows` inside `exists` into a wrong count.
                _ = try sub { _ in found = true; return false }
                if case .node(let n) = node { known[n.type][Int(n.index)] = found ? 2 : 1 }
                return .bool(found)
            }
        case .call(let b, let args, _):
            return try compileCall(b, args)
        case .ifThen(let c, let a, let b, _):
            let cc = try compile(c), ca = try compile(a), cb = try compile(b)
            return { row in if case .bool(true) = try cc(row) { try ca(row) } else { try cb(row) } }
        case .aggregateResult(let i, _):
            return { row in row[i] }
        }
    }

    func compileAccess(_ a: Access) -> Eval {
        let graph = self.graph
        switch a {
        case .slot(let s):
            return { row in row[s] }
        case .nodeField(let s, let type, let field):
            let col = graph.nodes[type].columns[field]
            switch col {
            case .int(let arr):
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    let v = arr[Int(n.index)]; return v == Column.nullInt ? .null : .int(v)
                }
            case .int32(let arr):
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    let v = arr[Int(n.index)]; return v == Column.nullInt32 ? .null : .int(Int(v))
                }
            case .int16(let arr):
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    let v = arr[Int(n.index)]; return v == Column.nullInt16 ? .null : .int(Int(v))
                }
            case .decimal(let arr):
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    let v = arr[Int(n.index)]; return v.isNaN ? .null : .decimal(v)
                }
            case .wholeDecimal(let arr):
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    let v = arr[Int(n.index)]; return v == Column.nullInt32 ? .null : .decimal(Double(v))
                }
            default:
                return { row in
                    guard case .node(let n) = row[s] else { return .null }
                    return col.value(Int(n.index))
                }
            }
        case .nodeID(let s):
            return { row in if case .node(let n) = row[s] { .string(graph.id(of: n)) } else { .null } }
        case .edgeField(let s, let type, let field):
            let col = graph.edges[type].columns[field]
            switch col {
            case .int(let arr):
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    let v = arr[Int(e.index)]; return v == Column.nullInt ? .null : .int(v)
                }
            case .int32(let arr):
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    let v = arr[Int(e.index)]; return v == Column.nullInt32 ? .null : .int(Int(v))
                }
            case .int16(let arr):
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    let v = arr[Int(e.index)]; return v == Column.nullInt16 ? .null : .int(Int(v))
                }
            case .decimal(let arr):
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    let v = arr[Int(e.index)]; return v.isNaN ? .null : .decimal(v)
                }
            case .wholeDecimal(let arr):
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    let v = arr[Int(e.index)]; return v == Column.nullInt32 ? .null : .decimal(Double(v))
                }
            default:
                return { row in
                    guard case .edge(let e) = row[s] else { return .null }
                    return col.value(Int(e.index))
                }
            }
        case .edgeEnd(let s, let to):
            // The end arrays and types of every edge type, captured once (no table copies per row).
            let ends = graph.edges.mapByID { to ? $0.to : $0.from }
            let types = graph.schema.edgeTypes.mapByID { to ? $0.toType : $0.fromType }
            return { row in
                guard case .edge(let e) = row[s] else { return .null }
                return .node(NodeRef(type: types[e.type], index: Int(ends[e.type][Int(e.index)])))
            }
        }
    }

    /// A string column of a node or edge compared for (in)equality with a constant.
    func compileCodeEquality(_ a: Access, _ s: String, negate: Bool) -> Eval? {
        switch a {
        case .nodeField(let slot, let type, let field):
            guard case .string(let sc) = graph.nodes[type].columns[field] else { return nil }
            let codes = sc.codes, code = sc.code(of: s) ?? -2
            return { row in
                guard case .node(let n) = row[slot] else { return .null }
                let c = codes[Int(n.index)]
                return c < 0 ? .null : .bool((c == code) != negate)
            }
        case .edgeField(let slot, let type, let field):
            guard case .string(let sc) = graph.edges[type].columns[field] else { return nil }
            let codes = sc.codes, code = sc.code(of: s) ?? -2
            return { row in
                guard case .edge(let e) = row[slot] else { return .null }
                let c = codes[Int(e.index)]
                return c < 0 ? .null : .bool((c == code) != negate)
            }
        default: return nil
        }
    }

    func compileBinary(_ op: BinaryOp, _ l: TypedExpr, _ r: TypedExpr) throws -> Eval {
        if op == .eq || op == .ne {
            if case .access(let a, _) = l, case .constant(.string(let s)) = r, let f = compileCodeEquality(a, s, negate: op == .ne) { return f }
            if case .access(let a, _) = r, case .constant(.string(let s)) = l, let f = compileCodeEquality(a, s, negate: op == .ne) { return f }
        }
        let cl = try compile(l), cr = try compile(r)
        if op.isComparison, l.type == .date || r.type == .date {
            // Dates compare as the spans of days they name (Dates.compare); a constant on the
            // left is the bound all the same: `@2021 <= start` is `start >= @2021`.
            var op = op, cl = cl, cr = cr
            if case .constant = l, !isConstant(r) { swap(&cl, &cr); op = op.flipped }
            let o = op
            return { row in
                let a = try cl(row), b = try cr(row)
                if case .constant(.null) = r { return .bool(o == .eq ? a.isNull : !a.isNull) }
                guard case .date(let x) = a, case .date(let y) = b else { return .null }
                return Dates.compare(o, x, y).map { .bool($0) } ?? .null
            }
        }
        switch op {
        case .and:
            return { row in
                guard case .bool(let a) = try cl(row) else { return .null }
                guard case .bool(let b) = try cr(row) else { return .null }
                return .bool(a && b)
            }
        case .or:
            return { row in
                guard case .bool(let a) = try cl(row) else { return .null }
                guard case .bool(let b) = try cr(row) else { return .null }
                return .bool(a || b)
            }
        case .eq:
            if case .constant(.null) = r { return { row in .bool(try cl(row).isNull) } }
            if case .constant(.null) = l { return { row in .bool(try cr(row).isNull) } }
            return { row in Semantics.equal(try cl(row), try cr(row)).map { .bool($0) } ?? .null }
        case .ne:
            if case .constant(.null) = r { return { row in .bool(try !cl(row).isNull) } }
            if case .constant(.null) = l { return { row in .bool(try !cr(row).isNull) } }
            return { row in Semantics.equal(try cl(row), try cr(row)).map { .bool(!$0) } ?? .null }
        case .lt: return { row in Semantics.compare(try cl(row), try cr(row)).map { .bool($0 < 0) } ?? .null }
        case .le: return { row in Semantics.compare(try cl(row), try cr(row)).map { .bool($0 <= 0) } ?? .null }
        case .gt: return { row in Semantics.compare(try cl(row), try cr(row)).map { .bool($0 > 0) } ?? .null }
        case .ge: return { row in Semantics.compare(try cl(row), try cr(row)).map { .bool($0 >= 0) } ?? .null }
        case .match:
            if case .constant(.string(let s)) = r {
                let needle = fold(s)
                return { row in
                    guard let h = try cl(row).text else { return .null }
                    return .bool(needle.isEmpty || fold(h).contains(needle))
                }
            }
            return { row in
                guard let h = try cl(row).text, let n = try cr(row).text else { return .null }
                let f = fold(n)
                return .bool(f.isEmpty || fold(h).contains(f))
            }
        case .in:
            return { row in
                let v = try cl(row)
                if v.isNull { return .null }
                guard case .list(let items) = try cr(row) else { return .null }
                for i in items where Semantics.equal(v, i) == true { return .bool(true) }
                return .bool(false)
            }
        case .add, .sub, .mul:
            let graph = self.graph
            return { row in
                let a = try cl(row), b = try cr(row)
                switch (a, b) {
                case (.int(let x), .int(let y)):
                    let (v, o) = op == .add ? x.addingReportingOverflow(y) : op == .sub ? x.subtractingReportingOverflow(y) : x.multipliedReportingOverflow(by: y)
                    return o ? .null : .int(v)
                case (.string, _), (_, .string), (.date, _), (_, .date):
                    if op == .add, !a.isNull, !b.isNull { return .string(Semantics.text(a, graph) + Semantics.text(b, graph)) }
                    return .null
                default:
                    guard let x = a.number, let y = b.number else { return .null }
                    return finite(op == .add ? x + y : op == .sub ? x - y : x * y)
                }
            }
        case .div:
            return { row in
                guard let x = try cl(row).number, let y = try cr(row).number, y != 0 else { return .null }
                return finite(x / y)
            }
        }
    }

    func compileCall(_ b: Builtin, _ args: [TypedExpr]) throws -> Eval {
        let cs = try args.map { try compile($0) }
        let graph = self.graph
        switch b {
        case .lower: return { row in try cs[0](row).text.map { .string($0.lowercased()) } ?? .null }
        case .upper: return { row in try cs[0](row).text.map { .string($0.uppercased()) } ?? .null }
        case .len:
            return { row in
                switch try cs[0](row) {
                case .string(let s), .date(let s): .int(s.count)
                case .list(let l): .int(l.count)
                default: .null
                }
            }
        case .round:
            return { row in
                guard let x = try cs[0](row).number else { return .null }
                if cs.count == 2 {
                    guard case .int(let d) = try cs[1](row) else { return .null }
                    return .decimal(roundDecimal(x, d))
                }
                let r = x.rounded()
                guard r.isFinite, abs(r) < 9.2e18 else { return .null }
                return .int(Int(r))
            }
        case .abs:
            return { row in
                switch try cs[0](row) {
                case .int(let i): i == .min ? .null : .int(Swift.abs(i))
                case .decimal(let d): .decimal(Swift.abs(d))
                default: .null
                }
            }
        case .coalesce:
            return { row in
                for c in cs { let v = try c(row); if !v.isNull { return v } }
                return .null
            }
        case .distance:
            let fields = graph.schema.nodeTypes.mapByID(\.coordinates)
            func coords(_ v: Value) -> (lat: Double, lon: Double)? {
                guard case .node(let n) = v else { return nil }
                return graph.position(of: n, fields)
            }
            return { row in
                guard let p = coords(try cs[0](row)), let q = coords(try cs[1](row)) else { return .null }
                return .decimal(Semantics.haversine(p.0, p.1, q.0, q.1))
            }
        case .number:
            return { row in
                switch try cs[0](row) {
                case .int(let i): .decimal(Double(i))
                case .decimal(let d): .decimal(d)
                case .string(let s): parseDecimal(s.trimmingSpaces).map { .decimal($0) } ?? .null
                default: .null
                }
            }
        case .string:
            return { row in let v = try cs[0](row); return v.isNull ? .null : .string(Semantics.text(v, graph)) }
        case .year, .month, .day:
            let which = b == .year ? 0 : b == .month ? 1 : 2
            return { row in
                switch try cs[0](row) {
                case .date(let s), .string(let s): return Dates.part(s, which).map { .int($0) } ?? .null
                default: return .null
                }
            }
        case .days:
            return { row in
                guard case .date(let a) = try cs[0](row), case .date(let b) = try cs[1](row) else { return .null }
                return Dates.daysBetween(a, b).map { .int($0) } ?? .null
            }
        case .date:
            return { row in
                switch try cs[0](row) {
                case .date(let s): return .date(s)
                case .string(let s): return Dates.problem(s) == nil ? .date(s) : .null
                default: return .null
                }
            }
        case .starts_with, .ends_with, .contains:
            return { row in
                guard let s = try cs[0](row).text, let p = try cs[1](row).text else { return .null }
                switch b {
                case .starts_with: return .bool(s.hasPrefix(p))
                case .ends_with: return .bool(s.hasSuffix(p))
                default: return .bool(p.isEmpty || s.contains(p))
                }
            }
        case .matches:
            if case .constant(.string(let p)) = args[1] {
                let regex = try Regex(p)
                return { row in
                    guard let s = try cs[0](row).text else { return .null }
                    return .bool(s.contains(regex))
                }
            }
            // The checker admits only a constant pattern (a literal or a parameter).
            throw Diagnostic(.run, "the pattern of 'matches' must be a literal or a parameter", at: Span(0, 0))
        case .replace:
            return { row in
                guard let s = try cs[0](row).text, let old = try cs[1](row).text, let new = try cs[2](row).text else { return .null }
                if old.isEmpty { return .string(s) }
                return .string(s.replacing(old, with: new))
            }
        case .substr:
            return { row in
                guard let s = try cs[0](row).text, case .int(let start) = try cs[1](row) else { return .null }
                var length = Int.max
                if cs.count == 3 {
                    guard case .int(let l) = try cs[2](row) else { return .null }
                    length = max(0, l)
                }
                let chars = Array(s)
                let from = max(0, start - 1)
                guard from < chars.count else { return .string("") }
                let to = length >= chars.count - from ? chars.count : from + length
                return .string(String(chars[from..<to]))
            }
        case .split:
            return { row in
                guard let s = try cs[0](row).text, let sep = try cs[1](row).text, !sep.isEmpty else { return .null }
                return .list(s.split(separator: sep, omittingEmptySubsequences: false).map { .string(String($0)) })
            }
        case .trim:
            return { row in try cs[0](row).text.map { .string($0.trimmingSpaces) } ?? .null }
        }
    }
}

extension Value {
    /// The text of a string or a date; nil for any other value.
    var text: String? {
        switch self {
        case .string(let s), .date(let s): s
        default: nil
        }
    }
}

func isConstant(_ e: TypedExpr) -> Bool { if case .constant = e { true } else { false } }

/// `x` rounded to `d` decimals (halves away from zero), as exactly as a Double allows: scaling
/// by a power of ten only where the power is exact (10^0 … 10^22), dividing for negative `d`
/// (`round(4e15, -16)` is 0, not 3999999999999999.5), and `x` itself when it has no digits
/// at that position.
func roundDecimal(_ x: Double, _ d: Int) -> Double {
    guard x.isFinite else { return x }
    let powers: [Double] = (0...22).map { k in var p = 1.0; for _ in 0..<k { p *= 10 }; return p }
    if d >= 0 {
        if d > 22 { return x }
        let p = powers[d]
        let scaled = x * p
        if Swift.abs(scaled) >= 4_503_599_627_370_496 { return x } // 2^52: no fraction left to round
        return scaled.rounded() / p
    }
    if -d > 22 { return 0 }
    let q = powers[-d]
    return (x / q).rounded() * q
}

/// A decimal result, or null when it left the finite numbers (an infinity or a NaN would print
/// as null yet group, deduplicate and count as a value of its own).
@inline(__always)
func finite(_ d: Double) -> Value { d.isFinite ? .decimal(d) : .null }

/// Ints and integral decimals hash alike, so that `in` finds 1 in [1.0]; a NaN (which only a
/// loaded column could still hold) is null.
@inline(__always)
func normalize(_ v: Value) -> Value {
    if case .decimal(let d) = v, d.isNaN { return .null }
    if case .decimal(let d) = v, d == d.rounded(), Swift.abs(d) < 9e15 { return .int(Int(d)) }
    return v
}

/// The row an `exists(…)` subplan starts from.
final class InputBox: @unchecked Sendable {
    var row: Row = []
}
