/// The compiler facade: source text → statements → each parsed, checked and planned, with
/// diagnostics. The Session runs what it compiles; completion, the fuzz harness and the tests
/// compile through it too, so the lex → split → parse → check → plan glue is written once.
struct Compiler {
    let graph: Graph
    var params: [String: Value]
    var bindings: [String: Binding_]
    var limits: Limits
    /// The planner's rules to apply (tests turn them off to compare plans).
    var rules: Optimizer.Rules = .all
    /// Where the checker's warnings go (none are kept when nil).
    var warnings: WarningSink? = nil
    /// Ctrl-C and the time limit, polled by the checker's long loops.
    var cancellation: CancellationFlag? = nil
    /// `--cite`: plan so that each row's facts reach the `sources` column (Output/Citations.swift).
    var cite = false
    /// The result goes to a network writer (`dot`, `graphml`, `svg`): a query's rows also carry
    /// the hidden columns it draws from (`networkHiddenColumns`).
    var networkColumns = false

    init(graph: Graph, params: [String: Value] = [:], bindings: [String: Binding_] = [:], limits: Limits = Limits()) {
        self.graph = graph; self.params = params; self.bindings = bindings; self.limits = limits
    }

    /// A statement ready to run.
    public enum Compiled {
        case query(PlanNode, Query)
        /// `let NAME = QUERY`
        case bind(Name, PlanNode, Query)
        /// `param NAME = VALUE`, its value computed.
        case param(Name, Value)
        case explain(PlanNode, Query, analyze: Bool)

        /// The plan to run or show, if any.
        var plan: PlanNode? {
            switch self {
            case .query(let p, _), .bind(_, let p, _), .explain(let p, _, _): p
            case .param: nil
            }
        }
    }

    /// The statements of `source`, each as its tokens: the size bound, the lexer, the splitter.
    func statements(_ source: SourceText) throws(QueryError) -> [[Token]] {
        if source.bytes.count > limits.maxQueryBytes {
            throw .failed(Diagnostic(.parse, "the query text is \(source.bytes.count) bytes, over the limit of \(limits.maxQueryBytes)", at: Span(0, 0), hint: "raise it with --max-query-bytes"), source)
        }
        do { return StatementSplitter.split(try Lexer.tokenize(source)) } catch { throw .failed(error, source) }
    }

    /// Parses one statement's tokens.
    func parse(_ tokens: [Token], _ source: SourceText) throws(QueryError) -> Statement {
        do { return try Parser.parseStatement(tokens, maxDepth: min(limits.maxNesting, Limits.maxNestingCeiling)) } catch { throw .failed(error, source) }
    }

    /// Parses, checks and plans one statement.
    func compile(_ tokens: [Token], _ source: SourceText) throws(QueryError) -> Compiled {
        try compile(try parse(tokens, source), source)
    }

    func compile(_ statement: Statement, _ source: SourceText) throws(QueryError) -> Compiled {
        var checker = Checker(graph: graph, params: params, bindings: bindings, source: source, limits: limits, warnings: warnings)
        checker.cancellation = cancellation
        checker.cite = cite
        do throws(Diagnostic) {
            switch statement {
            case .param(let name, let e, _):
                return .param(name, try checker.constant(e))
            case .let(let name, let q, _):
                let schema = graph.schema
                if schema.nodeType(source: name.text) != nil || schema.edgeType(source: name.text) != nil || ["path", "match"].contains(name.text) {
                    throw Diagnostic(.check, "'\(name.text)' is already a source", at: name.span, hint: "choose another name")
                }
                return .bind(name, try plan(q, checker), q)
            case .explain(let q, let analyze, _):
                return .explain(result(try plan(q, checker), q), q, analyze: analyze)
            case .query(let q):
                return .query(result(try plan(q, checker), q), q)
            }
        } catch {
            if let i = error.interruption {
                if i.timedOut { throw .failed(Diagnostic(.run, "time limit exceeded", at: error.span), source) }
                throw .interrupted(i)
            }
            throw .failed(error, source)
        }
    }

    /// The checked query's logical plan, through the planner's rules.
    func plan(_ q: Query, _ checker: Checker) throws(Diagnostic) -> PlanNode {
        Optimizer.optimize(try checker.check(q), graph: graph, rules: rules)
    }

    /// A query's plan under its final projection (`PlanOp.output`): its rows become the values
    /// the writer gets, in the order of the output node's shape — the visible columns, `sources`
    /// with `--cite`, then (for a network writer) the hidden columns it draws from.
    func result(_ plan: PlanNode, _ q: Query) -> PlanNode {
        let s = plan.shape
        let hidden = networkColumns ? networkHiddenColumns.compactMap { s.hidden[$0] } : []
        var shape = Shape()
        shape.columns = s.columns.enumerated().map { ColumnInfo(name: $1.name, type: $1.type, access: .slot($0)) }
        if cite { shape.columns.append(ColumnInfo(name: "sources", type: .list, access: .slot(shape.columns.count))) }
        for (k, h) in hidden.enumerated() {
            shape.hidden[h.name] = ColumnInfo(name: h.name, type: h.type, access: .slot(shape.columns.count + k))
        }
        shape.width = shape.columns.count + hidden.count
        return PlanNode(.output(plan, ResultSpec(columns: s.columns, hidden: hidden, cite: cite)), shape, at: q.span)
    }

    /// The shape of the rows of the last statement of `source` (for completion), nil on any error.
    func shapeOfLastStatement(_ source: SourceText) -> Shape? {
        guard let st = try? statements(source).last, let stmt = try? parse(st, source) else { return nil }
        let checker = Checker(graph: graph, params: params, bindings: bindings, source: source, limits: limits)
        switch stmt {
        case .query(let q), .let(_, let q, _), .explain(let q, _, _): return try? checker.check(q).shape
        case .param: return nil
        }
    }
}
