/// Graph walking: expand one step, breadth-first follow, nearest, shortest path, pattern match.
extension Executor {
    /// Edges of `type` at node `n`, in edge-id order, with the node at their other end:
    /// outgoing when `out` (n is the edge's from), incoming when `incoming` (n is its to).
    @inline(__always)
    func forEachEdge(_ n: NodeRef, _ type: EdgeTypeID, out: Bool, incoming: Bool, _ body: (EdgeRef, NodeRef) throws -> Bool) rethrows -> Bool {
        try EdgeView(graph, type).forEach(n, out: out, incoming: incoming) { e, other in
            try body(EdgeRef(type: type, index: Int(e)), other)
        }
    }

    func expandProducer(_ input: PlanNode, slot: Int, types: [EdgeTypeID], direction: Direction, kind: String?) throws -> Producer {
        let child = try producer(input)
        // `twins` keeps edges of one kind: compare dictionary codes.
        var kindCodes: [EdgeTypeID: ([Int32], Int32)] = [:]
        if let kind {
            for t in types {
                if let f = graph.schema.edgeTypes[t].kindField, case .string(let sc) = graph.edges[t].columns[f] {
                    kindCodes[t] = (sc.codes, sc.code(of: kind) ?? -2)
                }
            }
        }
        let out = direction != .left, inc = direction != .right
        return { sink in
            var result: Row = [.null, .null, .null] // reused, as in `followProducer`
            return try child { row in
                guard case .node(let n) = row[slot] else { return true }
                for t in types {
                    let codes = kindCodes[t]
                    let go = try self.forEachEdge(n, t, out: out, incoming: inc) { e, other in
                        if let (c, want) = codes, c[Int(e.index)] != want { return true }
                        try self.tick()
                        result[0] = .node(other); result[1] = .node(n); result[2] = .edge(e)
                        return try sink(result)
                    }
                    if !go { return false }
                }
                return true
            }
        }
    }

    /// One edge type seen from both ends, with its arrays held directly so that a tight loop
    /// reads them without going through the graph.
    struct EdgeView {
        let type: EdgeTypeID, fromType: NodeTypeID, toType: NodeTypeID
        let outOffsets: [Int32], outEdges: [Int32], outOthers: [Int32], inOffsets: [Int32], inEdges: [Int32], inOthers: [Int32]
        init(_ graph: Graph, _ type: EdgeTypeID) {
            let def = graph.schema[type], t = graph.edges[type]
            self.type = type; fromType = def.fromType; toType = def.toType
            outOffsets = t.outgoing.offsets; outEdges = t.outgoing.edges; outOthers = t.outgoing.others
            inOffsets = t.incoming.offsets; inEdges = t.incoming.edges; inOthers = t.incoming.others
        }

        /// `n`'s edges — outgoing when `out`, incoming when `incoming` — merged in edge-id order,
        /// each with the node at its other end (an edge from `n` to itself comes once).
        @inline(__always)
        func forEach(_ n: NodeRef, out: Bool = true, incoming: Bool = true, _ body: (Int32, NodeRef) throws -> Bool) rethrows -> Bool {
            var a = 0, aEnd = 0, b = 0, bEnd = 0
            if out && n.type == fromType { a = Int(outOffsets[Int(n.index)]); aEnd = Int(outOffsets[Int(n.index) + 1]) }
            if incoming && n.type == toType { b = Int(inOffsets[Int(n.index)]); bEnd = Int(inOffsets[Int(n.index) + 1]) }
            while a < aEnd || b < bEnd {
                let ea = a < aEnd ? outEdges[a] : Int32.max
                let eb = b < bEnd ? inEdges[b] : Int32.max
                if ea <= eb {
                    let other = outOthers[a]
                    a += 1
                    if ea == eb { b += 1 }
                    if try !body(ea, NodeRef(type: toType, index: Int(other))) { return false }
                } else {
                    let other = inOthers[b]
                    b += 1
                    if try !body(eb, NodeRef(type: fromType, index: Int(other))) { return false }
                }
            }
            return true
        }
    }

