import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Compiles a plan into producers and runs them. Rows are pushed from the sources through the
/// steps to a sink; a sink returns false to stop the producers early (`take`, `exists`).
/// Sources and loops poll the cancellation flag every few thousand rows.
final class Executor {
    typealias Sink = (Row) throws -> Bool
    typealias Producer = (Sink) throws -> Bool

    let graph: Graph
    let cancellation: CancellationFlag
    let limits: Limits
    let input: InputBox?
    /// Set by `explain analyze`: every operator counts its rows and times itself.
    let profile: Profile?
    /// The bytes the query's steps hold (`--max-memory`), shared with its subqueries' executors.
    let memory: MemoryBudget
    var ticks = 0
    /// Notes for the user about an answer that is right but may surprise (an empty `path`).
    var notes: [Diagnostic] = []

    init(graph: Graph, cancellation: CancellationFlag, limits: Limits, memory: MemoryBudget? = nil, input: InputBox? = nil, profile: Profile? = nil) {
        self.graph = graph; self.cancellation = cancellation; self.limits = limits; self.input = input; self.profile = profile
        self.memory = memory ?? MemoryBudget(limit: limits.maxMemory)
    }

    /// Counts work and polls the cancellation flag every 1024 calls.
    @inline(__always)
    func tick() throws {
        ticks &+= 1
        if ticks & 1023 == 0 { try cancellation.check() }
    }

    /// Throws when an operator at `span` would hold more than `--max-rows` rows.
    @inline(__always)
    func checkRows(_ n: Int, _ what: String, _ span: Span) throws(RuntimeError) {
        if n > limits.maxRows { throw RuntimeError(.limitExceeded(what: what, limit: limits.maxRows), at: span) }
    }

    /// Runs `plan`, pushing its rows into `sink`.
    @discardableResult
    func run(_ plan: PlanNode, _ sink: Sink) throws -> Bool { try producer(plan)(sink) }

    // MARK: producers

    /// The producer of `plan`'s rows. An interrupt noticed while it runs is reported at its step
    /// (this wrapping costs a call per run of the operator, not per row).
    func producer(_ plan: PlanNode) throws -> Producer {
        let p = try makeProducer(plan)
        let span = plan.span
        if let profile { return profiled(plan, p, profile) }
        return { sink in
            do { return try p(sink) } catch let i as Interrupted {
                throw RuntimeError(i.timedOut ? .timedOut : .interrupted, at: span)
            }
        }
    }

    /// `p`, counting the rows it yields and the time spent in it and its inputs (not in the
    /// operators it feeds: the time inside `sink` is taken out).
    func profiled(_ plan: PlanNode, _ p: @escaping Producer, _ profile: Profile) -> Producer {
        let span = plan.span
        return { sink in
            var rows = 0
            var inSink: UInt64 = 0
            let start = DispatchTime.now().uptimeNanoseconds
            defer { profile.add(plan, rows: rows, ns: DispatchTime.now().uptimeNanoseconds &- start &- inSink) }
            do {
                return try p { row in
                    rows += 1
                    let t = DispatchTime.now().uptimeNanoseconds
                    defer { inSink &+= DispatchTime.now().uptimeNanoseconds &- t }
                    return try sink(row)
                }
            } catch let i as Interrupted {
                throw RuntimeError(i.timedOut ? .timedOut : .interrupted, at: span)
            }
        }
    }

