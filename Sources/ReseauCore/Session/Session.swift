/// Runs query text against a loaded network, keeping what a session remembers:
/// parameters, `let` bindings, limits. The CLI and REPL drive it; tests use it directly.
public final class Session {
    public private(set) var graph: Graph
    /// Values of `$NAME` parameters (`--param`, `.param`, `param NAME = …`).
    public var params: [String: Value] = [:]
    public var limits = Limits()
    public let cancellation = CancellationFlag()

    public init(graph: Graph) { self.graph = graph }

    /// Replaces the network (`.data DIR`); `let` bindings are dropped.
    public func reload(_ graph: Graph) { self.graph = graph }

    /// Runs every statement of `source` in order, sending each result to `writer`
    /// (`begin`, `row`…, `end` per result). Stops at the first failing statement and throws it.
    public func run(_ source: SourceText, to writer: ResultWriter) throws(QueryError) {
        throw QueryError.failed(Diagnostic(.run, "the query language is not implemented yet", at: .none), source)
    }

    /// True when `text` is a complete input for the REPL: it does not end with `|`, `,` or a
    /// binary operator, and leaves no bracket or string open.
    public static func isComplete(_ text: String) -> Bool { true }

    /// Completion candidates for the word that ends at byte offset `cursor` of `text`
    /// (keywords, sources, steps, fields of the rows at that point, functions, node names in quotes).
    public func completions(_ text: String, cursor: Int) -> [String] { [] }
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
    /// Deepest `follow … depth A..B`.
    public var maxFollowDepth = 6
    /// Rows an intermediate result (a sort, a group, a match) may hold.
    public var maxRows = 10_000_000
    /// Nesting depth of expressions and patterns.
    public var maxNesting = 100
    /// Bytes of query text.
    public var maxQueryBytes = 1_000_000
    public init() {}
}
