/// A one-edge `match` run as a walk of the edge table's adjacency arrays (see `EdgeMatchPlan`):
/// nodes of the start type in row order, each one's edges in edge-id order — the rows, in the
/// order, the general `matchProducer` yields — with the fused tests read from the column arrays
/// by edge position, as a column scan of the edge table would.
extension Executor {
    func edgeMatchProducer(_ m: EdgeMatchPlan, _ span: Span) throws -> Producer {
        let cp = ColumnPredicates(graph: graph, packEndBools: true)
        let target = ScanTarget.edges(m.edgeType)
        guard let allFrom = cp.scanPredicate(m.whenFrom, target), let allTo = cp.scanPredicate(m.whenTo, target),
              let startTest = cp.scanPredicate(m.startTests, ScanTarget.nodes(m.startType)),
              let restFrom = cp.scanPredicate(m.restFrom, target), let restTo = cp.scanPredicate(m.restTo, target) else {
            throw Diagnostic(.run, "internal error: a match's test does not run on columns", at: span)
        }
        // In edge order every test reads the edge row; in the matcher's order the start node's
        // tests run once per node, the others per edge.
        let testFrom = m.anyOrder ? allFrom : restFrom, testTo = m.anyOrder ? allTo : restTo
        let def = graph.schema.edgeTypes[m.edgeType], table = graph.edges[m.edgeType]
        let n = graph.nodes[m.startType].count
        let t = m.edgeType, startType = m.startType
        let (s, o, es, width) = (m.startSlot, m.otherSlot, m.edgeSlot, m.width)
        if m.anyOrder {
            // In edge order, as a column scan of the edge table: each edge once for each end the
            // pattern can start from (once for an edge from a node to itself).
            let from = table.from, to = table.to, count = table.count
            let (fromType, toType) = (def.fromType, def.toType)
            let asFrom = m.direction != .left, asTo = m.direction != .right
            return { sink in
                var row = Row(repeating: .null, count: width)
                for e in 0..<count {
                    if e & 1023 == 0 { try self.cancellation.check() }
                    if asFrom && testFrom(e) {
                        row[s] = .node(NodeRef(type: fromType, index: Int(from[e])))
                        row[o] = .node(NodeRef(type: toType, index: Int(to[e])))
                        row[es] = .edge(EdgeRef(type: t, index: e))
                        if try !sink(row) { return false }
                    }
                    if asTo && !(asFrom && from[e] == to[e]) && testTo(e) {
                        row[s] = .node(NodeRef(type: toType, index: Int(to[e])))
                        row[o] = .node(NodeRef(type: fromType, index: Int(from[e])))
                        row[es] = .edge(EdgeRef(type: t, index: e))
                        if try !sink(row) { return false }
                    }
                }
                return true
            }
        }
        switch m.direction {
        case .right, .left:
            let adj = m.direction == .right ? table.outgoing : table.incoming
            let offsets = adj.offsets, edges = adj.edges, others = adj.others
            let otherType = m.direction == .right ? def.toType : def.fromType
            let test = m.direction == .right ? testFrom : testTo
            return { sink in
                var row = Row(repeating: .null, count: width)
                var ticks = 0
                for a in 0..<n {
                    let lo = Int(offsets[a]), hi = Int(offsets[a + 1])
                    if lo == hi || !startTest(a) { continue }
                    for k in lo..<hi {
                        ticks &+= 1
                        if ticks & 1023 == 0 { try self.cancellation.check() }
                        let e = Int(edges[k])
                        guard test(e) else { continue }
                        row[s] = .node(NodeRef(type: startType, index: a))
                        row[o] = .node(NodeRef(type: otherType, index: Int(others[k])))
                        row[es] = .edge(EdgeRef(type: t, index: e))
                        if try !sink(row) { return false }
                    }
                }
                return true
            }
        case .both:
            // Both ends are of the start type: merge the node's outgoing and incoming edges by
            // edge id, as `EdgeView.forEach` does (an edge from the node to itself comes once).
            let out = table.outgoing, inc = table.incoming
            let oOff = out.offsets, oEdges = out.edges, oOthers = out.others
            let iOff = inc.offsets, iEdges = inc.edges, iOthers = inc.others
            return { sink in
                var row = Row(repeating: .null, count: width)
                var ticks = 0
                for x in 0..<n {
                    if !startTest(x) { continue }
                    var a = Int(oOff[x]), b = Int(iOff[x])
                    let aEnd = Int(oOff[x + 1]), bEnd = Int(iOff[x + 1])
                    while a < aEnd || b < bEnd {
                        ticks &+= 1
                        if ticks & 1023 == 0 { try self.cancellation.check() }
                        let ea = a < aEnd ? oEdges[a] : Int32.max
                        let eb = b < bEnd ? iEdges[b] : Int32.max
                        let e: Int, other: Int32, passes: Bool
                        if ea <= eb {
                            e = Int(ea); other = oOthers[a]; a += 1
                            if ea == eb { b += 1 }
                            passes = testFrom(e)
                        } else {
                            e = Int(eb); other = iOthers[b]; b += 1
                            passes = testTo(e)
                        }
                        guard passes else { continue }
                        row[s] = .node(NodeRef(type: startType, index: x))
                        row[o] = .node(NodeRef(type: startType, index: Int(other)))
                        row[es] = .edge(EdgeRef(type: t, index: e))
                        if try !sink(row) { return false }
                    }
                }
                return true
            }
        }
    }
}
