#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs query text against a loaded network, keeping what a session remembers:
/// parameters, `let` bindings, limits. The CLI and REPL drive it; tests use it directly.
public final class Session {
    public private(set) var graph: Graph
    /// Values of `$NAME` parameters (`--param`, `.param`, `param NAME = …`).
    public var params: [String: Value] = [:]
    public var limits = Limits()
    public let cancellation = CancellationFlag()

    public init(graph: Graph) { self.graph = graph }

    /// Receives each warning, rendered (`warning: …` with the query underlined); when nil,
    /// warnings go to standard error.
    public var onWarning: ((String) -> Void)?

    func deliver(_ sink: WarningSink, _ source: SourceText) {
        for w in sink.items {
            let text = w.render(source)
            if let onWarning { onWarning(text) } else { var b = Array(text.utf8); _ = write(2, &b, b.count) }
        }
        sink.items = []
    }

    /// Replaces the network (`.data DIR`); `let` bindings are dropped.
    public func reload(_ graph: Graph) { self.graph = graph; bindings = [:] }

    /// Results bound by `let`.
    private(set) var bindings: [String: Binding_] = [:]
    /// Parameters set from outside (`--param`, `.param`): a `param` statement does not override them.
    public var overriddenParams: Set<String> = []

    /// Sets `$name` from the command line or `.param`; `param` statements will not override it.
    public func setParam(_ name: String, _ value: Value) {
        params[name] = value
        overriddenParams.insert(name)
    }

    /// Rows a result may hold before it is written (so that a query failing late prints nothing);
    /// beyond this, rows stream out as they come.
    public var bufferRows = 100_000

    /// The compiler with this session's parameters, bindings and limits.
    var compiler: Compiler {
        var c = Compiler(graph: graph, params: params, bindings: bindings, limits: limits)
        c.rules = plannerRules
        c.cite = cite
        c.cancellation = cancellation
        return c
    }

    /// `--cite` / `.cite on`: each result gets a last column `sources`, the seed lines
    /// (`file:line`) of the facts behind each row (docs/language.md, "Citing sources").
    public var cite = false

    /// The planner's rules this session applies (all; tests turn some off to compare answers).
    var plannerRules: Optimizer.Rules = .all

    /// Runs every statement of `source` in order, sending each result to `writer`
    /// (`begin`, `row`…, `end` per result). Stops at the first failing statement and throws it.
    public func run(_ source: SourceText, to writer: ResultWriter) throws(QueryError) {
        let statements = try compiler.statements(source)
        try onDeepEnoughStack(statements) { () throws(QueryError) in
            for statement in statements { try runStatement(statement, source, writer) }
        }
    }

    /// `run(_:to:)` for `--keep-going`: a statement that fails with a lex, parse, check or run
    /// error is handed to `failed` (which prints it) and the next statement runs. A lex error
    /// fails the whole text; an interruption or an output error is thrown as by `run(_:to:)`.
    /// Returns how many statements ran and how many of them failed.
    public func runKeepingGoing(_ source: SourceText, to writer: ResultWriter,
                                failed: (QueryError) -> Void) throws(QueryError) -> (statements: Int, failures: Int) {
        let statements = try compiler.statements(source)
        var failures = 0
        try onDeepEnoughStack(statements) { () throws(QueryError) in
            for statement in statements {
                do throws(QueryError) { try runStatement(statement, source, writer) } catch {
                    guard case .failed = error else { throw error }
                    failures += 1
                    failed(error)
                }
            }
        }
        return (statements.count, failures)
    }

    /// Runs `body` here when no statement can nest deeper than `inlineDepth` levels (each level
    /// takes at least one token), else on a thread with a stack that holds the deepest query
    /// `Limits.maxNestingCeiling` allows. Making that thread costs about 0.1 ms, which a short
    /// query typed at the prompt or timed by a benchmark should not pay.
    func onDeepEnoughStack<T>(_ statements: [[Token]], _ body: () throws(QueryError) -> T) throws(QueryError) -> T {
        let deepest = Swift.min(limits.maxNesting, statements.map(\.count).max() ?? 0)
        if deepest <= Session.inlineDepth { return try body() }
        return try withLargeStack(LargeStack.bytes, body)
    }

    /// Levels of nesting any thread's stack has room for (a debug build uses about 10 KB a level).
    static let inlineDepth = 128

    /// The plans of the statements of `source`, compiled without running them (`param`
    /// statements apply to the ones after them; `let` statements bind nothing).
    func plan(_ source: SourceText) throws(QueryError) -> [PlanNode] {
        var c = compiler
        let statements = try c.statements(source)
        return try onDeepEnoughStack(statements) { () throws(QueryError) in
            var out: [PlanNode] = []
            for st in statements {
                let compiled = try c.compile(st, source)
                if case .param(let name, let v) = compiled { c.params[name.text] = v }
                if let p = compiled.plan { out.append(p) }
            }
            return out
        }
    }

    /// The warnings of the statement running now (run-time notes join them).
    var currentWarnings: WarningSink?

