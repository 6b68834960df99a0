/// Rewrites a checked plan into a cheaper one with the same rows in the same order.
public enum Optimizer {
    public static func optimize(_ p: PlanNode) -> PlanNode {
        switch p.op {
        case .limit(let input, let k):
            let i = optimize(input)
            // sort | take k → top-k: keeps k rows while reading instead of sorting everything.
            if case .sort(let src, let keys) = i.op { return PlanNode(.topK(src, keys, k: k), p.shape) }
            // sort | skip s | take k → top-(s+k) | skip s
            if case .skip(let s, let n) = i.op, case .sort(let src, let keys) = s.op {
                let top = PlanNode(.topK(src, keys, k: n.addingReportingOverflow(k).overflow ? Int.max : n + k), s.shape)
                return PlanNode(.limit(PlanNode(.skip(top, n), i.shape), k), p.shape)
            }
            return PlanNode(.limit(i, k), p.shape)
        case .filter(let i, let e, let t): return PlanNode(.filter(optimize(i), e, text: t), p.shape)
        case .project(let i, let e, let n): return PlanNode(.project(optimize(i), e, names: n), p.shape)
        case .derive(let i, let e, let n): return PlanNode(.derive(optimize(i), e, names: n), p.shape)
        case .sort(let i, let k): return PlanNode(.sort(optimize(i), k), p.shape)
        case .topK(let i, let k, let n): return PlanNode(.topK(optimize(i), k, k: n), p.shape)
        case .skip(let i, let n): return PlanNode(.skip(optimize(i), n), p.shape)
        case .distinct(let i, let a): return PlanNode(.distinct(optimize(i), a), p.shape)
        case .count(let i): return PlanNode(.count(optimize(i)), p.shape)
        case .hashAggregate(let i, let k, let a, let n): return PlanNode(.hashAggregate(optimize(i), keys: k, aggregates: a, keyNames: n), p.shape)
        case .expand(let i, let s, let t, let d, let k): return PlanNode(.expand(optimize(i), slot: s, edgeTypes: t, direction: d, kind: k), p.shape)
        case .follow(let i, let s, let t, let a, let b): return PlanNode(.follow(optimize(i), slot: s, edgeTypes: t, min: a, max: b), p.shape)
        case .nearest(let i, let s, let t, let f, let k): return PlanNode(.nearest(optimize(i), slot: s, type: t, filter: f, k: k), p.shape)
        case .hashJoin(let l, let r, let lk, let rk, let res): return PlanNode(.hashJoin(optimize(l), optimize(r), leftKeys: lk, rightKeys: rk, residual: res), p.shape)
        case .nestedLoopJoin(let l, let r, let c): return PlanNode(.nestedLoopJoin(optimize(l), optimize(r), c), p.shape)
        case .scanNodes, .scanEdges, .lookupNodes, .rows, .input, .shortestPath, .match: return p
        }
    }
}
