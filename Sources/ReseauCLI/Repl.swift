import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// The interactive prompt: `reseau> `, `   ...> ` while a query is unfinished, dot commands,
/// Tab completion, history across sessions, Ctrl-C to drop a line or cancel a query, Ctrl-D to leave.
final class Repl {
    static let prompt = "reseau> "
    static let continuationPrompt = "   ...> "

    let runner: Runner
    var session: Session { runner.session }
    let reader: LineReader
    let history: HistoryFile?
    /// The folder the network was loaded from (nil: bundled), for `.data`.
    var dataFolder: String?
    /// Lines of a query not finished yet.
    var pending = ""
    private var lastEntry: String?
    /// The last query typed (`.map` draws its result).
    var lastQuery: SourceText?
    /// Where the banner and messages of dot commands go: the terminal.
    let console: StdoutOutput

    /// Whether the text typed so far is a whole query (`Session.isComplete`; tests replace it).
    var isComplete: (String) -> Bool = Session.isComplete
    /// Runs a query; by default through `runner` (tests replace it).
    var execute: ((SourceText) -> Runner.Outcome)?
    /// Where the banner and the messages of dot commands go; by default the terminal (tests replace it).
    var messages: ((String) -> Void)?

    /// A REPL reading from `reader`, or when nil from libedit on a terminal (plain lines otherwise).
    init(runner: Runner, dataFolder: String?, reader: LineReader? = nil) {
        self.runner = runner
        self.dataFolder = dataFolder
        self.console = runner.stdout
        if let reader {
            self.reader = reader
            history = nil
        } else if Terminal.isTerminal(0) && Terminal.isTerminal(1) {
            let editor = LineEditor()
            self.reader = editor
            history = HistoryFile.defaultPath().map { HistoryFile(path: $0, editor: editor) }
        } else {
            self.reader = PlainLineReader()
            history = nil
        }
    }

    /// True when libedit draws the prompt on stdout; otherwise prompts and banner go to stderr.
    var onTerminal: Bool { reader is LineEditor }

    /// Writes text meant for the user at the prompt (not results).
    func say(_ s: String) {
        if let messages { messages(s) } else if onTerminal { console.print(s) } else { Console.error(s) }
    }

    /// Runs until Ctrl-D, `.quit` or SIGTERM; returns the exit status.
    func run() -> ExitStatus {
        history?.load()
        LineEditor.completer = { [unowned self] line in self.complete(line) }
        defer { LineEditor.completer = nil }
        say("reseau \(ReseauCommand.version) — \(Network.describe(session.graph)): \(Network.summary(session.graph))\n"
            + "Type a query, .help for help, Ctrl-D to leave.\n")
        if let initFile, !runInit(initFile) { return finish(.success) }
        while true {
            SignalState.clear()
            let input = reader.readLine(prompt: pending.isEmpty ? Repl.prompt : Repl.continuationPrompt)
            switch input {
            case .end:
                say("\n")
                if SignalState.isTerminated { return finish(.interrupted) }
                return finish(.success)
            case .interrupted:
                if onTerminal { say("^C\n") }
                pending = ""
                deferred = false
            case .line(let line):
                if !handle(line) { return finish(.success) }
                if SignalState.isTerminated { return finish(.interrupted) }
            }
        }
    }

    /// A complete entry held back because more pasted input was already waiting: a next line
    /// that starts with `|` continues it (queries saved in the style `cities\n  | where …`).
    var deferred = false
    /// `.once FILE`: the output of the next query, and the output to go back to after it.
    var once: (file: AtomicFileOutput, previous: AtomicFileOutput?, previousFormat: OutputFormat?)?

    /// True when input is already waiting on stdin (a paste): libedit reads a byte at a time, so
    /// what follows the line just read is still in the terminal's queue.
    var inputWaiting: () -> Bool = {
        var n: Int32 = 0
        return ioctl(0, UInt(FIONREAD), &n) == 0 && n > 0
    }

    /// True while the start-up file runs: its lines are not history.
    var initializing = false
    /// The start-up file run before the first prompt (`--init`, else the default one; nil: none).
    var initFile: String?

