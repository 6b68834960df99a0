/// Filters compiled to `(Row) -> Bool` with fast paths for the common shapes: a field compared
/// with a constant, two fields of the same string column compared, a boolean field. Fields are
/// read straight from the graph's column arrays, through the row's node, edge, or an edge's end.
extension Executor {
    /// Where a field's value lives: a column of the graph, and how to find the row in it.
    struct DirectField {
        let column: Column
        /// Identifies the column (node or edge type, field) for same-column comparisons.
        let identity: (ScanTarget, Int)
        /// The row of `column` for a query row, or -1 when the value is absent (null, wrong type).
        let index: (Row) -> Int
    }

    /// A field read the predicate fast paths understand, or nil.
    func directField(_ e: TypedExpr) -> DirectField? {
        let graph = self.graph
        switch e {
        case .access(.nodeField(let slot, let type, let field), _), .nodeField(.access(.slot(let slot), _), let type, let field, _):
            return DirectField(column: graph.nodes[type].columns[field], identity: (.nodes(type), field)) { row in
                if case .node(let n) = row[slot], n.type == type { return Int(n.index) }
                return -1
            }
        case .access(.edgeField(let slot, let type, let field), _):
            return DirectField(column: graph.edges[type].columns[field], identity: (.edges(type), field)) { row in
                if case .edge(let x) = row[slot], x.type == type { return Int(x.index) }
                return -1
            }
        case .nodeField(.access(.edgeEnd(let slot, let to), _), let type, let field, _):
            // `from.michelin` on edge rows: the end's row comes from the edge table's arrays.
            let ends = graph.edges.mapByID { to ? $0.to : $0.from }
            let endTypes = graph.schema.edgeTypes.mapByID { to ? $0.toType : $0.fromType }
            return DirectField(column: graph.nodes[type].columns[field], identity: (.nodes(type), field)) { row in
                if case .edge(let x) = row[slot], endTypes[x.type] == type { return Int(ends[x.type][Int(x.index)]) }
                return -1
            }
        default:
            return nil
        }
    }

    /// `e` as a test that is true exactly when `e` evaluates to `true`.
    func compilePredicate(_ e: TypedExpr) throws -> (Row) throws -> Bool {
        if let fast = fastPredicate(e) { return fast }
        let c = try compile(e)
        return { row in if case .bool(true) = try c(row) { true } else { false } }
    }

    func fastPredicate(_ e: TypedExpr) -> ((Row) -> Bool)? {
        switch e {
        case .binary(.and, let a, let b, _):
            guard let x = fastPredicate(a), let y = fastPredicate(b) else { return nil }
            return { row in x(row) && y(row) }
        case .unary(.not, let a, _):
            // not x is true exactly when x is false (not null).
            guard let f = directField(a), case .bool(let arr) = f.column else { return nil }
            return { row in let i = f.index(row); return i >= 0 && arr[i] == 0 }
        case .binary(let op, let l, let r, _) where op.isComparison:
            if let f = directField(l), case .constant(let v) = r { return compare(f, op, v) }
            if let f = directField(r), case .constant(let v) = l { return compare(f, op.flipped, v) }
            if op == .eq || op == .ne, let f = directField(l), let g = directField(r), f.identity == g.identity,
               case .string(let sc) = f.column {
                let codes = sc.codes, ne = op == .ne
                return { row in
                    let i = f.index(row), j = g.index(row)
                    guard i >= 0, j >= 0 else { return false }
                    let a = codes[i], b = codes[j]
                    return a >= 0 && b >= 0 && (a == b) != ne
                }
            }
            return nil
        default:
            guard let f = directField(e), case .bool(let arr) = f.column else { return nil }
            return { row in let i = f.index(row); return i >= 0 && arr[i] == 1 }
        }
    }