    func followProducer(_ input: PlanNode, slot: Int, types: [EdgeTypeID], min lo: Int, max hi: Int) throws -> Producer {
        let child = try producer(input)
        let views = types.map { EdgeView(graph, $0) }
        // Visit marks for every node, one bit each in one flat array (type t's rows start at
        // base[t]): 160 KB for a million nodes stays in cache where a word per node would not.
        // After a search only the bits it set are cleared, so a search costs what it visits.
        var base = TypeIndexed<NodeTypeID, Int>([]), total = 0
        for t in graph.nodes { base.append(total); total += t.count }
        return { sink in
            var seen = [UInt64](repeating: 0, count: (total + 63) / 64)
            var visited: [Int] = []
            var ticks = 0
            // One row reused for every output: a consumer that does not keep it (count, where,
            // select) costs no allocation; one that keeps it gets a copy on the next write.
            var out: Row = [.null, .null, .null, .null]
            return try child { row in
                guard case .node(let start) = row[slot] else { return true }
                for k in visited { seen[k >> 6] = 0 }
                visited.removeAll(keepingCapacity: true)
                let s0 = base[start.type] + Int(start.index)
                seen[s0 >> 6] |= 1 << UInt64(s0 & 63)
                visited.append(s0)
                var frontier: [NodeRef] = [start]
                var next: [NodeRef] = []
                var depth = 0
                while !frontier.isEmpty && depth < hi {
                    depth += 1
                    let emit = depth >= lo
                    for n in frontier {
                        for v in views {
                            let go = try v.forEach(n) { e, other in
                                ticks &+= 1
                                if ticks & 1023 == 0 { try self.cancellation.check() }
                                let k = base[other.type] + Int(other.index)
                                let bit: UInt64 = 1 << UInt64(k & 63)
                                if seen[k >> 6] & bit != 0 { return true }
                                seen[k >> 6] |= bit
                                visited.append(k)
                                next.append(other)
                                guard emit else { return true }
                                out[0] = .node(other); out[1] = .node(start); out[2] = .edge(EdgeRef(type: v.type, index: Int(e))); out[3] = .int(depth)
                                return try sink(out)
                            }
                            if !go { return false }
                        }
                    }
                    swap(&frontier, &next)
                    next.removeAll(keepingCapacity: true)
                }
                return true
            }
        }
    }