    func makeProducer(_ plan: PlanNode) throws -> Producer {
        let graph = self.graph
        let span = plan.span
        switch plan.op {
        case .scanNodes(let type):
            let n = graph.nodes[type].count
            return { sink in
                // One buffer for every row: it is copied only by a step that keeps rows.
                var row: Row = [.null]
                for i in 0..<n {
                    try self.tick()
                    row[0] = .node(NodeRef(type: type, index: i))
                    if try !sink(row) { return false }
                }
                return true
            }
        case .scanEdges(let type):
            let n = graph.edges[type].count
            return { sink in
                var row: Row = [.null]
                for i in 0..<n {
                    try self.tick()
                    row[0] = .edge(EdgeRef(type: type, index: i))
                    if try !sink(row) { return false }
                }
                return true
            }
        case .lookupNodes(_, let refs, _):
            return { sink in
                for r in refs { if try !sink([.node(r)]) { return false } }
                return true
            }
        case .rows(_, let rows):
            return { sink in
                for r in rows { try self.tick(); if try !sink(r) { return false } }
                return true
            }
        case .input:
            let box = input!
            return { sink in try sink(box.row) }
        case .shortestPath(let from, let to, let via, let max):
            return { sink in
                guard let path = try self.shortestPath(from: from, to: to, via: via, max: max, span: span) else {
                    let edges = via.isEmpty ? "edges" : via.map { graph.schema.edgeTypes[$0].name }.joined(separator: " or ") + " edges"
                    var d = Diagnostic(.run, "no path from \"\(graph.name(of: from))\" to \"\(graph.name(of: to))\" within \(max) \(edges): the result is empty", at: span,
                                       hint: max < self.limits.maxPathLength ? "allow longer paths with 'max \(self.limits.maxPathLength)'" : via.isEmpty ? nil : "allow other edges: drop 'via' or name more types")
                    d.isNote = true
                    self.notes.append(d)
                    return true
                }
                let schema = graph.schema
                for (i, step) in path.enumerated() {
                    let row: Row = [.int(i), .node(step.node), .string(schema[step.node.type].name),
                                    step.edge.map { .string(schema[$0.type].name) } ?? .null, step.edge.map { .edge($0) } ?? .null]
                    if try !sink(row) { return false }
                }
                return true
            }
        case .match(let m):
            return try matchProducer(m)
        case .columnScan(let target, let conjuncts):
            // Positions tested on the column arrays; a row is built only for those that pass.
            // A first conjunct that can run as a selection loop lists the positions a block at a
            // time (`ScanPositions`); the others are tested on those positions only.
            // (The planner chose it: `Conjunct.selectionLoop`.)
            guard let (select, test) = ColumnPredicates(graph: graph, packEndBools: true).scanTests(conjuncts, target) else {
                throw Diagnostic(.run, "internal error: a column scan's test does not run on columns", at: span)
            }
            let n = target.count(in: graph)
            let cancellation = self.cancellation
            if case .nodes(let type) = target {
                return { sink in
                    var row: Row = [.null]
                    var positions = ScanPositions(n: n, select: select, test: test, cancellation: cancellation)
                    while let i = try positions.next() {
                        row[0] = .node(NodeRef(type: type, index: i))
                        if try !sink(row) { return false }
                    }
                    return true
                }
            }
            guard case .edges(let type) = target else { preconditionFailure() }
            return { sink in
                var row: Row = [.null]
                var positions = ScanPositions(n: n, select: select, test: test, cancellation: cancellation)
                while let i = try positions.next() {
                    row[0] = .edge(EdgeRef(type: type, index: i))
                    if try !sink(row) { return false }
                }
                return true
            }
        case .edgeMatch(let m):
            return try edgeMatchProducer(m, span)
        case .filter(let input, let conjuncts):
            let child = try producer(input)
            // `where a and b`: a row is kept only when every conjunct is true, so the first
            // conjunct that is not (false or null) drops it without evaluating the rest.
            let tests = try conjuncts.map { try compilePredicate($0.expr) }
            if tests.count == 1 {
                let t = tests[0]
                return { sink in try child { row in try t(row) ? try sink(row) : true } }
            }
            return { sink in
                try child { row in
                    for t in tests { if try !t(row) { return true } }
                    return try sink(row)
                }
            }
        case .project(let input, let exprs, _):
            let child = try producer(input), cs = try exprs.map { try compile($0) }
            return { sink in try child { row in try sink(try cs.map { try $0(row) }) } }
        case .output(let input, let spec):
            let child = try producer(input)
            let project = (spec.columns + spec.hidden).map { compileAccess($0.access) }
            // --cite: the row's citations, read from all its slots, after the visible columns.
            let citer = spec.cite ? Citer(graph: graph) : nil, visible = spec.columns.count
            return { sink in
                try child { row in
                    var values = try project.map { try $0(row) }
                    if let citer { values.insert(citer.cite(row), at: visible) }
                    return try sink(values)
                }
            }
        case .derive(let input, let exprs, _):
            let child = try producer(input), cs = try exprs.map { try compile($0) }
            return { sink in
                try child { row in
                    var r = row
                    for c in cs { r.append(try c(r)) }
                    return try sink(r)
                }
            }
        case .sort(let input, let keys):
            return try sortProducer(input, keys, k: nil, span)
        case .topK(let input, let keys, let k):
            return try sortProducer(input, keys, k: k, span)
        case .limit(let input, let n):
            let child = try producer(input)
            return { sink in
                if n == 0 { return true }
                var seen = 0
                var stoppedBySink = false
                _ = try child { row in
                    seen += 1
                    if try !sink(row) { stoppedBySink = true; return false }
                    return seen < n
                }
                return !stoppedBySink
            }
        case .takePer(let input, let keys, let k, _):
            let child = try producer(input), cs = try keys.map { try compile($0) }
            return { sink in
                if k == 0 { return true }
                var counts: [[Value]: Int] = [:]
                var held = Held(self.memory, "'take … per'", span)
                defer { held.release() }
                return try child { row in
                    let key = try cs.map { normalize(try $0(row)) }
                    let n = counts[key, default: 0]
                    guard n < k else { return true }
                    counts[key] = n + 1
                    if n == 0 { try held.add(approximateBytes(key) + Executor.entryBytes) }
                    try self.checkRows(counts.count, "'take … per'", span)
                    return try sink(row)
                }
            }
        case .append(let left, let right, let distinct, let totalsKeys):
            let l = try producer(left), r = try producer(right)
            if totalsKeys > 0 {
                let test = plan.shape.columns.prefix(totalsKeys).map { "\($0.name) is not null" }.joined(separator: " and ")
                // The totals row has null keys: a group whose keys are all null would look the same.
                return { sink in
                    var nullGroup = false
                    guard try l({ row in
                        if !nullGroup, row.prefix(totalsKeys).allSatisfy(\.isNull) { nullGroup = true }
                        return try sink(row)
                    }) else { return false }
                    if nullGroup {
                        throw Diagnostic(.run, "a group has null keys, so the totals row (keys null) could not be told apart from it", at: span,
                                         hint: "leave the rows with null keys out before the group: | where \(test) | group by …")
                    }
                    return try r(sink)
                }
            }
            if !distinct { return { sink in try l(sink) && r(sink) } }
            return { sink in
                var seen = Set<[Value]>()
                var held = Held(self.memory, "'union'", span)
                defer { held.release() }
                func keep(_ row: Row, _ sink: Sink) throws -> Bool {
                    let key = row.map(normalize)
                    guard seen.insert(key).inserted else { return true }
                    try held.add(approximateBytes(key) + Executor.entryBytes)
                    try self.checkRows(seen.count, "'union'", span)
                    return try sink(row)
                }
                return try l { try keep($0, sink) } && r { try keep($0, sink) }
            }
        case .skip(let input, let n):
            let child = try producer(input)
            return { sink in
                var seen = 0
                return try child { row in
                    seen += 1
                    return seen <= n ? true : try sink(row)
                }
            }
        case .distinct(let input, let accesses):
            let child = try producer(input), cs = accesses.map { compileAccess($0) }
            return { sink in
                var seen = Set<[Value]>()
                var held = Held(self.memory, "'distinct'", span)
                defer { held.release() }
                return try child { row in
                    let key = try cs.map { normalize(try $0(row)) }
                    if seen.insert(key).inserted {
                        try held.add(approximateBytes(key) + Executor.entryBytes)
                        try self.checkRows(seen.count, "'distinct'", span)
                        return try sink(row)
                    }
                    return true
                }
            }
        case .count(let input):
            // `follow … | count` counts the walk's nodes without making rows (not under `explain
            // analyze`, which reports the follow's own rows).
            if profile == nil, case .follow(let fin, let slot, let types, let lo, let hi) = input.op {
                return try followCountProducer(fin, slot: slot, types: types, min: lo, max: hi)
            }
            let child = try producer(input)
            return { sink in
                var n = 0
                _ = try child { _ in n += 1; return true }
                return try sink([.int(n)])
            }
        case .hashAggregate(let input, let keys, let aggs, _):
            return try aggregateProducer(input, keys, aggs, dense: nil, span)
        case .denseAggregate(let input, let keys, let aggs, _, let type):
            return try aggregateProducer(input, keys, aggs, dense: type, span)
        case .columnAggregate(let input, let keys, let aggs, _):
            if let p = columnAggregate(input, keys, aggs, span) { return p }
            throw Diagnostic(.run, "internal error: a column aggregate does not run on columns", at: span)
        case .expand(let input, let slot, let types, let direction, let kind):
            return try expandProducer(input, slot: slot, types: types, direction: direction, kind: kind)
        case .follow(let input, let slot, let types, let lo, let hi):
            return try followProducer(input, slot: slot, types: types, min: lo, max: hi)
        case .nearest(let input, let slot, let type, let filter, let k):
            return try nearestProducer(input, slot: slot, type: type, filter: filter, k: k)
        case .join(let left, let right, let cond, _, let outer):
            // (The join-keys rule always plans a join; unplanned, it runs as a nested loop.)
            return try makeProducer(PlanNode(.nestedLoopJoin(left, right, cond, outer: outer), plan.shape, at: span))
        case .hashJoin(let left, let right, let lk, let rk, let residual, let outer):
            let l = try producer(left), r = try producer(right)
            let nulls = Row(repeating: .null, count: right.shape.width)
            let lks = try lk.map { try compile($0) }, rks = try rk.map { try compile($0) }
            let res = try residual.map { try compile($0) }
            return { sink in
                var table: [[Value]: [Row]] = [:]
                var n = 0
                var held = Held(self.memory, "the right side of 'join'", span)
                defer { held.release() }
                _ = try r { row in
                    let key = try rks.map { normalize(try $0(row)) }
                    if key.contains(where: \.isNull) { return true }
                    table[key, default: []].append(row)
                    try held.add(approximateBytes(row) + approximateBytes(key) + Executor.entryBytes)
                    n += 1
                    try self.checkRows(n, "the right side of 'join'", span)
                    return true
                }
                return try l { row in
                    let key = try lks.map { normalize(try $0(row)) }
                    var matched = false
                    for m in table[key] ?? [] {
                        let joined = row + m
                        if let res, try res(joined) != .bool(true) { continue }
                        matched = true
                        if try !sink(joined) { return false }
                    }
                    if outer && !matched { return try sink(row + nulls) }
                    return true
                }
            }
        case .nestedLoopJoin(let left, let right, let cond, let outer):
            let l = try producer(left), r = try producer(right), c = try compile(cond)
            let nulls = Row(repeating: .null, count: right.shape.width)
            return { sink in
                var rows: [Row] = []
                var held = Held(self.memory, "the right side of 'join'", span)
                defer { held.release() }
                _ = try r { row in
                    rows.append(row)
                    try held.add(approximateBytes(row))
                    try self.checkRows(rows.count, "the right side of 'join'", span)
                    return true
                }
                return try l { row in
                    var matched = false
                    for m in rows {
                        try self.tick()
                        let joined = row + m
                        if try c(joined) == .bool(true) {
                            matched = true
                            if try !sink(joined) { return false }
                        }
                    }
                    if outer && !matched { return try sink(row + nulls) }
                    return true
                }
            }
        }
    }