    /// `field OP constant` on the column's raw array.
    func compare(_ f: DirectField, _ op: BinaryOp, _ v: Value) -> ((Row) -> Bool)? {
        func test<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .eq: a == b
            case .ne: a != b
            case .lt: a < b
            case .le: a <= b
            case .gt: a > b
            default: a >= b
            }
        }
        switch (f.column, v) {
        case (.int(let arr), .int(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt && test(x, k) }
        case (.int(let arr), .decimal(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt && test(Double(x), k) }
        case (.int32(let arr), .int(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt32 && test(Int(x), k) }
        case (.int32(let arr), .decimal(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt32 && test(Double(x), k) }
        case (.int16(let arr), .int(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt16 && test(Int(x), k) }
        case (.int16(let arr), .decimal(let k)):
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt16 && test(Double(x), k) }
        case (.decimal(let arr), _):
            guard let k = v.number else { return nil }
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return !x.isNaN && test(x, k) }
        case (.wholeDecimal(let arr), _):
            guard let k = v.number else { return nil }
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != Column.nullInt32 && test(Double(x), k) }
        case (.string(let sc), .string(let s)) where op == .eq || op == .ne:
            let codes = sc.codes, code = sc.code(of: s) ?? -2, ne = op == .ne
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let c = codes[i]; return c >= 0 && (c == code) != ne }
        case (.bool(let arr), .bool(let b)) where op == .eq || op == .ne:
            let want: UInt8 = b ? 1 : 0, ne = op == .ne
            return { row in let i = f.index(row); guard i >= 0 else { return false }; let x = arr[i]; return x != 2 && (x == want) != ne }
        default:
            return nil
        }
    }
}

extension BinaryOp {
    /// `==`, `!=`, `<`, `<=`, `>` or `>=`.
    var isComparison: Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(self) }

    /// The operator with its operands swapped: `a < b` ⇔ `b > a`.
    var flipped: BinaryOp {
        switch self {
        case .lt: .gt
        case .le: .ge
        case .gt: .lt
        case .ge: .le
        default: self
        }
    }
}

/// Tests compiled on column positions rather than rows: for a scan of one node or edge table,
/// whether position i passes, reading the column arrays (and, for an edge's ends, the end arrays)
/// directly. The planner's rules ask it whether a conjunct can run this way; the Executor runs it.
struct ColumnPredicates {
    let graph: Graph
    /// Whether a boolean field read through an edge's end is tested on a bitset of the node
    /// column, packed when the test is made (the executor asks for it; the planner, which only
    /// asks whether a test runs on columns, does not pay for the packing).
    let packEndBools: Bool
    init(graph: Graph, packEndBools: Bool = false) { self.graph = graph; self.packEndBools = packEndBools }

    /// The end array (`from` or `to` of the scanned edge table) through which `e` reads a node
    /// field, or nil when `e` reads the scanned table itself.
    func endArray(_ e: TypedExpr, _ target: ScanTarget) -> [Int32]? {
        guard case .nodeField(.access(.edgeEnd(0, let to), _), _, _, _) = e, case .edges(let t) = target else { return nil }
        return to ? graph.edges[t].to : graph.edges[t].from
    }

    /// Node tables at least this big get their boolean column packed into bits for a test through
    /// an edge's end: a byte per node leaves the core's cache (a million cities, 1 MB) where a bit
    /// does not (128 KB), and each edge reads one end at random. Below it the bytes stay in cache
    /// and packing would only add its pass (measured: W6 at M, 100 000 cities, slower packed).
    /// A task-local so that a test can run the packed path on a small network (read once per
    /// test built, not per row).
    @TaskLocal static var packThreshold = 1 << 18