    /// `follow … | count` without rows: the same breadth-first walk from each input node, counting
    /// the nodes `followProducer` would yield (those first reached at a depth in lo...hi), which
    /// do not depend on the order edges are read in. So each node's outgoing and incoming others
    /// are read as two plain runs (no merge into edge order, no row, no call per node), the marks
    /// are one bit per node, and each level's frontier is sorted (packed type and row, no hashing)
    /// so that the next level reads the offsets in address order. The last level is not kept.
    func followCountProducer(_ input: PlanNode, slot: Int, types: [EdgeTypeID], min lo: Int, max hi: Int) throws -> Producer {
        let child = try producer(input)
        let views = types.map { EdgeView(graph, $0) }
        var base = TypeIndexed<NodeTypeID, Int>([]), total = 0
        for t in graph.nodes { base.append(total); total += t.count }
        let cancellation = self.cancellation
        return { sink in
            var seen = [UInt64](repeating: 0, count: (total + 63) / 64)
            var visited: [Int32] = []
            var frontier: [UInt64] = [], next: [UInt64] = []
            var count = 0
            var work = 0
            _ = try child { row in
                guard case .node(let start) = row[slot] else { return true }
                if visited.count > seen.count {
                    for i in seen.indices { seen[i] = 0 }
                } else {
                    for k in visited { seen[Int(k) >> 6] = 0 }
                }
                visited.removeAll(keepingCapacity: true)
                let s0 = base[start.type] + Int(start.index)
                seen[s0 >> 6] |= 1 << UInt64(s0 & 63)
                visited.append(Int32(s0))
                frontier.removeAll(keepingCapacity: true)
                frontier.append(start.packed)
                var depth = 0
                while !frontier.isEmpty && depth < hi {
                    depth += 1
                    let emit = depth >= lo, keep = depth < hi
                    if frontier.count > 64 { frontier.sort() }
                    var found = 0
                    for packed in frontier {
                        let node = NodeRef(packed: packed), type = node.type, index = Int(node.index)
                        for v in views {
                            // Outgoing edges reach `toType`, incoming ones `fromType`.
                            for side in 0..<2 {
                                let offsets: [Int32], others: [Int32], otherType: NodeTypeID
                                if side == 0 {
                                    guard type == v.fromType else { continue }
                                    offsets = v.outOffsets; others = v.outOthers; otherType = v.toType
                                } else {
                                    guard type == v.toType else { continue }
                                    offsets = v.inOffsets; others = v.inOthers; otherType = v.fromType
                                }
                                let a = Int(offsets[index]), b = Int(offsets[index + 1])
                                work &+= b - a
                                if work >= 4096 { work = 0; try cancellation.check() }
                                let ob = base[otherType], tag = NodeRef(type: otherType, index: 0).packed
                                others.withUnsafeBufferPointer { o in
                                    seen.withUnsafeMutableBufferPointer { bits in
                                        for j in a..<b {
                                            let x = Int(o[j]), k = ob + x
                                            let bit: UInt64 = 1 << UInt64(k & 63)
                                            if bits[k >> 6] & bit != 0 { continue }
                                            bits[k >> 6] |= bit
                                            visited.append(Int32(k))
                                            found += 1
                                            if keep { next.append(tag | UInt64(UInt32(x))) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    if emit { count += found }
                    swap(&frontier, &next)
                    next.removeAll(keepingCapacity: true)
                }
                return true
            }
            return try sink([.int(count)])
        }
    }

    /// True when `e` reads slot `s` of the row (for `nearest … where`, whether it uses `prev`).
    func uses(_ e: TypedExpr, slot s: Int) -> Bool {
        func acc(_ a: Access) -> Bool {
            switch a {
            case .slot(let x), .nodeField(let x, _, _), .nodeID(let x), .edgeField(let x, _, _), .edgeEnd(let x, _): x == s
            }
        }
        switch e {
        case .constant, .aggregateResult: return false
        case .access(let a, _): return acc(a)
        case .dynamicField(let b, _, _), .nodeField(let b, _, _, _), .nodeID(let b), .nodeTypeName(let b),
             .edgeField(let b, _, _, _), .edgeEnd(let b, _, _), .edgeTypeName(let b), .unary(_, let b, _): return uses(b, slot: s)
        case .list(let xs), .call(_, let xs, _): return xs.contains { uses($0, slot: s) }
        case .binary(_, let a, let b, _): return uses(a, slot: s) || uses(b, slot: s)
        case .ifThen(let a, let b, let c, _): return uses(a, slot: s) || uses(b, slot: s) || uses(c, slot: s)
        case .inQuery(let a, _): return uses(a, slot: s)
        case .exists(let x, _): return x == s
        }
    }

    func nearestProducer(_ input: PlanNode, slot: Int, type: NodeTypeID, filter: TypedExpr?, k: Int) throws -> Producer {
        let child = try producer(input)
        let f = try filter.map { try compile($0) }
        let usesPrev = filter.map { uses($0, slot: 1) } ?? false
        let graph = self.graph
        let fields = graph.schema.nodeTypes.mapByID(\.coordinates)
        func coords(_ n: NodeRef) -> (lat: Double, lon: Double)? { graph.position(of: n, fields) }
        // Candidates with coordinates (and, when the filter does not look at `prev`, passing it).
        var all: [(NodeRef, Double, Double)] = []
        for i in 0..<graph.nodes[type].count {
            let n = NodeRef(type: type, index: i)
            guard let (x, y) = coords(n) else { continue }
            if let f, !usesPrev, try f([.node(n), .null]) != .bool(true) { continue }
            all.append((n, x, y))
        }
        return { sink in
            try child { row in
                guard case .node(let start) = row[slot], let (sx, sy) = coords(start) else { return true }
                var best: [(km: Double, node: NodeRef)] = []
                // Ties in km go by id.
                func before(_ a: (Double, NodeRef), _ b: (Double, NodeRef)) -> Bool {
                    a.0 != b.0 ? a.0 < b.0 : self.graph.id(of: a.1) < self.graph.id(of: b.1)
                }
                for (n, x, y) in all where n != start {
                    try self.tick()
                    if usesPrev, let f, try f([.node(n), .node(start)]) != .bool(true) { continue }
                    let km = Semantics.haversine(sx, sy, x, y)
                    if best.count == k, let last = best.last, !before((km, n), (last.km, last.node)) { continue }
                    let pos = best.firstIndex { before((km, n), ($0.km, $0.node)) } ?? best.count
                    best.insert((km, n), at: pos)
                    if best.count > k { best.removeLast() }
                }
                for b in best { if try !sink([.node(b.node), .node(start), .decimal(b.km)]) { return false } }
                return true
            }
        }
    }

    /// A shortest path by number of edges, walking the edge types in both directions; among equally
    /// short paths, the one a breadth-first search in edge-id order (edge types in schema order)
    /// finds first. nil when none has at most `max` edges.
    ///
    /// That path is the one whose sequence of edge ranks (the position of each edge among its
    /// node's edges, in that order) is lexicographically smallest. So the search runs from both
    /// ends at once — expanding the smaller frontier, a level at a time — and stops at the first
    /// node both sides reach: if the start's side has a complete levels and the end's b, no
    /// shorter path exists (the balls were disjoint), so d = a + b + 1. Then a depth-first walk
    /// from the start takes, at each node, the first edge to the next level of the start's ball
    /// that still leads on (dead ends are remembered), until a node of level a touches level b
    /// of the end's ball; from there the end's distances lead the way. Work is bounded by the
    /// two balls explored, not by the whole graph, and no level is finished once the sides meet.
    func shortestPath(from: NodeRef, to: NodeRef, via: [EdgeTypeID], max: Int, span: Span = .none) throws -> [(node: NodeRef, edge: EdgeRef?)]? {
        if from == to { return [(from, nil)] }
        let types = via.isEmpty ? Array(graph.schema.edgeTypeIDs) : via.sorted()
        var dA = NodeMap(), dB = NodeMap()
        dA.insert(from, 0); dB.insert(to, 0)
        var frontierA = [from], frontierB = [to]
        var a = 0, b = 0
        var met = false
        while !met {
            if frontierA.isEmpty || frontierB.isEmpty || a + b >= max { return nil }
            let expandA = frontierA.count <= frontierB.count
            var next: [NodeRef] = []
            let level = Int32(expandA ? a + 1 : b + 1)
            expand: for n in expandA ? frontierA : frontierB {
                for t in types {
                    _ = try forEachEdge(n, t, out: true, incoming: true) { _, w in
                        try self.tick()
                        if expandA {
                            guard dA[w] == nil else { return true }
                            if dB[w] != nil { met = true; return false }
                            dA.insert(w, level)
                        } else {
                            guard dB[w] == nil else { return true }
                            if dA[w] != nil { met = true; return false }
                            dB.insert(w, level)
                        }
                        next.append(w)
                        return true
                    }
                    if met { break expand }
                }
            }
            if met { break }
            if expandA { a += 1; frontierA = next } else { b += 1; frontierB = next }
            try checkRows(dA.count + dB.count, "'path'", span)
        }
        // Levels a and b are complete; entries of the level cut short are never asked for.
        let d = a + b + 1
        var path: [(node: NodeRef, edge: EdgeRef?)] = [(from, nil)]
        var deadEnds = Set<NodeRef>()
        /// From `u` at level i of the start's ball, extends `path` to the end; false if it cannot.
        func walk(_ u: NodeRef, _ i: Int) -> Bool {
            if i == a {
                // The first edge into level b of the end's ball; then down the end's distances.
                var cur = u, want = Int32(b)
                while true {
                    var step: (NodeRef, EdgeRef)?
                    for t in types where step == nil {
                        _ = forEachEdge(cur, t, out: true, incoming: true) { e, v in
                            if dB[v] == want { step = (v, e); return false }
                            return true
                        }
                    }
                    guard let (v, e) = step else { return false }
                    path.append((v, e))
                    if want == 0 { return true }
                    cur = v; want -= 1
                }
            }
            var done = false
            for t in types where !done {
                _ = forEachEdge(u, t, out: true, incoming: true) { e, v in
                    guard dA[v] == Int32(i + 1), !deadEnds.contains(v) else { return true }
                    path.append((v, e))
                    if walk(v, i + 1) { done = true; return false }
                    path.removeLast()
                    deadEnds.insert(v)
                    return true
                }
            }
            return done
        }
        guard walk(from, 0), path.count == d + 1 else { return nil }
        return path
    }

    /// The plain breadth-first search from the start that defines `path`'s answer (kept to test
    /// the bidirectional search against).
    func shortestPathReference(from: NodeRef, to: NodeRef, via: [EdgeTypeID], max: Int, span: Span = .none) throws -> [(node: NodeRef, edge: EdgeRef?)]? {
        if from == to { return [(from, nil)] }
        let types = via.isEmpty ? Array(graph.schema.edgeTypeIDs) : via.sorted()
        var parent: [NodeRef: (NodeRef, EdgeRef)] = [:]
        var seen: Set<NodeRef> = [from]
        var frontier = [from]
        var depth = 0
        while !frontier.isEmpty && depth < max {
            depth += 1
            var next: [NodeRef] = []
            for n in frontier {
                for t in types {
                    var found = false
                    _ = try forEachEdge(n, t, out: true, incoming: true) { e, other in
                        try self.tick()
                        guard seen.insert(other).inserted else { return true }
                        parent[other] = (n, e)
                        if other == to { found = true; return false }
                        next.append(other)
                        return true
                    }
                    if found {
                        var path: [(node: NodeRef, edge: EdgeRef?)] = []
                        var cur = to
                        while cur != from { let (p, e) = parent[cur]!; path.append((cur, e)); cur = p }
                        path.append((from, nil))
                        return path.reversed()
                    }
                }
            }
            frontier = next
            try checkRows(seen.count, "'path'", span)
        }
        return nil
    }

    func matchProducer(_ m: MatchPlan) throws -> Producer {
        let graph = self.graph
        let nodeCount = m.nodes.count
        // Compiled filters: node var → [(field index per node type, value)].
        let nodeFilters: [[(TypeIndexed<NodeTypeID, Int?>, Value)]] = try m.nodes.map { v in
            try v.filters.map { f in
                let idx = graph.schema.nodeTypes.mapByID { $0.fieldIndex(f.field) }
                let value = try compile(f.value)([])
                return (f.field == "id" ? TypeIndexed([]) : idx, f.field == "id" ? .string("\u{0}id") : value)
            }
        }
        let idFilters: [[String]] = try m.nodes.map { v in try v.filters.filter { $0.field == "id" }.map { f in
            if case .string(let s) = try compile(f.value)([]) { return s } else { return "" } } }
        let candidateSets: [Set<NodeRef>?] = m.nodes.map { $0.candidates.map(Set.init) }
        let edgeFilters: [[(TypeIndexed<EdgeTypeID, Int?>, Value)]] = try m.edges.map { e in
            try e.filters.map { f in (graph.schema.edgeTypes.mapByID { $0.fieldIndex(f.field) }, try compile(f.value)([])) }
        }
        func nodeOK(_ i: Int, _ n: NodeRef) -> Bool {
            let v = m.nodes[i]
            if let t = v.type, n.type != t { return false }
            if let c = candidateSets[i], !c.contains(n) { return false }
            for (idx, value) in nodeFilters[i] where !idx.isEmpty {
                guard let f = idx[n.type], Semantics.equal(graph.field(n, f), value) == true else { return false }
            }
            for id in idFilters[i] where graph.id(of: n) != id { return false }
            return true
        }
        func edgeOK(_ j: Int, _ e: EdgeRef) -> Bool {
            for (idx, value) in edgeFilters[j] {
                guard let f = idx[e.type], Semantics.equal(graph.field(e, f), value) == true else { return false }
            }
            return true
        }
        let steps = m.steps
        return { sink in
            var binding = Row(repeating: .null, count: nodeCount + m.edges.count)
            func walk(_ k: Int) throws -> Bool {
                if k == steps.count { return try sink(binding) }
                switch steps[k] {
                case .scan(let i):
                    let v = m.nodes[i]
                    if let c = v.candidates {
                        for n in c where nodeOK(i, n) {
                            binding[i] = .node(n)
                            if try !walk(k + 1) { return false }
                        }
                    } else {
                        for t in v.type.map({ [$0] }) ?? Array(graph.nodes.indices) {
                            for idx in 0..<graph.nodes[t].count {
                                try self.tick()
                                let n = NodeRef(type: t, index: idx)
                                guard nodeOK(i, n) else { continue }
                                binding[i] = .node(n)
                                if try !walk(k + 1) { return false }
                            }
                        }
                    }
                    binding[i] = .null
                    return true
                case .expand(let j, _), .connect(let j):
                    let e = m.edges[j]
                    let isConnect: Bool = if case .connect = steps[k] { true } else { false }
                    let from: Int = if case .expand(_, let f) = steps[k] { f } else { e.a }
                    let other = from == e.a ? e.b : e.a
                    guard case .node(let x) = binding[from] else { return true }
                    // Direction relative to the bound end: is x the edge's from, its to, or either?
                    let xIsA = from == e.a
                    let out: Bool, inc: Bool
                    switch e.direction {
                    case .right: out = xIsA; inc = !xIsA
                    case .left: out = !xIsA; inc = xIsA
                    case .both: out = true; inc = true
                    }
                    for t in e.types {
                        let go = try self.forEachEdge(x, t, out: out, incoming: inc) { edge, y in
                            try self.tick()
                            guard edgeOK(j, edge) else { return true }
                            if isConnect {
                                guard binding[other] == .node(y) else { return true }
                            } else {
                                guard nodeOK(other, y) else { return true }
                                binding[other] = .node(y)
                            }
                            binding[nodeCount + j] = .edge(edge)
                            return try walk(k + 1)
                        }
                        if !go { return false }
                    }
                    if !isConnect { binding[other] = .null }
                    binding[nodeCount + j] = .null
                    return true
                }
            }
            return try walk(0)
        }
    }
}
