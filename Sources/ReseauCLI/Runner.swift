import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ReseauCore

/// Runs query text against a session and sends the results to stdout or a file: the part that
/// the command line, `.read` and the REPL share.
final class Runner {
    /// How one run ended.
    enum Outcome: Equatable {
        case success
        /// A lex, parse, check or run error, or the time limit; the message is on stderr.
        case failed
        /// Ctrl-C or SIGTERM.
        case interrupted
        /// stdout was closed (EPIPE): end quietly.
        case outputClosed
    }

    let session: Session
    let stdout: StdoutOutput
    /// `--format` / `.format`; nil: a table on a terminal, TSV elsewhere.
    var format: OutputFormat?
    var header = true
    /// `--map-size`, `--map-color` (the svg format).
    var map = MapOptions()
    var timer = false
    var timeout: Double?
    var color = ColorMode.auto
    /// `-o FILE` / `.output FILE`: results go there instead of stdout.
    var file: AtomicFileOutput?

    init(session: Session, stdout: StdoutOutput) {
        self.session = session
        self.stdout = stdout
    }

    /// `--keep-going`: a failing statement inside a source does not stop the others.
    var keepGoing = false
    /// In the REPL: hints name `.param` rather than `--param`.
    var interactive = false
    /// Statements run and failed so far (for what `-o` says under `--keep-going`).
    private(set) var statementsRun = 0
    private(set) var statementsFailed = 0
    /// `.format` for the file of `.output`/`-o` when `format` is nil: from its extension.
    var fileFormat: OutputFormat?
    /// The rows a table shows on a terminal (`.maxrows`; 0: all).
    var maxRows = TableWriter.defaultMaxRows
    /// `.width N`: the width tables fit into, instead of the terminal's (0: never cut).
    var width: Int?
    /// `.nullvalue TEXT`: how the table shows null.
    var nullText = "∅"
    /// `.pager on|COMMAND`: the pager results on the terminal go through when taller than the
    /// screen (nil: none; then the row cap applies).
    var pager: String?
    /// The writer of the previous run and what it wrote to, reused for the next result to the same
    /// output in the same format, so that results of several `-e` or `.read` are separated as
    /// the statements of one text are.
    private var lastWriter: (writer: ResultWriter, output: ObjectIdentifier, graph: ObjectIdentifier, options: OutputOptions)?

    /// True when results go to a terminal (the table is sized to it and gets a footer).
    var toTerminal: Bool { file == nil && Terminal.isTerminal(1) }

    /// The format results are written in now.
    var effectiveFormat: OutputFormat { format ?? (file != nil ? fileFormat : nil) ?? (toTerminal ? .table : .tsv) }

    /// The output options for the next result.
    func options() -> OutputOptions {
        let terminal = toTerminal
        var o = OutputOptions(format: effectiveFormat)
        o.header = header
        o.map = map
        o.isTerminal = terminal
        if let width { o.terminalWidth = width > 0 ? width : nil } else { o.terminalWidth = terminal ? Terminal.width() : nil }
        o.maxRows = terminal && maxRows > 0 && pager == nil ? maxRows : nil
        o.nullText = nullText
        o.color = Terminal.useColor(color, toTerminal: terminal)
        return o
    }

    /// The writer for the next result: the previous one when it wrote to `out` with the same
    /// options and network (never on a terminal, where each entry stands alone).
    func writer(for out: DescriptorOutput, _ o: OutputOptions) -> ResultWriter {
        let id = ObjectIdentifier(out), graph = ObjectIdentifier(session.graph)
        if !o.isTerminal, let last = lastWriter, last.output == id, last.graph == graph, last.options == o { return last.writer }
        var w = makeWriter(o, graph: session.graph, output: out)
        // A new writer on an output that already got results (the format, a setting or the
        // network changed): the blank line between results is ours to write.
        if !o.isTerminal, lastWriter?.output == id, [.table, .line, .csv, .tsv, .markdown, .dot].contains(o.format) {
            w = SeparatedWriter(w, output: out)
        }
        lastWriter = (w, id, graph, o)
        return w
    }

    /// Forgets the writer kept for separating results (a new `.output` file, `.data`).
    func resetWriter() { lastWriter = nil }

