/// A sort key of a plan: an expression and a direction.
struct SortSpec: Sendable {
    let expr: TypedExpr
    let descending: Bool
    let text: String
}

/// One node variable of a `match` pattern.
struct MatchNodeVar: Sendable {
    let name: String?
    let type: NodeTypeID?
    /// `{f: v}` equality filters: field name and value.
    let filters: [(field: String, value: TypedExpr)]
    /// When the pattern filters on `name`, the nodes it may bind (from the name index).
    let candidates: [NodeRef]?
}

/// One edge of a `match` pattern, between node variables `a` and `b`.
struct MatchEdgeVar: Sendable {
    let name: String?
    /// Edge types it may match (all when the pattern names none).
    let types: [EdgeTypeID]
    let direction: Direction
    let a: Int
    let b: Int
    let filters: [(field: String, value: TypedExpr)]
}

/// How a `match` binds its variables, in order.
enum MatchStep: Sendable {
    /// Bind node variable `node` by scanning (or by its candidates).
    case scan(node: Int)
    /// Bind edge `edge` and its other end by walking from the bound end `from`.
    case expand(edge: Int, from: Int)
    /// Bind edge `edge` between two bound nodes.
    case connect(edge: Int)
}

struct MatchPlan: Sendable {
    let nodes: [MatchNodeVar]
    let edges: [MatchEdgeVar]
    let steps: [MatchStep]
    /// Row slots: nodes first (0..<nodes.count), then edges.
}

/// One conjunct of a `where`: `a and b` is kept as [a, b], each with its source text for `explain`.
struct Conjunct: Sendable {
    let expr: TypedExpr
    let text: String
    /// Set by the planner (`FilterIntoScanRule`) on a column scan's first conjunct when it runs
    /// as a selection loop (`ColumnPredicates.selectable`): the executor reads the choice here,
    /// and `explain` prints it, instead of each deciding again.
    let selectionLoop: Bool
    init(_ expr: TypedExpr, _ text: String, selectionLoop: Bool = false) {
        self.expr = expr; self.text = text; self.selectionLoop = selectionLoop
    }
}

/// The table a column scan reads: node or edge rows of one type, in slot 0.
enum ScanTarget: Sendable, Equatable {
    case nodes(NodeTypeID)
    case edges(EdgeTypeID)

    var isNode: Bool { if case .nodes = self { true } else { false } }
    /// The number of rows of the table.
    func count(in graph: Graph) -> Int {
        switch self {
        case .nodes(let t): graph.nodes[t].count
        case .edges(let t): graph.edges[t].count
        }
    }
}

/// A one-edge `match` run as a walk of the edge table's adjacency arrays: for each node of the
/// bound end (in row order), its edges in edge-id order — the order the general `match` binds
/// them in — with the pattern's and the `where`'s column tests fused in.
struct EdgeMatchPlan: Sendable {
    let edgeType: EdgeTypeID
    /// How the first-bound node relates to the edge: .right: it is the edge's `from`; .left: its
    /// `to`; .both: either (an edge from a node to itself comes once, as `from`).
    let direction: Direction
    /// The node type the walk starts from, and the slots of the row it fills.
    let startType: NodeTypeID
    let startSlot: Int
    let otherSlot: Int
    let edgeSlot: Int
    let width: Int
    /// Tests fused in, rewritten to read the edge row (slot 0): when the start node is the edge's
    /// `from` (`whenFrom`) and when it is its `to` (`whenTo`, only for .both).
    let whenFrom: [Conjunct]
    let whenTo: [Conjunct]
    /// For the walk in the matcher's order: the tests that read only the start node, rewritten
    /// to read a node row of the start type (tested once per node: a node that fails skips its
    /// edges), and the others in edge-row form (`restFrom`, `restTo`).
    var startTests: [Conjunct] = []
    var restFrom: [Conjunct] = []
    var restTo: [Conjunct] = []
    /// The conjuncts as written on the match's rows (for `explain`).
    let fused: [Conjunct]
    /// The pattern's variables, for `explain`.
    let text: String
    /// True when what reads the rows does not depend on their order (a `count`): the edge table
    /// is then read in edge order, as a column scan, each edge once per end it can start from.
    var anyOrder = false
}