    // MARK: sort

    /// Bytes a hash table entry costs beyond its key and value (bucket, hash, load factor).
    static let entryBytes = 16

    /// Bytes of a row a sort keeps: its key, the row and the sequence number.
    @inline(__always)
    static func sortItemBytes(_ item: (key: [Value], seq: Int, row: Row)) -> Int {
        approximateBytes(item.key) + approximateBytes(item.row) + 8
    }

    func sortProducer(_ input: PlanNode, _ keys: [SortSpec], k: Int?, _ span: Span) throws -> Producer {
        let child = try producer(input)
        let cs = try keys.map { try compile($0.expr) }
        let desc = keys.map(\.descending)
        /// Strings sort by their folded form; nodes by their folded name, then id.
        let graph = self.graph
        func key(_ row: Row) throws -> [Value] {
            try cs.map { c in
                let v = try c(row)
                if case .string(let s) = v { return .string(fold(s)) }
                if case .node(let n) = v { return .string(fold(graph.name(of: n)) + "\u{1}" + graph.id(of: n)) }
                return v
            }
        }
        func less(_ a: (key: [Value], seq: Int, row: Row), _ b: (key: [Value], seq: Int, row: Row)) -> Bool {
            for i in 0..<desc.count {
                let x = a.key[i], y = b.key[i]
                switch (x.isNull, y.isNull) {
                case (true, true): continue
                case (true, false): return false   // nulls last
                case (false, true): return true
                default:
                    let c = Semantics.compare(x, y) ?? 0
                    if c != 0 { return desc[i] ? c > 0 : c < 0 }
                }
            }
            return a.seq < b.seq
        }
        if let k, k <= 4_096 {
            // Top-k: the best k so far, in order; a row no better than the k-th is dropped
            // after one comparison, a better one is inserted where it belongs. Ties keep input
            // order (a later row is never less than an equal earlier one).
            return { sink in
                var top: [(key: [Value], seq: Int, row: Row)] = []
                top.reserveCapacity(k + 1)
                var seq = 0
                var held = Held(self.memory, "'sort'", span)
                defer { held.release() }
                _ = try child { row in
                    try self.tick()
                    guard k > 0 else { return true }
                    let item = (key: try key(row), seq: seq, row: row)
                    seq += 1
                    if top.count == k {
                        if !less(item, top[k - 1]) { return true }
                        let last = top.removeLast()
                        held.remove(Executor.sortItemBytes(last))
                    }
                    try held.add(Executor.sortItemBytes(item))
                    var lo = 0, hi = top.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if less(item, top[mid]) { hi = mid } else { lo = mid + 1 }
                    }
                    top.insert(item, at: lo)
                    return true
                }
                try self.cancellation.check()
                for item in top { if try !sink(item.row) { return false } }
                return true
            }
        }
        return { sink in
            var buf: [(key: [Value], seq: Int, row: Row)] = []
            var seq = 0
            var held = Held(self.memory, "'sort'", span)
            defer { held.release() }
            _ = try child { row in
                let item = (key: try key(row), seq: seq, row: row)
                buf.append(item)
                try held.add(Executor.sortItemBytes(item))
                seq += 1
                if let k, buf.count >= max(k > Int.max / 2 ? Int.max : 2 * k, 1024) {
                    buf.sort(by: less)
                    for dropped in buf[k...] { held.remove(Executor.sortItemBytes(dropped)) }
                    buf.removeLast(buf.count - k)
                }
                try self.checkRows(buf.count, "'sort'", span)
                try self.tick()
                return true
            }
            try self.cancellation.check()
            buf.sort(by: less)
            var emitted = 0
            for item in buf {
                if let k, emitted >= k { break }
                emitted += 1
                if try !sink(item.row) { return false }
            }
            return true
        }
    }

    // MARK: aggregate

    func aggregateProducer(_ input: PlanNode, _ keys: [TypedExpr], _ aggs: [AggregateSpec], dense denseType: NodeTypeID?, _ span: Span) throws -> Producer {
        let child = try producer(input)
        let ks = try keys.map { try compile($0) }
        let args = try aggs.map { try $0.argument.map { try compile($0) } }
        let fns = aggs.map(\.function), types = aggs.map(\.type)
        // Dense grouping (chosen by the planner): one key that is a node of a known type, its
        // groups found through an array indexed by the node's row, not through hashing.
        let denseCount = denseType.map { graph.nodes[$0].count } ?? 0
        let groupBytes = 32 + fns.count * MemoryLayout<Accumulator>.stride + Executor.entryBytes
        return { sink in
            var held = Held(self.memory, "'group'", span)
            defer { held.release() }
            var groups: [(key: [Value], acc: [Accumulator])] = []
            var dense = [Int32](repeating: -1, count: denseCount)
            var single: [Value: Int] = [:]
            var multi: [[Value]: Int] = [:]
            func group(_ row: Row) throws -> Int {
                if let t = denseType {
                    let v = try ks[0](row)
                    if case .node(let n) = v, n.type == t {
                        let g = dense[Int(n.index)]
                        if g >= 0 { return Int(g) }
                        dense[Int(n.index)] = Int32(groups.count)
                        groups.append(([v], fns.map { Accumulator($0) }))
                        return groups.count - 1
                    }
                    let nk = normalize(v)
                    if let g = single[nk] { return g }
                    single[nk] = groups.count
                    groups.append(([v], fns.map { Accumulator($0) }))
                    return groups.count - 1
                }
                if ks.count == 1 {
                    let v = try ks[0](row), nk = normalize(v)
                    if let g = single[nk] { return g }
                    single[nk] = groups.count
                    groups.append(([v], fns.map { Accumulator($0) }))
                    try self.checkRows(groups.count, "'group'", span)
                    return groups.count - 1
                }
                let kv = try ks.map { try $0(row) }
                let nk = kv.map(normalize)
                if let g = multi[nk] { return g }
                multi[nk] = groups.count
                groups.append((kv, fns.map { Accumulator($0) }))
                try self.checkRows(groups.count, "'group'", span)
                return groups.count - 1
            }
            _ = try child { row in
                try self.tick()
                let n = groups.count
                let g = try group(row)
                if g == n { try held.add(approximateBytes(groups[g].key) + groupBytes) }
                for i in 0..<fns.count {
                    let kept = groups[g].acc[i].add(try args[i]?(row) ?? .bool(true))
                    if kept != 0 { try held.add(kept) }
                }
                return true
            }
            if groups.isEmpty && ks.isEmpty { groups.append(([], fns.map { Accumulator($0) })) }
            for g in groups {
                var row = g.key
                for (i, a) in g.acc.enumerated() { row.append(a.result(types[i])) }
                if try !sink(row) { return false }
            }
            return true
        }
    }
}

