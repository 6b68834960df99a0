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

/// A plan operator and the shape of its output rows.
public final class PlanNode: Sendable {
    public let op: PlanOp
    public let shape: Shape
    public init(_ op: PlanOp, _ shape: Shape) { self.op = op; self.shape = shape }
}