    /// Runs every statement of `source`; errors go to stderr, nothing of a failed result to stdout.
    /// `format` overrides the output format for this run (`\G`).
    func run(_ source: SourceText, format once: OutputFormat? = nil) -> Outcome {
        if SignalState.isInterrupted { return .interrupted }
        session.cancellation.reset()
        if let timeout { session.cancellation.setTimeout(timeout) }
        let paged = file == nil && toTerminal ? pager.map { PagerOutput(command: $0, screenRows: Pager.screenRows()) } : nil
        let out: DescriptorOutput = file ?? paged ?? stdout
        var o = options()
        if let once { o.format = once }
        let writer = once == nil ? self.writer(for: out, o) : makeWriter(o, graph: session.graph, output: out)
        let start = DispatchTime.now()
        var outcome = Outcome.success
        do {
            if keepGoing {
                let (n, failures) = try session.runKeepingGoing(source, to: writer) { error in
                    out.discardPending()
                    Console.errorLine(self.rendered(error))
                }
                statementsRun += n
                statementsFailed += failures
                if failures > 0 { outcome = .failed }
            } else {
                try session.run(source, to: writer)
            }
        } catch {
            out.discardPending()
            // The reader leaves the pager first: messages then go to a screen of their own.
            do { try paged?.finish(console: stdout) } catch {
                // The result failed already; its error is the one to report.
            }
            if case .output(let e) = error, e is PagerClosed { outcome = .success } else { outcome = report(error) }
        }
        if outcome != .interrupted && outcome != .outputClosed {
            do {
                try out.flush()
                // Ctrl-C inside the pager, once every row was sent to it, is the pager's business.
                if try paged?.finish(console: stdout) == true && SignalState.isInterrupted { SignalState.clear() }
            } catch {
                if error is PagerClosed { return .success }
                if error is OutputClosed { return .outputClosed }
                if error is OutputInterrupted { Console.errorLine(interruptedMessage); return .interrupted }
                Console.errorLine("error: \(error)")
                outcome = .failed
            }
        }
        if StdoutOutput.closed { return .outputClosed }
        if timer && outcome != .interrupted {
            let ns = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds)
            Console.errorLine("time: " + formatDuration(ns))
        }
        if outcome == .success && SignalState.isInterrupted { return .interrupted }
        return outcome
    }

    /// "interrupted", on a line of its own on a terminal (after the `^C` it echoed).
    var interruptedMessage: String { Terminal.isTerminal(2) ? "\ninterrupted" : "interrupted" }

    /// A query error as printed: in the REPL, parameter hints name `.param`.
    func rendered(_ error: QueryError) -> String {
        let text = error.rendered
        guard interactive, text.contains("--param ") else { return text }
        return replParamHint(text)
    }

    /// Prints a query error on stderr and says what it means for the run.
    func report(_ error: QueryError) -> Outcome {
        switch error {
        case .interrupted(let i):
            Console.errorLine(i.timedOut ? error.rendered : interruptedMessage)
            return i.timedOut ? .failed : .interrupted
        case .output(let e):
            if e is OutputClosed || StdoutOutput.closed { return .outputClosed }
            if e is OutputInterrupted || SignalState.isInterrupted {
                Console.errorLine(interruptedMessage)
                return .interrupted
            }
            Console.errorLine(error.rendered)
            return .failed
        case .failed:
            Console.errorLine(rendered(error))
            return SignalState.isInterrupted ? .interrupted : .failed
        }
    }
}

/// `give one with --param n=…` → `give one with .param n VALUE` (the REPL's way).
func replParamHint(_ text: String) -> String {
    var out = ""
    var rest = Substring(text)
    while let r = rest.firstRange(of: "--param ") {
        out += rest[..<r.lowerBound]
        let after = rest[r.upperBound...]
        let name = after.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
        if after.dropFirst(name.count).hasPrefix("=…") {
            out += ".param \(name) VALUE"
            rest = after.dropFirst(name.count + 2)
        } else {
            out += "--param "
            rest = after
        }
    }
    return out + rest
}

/// `0.42 ms`, `12.3 ms`, `1.25 s`.
func formatDuration(_ nanoseconds: Double) -> String {
    let ms = nanoseconds / 1e6
    if ms < 10 { return fixedPoint(ms, digits: 2) + " ms" }
    if ms < 1000 { return fixedPoint(ms, digits: 1) + " ms" }
    return fixedPoint(ms / 1000, digits: 2) + " s"
}

/// A writer that writes a blank line before its first result (then passes everything on).
final class SeparatedWriter: ResultWriter {
    let inner: ResultWriter
    let output: TextOutput
    var separated = false

    init(_ inner: ResultWriter, output: TextOutput) { self.inner = inner; self.output = output }

    func begin(_ columns: [ResultColumn]) throws {
        if !separated { separated = true; try output.write("\n") }
        try inner.begin(columns)
    }
    func row(_ values: [Value]) throws { try inner.row(values) }
    func end() throws { try inner.end() }
}
