import ArgumentParser
import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// A command that computes its exit status instead of throwing it.
protocol StatusCommand: ParsableCommand {
    func execute() -> ExitStatus
}

extension StatusCommand {
    public mutating func run() throws {
        let status = execute()
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// `reseau`: runs queries from `-e`, files or stdin, or the REPL on a terminal.
public struct ReseauCommand: StatusCommand {
    /// The version `--version` and the banner show.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "reseau",
        abstract: "Ask questions of the Réseau international des villes Michelin: cities, twinnings, projects, money, events.",
        usage: """
            reseau [<options>]
              reseau [<options>] -e <query> [-e <query> …]
              reseau [<options>] [-f] <file> …
              reseau check [--data <dir>]
            """,
        discussion: tour,
        version: "reseau \(version)"
    )

    /// The short tour `--help` ends with.
    static let tour = """
        Without a query, reseau opens its prompt on a terminal (Tab completes, .help lists the \
        commands) and reads queries from stdin otherwise. `reseau check [--data DIR]` checks a \
        network's CSV files and counts their rows. At start the prompt runs the dot commands and \
        queries of ~/.config/reseau/init.rql ($XDG_CONFIG_HOME), if any (--init FILE, --no-init).

        A first query:
          reseau -e 'cities | where michelin | count'
          reseau -e 'city "Clermont-Ferrand" | twins | select name, country'

        Formats: --format table|line|csv|tsv|json|jsonl|markdown|dot|graphml|svg. The default is \
        an aligned table on a terminal and TSV with a header row in a pipe or file; --no-header drops the \
        header. On a terminal, tables fit its width (numbers, dates, codes and headers never cut; \
        columns that do not fit are left out from the middle and named) and long results show their \
        first and last rows (.maxrows in the REPL); pipes and files get every row, uncut. Several \
        results are separated by a blank line (json: one array each; jsonl: more lines).

        Maps: --format svg draws the cities of a result, its links and paths on a world map (one \
        result per file); --map-size COL sizes the dots by a number, --map-color COL colours them:
          reseau -e 'city "Cuneo" | nearest cities take 5' --format svg -o near.svg

        Files: a query file runs as `reseau weekly.rql` or `reseau -f weekly.rql`; files and -e run in \
        the order of the command line. A file that starts with `#!/usr/bin/env -S reseau -f` runs as a \
        program (chmod +x). $NAME in a query is bound by --param NAME=VALUE (numbers typed as numbers, \
        true/false as booleans, [\"a\", \"b\"] a list, "quoted" as text); a --param that no query \
        uses is a usage error.

        Cron: -o FILE writes atomically (a temporary file, then rename), so a failed or interrupted run \
        leaves the previous FILE as it was; the extension picks the format (.csv, .json, .jsonl, .md, \
        .dot, .graphml, .svg) unless --format is given. -o /dev/stdout is written in place (>> log appends). \
        A crontab line:
          0 6 * * 1 reseau -f q/fund.rql --param year=2024 -o fund.csv

        Pipes: results go to stdout, diagnostics to stderr; a closed pipe ends the run quietly with \
        status 0. Queries on a pipe run as they come: each once it ends with `;` or the next one starts:
          reseau -e 'fundings' --format jsonl | jq .amount
          echo 'cities | count' | reseau
          reseau -e 'cities' | head -1

        Memory: --max-memory SIZE (512M, 4G, none) bounds what the rows, lists and strings of one \
        query keep (default half the machine's memory); over it the query fails at that step (status 1).

        Exit status: 0 success; 1 a query failed (lex, parse, check or run error, or --timeout); \
        2 usage error; 3 the data failed to load; 130 interrupted (Ctrl-C, SIGTERM, SIGHUP). An -o \
        FILE that cannot be created is a usage error, found before anything runs. A script stops at its first failing query unless \
        --keep-going, which runs every statement of every file and -e (with -o, the results that \
        succeeded are written and stderr says how many failed).

        Completion: reseau --generate-completion-script bash|zsh|fish prints a shell completion script.
        """

    @Option(name: .customShort("e"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Run QUERY (repeatable; with files, in command-line order).", valueName: "QUERY"))
    public var queries: [String] = []

    @Option(name: .customShort("f"), help: ArgumentHelp("Run the queries of FILE ('-': stdin).", valueName: "FILE"))
    public var scriptFiles: [String] = []

    @Argument(help: ArgumentHelp("Query files to run, in order.", valueName: "FILE"))
    public var files: [String] = []

    @Option(help: ArgumentHelp("Load the network from the CSV files of DIR instead of the bundled one.", valueName: "DIR"))
    public var data: String?

    @Option(help: ArgumentHelp("Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table on a terminal, else tsv.", valueName: "FORMAT"))
    public var format: String?

    @Option(name: .customLong("map-size"), help: ArgumentHelp("With --format svg: dot areas by the numbers of column (or city field) COL.", valueName: "COL"))
    public var mapSize: String?

    @Option(name: .customLong("map-color"), help: ArgumentHelp("With --format svg: dot colours by the values of column (or city field) COL.", valueName: "COL"))
    public var mapColor: String?

    @Option(name: .customLong("param"),
            help: ArgumentHelp("Bind $NAME to VALUE (repeatable).", valueName: "NAME=VALUE"))
    public var params: [String] = []

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the results to FILE atomically (format from its extension unless --format).", valueName: "FILE"))
    public var output: String?

    @Flag(name: .customLong("no-header"), help: "Leave out the header row.")
    public var noHeader = false

    @Flag(help: "Add a last column `sources` to every result: the seed lines (file:line) of the facts behind each row (docs/language.md, \"Citing sources\").")
    public var cite = false

    @Flag(help: "Print the time each query takes on stderr.")
    public var timer = false

    @Option(help: ArgumentHelp("Colour: auto (a terminal, unless NO_COLOR is set), always or never.", valueName: "WHEN"))
    public var color: ColorMode = .auto

    @Flag(name: .customLong("keep-going"), help: "Run every statement of every file and -e even after one fails (exit status 1 at the end).")
    public var keepGoing = false

    @Option(help: ArgumentHelp("Stop a query that runs longer than SECONDS (exit status 1).", valueName: "SECONDS"))
    public var timeout: Double?

    @Option(name: .customLong("max-rows"), help: ArgumentHelp("Rows a sort, group, distinct, join side or path search may hold (default 10000000).", valueName: "N"))
    public var maxRows: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Memory the rows, lists and strings one query keeps may take: 512M, 4G, 0 or none for no bound (default half the machine's memory, here \(Limits.describeBytes(Limits.defaultMaxMemory))).", valueName: "SIZE"))
    public var maxMemory: String?

    @Option(name: .customLong("max-path"), help: ArgumentHelp("Longest 'path … max N' allowed (default 6).", valueName: "N"))
    public var maxPath: Int?

    @Option(name: .customLong("max-depth"), help: ArgumentHelp("Deepest 'follow … depth A..B' allowed (default 6).", valueName: "N"))
    public var maxDepth: Int?

    @Option(name: .customLong("max-nesting"), help: ArgumentHelp("Nesting depth of expressions, steps and patterns (default 100, at most 5000).", valueName: "N"))
    public var maxNesting: Int?

    @Option(name: .customLong("max-query-bytes"), help: ArgumentHelp("Longest query text (default 1000000).", valueName: "N"))
    public var maxQueryBytes: Int?

    @Option(help: ArgumentHelp("At the prompt, run the dot commands and queries of FILE first (default: $XDG_CONFIG_HOME/reseau/init.rql, ~/.config/reseau/init.rql).", valueName: "FILE"))
    public var `init`: String?

    @Flag(name: .customLong("no-init"), help: "At the prompt, do not run the start-up file.")
    public var noInit = false

    @Flag(name: .customLong("no-cache"), help: "With --data: parse the CSV files even when a snapshot of them is cached.")
    public var noCache = false

    public init() {}

    public func validate() throws {
        _ = try parsedFormat()
        for p in params {
            do { _ = try ParamBinding(parsing: p) } catch { throw ValidationError(error.description.dropPrefix("error: ")) }
        }
        if let t = timeout, !(t > 0 && t.isFinite) { throw ValidationError("--timeout expects a positive number of seconds") }
        for (name, v) in [("--max-rows", maxRows), ("--max-path", maxPath), ("--max-depth", maxDepth), ("--max-nesting", maxNesting), ("--max-query-bytes", maxQueryBytes)] {
            if let v, v < 1 { throw ValidationError("\(name) expects a positive number") }
        }
        if let m = maxMemory, Limits.parseBytes(m) == nil {
            throw ValidationError("--max-memory expects a size such as 512M or 4G (0 or none: no bound), not '\(m)'")
        }
        if let n = maxNesting, n > Limits.maxNestingCeiling {
            throw ValidationError("--max-nesting can be at most \(Limits.maxNestingCeiling)")
        }
        if let n = maxDepth, n > Limits.maxFollowDepthCeiling {
            throw ValidationError("--max-depth can be at most \(Limits.maxFollowDepthCeiling)")
        }
        if let o = output, o.isEmpty || o.hasSuffix("/") { throw ValidationError("-o expects a file name") }
        // --map-* with another format (given, or picked by -o's extension) would be ignored.
        if let f = try parsedFormat() ?? output.flatMap({ OutputFormat(fileExtension: $0) }), f != .svg, mapSize != nil || mapColor != nil {
            throw ValidationError("\(mapSize != nil ? "--map-size" : "--map-color") changes --format svg maps, not \(f.rawValue)")
        }
        if let i = `init` {
            var isDir = false
            guard FileManager.default.fileExists(atPath: expandTilde(i), isDirectory: &isDir), !isDir else {
                throw ValidationError("--init \(i): no such file")
            }
        }
    }

    /// The parsed options as plain values.
    var options: RunOptions {
        RunOptions(queries: queries, scriptFiles: scriptFiles, files: files, data: data, format: format, mapSize: mapSize, mapColor: mapColor, params: params, output: output, noHeader: noHeader, cite: cite, timer: timer, color: color, keepGoing: keepGoing, timeout: timeout, maxRows: maxRows, maxMemory: maxMemory, maxPath: maxPath, maxDepth: maxDepth, maxNesting: maxNesting, maxQueryBytes: maxQueryBytes, init: `init`, noInit: noInit, noCache: noCache)
    }

    /// Runs the queries (or the REPL) and returns the exit status.
    func execute() -> ExitStatus { options.execute() }

    func parsedFormat() throws -> OutputFormat? { try options.parsedFormat() }
}

/// The options of a run, as plain values: what `ReseauCommand` parsed (`options`), or what
/// `ReseauCommand.quickParse` made of the commonest command lines without building ArgumentParser's
/// option wrappers at all (their help texts and name specifications cost a tenth of a start).
/// `QuickParseTests` checks that it has one field for each option of `ReseauCommand`.
struct RunOptions: Equatable, Sendable {
    var queries: [String] = []
    var scriptFiles: [String] = []
    var files: [String] = []
    var data: String? = nil
    var format: String? = nil
    var mapSize: String? = nil
    var mapColor: String? = nil
    var params: [String] = []
    var output: String? = nil
    var noHeader: Bool = false
    var cite: Bool = false
    var timer: Bool = false
    var color: ColorMode = .auto
    var keepGoing: Bool = false
    var timeout: Double? = nil
    var maxRows: Int? = nil
    var maxMemory: String? = nil
    var maxPath: Int? = nil
    var maxDepth: Int? = nil
    var maxNesting: Int? = nil
    var maxQueryBytes: Int? = nil
    var `init`: String? = nil
    var noInit: Bool = false
    var noCache: Bool = false
}

extension RunOptions {
    func parsedFormat() throws -> OutputFormat? {
        guard let format else { return nil }
        if let f = OutputFormat(rawValue: format.lowercased()) { return f }
        throw ValidationError(unknownFormatMessage(format))
    }

    /// Runs the queries (or the REPL) and returns the exit status.
    func execute() -> ExitStatus {
        // `reseau --data DIR check`: options before the subcommand's name.
        if files == ["check"] && queries.isEmpty && scriptFiles.isEmpty && !FileManager.default.fileExists(atPath: "check") {
            var check = CheckCommand()
            check.data = data
            return check.execute()
        }
        // `reseau … >&-`: one message, whatever descriptor 1 would have become.
        if StdoutOutput.reserveClosedDescriptors() && output == nil {
            Console.errorLine(StdoutOutput.closedMessage)
            return .usage
        }
        Console.color = Terminal.useColor(color, toTerminal: Terminal.isTerminal(2))
        let hasQueries = !(queries.isEmpty && scriptFiles.isEmpty && files.isEmpty)
        let interactive = !hasQueries && Terminal.isTerminal(0)
        // Ctrl-C from here on: exit 130 (a second one at once, outside the REPL).
        SignalState.install(forceOnSecond: !interactive)

        // 1. Read every query before loading anything: a missing file is a usage error (2).
        var sources: [SourceText] = []
        let queryBytes = maxQueryBytes ?? Limits().maxQueryBytes
        let streamStdin = !hasQueries && !interactive && !StatementStream.isRegularFile(0)
        do {
            let numbered = queries.count > 1
            var k = 0
            for item in commandLineOrder() {
                switch item {
                case .file(let f): sources.append(try readSource(f, maxBytes: queryBytes))
                case .query(let q):
                    k += 1
                    sources.append(SourceText(name: numbered ? "-e#\(k)" : "-e", text: q))
                }
            }
            // Stdin that is a file is read whole; a pipe, FIFO or device is read as a stream of
            // statements once the network is loaded (`runStream`): each runs when complete.
            if !hasQueries && !interactive && !streamStdin { sources.append(try readSource("-", maxBytes: queryBytes)) }
        } catch {
            if SignalState.isInterrupted { return .interrupted }
            Console.errorLine(error.description)
            return error.status
        }
        if SignalState.isInterrupted { return .interrupted }

        // A --param that no statement uses is a typo: a cron report would silently use the default.
        var bindings: [ParamBinding] = []
        for p in params { if let b = try? ParamBinding(parsing: p) { bindings.append(b) } }
        // (Stdin read as a stream is checked at its end: `runStream`.)
        if !interactive && !streamStdin, let message = unusedParamMessage(bindings.map(\.name), sources: sources) {
            Console.errorLine(message)
            return .usage
        }

        // -o: the file can be written (its folder exists) before anything loads.
        var outputFile: AtomicFileOutput?
        if let output {
            do { outputFile = try AtomicFileOutput(target: output) } catch {
                Console.errorLine("\(error)")
                return .usage
            }
        }

        // 2. The network.
        let graph: Graph
        do { graph = try Network.load(data, cache: !noCache) } catch {
            outputFile?.discard()
            Console.errorLine(error.description)
            return error.status
        }
        if SignalState.isInterrupted { outputFile?.discard(); return .interrupted }
        networkKeptUntilExit = graph
        let session = Session(graph: graph)
        for b in bindings { session.setParam(b.name, b.value) }
        if let maxRows { session.limits.maxRows = maxRows }
        if let maxMemory, let m = Limits.parseBytes(maxMemory) { session.limits.maxMemory = m }
        if let maxPath { session.limits.maxPathLength = maxPath }
        if let maxDepth { session.limits.maxFollowDepth = maxDepth }
        if let maxNesting { session.limits.maxNesting = maxNesting }
        if let maxQueryBytes { session.limits.maxQueryBytes = maxQueryBytes }
        session.cite = cite
        SignalState.retarget(session.cancellation)

        let runner = Runner(session: session, stdout: StdoutOutput())
        runner.format = try? parsedFormat()
        runner.header = !noHeader
        runner.map.sizeColumn = mapSize
        runner.map.colorColumn = mapColor
        runner.timer = timer
        runner.timeout = timeout
        runner.color = color
        runner.keepGoing = keepGoing && !interactive
        runner.interactive = interactive
        if let outputFile {
            runner.file = outputFile
            runner.fileFormat = OutputFormat(fileExtension: outputFile.target)
        }

        if interactive {
            let repl = Repl(runner: runner, dataFolder: data)
            if !noInit { repl.initFile = `init`.map(expandTilde) ?? Repl.defaultInitFile() }
            return repl.run()
        }
        if streamStdin {
            return runStream(StatementStream(fd: 0, name: "<stdin>", maxBytes: queryBytes), runner: runner, keepGoing: keepGoing,
                             dataFolder: data, params: bindings.map(\.name))
        }
        return runScript(sources, runner: runner, keepGoing: keepGoing, dataFolder: data)
    }
}

/// The network of the command line, never freed: the process ends with `exit` right after the
/// last query, and taking apart millions of rows first only costs time (2 % of
/// `reseau -e 'cities | count'` on the bundled network; the kernel frees the memory at once).
nonisolated(unsafe) var networkKeptUntilExit: Graph?

/// Runs `sources` in order: stops at the first failure unless `keepGoing` (then every statement
/// of every source runs); `-o` is renamed into place only when every query succeeded, or under
/// `--keep-going` with the results of those that did (and a line on stderr says so).
func runScript(_ sources: [SourceText], runner: Runner, keepGoing: Bool, dataFolder: String? = nil) -> ExitStatus {
    let script = ScriptRun(runner: runner, keepGoing: keepGoing, dataFolder: dataFolder)
    for source in sources {
        for piece in ScriptPiece.split(source) {
            switch script.run(piece) {
            case .next: continue
            case .finish: return script.finish()
            case .exit(let status): return status
            }
        }
    }
    return script.finish()
}

/// The pieces of a script run one after the other (from files and -e, or read from a stream).
final class ScriptRun {
    let runner: Runner
    let keepGoing: Bool
    let dataFolder: String?
    var failed = false
    // Dot commands in a script or on stdin (`echo .schema | reseau`) run as at the prompt,
    // through a REPL that reads nothing itself; their messages go to stdout.
    var repl: Repl? = nil

    init(runner: Runner, keepGoing: Bool, dataFolder: String?) {
        self.runner = runner; self.keepGoing = keepGoing; self.dataFolder = dataFolder
    }

    enum Step { case next, finish, exit(ExitStatus) }

    /// Runs one piece: go on, stop and `finish()`, or exit now with a status.
    func run(_ piece: ScriptPiece) -> Step {
        let source: SourceText
        switch piece {
        case .dot(let line):
            if repl == nil {
                let r = Repl(runner: runner, dataFolder: dataFolder, reader: PlainLineReader())
                r.messages = { [runner] in runner.stdout.print($0) }
                repl = r
            }
            return repl!.dotCommand(line) ? .next : .finish
        case .query(let s): source = s
        }
        switch runner.run(source) {
        case .success: return .next
        case .failed:
            failed = true
            return keepGoing ? .next : .finish
        case .interrupted:
            runner.file?.discard()
            return .exit(.interrupted)
        case .outputClosed:
            runner.file?.discard()
            return .exit(.success)
        }
    }

    /// The status of the whole run; `-o` is written or discarded.
    func finish() -> ExitStatus {
        if SignalState.isInterrupted {
            runner.file?.discard()
            return .interrupted
        }
        if failed && !keepGoing {
            if let file = runner.file {
                file.discard()
                Console.errorLine("nothing written to \(file.target)" + (file.temporary == nil ? "" : "; it is as it was"))
            }
            return .queryFailed
        }
        if let file = runner.file {
            do { try file.commit() } catch {
                Console.errorLine("error: \(error)")
                return .queryFailed
            }
            if failed {
                let ok = runner.statementsRun - runner.statementsFailed
                Console.errorLine("wrote \(file.target) with the results of \(ok) of \(runner.statementsRun) queries (\(runner.statementsFailed) failed)")
            }
        }
        return failed ? .queryFailed : .success
    }
}

/// A query file or an `-e` text, in the order of the command line.
enum ScriptItem: Equatable {
    case file(String)
    case query(String)
}

extension ReseauCommand {
    /// The command line as main() received it, to put `-e` and files back in their order
    /// (ArgumentParser keeps each option's values in order, not their interleaving).
    nonisolated(unsafe) static var arguments: [String] = []
}

extension RunOptions {
    /// `-f`/FILE and `-e` in the order of the command line (files first, then `-e`, when the
    /// arguments cannot be matched, e.g. in tests that build the command directly).
    func commandLineOrder() -> [ScriptItem] {
        let fallback = (scriptFiles + files).map(ScriptItem.file) + queries.map(ScriptItem.query)
        var out: [ScriptItem] = []
        var q = queries[...], f = scriptFiles[...], a = files[...]
        // (An array, not a Set: a Set<String> literal here cost a conformance scan at every start.)
        let valued: [String] = ["--data", "--format", "--param", "-o", "--color", "--timeout", "--max-rows",
                                   "--max-memory", "--max-path", "--max-depth", "--max-nesting", "--max-query-bytes", "--init"]
        var args = ReseauCommand.arguments[...]
        var onlyArguments = false
        while let x = args.popFirst() {
            if !onlyArguments && x == "--" { onlyArguments = true; continue }
            if !onlyArguments && x == "-e" {
                guard let v = args.popFirst(), q.first == v else { return fallback }
                out.append(.query(q.removeFirst()))
            } else if !onlyArguments && x == "-f" {
                guard let v = args.popFirst(), f.first == v else { return fallback }
                out.append(.file(f.removeFirst()))
            } else if !onlyArguments && x.hasPrefix("-") && x != "-" {
                if valued.contains(x) { _ = args.popFirst() }
            } else if a.first == x {
                out.append(.file(a.removeFirst()))
            }
        }
        return q.isEmpty && f.isEmpty && a.isEmpty ? out : fallback
    }

    /// The error for `--param` names that no statement of `sources` uses (as `$NAME` or in
    /// `param NAME = …`), with the parameters they do use; nil when all are used, or when a
    /// source does not lex (its own error says more).
    func unusedParamMessage(_ names: [String], sources: [SourceText]) -> String? {
        guard !names.isEmpty else { return nil }
        var used = Set<String>()
        for source in sources {
            guard let u = ReseauCommand.usedParams(source) else { return nil }
            used.formUnion(u)
        }
        return ReseauCommand.unusedParamMessage(names, used: used)
    }
}

extension ReseauCommand {
    /// The parameters `source` uses (as `$NAME` or in `param NAME = …`); nil when it does not lex.
    static func usedParams(_ source: SourceText) -> Set<String>? {
        ParameterText.scan(source)?.used
    }

    /// The error for `--param` names not in `used`; nil when all are used.
    static func unusedParamMessage(_ names: [String], used: Set<String>) -> String? {
        let unused = names.filter { !used.contains($0) }
        guard let first = unused.first else { return nil }
        let close = closestNames(to: first, in: used.sorted(), limit: 1)
        var message = "error: --param \(first): no query uses $\(first)"
        if let c = close.first { message += " (did you mean '\(c)'?)" }
        else if !used.isEmpty { message += "; the queries use " + used.sorted().map { "$" + $0 }.joined(separator: ", ") }
        else { message += "; the queries have no parameters" }
        return message
    }
}

/// A script cut at its dot commands: a line that starts with `.` where no query is unfinished
/// is a dot command; the text between them runs as queries (padded with the newlines before it,
/// so that errors keep the file's line numbers).
enum ScriptPiece {
    case query(SourceText)
    case dot(String)

    static func split(_ source: SourceText) -> [ScriptPiece] {
        let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.contains(where: { $0.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(".") }) else { return [.query(source)] }
        var out: [ScriptPiece] = []
        var pending: [Substring] = [], start = 0
        func flush(_ next: Int) {
            let text = pending.joined(separator: "\n")
            if !trimmedWhitespace(text).isEmpty {
                out.append(.query(SourceText(name: source.name, text: String(repeating: "\n", count: start) + text)))
            }
            pending = []; start = next
        }
        for (i, line) in lines.enumerated() {
            let t = trimmedBlanks(line)
            let open = pending.joined(separator: "\n")
            if t.hasPrefix("."), trimmedWhitespace(open).isEmpty || Session.isComplete(open) {
                flush(i + 1)
                out.append(.dot(t))
                continue
            }
            if pending.isEmpty { start = i }
            pending.append(line)
        }
        flush(lines.count)
        return out
    }
}

/// Reads a query file (`-`: all of stdin) as one source text. Any file that can be read works —
/// a FIFO (`<(echo …)`), `/dev/stdin` — read with read(2) and stopped as soon as it holds more
/// than `maxBytes` (`/dev/zero` fails at once, not at the end of memory).
func readSource(_ path: String, maxBytes: Int = Limits().maxQueryBytes) throws(CLIError) -> SourceText {
    let bytes: [UInt8]
    let name: String
    if path == "-" {
        name = "<stdin>"
        bytes = try readAll(0, name: name, maxBytes: maxBytes)
    } else {
        name = path
        var isDir = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .usage("\(path): no such file")
        }
        guard !isDir else { throw .usage("\(path): is a folder, not a query file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw .usage("\(path): cannot read the file (\(e == EACCES ? "permission denied" : String(cString: strerror(e))))")
        }
        defer { close(fd) }
        bytes = try readAll(fd, name: name, maxBytes: maxBytes)
    }
    // A UTF-8 byte order mark (Windows editors write one) is not part of the query.
    let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    guard let text = String(validating: body, as: UTF8.self) else {
        throw .usage("\(name): not UTF-8 text")
    }
    return SourceText(name: name, text: text)
}

/// The message for a query text found longer than `maxBytes` while it was read.
func tooLongMessage(_ name: String, _ maxBytes: Int) -> String {
    "\(name): the query text is over the limit of \(maxBytes) bytes (raise it with --max-query-bytes)"
}

/// Everything left on `fd`, at most `maxBytes` (more is an error, thrown as soon as it is read).
func readAll(_ fd: Int32, name: String, maxBytes: Int) throws(CLIError) -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { if SignalState.isInterrupted { break } else { continue } }
        if n < 0 { throw .usage("\(name): cannot read the file (\(String(cString: strerror(errno))))") }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
        if out.count > maxBytes { throw .tooLong(tooLongMessage(name, maxBytes)) }
    }
    return out
}

func unknownFormatMessage(_ name: String) -> String {
    let all = OutputFormat.allCases.map(\.rawValue)
    let close = closestNames(to: name, in: all, limit: 1)
    return "unknown format '\(name)'" + (close.isEmpty ? "" : " (did you mean '\(close[0])'?)")
        + "; formats: " + all.joined(separator: ", ")
}

extension String {
    func dropPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
}

extension ColorMode: ExpressibleByArgument {}

// MARK: - Entry point

extension ReseauCommand {
    /// Parses the command line, runs the command and exits with its status: usage errors exit
    /// with 2 (not ArgumentParser's 64), `--help` and `--version` print on stdout and exit 0.
    public static func main() -> Never { main(nil) }

    /// `main()` with explicit arguments (without the program name).
    public static func main(_ arguments: [String]?) -> Never {
        let args = arguments ?? Array(CommandLine.arguments.dropFirst())
        ReseauCommand.arguments = args
        if let status = ShellCompletion.handle(args) { Glibc.exit(status) }
        // `check` is dispatched here: the root command's FILE… arguments would swallow a subcommand's name.
        if args.first == "check" {
            Glibc.exit(execute(CheckCommand.self, Array(args.dropFirst())))
        }
        // The commonest command lines skip ArgumentParser, whose reflection over the options
        // was half of a start (docs/architecture.md, "Start-up"); they mean the same either way.
        if args == ["--version"] {
            print("reseau \(version)")
            Glibc.exit(0)
        }
        if let quick = quickParse(args) { Glibc.exit(quick.execute().rawValue) }
        Glibc.exit(execute(ReseauCommand.self, args))
    }

    /// The options `-e QUERY [-e QUERY …]`, or no argument at all (the prompt, or queries on
    /// stdin), parse to, every other option at its default, made without ArgumentParser (not even
    /// its option wrappers); nil for any other command line (and for a query starting with `-`,
    /// which ArgumentParser may read as a flag such as --help). `QuickParseTests` compares them
    /// with ArgumentParser's, and `RunOptions`' fields with `ReseauCommand`'s options.
    static func quickParse(_ args: [String]) -> RunOptions? {
        guard args.count % 2 == 0 else { return nil }
        var queries: [String] = []
        for i in stride(from: 0, to: args.count, by: 2) {
            guard args[i] == "-e", !args[i + 1].hasPrefix("-") else { return nil }
            queries.append(args[i + 1])
        }
        return RunOptions(queries: queries)
    }

    /// Parses `args` as `command`, runs it and returns the exit status.
    static func execute<C: StatusCommand>(_ command: C.Type, _ args: [String]) -> Int32 {
        do {
            let c = try C.parseAsRoot(args)
            if let c = c as? any StatusCommand { return c.execute().rawValue }
            var other = c
            try other.run()
            return 0
        } catch {
            return report(error, command)
        }
    }

    /// Prints what ArgumentParser has to say about `error` and maps its exit code.
    static func report<C: ParsableCommand>(_ error: Error, _ command: C.Type) -> Int32 {
        if let e = error as? CLIError {
            Console.errorLine(e.description)
            return e.status.rawValue
        }
        let code = C.exitCode(for: error)
        let message = C.fullMessage(for: error)
        if code == .success {
            let out = StdoutOutput()
            out.print(message.hasSuffix("\n") ? message : message + "\n")
            return 0
        }
        if code == .validationFailure {
            Console.errorLine(message)
            return ExitStatus.usage.rawValue
        }
        if !message.isEmpty { Console.errorLine(message) }
        return code.rawValue
    }
}
