/// The syntax tree of the query language. Every node carries its span in the source text.

/// A name as written, with where it was written.
struct Name: Equatable, Sendable {
    let text: String
    let span: Span
    init(_ text: String, _ span: Span) { self.text = text; self.span = span }
}

enum UnaryOp: String, Sendable { case not, neg = "-" }

enum BinaryOp: String, Sendable {
    case or, and
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", match = "~", `in`
    case add = "+", sub = "-", mul = "*", div = "/"
}

/// An expression.
indirect enum Expr: Equatable, Sendable {
    case literal(Value, Span)
    case list([Expr], Span)
    /// A name: a column, a field of the row's node, `prev`, `edge`, `right`, a `match` name.
    case name(Name)
    /// `base.field`
    case member(Expr, Name)
    case param(Name)
    case unary(UnaryOp, Expr, Span)
    case binary(BinaryOp, Expr, Expr, Span)
    /// `EXPR in (QUERY)`
    case inQuery(Expr, Query, Span)
    /// `exists(STEPS)`
    case exists([Step], Span)
    /// `f(args)`; `count()` has no arguments.
    case call(Name, [Expr], Span)
    case ifThen(Expr, Expr, Expr, Span)
    /// `project "projet RIVM"` inside an expression: the one node that the lookup names.
    case lookup(Name, Expr, Span)

    var span: Span {
        switch self {
        case .literal(_, let s), .list(_, let s), .unary(_, _, let s), .binary(_, _, _, let s),
             .inQuery(_, _, let s), .exists(_, let s), .call(_, _, let s), .ifThen(_, _, _, let s), .lookup(_, _, let s): s
        case .name(let n), .param(let n): n.span
        case .member(let b, let n): b.span.to(n.span)
        }
    }
}

/// An expression with an optional `as NAME`.
struct SelectItem: Equatable, Sendable {
    let expr: Expr
    let alias: Name?
}

/// `NAME = EXPR`
struct Binding: Equatable, Sendable {
    let name: Name
    let expr: Expr
}

struct SortKey: Equatable, Sendable {
    let expr: Expr
    let descending: Bool
}

/// An endpoint of `path`: `"Oyem"`, `$p`, or `city "Oyem"`.
struct Endpoint: Equatable, Sendable {
    let type: Name?
    let name: Expr
}

/// `(a:city {country: "Spain"})`
struct NodePattern: Equatable, Sendable {
    let variable: Name?
    let label: Name?
    let properties: [(Name, Expr)]
    let span: Span
    static func == (a: NodePattern, b: NodePattern) -> Bool {
        a.variable == b.variable && a.label == b.label && a.span == b.span
            && a.properties.map(\.0) == b.properties.map(\.0) && a.properties.map(\.1) == b.properties.map(\.1)
    }
}

enum Direction: Sendable { case right, left, both }

/// `-[t:twin {kind: "twinning"}]->`
struct EdgePattern: Equatable, Sendable {
    let variable: Name?
    let labels: [Name]
    let properties: [(Name, Expr)]
    let direction: Direction
    let span: Span
    static func == (a: EdgePattern, b: EdgePattern) -> Bool {
        a.variable == b.variable && a.labels == b.labels && a.direction == b.direction && a.span == b.span
            && a.properties.map(\.0) == b.properties.map(\.0) && a.properties.map(\.1) == b.properties.map(\.1)
    }
}

/// One comma-separated part of a `match`: a node, then (edge, node) pairs.
struct PathPattern: Equatable, Sendable {
    let start: NodePattern
    let hops: [(EdgePattern, NodePattern)]
    static func == (a: PathPattern, b: PathPattern) -> Bool {
        a.start == b.start && a.hops.map(\.0) == b.hops.map(\.0) && a.hops.map(\.1) == b.hops.map(\.1)
    }
}

/// Where a query's rows come from.
indirect enum Source: Equatable, Sendable {
    /// `cities`, `twinnings`, or a `let` name: resolved by the checker.
    case named(Name)
    /// `city "Oyem"`
    case lookup(Name, Expr, Span)
    /// `path A to B [via EDGE, …] [max N]`
    case path(Endpoint, Endpoint, via: [Name], max: Expr?, Span)
    case match([PathPattern], Span)
    /// `(QUERY)` as a source (a join's right side).
    case subquery(Query, Span)

    var span: Span {
        switch self {
        case .named(let n): n.span
        case .lookup(_, _, let s), .path(_, _, _, _, let s), .match(_, let s), .subquery(_, let s): s
        }
    }
}

/// A step of a pipeline.
indirect enum StepKind: Equatable, Sendable {
    case filter(Expr)
    case select([SelectItem])
    case derive([Binding])
    case sort([SortKey])
    case take(Expr)
    /// `take N per KEY, …`: the first N rows of each group of equal keys, in input order.
    case takePer(Expr, [Expr])
    case skip(Expr)
    case distinct
    case count
    /// `group by KEYS: AGGS [with totals]`
    case group([SelectItem], [Binding], totals: Bool)
    case aggregate([Binding])
    /// `join [left] SOURCE [as NAME] on COND`
    case join(Source, Expr, outer: Bool, alias: Name?)
    /// `union SOURCE` (duplicates removed) / `append SOURCE` (all rows kept): this query's
    /// rows, then the other's; both have the same column names.
    case union(Source, distinct: Bool)
    case twins
    case follow([Name], min: Expr?, max: Expr?)
    case out(Name)
    case `in`(Name)
    case nearest(Name, filter: Expr?, take: Expr?)
}

struct Step: Equatable, Sendable {
    let kind: StepKind
    /// The step's keyword (`where`, `twins`…).
    let keyword: Name
    let span: Span
}

/// A source and its steps.
struct Query: Equatable, Sendable {
    let source: Source
    let steps: [Step]
    let span: Span
}

/// A statement of a script.
enum Statement: Equatable, Sendable {
    case query(Query)
    case `let`(Name, Query, Span)
    case param(Name, Expr, Span)
    /// `explain QUERY`, or with `analyze`: run it and show rows and time per operator.
    case explain(Query, analyze: Bool, Span)

    var span: Span {
        switch self {
        case .query(let q): q.span
        case .let(_, _, let s), .param(_, _, let s), .explain(_, _, let s): s
        }
    }
}