    /// `$XDG_CONFIG_HOME/reseau/init.rql` (an absolute XDG_CONFIG_HOME only), else
    /// `~/.config/reseau/init.rql`; nil when HOME is unset.
    static func defaultInitFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x + "/reseau/init.rql" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/reseau/init.rql"
    }

    /// Runs the lines of the start-up file as if typed (dot commands and queries, without
    /// history); a missing default file is no error. False when it asked to leave (`.quit`).
    func runInit(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        let source: SourceText
        do { source = try readSource(path) } catch { Console.errorLine(error.description); return true }
        let waiting = inputWaiting
        inputWaiting = { false }
        initializing = true
        defer { inputWaiting = waiting; initializing = false }
        var keep = true
        for line in source.text.split(separator: "\n", omittingEmptySubsequences: false) where keep {
            keep = handle(String(line))
        }
        if keep && !pending.isEmpty {
            let text = pending
            pending = ""
            runQuery(SourceText(name: path, text: text))
        }
        return keep
    }

    /// Handles one line; false to leave.
    func handle(_ line: String) -> Bool {
        if deferred {
            deferred = false
            if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("|") {
                pending += "\n" + line
                return finishEntry(line)
            }
            let text = pending
            pending = ""
            runEntry(text)
            if SignalState.isTerminated { return true }
        }
        if pending.isEmpty {
            let t = trimmedBlanks(line)
            if t.isEmpty { return true }
            if t.hasPrefix(".") {
                remember(t)
                return dotCommand(t)
            }
        }
        pending = pending.isEmpty ? line : pending + "\n" + line
        if trimmedWhitespace(pending).isEmpty { pending = ""; return true }
        return finishEntry(line)
    }

    /// Runs the entry in `pending` when it is complete (or ends with `;` or `\G`), unless more
    /// pasted input is waiting, which may continue it.
    func finishEntry(_ line: String) -> Bool {
        let t = trimmedBlanks(line)
        let ended = t.hasSuffix(";") || t.hasSuffix("\\G")
        if ended || isComplete(Repl.withoutLineSwitch(pending)) {
            if !ended && onTerminal && inputWaiting() {
                deferred = true
                return true
            }
            let text = pending
            pending = ""
            runEntry(text)
        }
        return true
    }

    /// Runs a typed entry: `QUERY \G` in the line format, anything else as is.
    func runEntry(_ text: String) {
        remember(text)
        let body = Repl.withoutLineSwitch(text)
        let source = SourceText(name: "<input>", text: body)
        lastQuery = source
        if body != text {
            runQuery(source, format: .line)
        } else {
            runQuery(source)
        }
    }

    /// `text` without a final `\G` (and the spaces around it).
    static func withoutLineSwitch(_ text: String) -> String {
        var t = Substring(text)
        while let l = t.last, l.isWhitespace { t.removeLast() }
        guard t.hasSuffix("\\G") else { return text }
        t.removeLast(2)
        while let l = t.last, l.isWhitespace { t.removeLast() }
        return String(t)
    }

    /// Runs a query (or a file of them, for `.read`); a Ctrl-C cancels it and comes back here.
    @discardableResult
    func runQuery(_ source: SourceText, format: OutputFormat? = nil) -> Runner.Outcome {
        SignalState.clear()
        noteOverriddenParams(source)
        let outcome = execute?(source) ?? runner.run(source, format: format)
        SignalState.clear()
        session.cancellation.reset()
        if let o = once {
            once = nil
            runner.file = o.previous
            runner.fileFormat = o.previousFormat
            runner.resetWriter()
            if outcome == .success {
                do {
                    try o.file.commit()
                    say("wrote \(o.file.target)\n")
                } catch { Console.errorLine("error: \(error)") }
            } else {
                o.file.discard()
                Console.errorLine("nothing written to \(o.file.target)")
            }
        }
        return outcome
    }

    /// `param NAME = …` does not change a parameter bound by `.param` or `--param` (those win:
    /// a file's `param` statements are defaults): say so rather than let it pass silently.
    func noteOverriddenParams(_ source: SourceText) {
        guard !session.overriddenParams.isEmpty, source.text.contains("param"),
              let assigned = ParameterText.scan(source)?.assigned else { return }
        for n in assigned {
            guard session.overriddenParams.contains(n), let v = session.params[n] else { continue }
            Console.errorLine("note: $\(n) stays \(literal(v)), set by .param or --param, which win over 'param' statements; `.param \(n)` unbinds it")
        }
    }

    /// Adds an entry to the history (a multi-line query is one entry) and saves the file.
    func remember(_ entry: String) {
        guard entry != lastEntry, !initializing else { return }
        lastEntry = entry
        reader.addHistory(entry)
        history?.save()
    }

    /// Completion of the line so far: dot commands here, queries by the session.
    func complete(_ lineSoFar: String) -> CompletionMatches? {
        if pending.isEmpty && lineSoFar.drop(while: { $0 == " " }).hasPrefix(".") {
            return completeDotCommand(lineSoFar)
        }
        let text = pending.isEmpty ? lineSoFar : pending + "\n" + lineSoFar
        let (start, candidates) = ReseauCore.Completion(session: session).complete(text, cursor: text.utf8.count)
        let lineStart = text.utf8.count - lineSoFar.utf8.count
        guard start >= lineStart else { return Completion.apply(candidates, to: lineSoFar) }
        // The session gives a byte offset; the line editor works in characters.
        let chars = String(decoding: Array(lineSoFar.utf8)[0..<(start - lineStart)], as: UTF8.self).count
        return Completion.apply(candidates, replacingFrom: chars, in: lineSoFar)
    }

    /// Writes an `.output` file into place and saves the history.
    func finish(_ status: ExitStatus) -> ExitStatus {
        if deferred {
            deferred = false
            let text = pending
            pending = ""
            if !SignalState.isTerminated { runEntry(text) }
        }
        if let o = once {
            once = nil
            o.file.discard()
            runner.file = o.previous
        }
        if let file = runner.file {
            runner.file = nil
            do { try file.commit() } catch { Console.errorLine("error: \(error)") }
        }
        history?.save()
        return status
    }
}
