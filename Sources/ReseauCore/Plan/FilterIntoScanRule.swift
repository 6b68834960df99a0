/// `scan | where …` → `ColumnScan table filter(…)`: the conjuncts that test only columns of the
/// scanned table (or of an edge's ends) against constants, or two codes of one string dictionary,
/// run on the column arrays, and a row is built only for positions that pass. The other
/// conjuncts stay in a Filter above. Rows and their order are unchanged. The first conjunct is
/// marked when it runs as a selection loop (`ColumnPredicates.selectable`), the executor's and
/// `explain`'s one source for that choice.
enum FilterIntoScanRule {
    static func apply(_ p: PlanNode, _ graph: Graph) -> PlanNode {
        guard case .filter(let input, let conjuncts) = p.op else { return p }
        let target: ScanTarget
        var fused: [Conjunct] = []
        switch input.op {
        case .scanNodes(let t): target = ScanTarget.nodes(t)
        case .scanEdges(let t): target = ScanTarget.edges(t)
        case .columnScan(let t, let cs): target = t; fused = cs
        default: return p
        }
        let columns = ColumnPredicates(graph: graph)
        var rest: [Conjunct] = []
        let before = fused.count
        for c in conjuncts {
            if columns.scanPredicate(c.expr, target) != nil { fused.append(c) } else { rest.append(c) }
        }
        if fused.count == before { return p }
        fused = fused.enumerated().map { i, c in
            Conjunct(c.expr, c.text, selectionLoop: i == 0 && columns.selectable(c.expr, target))
        }
        let scan = PlanNode(.columnScan(target, fused), input.shape, at: input.span)
        return rest.isEmpty ? scan : PlanNode(.filter(scan, rest), p.shape, at: p.span)
    }
}
