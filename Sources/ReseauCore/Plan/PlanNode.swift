/// A sort key of a plan: an expression and a direction.
public struct SortSpec: Sendable {
    public let expr: TypedExpr
    public let descending: Bool
    public let text: String
}

/// One node variable of a `match` pattern.
public struct MatchNodeVar: Sendable {
    public let name: String?
    public let type: Int?
    /// `{f: v}` equality filters: field name and value.
    public let filters: [(field: String, value: TypedExpr)]
    /// When the pattern filters on `name`, the nodes it may bind (from the name index).
    public let candidates: [NodeRef]?
}

/// One edge of a `match` pattern, between node variables `a` and `b`.
public struct MatchEdgeVar: Sendable {
    public let name: String?
    /// Edge types it may match (all when the pattern names none).
    public let types: [Int]
    public let direction: Direction
    public let a: Int
    public let b: Int
    public let filters: [(field: String, value: TypedExpr)]
}

/// How a `match` binds its variables, in order.
public enum MatchStep: Sendable {
    /// Bind node variable `node` by scanning (or by its candidates).
    case scan(node: Int)
    /// Bind edge `edge` and its other end by walking from the bound end `from`.
    case expand(edge: Int, from: Int)
    /// Bind edge `edge` between two bound nodes.
    case connect(edge: Int)
}

public struct MatchPlan: Sendable {
    public let nodes: [MatchNodeVar]
    public let edges: [MatchEdgeVar]
    public let steps: [MatchStep]
    /// Row slots: nodes first (0..<nodes.count), then edges.
}

/// A physical operator. `PlanNode` pairs it with the shape of the rows it yields.
public indirect enum PlanOp: Sendable {
    case scanNodes(type: Int)
    case scanEdges(type: Int)
    case lookupNodes(type: Int?, refs: [NodeRef], name: String)
    /// Rows bound by `let`.
    case rows(name: String, rows: [[Value]])
    /// The single row an `exists(…)` subplan starts from.
    case input
    case shortestPath(from: NodeRef, to: NodeRef, via: [Int], max: Int)
    case match(MatchPlan)
    case filter(PlanNode, TypedExpr, text: String)
    /// New rows made of the values of `exprs`.
    case project(PlanNode, [TypedExpr], names: [String])
    /// The input rows with the values of `exprs` appended.
    case derive(PlanNode, [TypedExpr], names: [String])
    case sort(PlanNode, [SortSpec])
    /// A sort followed by `take k`: keeps only the k first rows while reading.
    case topK(PlanNode, [SortSpec], k: Int)
    case limit(PlanNode, Int)
    case skip(PlanNode, Int)
    /// Keeps the first of rows equal in the given accesses.
    case distinct(PlanNode, [Access])
    case count(PlanNode)
    /// Rows of the group keys then the aggregates, groups in order of first appearance.
    case hashAggregate(PlanNode, keys: [TypedExpr], aggregates: [AggregateSpec], keyNames: [String])
    /// Walks edges of `edgeTypes` from the node in `slot`; yields [reached, prev, edge].
    case expand(PlanNode, slot: Int, edgeTypes: [Int], direction: Direction, kind: String?)
    /// Breadth-first walk; yields [reached, prev, edge, depth] for depths min...max.
    case follow(PlanNode, slot: Int, edgeTypes: [Int], min: Int, max: Int)
    /// The k nodes of `type` closest to the node in `slot`; yields [reached, prev, km].
    case nearest(PlanNode, slot: Int, type: Int, filter: TypedExpr?, k: Int)
    /// Inner join on equal keys: left row + right row.
    case hashJoin(PlanNode, PlanNode, leftKeys: [TypedExpr], rightKeys: [TypedExpr], residual: TypedExpr?)
    /// Inner join on any condition (evaluated on left row + right row).
    case nestedLoopJoin(PlanNode, PlanNode, TypedExpr)
}

/// A plan operator, the shape of its output rows, and the span of the query text it came from
/// (a step, a source): a run-time error in the operator points there.
public final class PlanNode: Sendable {
    public let op: PlanOp
    public let shape: Shape
    public let span: Span
    public init(_ op: PlanOp, _ shape: Shape, at span: Span = .none) { self.op = op; self.shape = shape; self.span = span }

    /// The same operator with other children (in the order `op.children` lists them).
    public func replacingChildren(_ children: [PlanNode]) -> PlanNode {
        PlanNode(op.replacingChildren(children), shape, at: span)
    }

    /// This node and the nodes below it that have no span yet (made by the same step), located at `span`.
    func located(_ span: Span, below stop: PlanNode?) -> PlanNode {
        if self === stop { return self }
        let kids = op.children.map { $0.located(span, below: stop) }
        return PlanNode(op.replacingChildren(kids), shape, at: self.span == .none ? span : self.span)
    }

    /// Applies `f` bottom-up: to the children first, then to the node rebuilt with them.
    public func transformUp(_ f: (PlanNode) -> PlanNode) -> PlanNode {
        let kids = op.children
        let node = kids.isEmpty ? self : replacingChildren(kids.map { $0.transformUp(f) })
        return f(node)
    }
}

extension PlanOp {
    /// The operators this one reads rows from, left to right.
    public var children: [PlanNode] {
        switch self {
        case .scanNodes, .scanEdges, .lookupNodes, .rows, .input, .shortestPath, .match: []
        case .filter(let i, _, _), .project(let i, _, _), .derive(let i, _, _), .sort(let i, _), .topK(let i, _, _),
             .limit(let i, _), .skip(let i, _), .distinct(let i, _), .count(let i), .hashAggregate(let i, _, _, _),
             .expand(let i, _, _, _, _), .follow(let i, _, _, _, _), .nearest(let i, _, _, _, _): [i]
        case .hashJoin(let l, let r, _, _, _), .nestedLoopJoin(let l, let r, _): [l, r]
        }
    }

    /// The same operator reading from `c` instead of its children.
    public func replacingChildren(_ c: [PlanNode]) -> PlanOp {
        switch self {
        case .scanNodes, .scanEdges, .lookupNodes, .rows, .input, .shortestPath, .match: self
        case .filter(_, let e, let t): .filter(c[0], e, text: t)
        case .project(_, let e, let n): .project(c[0], e, names: n)
        case .derive(_, let e, let n): .derive(c[0], e, names: n)
        case .sort(_, let k): .sort(c[0], k)
        case .topK(_, let k, let n): .topK(c[0], k, k: n)
        case .limit(_, let n): .limit(c[0], n)
        case .skip(_, let n): .skip(c[0], n)
        case .distinct(_, let a): .distinct(c[0], a)
        case .count: .count(c[0])
        case .hashAggregate(_, let k, let a, let n): .hashAggregate(c[0], keys: k, aggregates: a, keyNames: n)
        case .expand(_, let s, let t, let d, let k): .expand(c[0], slot: s, edgeTypes: t, direction: d, kind: k)
        case .follow(_, let s, let t, let a, let b): .follow(c[0], slot: s, edgeTypes: t, min: a, max: b)
        case .nearest(_, let s, let t, let f, let k): .nearest(c[0], slot: s, type: t, filter: f, k: k)
        case .hashJoin(_, _, let lk, let rk, let res): .hashJoin(c[0], c[1], leftKeys: lk, rightKeys: rk, residual: res)
        case .nestedLoopJoin(_, _, let cond): .nestedLoopJoin(c[0], c[1], cond)
        }
    }
}