/// What a query's result is made of: its visible columns, the hidden ones a network writer
/// (`dot`, `graphml`, `svg`) also receives, and whether a `sources` column follows (`--cite`).
struct ResultSpec: Sendable {
    let columns: [ColumnInfo]
    let hidden: [ColumnInfo]
    let cite: Bool
}

/// An operator of a plan. The Checker makes logical ones (what the query means); the rules of
/// Plan/ turn them into the physical ones the Executor runs. `.join` is logical only (the
/// join-keys rule makes it a hash or nested-loop join); the others run as they are.
indirect enum PlanOp: Sendable {
    case scanNodes(type: NodeTypeID)
    case scanEdges(type: EdgeTypeID)
    /// A scan that tests column conjuncts on the column arrays, building rows only for positions
    /// that pass (filter-into-scan rule).
    case columnScan(ScanTarget, [Conjunct])
    case lookupNodes(type: NodeTypeID?, refs: [NodeRef], name: String)
    /// Rows bound by `let`.
    case rows(name: String, rows: [[Value]])
    /// The single row an `exists(…)` subplan starts from.
    case input
    case shortestPath(from: NodeRef, to: NodeRef, via: [EdgeTypeID], max: Int)
    case match(MatchPlan)
    /// A one-edge match as an adjacency walk (match-to-edge-scan rule).
    case edgeMatch(EdgeMatchPlan)
    case filter(PlanNode, [Conjunct])
    /// New rows made of the values of `exprs`.
    case project(PlanNode, [TypedExpr], names: [String])
    /// The input rows with the values of `exprs` appended.
    case derive(PlanNode, [TypedExpr], names: [String])
    case sort(PlanNode, [SortSpec])
    /// A sort followed by `take k`: keeps only the k first rows while reading.
    case topK(PlanNode, [SortSpec], k: Int)
    case limit(PlanNode, Int)
    /// `take k per KEYS`: the first k rows of each group of equal keys (`text`: the keys as written).
    case takePer(PlanNode, keys: [TypedExpr], k: Int, text: String)
    /// The left rows, then the right rows (`distinct`: a row equal to one already written is
    /// dropped — `union`); `totalsKeys` > 0: the right side is the totals row of a `group … with
    /// totals` whose first `totalsKeys` columns are its keys (null in the totals row).
    case append(PlanNode, PlanNode, distinct: Bool, totalsKeys: Int)
    case skip(PlanNode, Int)
    /// Keeps the first of rows equal in the given accesses.
    case distinct(PlanNode, [Access])
    case count(PlanNode)
    /// Rows of the group keys then the aggregates, groups in order of first appearance.
    case hashAggregate(PlanNode, keys: [TypedExpr], aggregates: [AggregateSpec], keyNames: [String])
    /// A hash aggregate whose one key is a node of type `nodeType`: groups found through an
    /// array indexed by the node's row (dense-grouping rule).
    case denseAggregate(PlanNode, keys: [TypedExpr], aggregates: [AggregateSpec], keyNames: [String], nodeType: NodeTypeID)
    /// `group by from|to` right on an edge scan (or column scan): positions tested and grouped on
    /// the column arrays, no row built for the input (column-aggregate rule).
    case columnAggregate(PlanNode, keys: [TypedExpr], aggregates: [AggregateSpec], keyNames: [String])
    /// Walks edges of `edgeTypes` from the node in `slot`; yields [reached, prev, edge].
    case expand(PlanNode, slot: Int, edgeTypes: [EdgeTypeID], direction: Direction, kind: String?)
    /// Breadth-first walk; yields [reached, prev, edge, depth] for depths min...max.
    case follow(PlanNode, slot: Int, edgeTypes: [EdgeTypeID], min: Int, max: Int)
    /// The k nodes of `type` closest to the node in `slot`; yields [reached, prev, km].
    case nearest(PlanNode, slot: Int, type: NodeTypeID, filter: TypedExpr?, k: Int)
    /// Logical join: left row + right row where `condition` holds (`leftWidth`: slots of a left
    /// row); `outer`: a left row that matches none is kept, with nulls for the right row.
    case join(PlanNode, PlanNode, TypedExpr, leftWidth: Int, outer: Bool)
    /// Join on equal keys: left row + right row (`outer`: unmatched left rows kept, right side null).
    case hashJoin(PlanNode, PlanNode, leftKeys: [TypedExpr], rightKeys: [TypedExpr], residual: TypedExpr?, outer: Bool)
    /// Join on any condition (evaluated on left row + right row).
    case nestedLoopJoin(PlanNode, PlanNode, TypedExpr, outer: Bool)
    /// The final projection of a query: each row becomes the values the writer gets — the
    /// visible columns, then `sources` (`--cite`, from every slot of the row), then the hidden
    /// columns a network writer draws from. The compiler puts it on top of a query's plan.
    case output(PlanNode, ResultSpec)
}

