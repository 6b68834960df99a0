/// Rewrites a checked plan into a cheaper one with the same rows in the same order: each rule
/// (one file each in Plan/) looks at one node whose children are already rewritten.
public enum Optimizer {
    public static func optimize(_ p: PlanNode) -> PlanNode {
        p.transformUp { n in TopKRule.apply(n) }
    }
}
