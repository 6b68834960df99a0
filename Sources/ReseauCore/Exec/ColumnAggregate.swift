/// `group by from` (or `to`) right on an edge scan, or on a column scan: positions
/// are tested on the column arrays, the group is found from the end's row in a dense array, and
/// the aggregates read their columns by position. No row is built for the
/// input. Groups come out in first-seen order, with the same keys and results as the generic
/// path (`aggregateProducer`), which handles everything else. The column-aggregate rule
/// (Plan/AggregateRule.swift) chooses it when `columnAggregate` can run the node.
extension ColumnPredicates {
    /// The table scanned under a column aggregate and the conjuncts tested on it; nil when the
    /// input is not a scan.
    func aggregateInput(_ input: PlanNode) -> (target: ScanTarget, conjuncts: [Conjunct])? {
        switch input.op {
        case .scanNodes(let t): (.nodes(t), [])
        case .scanEdges(let t): (.edges(t), [])
        case .columnScan(let target, let cs): (target, cs)
        default: nil
        }
    }

    /// The scan under a column aggregate: its table, size, and how its positions are read
    /// (`scanTests`).
    func aggregateScan(_ input: PlanNode) -> (target: ScanTarget, n: Int, select: Selector?, test: (Int) -> Bool)? {
        guard let (target, cs) = aggregateInput(input), let (select, test) = scanTests(cs, target) else { return nil }
        return (target, target.count(in: graph), select, test)
    }

    /// True when `columnAggregate` runs this aggregate: one key, an edge's end, on an edge scan
    /// whose conjuncts all run on columns, and every argument a column of the scanned table or of
    /// an end. (The planner's question: no selection loop is built for it.)
    func canAggregateOnColumns(_ input: PlanNode, _ keys: [TypedExpr], _ aggs: [AggregateSpec]) -> Bool {
        guard let (target, cs) = aggregateInput(input), scanPredicate(cs, target) != nil, !target.isNode, keys.count == 1,
              case .access(.edgeEnd(0, _), _) = keys[0] else { return false }
        return aggs.allSatisfy { a in a.argument.map { scanIndex($0, target) != nil } ?? true }
    }
}