/// A plan operator, the shape of its output rows, and the span of the query text it came from
/// (a step, a source): a run-time error in the operator points there.
final class PlanNode: Sendable {
    let op: PlanOp
    let shape: Shape
    let span: Span
    init(_ op: PlanOp, _ shape: Shape, at span: Span = .none) { self.op = op; self.shape = shape; self.span = span }

    /// The same operator with other children (in the order `op.children` lists them).
    func replacingChildren(_ children: [PlanNode]) -> PlanNode {
        PlanNode(op.replacingChildren(children), shape, at: span)
    }

    /// This node and the nodes below it that have no span yet (made by the same step), located at `span`.
    func located(_ span: Span, below stop: PlanNode?) -> PlanNode {
        if self === stop { return self }
        let kids = op.children.map { $0.located(span, below: stop) }
        return PlanNode(op.replacingChildren(kids), shape, at: self.span == .none ? span : self.span)
    }

    /// Applies `f` bottom-up: to the children first, then to the node rebuilt with them.
    func transformUp(_ f: (PlanNode) -> PlanNode) -> PlanNode {
        let kids = op.children
        let node = kids.isEmpty ? self : replacingChildren(kids.map { $0.transformUp(f) })
        return f(node)
    }
}

extension PlanOp {
    /// The operators this one reads rows from, left to right.
    public var children: [PlanNode] {
        switch self {
        case .scanNodes, .scanEdges, .columnScan, .lookupNodes, .rows, .input, .shortestPath, .match, .edgeMatch: []
        case .filter(let i, _), .project(let i, _, _), .derive(let i, _, _), .sort(let i, _), .topK(let i, _, _),
             .limit(let i, _), .skip(let i, _), .distinct(let i, _), .count(let i), .hashAggregate(let i, _, _, _),
             .denseAggregate(let i, _, _, _, _), .columnAggregate(let i, _, _, _),
             .expand(let i, _, _, _, _), .follow(let i, _, _, _, _), .nearest(let i, _, _, _, _), .takePer(let i, _, _, _),
             .output(let i, _): [i]
        case .append(let l, let r, _, _): [l, r]
        case .join(let l, let r, _, _, _), .hashJoin(let l, let r, _, _, _, _), .nestedLoopJoin(let l, let r, _, _): [l, r]
        }
    }

    /// The same operator reading from `c` instead of its children.
    public func replacingChildren(_ c: [PlanNode]) -> PlanOp {
        switch self {
        case .scanNodes, .scanEdges, .columnScan, .lookupNodes, .rows, .input, .shortestPath, .match, .edgeMatch: self
        case .filter(_, let cs): .filter(c[0], cs)
        case .project(_, let e, let n): .project(c[0], e, names: n)
        case .derive(_, let e, let n): .derive(c[0], e, names: n)
        case .sort(_, let k): .sort(c[0], k)
        case .topK(_, let k, let n): .topK(c[0], k, k: n)
        case .limit(_, let n): .limit(c[0], n)
        case .takePer(_, let keys, let k, let t): .takePer(c[0], keys: keys, k: k, text: t)
        case .append(_, _, let d, let t): .append(c[0], c[1], distinct: d, totalsKeys: t)
        case .skip(_, let n): .skip(c[0], n)
        case .distinct(_, let a): .distinct(c[0], a)
        case .count: .count(c[0])
        case .hashAggregate(_, let k, let a, let n): .hashAggregate(c[0], keys: k, aggregates: a, keyNames: n)
        case .denseAggregate(_, let k, let a, let n, let t): .denseAggregate(c[0], keys: k, aggregates: a, keyNames: n, nodeType: t)
        case .columnAggregate(_, let k, let a, let n): .columnAggregate(c[0], keys: k, aggregates: a, keyNames: n)
        case .expand(_, let s, let t, let d, let k): .expand(c[0], slot: s, edgeTypes: t, direction: d, kind: k)
        case .follow(_, let s, let t, let a, let b): .follow(c[0], slot: s, edgeTypes: t, min: a, max: b)
        case .nearest(_, let s, let t, let f, let k): .nearest(c[0], slot: s, type: t, filter: f, k: k)
        case .join(_, _, let cond, let w, let o): .join(c[0], c[1], cond, leftWidth: w, outer: o)
        case .hashJoin(_, _, let lk, let rk, let res, let o): .hashJoin(c[0], c[1], leftKeys: lk, rightKeys: rk, residual: res, outer: o)
        case .nestedLoopJoin(_, _, let cond, let o): .nestedLoopJoin(c[0], c[1], cond, outer: o)
        case .output(_, let spec): .output(c[0], spec)
        }
    }