    /// `arr[ends[i]] == want` for every edge position i, reading a bitset of the column when the
    /// node table is big, else the byte array; both arrays read directly (no index closure).
    func endBoolTest(_ arr: [UInt8], _ ends: [Int32], want: UInt8) -> (Int) -> Bool {
        if packEndBools && arr.count >= Self.packThreshold {
            var packing = [UInt64](repeating: 0, count: (arr.count + 63) / 64)
            arr.withUnsafeBufferPointer { a in
                for k in a.indices { packing[k >> 6] |= UInt64(a[k] == want ? 1 : 0) << UInt64(k & 63) }
            }
            let bits = packing   // captured as a constant: a captured `var` is boxed and checked at each read
            return { i in let k = Int(ends[i]); return bits[k >> 6] >> UInt64(k & 63) & 1 != 0 }
        }
        return { arr[Int(ends[$0])] == want }
    }

    /// For a scan of `target`, the row of the field's column for scan position `i`, or nil when
    /// the field is not read from the scanned node or edge.
    /// The index is nil when the field belongs to the scanned table itself (position i is row i).
    func scanIndex(_ e: TypedExpr, _ target: ScanTarget) -> (column: Column, index: ((Int) -> Int)?)? {
        let graph = self.graph
        switch e {
        case .access(.nodeField(0, let type, let field), _) where target == .nodes(type):
            return (graph.nodes[type].columns[field], nil)
        case .access(.edgeField(0, let type, let field), _) where target == .edges(type):
            return (graph.edges[type].columns[field], nil)
        case .nodeField(.access(.edgeEnd(0, let to), _), let type, let field, _):
            guard case .edges(let t) = target else { return nil }
            let def = graph.schema[t]
            guard (to ? def.toType : def.fromType) == type else { return nil }
            let ends = to ? graph.edges[t].to : graph.edges[t].from
            return (graph.nodes[type].columns[field], { Int(ends[$0]) })
        default:
            return nil
        }
    }

    /// `e` as a test on scan positions, when every field it reads comes from the scanned table.
    func scanPredicate(_ e: TypedExpr, _ target: ScanTarget) -> ((Int) -> Bool)? {
        switch e {
        case .binary(.and, let a, let b, _):
            guard let x = scanPredicate(a, target), let y = scanPredicate(b, target) else { return nil }
            return { x($0) && y($0) }
        case .unary(.not, let a, _):
            guard let (col, idx) = scanIndex(a, target), case .bool(let arr) = col else { return nil }
            guard idx != nil else { return { arr[$0] == 0 } }
            if let ends = endArray(a, target) { return endBoolTest(arr, ends, want: 0) }
            return { arr[idx!($0)] == 0 }
        case .binary(let op, let l, let r, _) where op.isComparison:
            if let (col, idx) = scanIndex(l, target), case .constant(let v) = r { return compareAt(col, idx, op, v) }
            if let (col, idx) = scanIndex(r, target), case .constant(let v) = l { return compareAt(col, idx, op.flipped, v) }
            if op == .eq || op == .ne, let (c1, i1) = scanIndex(l, target), let (c2, i2) = scanIndex(r, target),
               case .string(let s1) = c1, case .string(let s2) = c2, !s1.isDate, s1.dictionary == s2.dictionary {
                let a = s1.codes, b = s2.codes, ne = op == .ne
                if let e1 = endArray(l, target), let e2 = endArray(r, target) {
                    // `from.x != to.x`: both ends' codes, read through the end arrays directly.
                    return { i in let x = a[Int(e1[i])], y = b[Int(e2[i])]; return x >= 0 && y >= 0 && (x == y) != ne }
                }
                let i1 = i1 ?? { $0 }, i2 = i2 ?? { $0 }
                return { i in let x = a[i1(i)], y = b[i2(i)]; return x >= 0 && y >= 0 && (x == y) != ne }
            }
            return nil
        default:
            guard let (col, idx) = scanIndex(e, target), case .bool(let arr) = col else { return nil }
            guard idx != nil else { return { arr[$0] == 1 } }
            if let ends = endArray(e, target) { return endBoolTest(arr, ends, want: 1) }
            return { arr[idx!($0)] == 1 }
        }
    }

