/// `join … on a == right.b and …` → `HashJoin keys(a = right.b)`: each equality whose one side
/// reads only the left row and the other only the right row becomes a hash key; the other
/// conjuncts are a residual filter on the joined row. With no key, a nested-loop join.
/// (The sides are told apart by the slots they read: a left row has `leftWidth` slots.)
enum JoinKeysRule {
    static func apply(_ p: PlanNode) -> PlanNode {
        guard case .join(let left, let right, let cond, let w, let outer) = p.op else { return p }
        var conjuncts: [TypedExpr] = []
        func flatten(_ e: TypedExpr) { if case .binary(.and, let a, let b, _) = e { flatten(a); flatten(b) } else { conjuncts.append(e) } }
        flatten(cond)
        var lk: [TypedExpr] = [], rk: [TypedExpr] = [], rest: [TypedExpr] = []
        func isLeft(_ e: TypedExpr) -> Bool { e.slotsRead.allSatisfy { $0 < w } }
        func isRight(_ e: TypedExpr) -> Bool { e.slotsRead.allSatisfy { $0 >= w } }
        for c in conjuncts {
            // Dates are equal when one lies within the other (§8.9), which no hash key can find.
            if case .binary(.eq, let a, let b, _) = c, a.type != .date, b.type != .date {
                if isLeft(a) && isRight(b) { lk.append(a); rk.append(b.shiftingSlots(by: -w)); continue }
                if isLeft(b) && isRight(a) { lk.append(b); rk.append(a.shiftingSlots(by: -w)); continue }
            }
            rest.append(c)
        }
        let residual = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { .binary(.and, $0, $1, .bool) }
        if lk.isEmpty {
            return PlanNode(.nestedLoopJoin(left, right, residual ?? .constant(.bool(true)), outer: outer), p.shape, at: p.span)
        }
        return PlanNode(.hashJoin(left, right, leftKeys: lk, rightKeys: rk, residual: residual, outer: outer), p.shape, at: p.span)
    }
}
