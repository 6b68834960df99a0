/// The planner: rewrites the Checker's logical plan into the physical plan the Executor runs,
/// with the same rows in the same order (under a `count`, the same number of rows). Each rule (one file each in Plan/) looks at one node
/// whose children are already rewritten; subqueries (`in (…)`, `exists(…)`) are planned the same way.
///
/// Rules, in the order they are tried on a node:
/// - `JoinKeysRule`: join → hash join on its equality keys, or nested-loop join;
/// - `MatchToEdgeScanRule`: a one-edge match (and the `where` on it) → an adjacency walk of the edge table;
/// - `MatchOrderRule`: a match under `count` (the rows' order unseen) binds its cheapest variables first;
/// - `FilterIntoScanRule`: where on a scan → column scan;
/// - `AggregateRule`: column aggregate, dense grouping or hash aggregate;
/// - `TopKRule`: sort | take → top-k.
enum Optimizer {
    /// Which rules run (all, but for tests that compare each rule's plans with the plain ones).
    public struct Rules: OptionSet, Sendable {
        let rawValue: Int
        init(rawValue: Int) { self.rawValue = rawValue }
        static let joinKeys = Rules(rawValue: 1)
        static let matchToEdgeScan = Rules(rawValue: 2)
        static let filterIntoScan = Rules(rawValue: 4)
        static let aggregate = Rules(rawValue: 8)
        static let topK = Rules(rawValue: 16)
        static let matchOrder = Rules(rawValue: 32)
        static let all: Rules = [.joinKeys, .matchToEdgeScan, .matchOrder, .filterIntoScan, .aggregate, .topK]
    }

    /// The physical plan of a checked plan. With no rule, every operator runs as the Checker
    /// made it (a join as a nested loop): the reference the rules' plans must agree with.
    static func optimize(_ p: PlanNode, graph: Graph, rules: Rules = .all) -> PlanNode {
        p.transformUp { n in
            var n = n
            let op = n.op.mappingExpressions { $0.mappingSubplans { optimize($0, graph: graph, rules: rules) } }
            n = PlanNode(op, n.shape, at: n.span)
            if rules.contains(.joinKeys) { n = JoinKeysRule.apply(n) }
            if rules.contains(.matchToEdgeScan) { n = MatchToEdgeScanRule.apply(n, graph) }
            if rules.contains(.matchOrder) { n = MatchOrderRule.apply(n, graph) }
            if rules.contains(.filterIntoScan) { n = FilterIntoScanRule.apply(n, graph) }
            if rules.contains(.aggregate) { n = AggregateRule.apply(n, graph) }
            if rules.contains(.topK) { n = TopKRule.apply(n) }
            return n
        }
    }
}