    /// `column[index(i)] OP constant` on the column's raw array.
    func compareAt(_ column: Column, _ index: ((Int) -> Int)?, _ op: BinaryOp, _ v: Value) -> ((Int) -> Bool)? {
        // The common case — a field of the scanned table against a constant — gets one closure
        // per operator, with nothing but the array read and the comparison in it.
        if index == nil, let f = directCompare(column, op, v) { return f }
        let index = index ?? { $0 }
        func test<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .eq: a == b
            case .ne: a != b
            case .lt: a < b
            case .le: a <= b
            case .gt: a > b
            default: a >= b
            }
        }
        switch (column, v) {
        case (.int(let arr), .int(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt && test(x, k) }
        case (.int(let arr), .decimal(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt && test(Double(x), k) }
        case (.int32(let arr), .int(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt32 && test(Int(x), k) }
        case (.int32(let arr), .decimal(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt32 && test(Double(x), k) }
        case (.int16(let arr), .int(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt16 && test(Int(x), k) }
        case (.int16(let arr), .decimal(let k)):
            return { let x = arr[index($0)]; return x != Column.nullInt16 && test(Double(x), k) }
        case (.decimal(let arr), _):
            guard let k = v.number else { return nil }
            return { let x = arr[index($0)]; return !x.isNaN && test(x, k) }
        case (.wholeDecimal(let arr), _):
            guard let k = v.number else { return nil }
            return { let x = arr[index($0)]; return x != Column.nullInt32 && test(Double(x), k) }
        case (.string(let sc), .string(let s)) where op == .eq || op == .ne:
            let codes = sc.codes, code = sc.code(of: s) ?? -2, ne = op == .ne
            return { let c = codes[index($0)]; return c >= 0 && (c == code) != ne }
        case (.bool(let arr), .bool(let b)) where op == .eq || op == .ne:
            let want: UInt8 = b ? 1 : 0, ne = op == .ne
            return { let x = arr[index($0)]; return x != 2 && (x == want) != ne }
        default:
            return nil
        }
    }

    /// `column[i] OP constant` for the scanned table's own columns; nulls never match.
    func directCompare(_ column: Column, _ op: BinaryOp, _ v: Value) -> ((Int) -> Bool)? {
        switch (column, v) {
        case (.int(let arr), .int(let k)):
            // (`Column.nullInt` is `Int.min`: the same code as the narrow widths.)
            return narrowCompare(arr, op, k)
        case (.int32(let arr), .int(let k)):
            return narrowCompare(arr, op, k)
        case (.int16(let arr), .int(let k)):
            return narrowCompare(arr, op, k)
        case (.wholeDecimal(let arr), _):
            guard let k = v.number, !k.isNaN else { return nil }
            let null = Column.nullInt32
            switch op {
            case .eq: return { let x = arr[$0]; return x != null && Double(x) == k }
            case .ne: return { let x = arr[$0]; return x != null && Double(x) != k }
            case .lt: return { let x = arr[$0]; return x != null && Double(x) < k }
            case .le: return { let x = arr[$0]; return x != null && Double(x) <= k }
            case .gt: return { let x = arr[$0]; return x != null && Double(x) > k }
            case .ge: return { let x = arr[$0]; return x != null && Double(x) >= k }
            default: return nil
            }
        case (.constant(let c), .string(let s)) where !c.isDate && (op == .eq || op == .ne):
            // One answer for every row (null rows match nothing).
            let pass = c.string.map { ($0 == s) != (op == .ne) } ?? false
            return { _ in pass }
        case (.decimal(let arr), _):
            // NaN (null) compares false with everything, != included: test it there only.
            guard let k = v.number else { return nil }
            switch op {
            case .eq: return { arr[$0] == k }
            case .ne: return { let x = arr[$0]; return x != k && !x.isNaN }
            case .lt: return { arr[$0] < k }
            case .le: return { arr[$0] <= k }
            case .gt: return { arr[$0] > k }
            case .ge: return { arr[$0] >= k }
            default: return nil
            }
        case (.string(let sc), .string(let s)) where op == .eq || op == .ne:
            let codes = sc.codes
            guard let code = sc.code(of: s) else { return op == .eq ? { _ in false } : { codes[$0] >= 0 } }
            return op == .eq ? { codes[$0] == code } : { let c = codes[$0]; return c >= 0 && c != code }
        default:
            return nil
        }
    }

    /// Writes into `out`, in order, the positions of a range where a test on the scanned table's
    /// own integer column holds: one tight loop per storage and operator, called once per block of
    /// positions, so that a selective `where` under a column aggregate costs a compare per row,
    /// not a closure call (W3: `fundings | where year == 2015 | group by from: …`).
    typealias Selector = (Range<Int>, inout [Int32]) -> Void

    /// What a selection loop for `e` reads: a field of the scanned table (its column), the
    /// constant, and the operator with the column on its left. Nil unless `e` is an integer
    /// field compared with an integer constant that fits the column's width (and is not its
    /// null), or a string field (not a date) tested with `==`/`!=` against a string.
    func selectorParts(_ e: TypedExpr, _ target: ScanTarget) -> (Column, Value, BinaryOp)? {
        guard case .binary(let op, let l, let r, _) = e, op.isComparison else { return nil }
        let column: Column, k: Value, o: BinaryOp
        if let (c, idx) = scanIndex(l, target), idx == nil, case .constant(let v) = r { column = c; k = v; o = op }
        else if let (c, idx) = scanIndex(r, target), idx == nil, case .constant(let v) = l { column = c; k = v; o = op.flipped }
        else { return nil }
        switch (column, k) {
        case (.int, .int(let kk)): return Self.fits(kk, Int.self) ? (column, k, o) : nil
        case (.int32, .int(let kk)): return Self.fits(kk, Int32.self) ? (column, k, o) : nil
        case (.int16, .int(let kk)): return Self.fits(kk, Int16.self) ? (column, k, o) : nil
        case (.string(let sc), .string) where !sc.isDate && (o == .eq || o == .ne): return (column, k, o)
        default: return nil
        }
    }

    /// Whether `k` is a value of T other than its null (`T.min`: `Column.nullInt`, `nullInt32`,
    /// `nullInt16`), so that a test can run in the column's own width.
    static func fits<T: FixedWidthInteger>(_ k: Int, _: T.Type) -> Bool { k > Int(T.min) && k <= Int(T.max) }

    /// Whether `e` runs as a selection loop (the planner's question: nothing is built).
    func selectable(_ e: TypedExpr, _ target: ScanTarget) -> Bool { selectorParts(e, target) != nil }

    /// `e` as a `Selector` (see `selectorParts`); nil for anything else (the caller tests it
    /// per position instead).
    func scanSelector(_ e: TypedExpr, _ target: ScanTarget) -> Selector? {
        guard let (column, k, o) = selectorParts(e, target) else { return nil }
        switch (column, k) {
        case (.int(let arr), .int(let kk)): return select(arr, o, kk)
        case (.int32(let arr), .int(let kk)): return select(arr, o, kk)
        case (.int16(let arr), .int(let kk)): return select(arr, o, kk)
        case (.string(let sc), .string(let text)):
            // (`selectorParts` admits only `==`/`!=` on a string that is not a date.)
            // Dictionary codes: `country_code == "FR"` compares one Int32 a row (null is -1,
            // a string no row holds is -2: it matches nothing, and `!=` every non-null row).
            let codes = sc.codes, code = sc.code(of: text) ?? -2
            if o == .eq {
                return { r, out in codes.withUnsafeBufferPointer { p in for i in r where p[i] == code { out.append(Int32(truncatingIfNeeded: i)) } } }
            }
            return { r, out in codes.withUnsafeBufferPointer { p in for i in r where p[i] >= 0 && p[i] != code { out.append(Int32(truncatingIfNeeded: i)) } } }
        default: return nil
        }
    }

    /// `arr[i] OP k` as a `Selector` (`T.min` is null — `Column.nullInt`, `nullInt32`, `nullInt16` —
    /// and matches nothing); nil when k does not fit T or is its null.
    func select<T: FixedWidthInteger & SignedInteger>(_ arr: [T], _ op: BinaryOp, _ k: Int) -> Selector? {
        guard Self.fits(k, T.self) else { return nil }
        let k = T(k), null = T.min
        @inline(__always) func loop(_ r: Range<Int>, _ out: inout [Int32], _ pass: (T) -> Bool) {
            arr.withUnsafeBufferPointer { p in
                for i in r where pass(p[i]) { out.append(Int32(truncatingIfNeeded: i)) }
            }
        }
        switch op {
        case .eq: return { r, out in loop(r, &out) { $0 == k } }
        case .ne: return { r, out in loop(r, &out) { $0 != k && $0 != null } }
        case .lt: return { r, out in loop(r, &out) { $0 < k && $0 != null } }
        case .le: return { r, out in loop(r, &out) { $0 <= k && $0 != null } }
        case .gt: return { r, out in loop(r, &out) { $0 > k } }
        case .ge: return { r, out in loop(r, &out) { $0 >= k } }
        default: return nil
        }
    }

    /// `arr[i] OP k` on an integer column of any width (`T.min` is null), in its own width when k fits
    /// it (null, `T.min`, is then below every k, so only `<`, `<=` and `!=` rule it out); nil
    /// (the widening path of `compareAt`) when it does not.
    func narrowCompare<T: FixedWidthInteger & SignedInteger>(_ arr: [T], _ op: BinaryOp, _ k: Int) -> ((Int) -> Bool)? {
        guard Self.fits(k, T.self) else { return nil }
        let k = T(k), null = T.min
        switch op {
        case .eq: return { arr[$0] == k }
        case .ne: return { let x = arr[$0]; return x != k && x != null }
        case .lt: return { let x = arr[$0]; return x < k && x != null }
        case .le: return { let x = arr[$0]; return x <= k && x != null }
        case .gt: return { arr[$0] > k }
        case .ge: return { arr[$0] >= k }
        default: return nil
        }
    }

    /// How a column scan with conjuncts `cs` reads its positions: the selection loop of the first
    /// conjunct when the planner chose one (`Conjunct.selectionLoop`), and the test of the others
    /// (of all, without one); nil when a conjunct cannot run on columns. The column scan and the
    /// column aggregate both run what this gives.
    func scanTests(_ cs: [Conjunct], _ target: ScanTarget) -> (select: Selector?, test: (Int) -> Bool)? {
        let select = cs.first.flatMap { $0.selectionLoop ? scanSelector($0.expr, target) : nil }
        guard let test = scanPredicate(select == nil ? cs[...] : cs.dropFirst(), target) else { return nil }
        return (select, test)
    }

    /// The conjuncts as one test on scan positions, or nil if one of them cannot run on columns.
    /// (Built by recursion, not kept in an array: a closure taken out of an array or a generic
    /// `reduce` is called through a reabstraction thunk, which doubled W6's time.)
    func scanPredicate(_ cs: [Conjunct], _ target: ScanTarget) -> ((Int) -> Bool)? {
        scanPredicate(cs[...], target)
    }

    func scanPredicate(_ cs: ArraySlice<Conjunct>, _ target: ScanTarget) -> ((Int) -> Bool)? {
        guard let c = cs.first else { return { _ in true } }
        guard let x = scanPredicate(c.expr, target) else { return nil }
        if cs.count == 1 { return x }
        guard let y = scanPredicate(cs.dropFirst(), target) else { return nil }
        return { x($0) && y($0) }
    }
}
