/// Why a running plan stopped: the one error type operators and compiled expressions throw.
/// It carries the span of the plan step that hit it, so that the message points at that step —
/// inside an `exists(…)`, an `in (…)`, a `let` or a join side as well as at the top level.
/// Nothing in Exec/ may swallow it (no optional `try` turning it into nil): a subquery that fails fails its query.
struct RuntimeError: Error, Sendable {
    public enum Kind: Sendable {
        /// Ctrl-C or SIGTERM.
        case interrupted
        /// `--timeout` passed.
        case timedOut
        /// `what` would hold more than `limit` rows (`--max-rows`).
        case limitExceeded(what: String, limit: Int)
        /// The query would hold more than `limit` bytes (`--max-memory`) when `what` kept more.
        case memoryExceeded(what: String, limit: Int)
        /// The writer failed (a closed pipe).
        case outputFailed(any Error)
    }
    let kind: Kind
    /// The step that was running (for `interrupted`/`timedOut`: the operator that noticed).
    var span: Span

    init(_ kind: Kind, at span: Span) { self.kind = kind; self.span = span }

    /// The error to print, for kinds that are failures of the query (not Ctrl-C, not output).
    var diagnostic: Diagnostic? {
        switch kind {
        case .limitExceeded(let what, let limit):
            Diagnostic(.run, "\(what) holds more than \(limit) rows", at: span,
                       hint: "narrow the query, or raise the bound with --max-rows")
        case .memoryExceeded(let what, let limit):
            Diagnostic(.run, "\(what) takes the query over its memory budget of \(Limits.describeBytes(limit))", at: span,
                       hint: "narrow the query (a 'where' or 'take' before this step), or raise the bound with --max-memory")
        case .timedOut:
            Diagnostic(.run, "time limit exceeded", at: span, hint: "the query was here; raise the bound with --timeout")
        case .interrupted, .outputFailed: nil
        }
    }
}