extension Executor {
    func columnAggregate(_ input: PlanNode, _ keys: [TypedExpr], _ aggs: [AggregateSpec], _ span: Span) -> Producer? {
        let cp = ColumnPredicates(graph: graph)
        guard let (target, n, select, test) = cp.aggregateScan(input) else { return nil }

        // The key: a dense slot per position, and the key value of a slot.
        guard keys.count == 1 else { return nil }
        let slotOf: (Int) -> Int32, slots: Int, keyValue: (Int32) -> Value
        switch keys[0] {
        case .access(.edgeEnd(0, let to), _):
            guard case .edges(let t) = target else { return nil }
            let def = graph.schema[t]
            let ends = to ? graph.edges[t].to : graph.edges[t].from
            let endType = to ? def.toType : def.fromType
            slotOf = { ends[$0] }
            slots = graph.nodes[endType].count
            keyValue = { .node(NodeRef(type: endType, index: Int($0))) }
        default:
            // (A string key would group by dictionary code, which tells apart strings that Swift
            // compares equal — NFC and NFD forms: those go the generic way.)
            return nil
        }

        // The aggregates' arguments, read by position.
        var reads: [((Int) -> Value)?] = []
        for a in aggs {
            guard let arg = a.argument else { reads.append(nil); continue }
            guard let (column, index) = cp.scanIndex(arg, target) else { return nil }
            // Numbers read from their raw arrays (no enum copy, no retain per row).
            switch (column, index) {
            case (.int(let arr), nil): reads.append({ let v = arr[$0]; return v == Column.nullInt ? .null : .int(v) })
            case (.int32(let arr), nil): reads.append({ let v = arr[$0]; return v == Column.nullInt32 ? .null : .int(Int(v)) })
            case (.int16(let arr), nil): reads.append({ let v = arr[$0]; return v == Column.nullInt16 ? .null : .int(Int(v)) })
            case (.decimal(let arr), nil): reads.append({ let v = arr[$0]; return v.isNaN ? .null : .decimal(v) })
            case (.wholeDecimal(let arr), nil): reads.append({ let v = arr[$0]; return v == Column.nullInt32 ? .null : .decimal(Double(v)) })
            case (_, let index?): reads.append({ column.value(index($0)) })
            default: reads.append({ column.value($0) })
            }
        }
        let fns = aggs.map(\.function), types = aggs.map(\.type)
        // `sum` of one decimal column of the scanned table: a running Double per group, no
        // accumulator and no Value (8 bytes a group instead of 64: at 50 000 groups the sums stay
        // in cache). Same additions in the same order as `Accumulator`, so the same result.
        // (Whole decimals stored in 32 bits get the same loop on their own array.)
        var sumColumn: [Double]? = nil, sumWhole: [Int32]? = nil
        if aggs.count == 1, fns[0] == .sum, types[0] != .int, let arg = aggs[0].argument,
           let (column, index) = cp.scanIndex(arg, target), index == nil {
            if case .decimal(let arr) = column { sumColumn = arr }
            if case .wholeDecimal(let arr) = column { sumWhole = arr }
        }

        let groupBytes = 4 + fns.count * MemoryLayout<Accumulator>.stride
        return { sink in
            var held = Held(self.memory, "'group'", span)
            defer { held.release() }
            var slot = [Int32](repeating: -1, count: slots)
            var keyOf: [Int32] = []
            var accs: [Accumulator] = [] // group g's accumulators at g * fns.count …
            let width = fns.count
            /// The group of position `i`; a group seen for the first time gets the next number
            /// (`keyOf.count`), and `isNew` tells the caller to make room for its results.
            func group(_ i: Int) -> (g: Int, isNew: Bool) {
                let s = Int(slotOf(i))
                let g = Int(slot[s])
                if g >= 0 { return (g, false) }
                slot[s] = Int32(keyOf.count)
                keyOf.append(Int32(s))
                return (keyOf.count - 1, true)
            }
            if let sumColumn {
                var sums: [Double] = []
                var positions = ScanPositions(n: n, select: select, test: test, cancellation: self.cancellation)
                while let i = try positions.next() {
                    let (g, isNew) = group(i)
                    if isNew { sums.append(0) }
                    let v = sumColumn[i]
                    if !v.isNaN { sums[g] += v }
                }
                for (g, s) in keyOf.enumerated() {
                    if try !sink([keyValue(s), finite(sums[g])]) { return false }
                }
                return true
            }
            if let sumWhole {
                var sums: [Double] = []
                let null = Column.nullInt32
                var positions = ScanPositions(n: n, select: select, test: test, cancellation: self.cancellation)
                while let i = try positions.next() {
                    let (g, isNew) = group(i)
                    if isNew { sums.append(0) }
                    let v = sumWhole[i]
                    if v != null { sums[g] += Double(v) }
                }
                for (g, s) in keyOf.enumerated() {
                    if try !sink([keyValue(s), finite(sums[g])]) { return false }
                }
                return true
            }
            if width == 1 {
                // One aggregate (the common case): its read held in a local, not fetched from
                // an array (and retained) for every row.
                let read = reads[0] ?? { _ in .bool(true) }
                var positions = ScanPositions(n: n, select: select, test: test, cancellation: self.cancellation)
                while let i = try positions.next() {
                    let (g, isNew) = group(i)
                    if isNew { accs.append(Accumulator(fns[0])); try held.add(groupBytes) }
                    let kept = accs[g].add(read(i))
                    if kept != 0 { try held.add(kept) }
                }
            } else {
                var positions = ScanPositions(n: n, select: select, test: test, cancellation: self.cancellation)
                while let i = try positions.next() {
                    let (g, isNew) = group(i)
                    if isNew { for f in fns { accs.append(Accumulator(f)) }; try held.add(groupBytes) }
                    for k in 0..<width {
                        let kept = accs[g * width + k].add(reads[k]?(i) ?? .bool(true))
                        if kept != 0 { try held.add(kept) }
                    }
                }
            }
            for (g, s) in keyOf.enumerated() {
                var row: Row = [keyValue(s)]
                for k in 0..<width { row.append(accs[g * width + k].result(types[k])) }
                if try !sink(row) { return false }
            }
            return true
        }
    }
}

/// The positions a column aggregate reads, in order: with a selector, those it writes a block at
/// a time that also pass `test`; without, every position that passes `test`. The cancellation
/// flag is polled every 1 024 positions, or once a block.
struct ScanPositions {
    let n: Int
    let select: ColumnPredicates.Selector?
    let test: (Int) -> Bool
    let cancellation: CancellationFlag
    private var start = 0
    private var block: [Int32] = []
    private var k = 0
    static let blockSize = 4_096

    init(n: Int, select: ColumnPredicates.Selector?, test: @escaping (Int) -> Bool, cancellation: CancellationFlag) {
        self.n = n; self.select = select; self.test = test; self.cancellation = cancellation
        if select != nil { block.reserveCapacity(Self.blockSize) }
    }

    @inline(__always)
    mutating func next() throws -> Int? {
        if let select {
            while true {
                while k < block.count {
                    let i = Int(block[k])
                    k += 1
                    if test(i) { return i }
                }
                guard start < n else { return nil }
                try cancellation.check()
                let end = Swift.min(n, start + Self.blockSize)
                block.removeAll(keepingCapacity: true)
                select(start..<end, &block)
                start = end
                k = 0
            }
        }
        while start < n {
            let i = start
            start += 1
            if i & 1023 == 0 { try cancellation.check() }
            if test(i) { return i }
        }
        return nil
    }
}