    /// The same operator with `f` applied to each of its expressions (to plan their subqueries).
    public func mappingExpressions(_ f: (TypedExpr) -> TypedExpr) -> PlanOp {
        func cj(_ cs: [Conjunct]) -> [Conjunct] { cs.map { Conjunct(f($0.expr), $0.text, selectionLoop: $0.selectionLoop) } }
        func sk(_ ks: [SortSpec]) -> [SortSpec] { ks.map { SortSpec(expr: f($0.expr), descending: $0.descending, text: $0.text) } }
        func ag(_ a: [AggregateSpec]) -> [AggregateSpec] { a.map { AggregateSpec(function: $0.function, argument: $0.argument.map(f), type: $0.type) } }
        switch self {
        case .scanNodes, .scanEdges, .lookupNodes, .rows, .input, .shortestPath, .match, .edgeMatch, .limit, .skip, .distinct, .count,
             .expand, .follow, .append, .output: return self
        case .takePer(let i, let keys, let k, let t): return .takePer(i, keys: keys.map(f), k: k, text: t)
        case .columnScan(let t, let cs): return .columnScan(t, cj(cs))
        case .filter(let i, let cs): return .filter(i, cj(cs))
        case .project(let i, let e, let n): return .project(i, e.map(f), names: n)
        case .derive(let i, let e, let n): return .derive(i, e.map(f), names: n)
        case .sort(let i, let k): return .sort(i, sk(k))
        case .topK(let i, let k, let n): return .topK(i, sk(k), k: n)
        case .hashAggregate(let i, let k, let a, let n): return .hashAggregate(i, keys: k.map(f), aggregates: ag(a), keyNames: n)
        case .denseAggregate(let i, let k, let a, let n, let t): return .denseAggregate(i, keys: k.map(f), aggregates: ag(a), keyNames: n, nodeType: t)
        case .columnAggregate(let i, let k, let a, let n): return .columnAggregate(i, keys: k.map(f), aggregates: ag(a), keyNames: n)
        case .nearest(let i, let s, let t, let fl, let k): return .nearest(i, slot: s, type: t, filter: fl.map(f), k: k)
        case .join(let l, let r, let c, let w, let o): return .join(l, r, f(c), leftWidth: w, outer: o)
        case .hashJoin(let l, let r, let lk, let rk, let res, let o): return .hashJoin(l, r, leftKeys: lk.map(f), rightKeys: rk.map(f), residual: res.map(f), outer: o)
        case .nestedLoopJoin(let l, let r, let c, let o): return .nestedLoopJoin(l, r, f(c), outer: o)
        }
    }
}

extension TypedExpr {
    /// The sub-expressions it reads, left to right (the subplans of `in (…)` and `exists(…)`
    /// are not among them). Every traversal below goes through this and `replacingOperands`,
    /// so a new `TypedExpr` case is added in these two switches only.
    public var operands: [TypedExpr] {
        switch self {
        case .constant, .access, .aggregateResult, .exists: []
        case .dynamicField(let b, _, _), .nodeField(let b, _, _, _), .nodeID(let b), .nodeTypeName(let b),
             .edgeField(let b, _, _, _), .edgeEnd(let b, _, _), .edgeTypeName(let b), .unary(_, let b, _), .inQuery(let b, _): [b]
        case .list(let xs), .call(_, let xs, _): xs
        case .binary(_, let a, let b, _): [a, b]
        case .ifThen(let a, let b, let c, _): [a, b, c]
        }
    }