/// The running state of one aggregate over one group. Nulls are skipped.
struct Accumulator {
    let function: AggregateFunction
    var count = 0
    var intSum = 0
    var doubleSum = 0.0
    var allInts = true
    var overflow = false
    var best: Value = .null
    var items: [Value] = []
    var distinct = Set<Value>()

    init(_ f: AggregateFunction) { function = f }

    /// Adds `v`; returns the approximate bytes kept for it (a `list` item, a new distinct value).
    @discardableResult
    mutating func add(_ v: Value) -> Int {
        if v.isNull { return 0 }
        count += 1
        switch function {
        case .count: break
        case .sum, .avg:
            switch v {
            case .int(let i):
                let (s, o) = intSum.addingReportingOverflow(i)
                if o { overflow = true } else { intSum = s }
                doubleSum += Double(i)
            case .decimal(let d): allInts = false; doubleSum += d
            default: count -= 1
            }
        case .min: if best.isNull || (Semantics.compare(v, best) ?? 0) < 0 { best = v }
        case .max: if best.isNull || (Semantics.compare(v, best) ?? 0) > 0 { best = v }
        case .list:
            items.append(v)
            // Two slots: the array doubles as it grows, so up to half of it is spare room.
            return 2 * MemoryLayout<Value>.stride + v.approximateBytes
        case .count_distinct:
            let n = normalize(v)
            if distinct.insert(n).inserted { return MemoryLayout<Value>.stride + Executor.entryBytes + n.approximateBytes }
        }
        return 0
    }

    func result(_ type: ValueType) -> Value {
        switch function {
        case .count: return .int(count)
        case .count_distinct: return .int(distinct.count)
        case .sum:
            if type == .int { return overflow ? finite(doubleSum) : .int(intSum) }
            return finite(doubleSum)
        case .avg: return count == 0 ? .null : finite(doubleSum / Double(count))
        case .min, .max: return best
        case .list: return .list(items)
        }
    }
}