    func runStatement(_ tokens: [Token], _ source: SourceText, _ writer: ResultWriter) throws(QueryError) {
        let warnings = WarningSink()
        currentWarnings = warnings
        defer { deliver(warnings, source); currentWarnings = nil }
        var compiler = self.compiler
        compiler.warnings = warnings
        compiler.networkColumns = writer.asNetworkWriter != nil
        // One budget for everything this statement keeps (--max-memory).
        let memory = MemoryBudget(limit: limits.maxMemory)
        switch try compiler.compile(tokens, source) {
        case .param(let name, let v):
            if !overriddenParams.contains(name.text) { params[name.text] = v }
        case .bind(let name, let plan, let q):
            var rows: [Row] = []
            let what = "'let \(name.text)'", maxRows = limits.maxRows
            try execute(plan, q.span, source, memory: memory) { row in
                rows.append(row)
                if rows.count > maxRows { throw RuntimeError(.limitExceeded(what: what, limit: maxRows), at: q.span) }
                try memory.charge(approximateBytes(row), what, q.span)
                return true
            }
            bindings[name.text] = Binding_(shape: plan.shape, rows: rows)
        case .explain(let plan, let q, let analyze):
            var profile: Profile? = nil
            if analyze {
                // Runs the query to the end, its rows counted and dropped.
                let p = Profile()
                try execute(plan, q.span, source, memory: memory, profile: p) { _ in true }
                profile = p
            }
            do {
                try writer.begin([ResultColumn(name: "plan", type: .string)])
                for l in Explain.lines(plan, graph: graph, profile: profile) { try writer.row([.string(l)]) }
                try writer.end()
            } catch { throw .output(error) }
        case .query(let plan, let q):
            // The plan's Output operator projects each row; the stream holds the first rows.
            let result = ResultStream(writer, shape: plan.shape, query: QueryText(source: source, span: q.span, cancellation: cancellation),
                                      holdRows: bufferRows, memory: memory)
            defer { result.release() }
            try execute(plan, q.span, source, memory: memory) { values in
                do { try result.add(values) } catch let e as RuntimeError {
                    throw e  // the rows held went over --max-memory
                } catch let d as Diagnostic {
                    throw d  // a result the format cannot show (svg: --map-size names no column)
                } catch { throw RuntimeError(.outputFailed(error), at: q.span) }
                return true
            }
            do { try result.finish() } catch let d as Diagnostic {
                throw .failed(d, source)  // a result the format cannot show (svg: no cities)
            } catch let i as Interrupted {
                // Ctrl-C or --timeout while a map is drawn: as the executor reports them.
                if i.timedOut { throw .failed(RuntimeError(.timedOut, at: q.span).diagnostic!, source) }
                throw .interrupted(i)
            } catch { throw .output(error) }
        }
    }

    /// Runs a plan, turning run-time failures into `QueryError`s located at the query.
    func execute(_ plan: PlanNode, _ span: Span, _ source: SourceText, memory: MemoryBudget, profile: Profile? = nil, _ sink: @escaping Executor.Sink) throws(QueryError) {
        let ex = Executor(graph: graph, cancellation: cancellation, limits: limits, memory: memory, profile: profile)
        do {
            do { try cancellation.check() } catch { throw RuntimeError(error.timedOut ? .timedOut : .interrupted, at: span) }
            _ = try ex.run(plan, sink)
            currentWarnings?.items += ex.notes
        } catch let e as RuntimeError {
            switch e.kind {
            case .interrupted: throw .interrupted(Interrupted(timedOut: false))
            case .outputFailed(let error): throw .output(error)
            case .timedOut, .limitExceeded, .memoryExceeded: throw .failed(e.diagnostic!, source)
            }
        } catch let e as Interrupted {
            // (Every producer reports its interrupts as RuntimeError; this is a safety net.)
            if e.timedOut { throw .failed(RuntimeError(.timedOut, at: span).diagnostic!, source) }
            throw .interrupted(e)
        } catch let e as Diagnostic {
            throw .failed(e, source)
        } catch {
            throw .output(error)
        }
    }

    /// True when `text` is a complete input for the REPL: it does not end with `|`, `,` or a
    /// binary operator, and leaves no bracket or string open.
    public static func isComplete(_ text: String) -> Bool { StatementSplitter.isComplete(text) }

    /// Completion candidates for the word that ends at byte offset `cursor` of `text`
    /// (keywords, sources, steps, fields of the rows at that point, functions, node names in quotes).
    public func completions(_ text: String, cursor: Int) -> [String] { Completion(session: self).candidates(text, cursor: cursor) }
}

/// Why a statement failed.
public enum QueryError: Error {
    /// A lex, parse, check or run error in `source`.
    case failed(Diagnostic, SourceText)
    /// Ctrl-C, SIGTERM or the time limit.
    case interrupted(Interrupted)
    /// The writer failed (a closed pipe: `EPIPE`).
    case output(Error)

    /// The message to print on stderr.
    public var rendered: String {
        switch self {
        case .failed(let d, let s): d.render(s)
        case .interrupted(let i): i.timedOut ? "error: time limit exceeded\n" : "interrupted\n"
        case .output(let e): "error: cannot write the result: \(e)\n"
        }
    }
}

/// Bounds on the work one query may do; each is documented in docs/limits.md.
public struct Limits: Sendable {
    /// Longest path `path … max N` may ask for.
    public var maxPathLength = 6
    /// Deepest `follow … depth A..B` (at most `maxFollowDepthCeiling`).
    public var maxFollowDepth = 6
    /// The largest `maxFollowDepth` allowed: deeper than any network's diameter, and the check
    /// of a `follow` step walks the schema once per level.
    public static let maxFollowDepthCeiling = 1_000
    /// Rows an intermediate result (a sort, a group, a match) may hold.
    public var maxRows = 10_000_000
    /// Nesting depth of expressions, steps and patterns (at most `maxNestingCeiling`).
    public var maxNesting = 100
    /// The largest `maxNesting` allowed: the stack queries run on has room for this many levels.
    public static let maxNestingCeiling = 5_000
    /// Bytes of query text.
    public var maxQueryBytes = 1_000_000
    /// Bytes the rows, lists and strings one query keeps may take (`Int.max`: no bound);
    /// counted as `MemoryBudget` says. The default is half the memory of the machine.
    public var maxMemory = Limits.defaultMaxMemory
    public init() {}
}
