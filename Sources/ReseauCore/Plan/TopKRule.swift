/// `sort | take k` → `TopK k`: keeps the k best rows while reading instead of sorting them all.
/// `sort | skip s | take k` → `TopK s+k | skip s | take k`.
enum TopKRule {
    static func apply(_ p: PlanNode) -> PlanNode {
        guard case .limit(let i, let k) = p.op else { return p }
        if case .sort(let src, let keys) = i.op { return PlanNode(.topK(src, keys, k: k), p.shape, at: i.span) }
        if case .skip(let s, let n) = i.op, case .sort(let src, let keys) = s.op {
            let top = PlanNode(.topK(src, keys, k: n.addingReportingOverflow(k).overflow ? Int.max : n + k), s.shape, at: s.span)
            return PlanNode(.limit(PlanNode(.skip(top, n), i.shape, at: i.span), k), p.shape, at: p.span)
        }
        return p
    }
}
