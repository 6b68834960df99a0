import Foundation
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

    /// True when results go to a terminal (the table is sized to it and gets a footer).
    var toTerminal: Bool { file == nil && Terminal.isTerminal(1) }

    /// The format results are written in now.
    var effectiveFormat: OutputFormat { format ?? (toTerminal ? .table : .tsv) }

    /// The output options for the next result.
    func options() -> OutputOptions {
        let terminal = toTerminal
        var o = OutputOptions(format: effectiveFormat)
        o.header = header
        o.map = map
        o.isTerminal = terminal
        o.terminalWidth = terminal ? Terminal.width() : nil
        o.color = Terminal.useColor(color, toTerminal: terminal)
        return o
    }

    /// Runs every statement of `source`; errors go to stderr, nothing of a failed result to stdout.
    func run(_ source: SourceText) -> Outcome {
        if SignalState.isInterrupted { return .interrupted }
        session.cancellation.reset()
        if let timeout { session.cancellation.setTimeout(timeout) }
        let out: DescriptorOutput = file ?? stdout
        let writer = makeWriter(options(), graph: session.graph, output: out)
        let start = DispatchTime.now()
        var outcome = Outcome.success
        do {
            try session.run(source, to: writer)
        } catch {
            out.discardPending()
            outcome = report(error)
        }
        if outcome == .success {
            do { try out.flush() } catch {
                if error is OutputClosed { return .outputClosed }
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

    /// Prints a query error on stderr and says what it means for the run.
    func report(_ error: QueryError) -> Outcome {
        switch error {
        case .interrupted(let i):
            Console.errorLine(error.rendered)
            return i.timedOut ? .failed : .interrupted
        case .output(let e):
            if e is OutputClosed || StdoutOutput.closed { return .outputClosed }
            Console.errorLine(error.rendered)
            return .failed
        case .failed:
            Console.errorLine(error.rendered)
            return SignalState.isInterrupted ? .interrupted : .failed
        }
    }
}

/// `0.42 ms`, `12.3 ms`, `1.25 s`.
func formatDuration(_ nanoseconds: Double) -> String {
    let ms = nanoseconds / 1e6
    if ms < 10 { return fixedPoint(ms, digits: 2) + " ms" }
    if ms < 1000 { return fixedPoint(ms, digits: 1) + " ms" }
    return fixedPoint(ms / 1000, digits: 2) + " s"
}