    /// The same expression reading `x` instead of its operands.
    public func replacingOperands(_ x: [TypedExpr]) -> TypedExpr {
        switch self {
        case .constant, .access, .aggregateResult, .exists: self
        case .dynamicField(_, let n, let t): .dynamicField(x[0], n, t)
        case .nodeField(_, let ty, let fi, let t): .nodeField(x[0], type: ty, field: fi, t)
        case .nodeID: .nodeID(x[0])
        case .nodeTypeName: .nodeTypeName(x[0])
        case .edgeField(_, let ty, let fi, let t): .edgeField(x[0], type: ty, field: fi, t)
        case .edgeEnd(_, let to, let t): .edgeEnd(x[0], to: to, t)
        case .edgeTypeName: .edgeTypeName(x[0])
        case .list: .list(x)
        case .unary(let o, _, let t): .unary(o, x[0], t)
        case .binary(let o, _, _, let t): .binary(o, x[0], x[1], t)
        case .inQuery(_, let p): .inQuery(x[0], p)
        case .call(let b, _, let t): .call(b, x, t)
        case .ifThen(_, _, _, let t): .ifThen(x[0], x[1], x[2], t)
        }
    }

    /// The expression rebuilt bottom-up: operands first, then `f` on the node they make.
    public func transformedUp(_ f: (TypedExpr) -> TypedExpr) -> TypedExpr {
        let xs = operands
        return f(xs.isEmpty ? self : replacingOperands(xs.map { $0.transformedUp(f) }))
    }

    /// Calls `f` on every node, operands before the node that reads them.
    public func visitUp(_ f: (TypedExpr) -> Void) {
        for x in operands { x.visitUp(f) }
        f(self)
    }

    /// The expression with each subplan (`in (…)`, `exists(…)`) replaced by `f`'s.
    public func mappingSubplans(_ f: (PlanNode) -> PlanNode) -> TypedExpr {
        transformedUp { e in
            switch e {
            case .inQuery(let x, let p): .inQuery(x, f(p))
            case .exists(let s, let p): .exists(slot: s, f(p))
            default: e
            }
        }
    }

    /// The subplans of its `in (…)` and `exists(…)`, in the order they appear.
    public var subplans: [(kind: String, plan: PlanNode)] {
        var out: [(kind: String, plan: PlanNode)] = []
        visitUp { e in
            switch e {
            case .inQuery(_, let p): out.append(("in", p))
            case .exists(_, let p): out.append(("exists", p))
            default: break
            }
        }
        return out
    }

    /// Slots of the row the expression reads (subplans included: `exists` reads its slot).
    var slotsRead: Set<Int> {
        var out = Set<Int>()
        visitUp { e in
            switch e {
            case .access(.slot(let x), _), .access(.nodeField(let x, _, _), _), .access(.nodeID(let x), _),
                 .access(.edgeField(let x, _, _), _), .access(.edgeEnd(let x, _), _), .exists(let x, _): out.insert(x)
            default: break
            }
        }
        return out
    }

    /// The expression with every slot it reads moved by `k` (a join's right-side keys).
    func shiftingSlots(by k: Int) -> TypedExpr {
        transformedUp { e in
            switch e {
            case .access(let a, let t):
                switch a {
                case .slot(let s): .access(.slot(s + k), t)
                case .nodeField(let s, let ty, let f): .access(.nodeField(slot: s + k, type: ty, field: f), t)
                case .nodeID(let s): .access(.nodeID(slot: s + k), t)
                case .edgeField(let s, let ty, let f): .access(.edgeField(slot: s + k, type: ty, field: f), t)
                case .edgeEnd(let s, let to): .access(.edgeEnd(slot: s + k, to: to), t)
                }
            case .exists(let s, let p): .exists(slot: s + k, p)
            default: e
            }
        }
    }
}
