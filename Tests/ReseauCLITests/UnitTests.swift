import Foundation
@testable import ReseauCore
import Testing
@testable import ReseauCLI
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ParamTests {
    @Test(arguments: [
        ("year=2021", "year", Value.int(2021)),
        ("$year=2021", "year", .int(2021)),
        ("n=-3", "n", .int(-3)),
        ("share=0.25", "share", .decimal(0.25)),
        ("big=1e6", "big", .decimal(1e6)),
        ("neg=-1.5", "neg", .decimal(-1.5)),
        ("flag=true", "flag", .bool(true)),
        ("flag=false", "flag", .bool(false)),
        ("city=Santiago de Querétaro", "city", .string("Santiago de Querétaro")),
        ("code=\"2021\"", "code", .string("2021")),
        ("x=nan", "x", .string("nan")),
        ("x=inf", "x", .string("inf")),
        ("x=0x10", "x", .string("0x10")),
        ("x= 1", "x", .string(" 1")),
        ("x=", "x", .string("")),
        ("x=a=b", "x", .string("a=b")),
        ("x=TRUE", "x", .string("TRUE")),
        ("x=99999999999999999999", "x", .decimal(99999999999999999999.0)),
        ("_under_1=1", "_under_1", .int(1)),
    ])
    func parses(_ argument: String, _ name: String, _ value: Value) throws {
        let b = try ParamBinding(parsing: argument)
        #expect(b.name == name)
        #expect(b.value == value)
    }

    @Test(arguments: ["year", "=3", "1x=3", "a-b=3", "$=1", "é=1"])
    func rejects(_ argument: String) {
        #expect(throws: CLIError.self) { try ParamBinding(parsing: argument) }
    }

    @Test func literalsRoundTrip() {
        #expect(literal(.string("a \"b\"")) == "\"a \\\"b\\\"\"")
        #expect(literal(.int(3)) == "3")
        #expect(literal(.bool(false)) == "false")
    }
}

@Suite struct StepListTests {
    /// `.help query` names every step the parser knows (union, append… included), and completion
    /// after '|' offers them: one list, Parser.stepNames.
    @Test func helpAndCompletionKnowEveryStep() throws {
        let help = try #require(DotCommand.helpTopics["query"])
        for step in Parser.stepNames {
            #expect(help.contains(step), ".help query lacks \(step)")
        }
        let completion = Completion(session: Session(graph: try Network.load(FixtureNetwork.shared.path)))
        let offered = completion.candidates("cities | ", cursor: 9)
        for step in Parser.stepNames { #expect(offered.contains(step), "completion lacks \(step)") }
        #expect(completion.candidates("cities | select name | union ", cursor: 29).contains("countries"))
    }

    /// After a whole lookup only '|' can follow: no words offered (expression words were);
    /// aggregates only where an aggregate may stand (they were offered after 'where').
    @Test func completionOffersOnlyWhatMayFollow() throws {
        let completion = Completion(session: Session(graph: try Network.load(FixtureNetwork.shared.path)))
        #expect(completion.candidates("city \"Oyem\" a", cursor: 13).isEmpty)
        let whereCou = completion.candidates("cities | where cou", cursor: 18)
        #expect(whereCou.contains("country") && !whereCou.contains("count") && !whereCou.contains("count_distinct"), "\(whereCou)")
        #expect(completion.candidates("fundings | group by year: n = cou", cursor: 33).contains("count"))
        #expect(completion.candidates("fundings | aggregate s = su", cursor: 27).contains("sum"))
    }
}

@Suite struct CompletionTests {
    @Test func oneCandidateReplacesTheWord() {
        #expect(Completion.apply([".schema"], to: ".sch") == CompletionMatches(line: ".schema", listed: []))
        #expect(Completion.apply(["select"], to: "cities | sel")?.line == "cities | select")
        #expect(Completion.apply(["where"], to: "cities | ")?.line == "cities | where")
        #expect(Completion.apply(["population"], to: "cities | sort po")?.line == "cities | sort population")
    }

    @Test func caseAndAccentsAreIgnored() {
        #expect(Completion.apply(["\"Querétaro\""], to: "city \"quere")?.line == "city \"Querétaro\"")
        #expect(Completion.apply(["cities"], to: "CIT")?.line == "cities")
    }

    @Test func aNameWithSpacesReplacesTheWholeString() {
        #expect(Completion.apply(["\"Santiago de Querétaro\""], to: "city \"santiago de quer")?.line == "city \"Santiago de Querétaro\"")
        // Matched inside the name: the open string is the word.
        #expect(Completion.apply(["\"Santiago de Querétaro\""], to: "city \"quer")?.line == "city \"Santiago de Querétaro\"")
    }

    @Test func aFieldAfterADot() {
        #expect(Completion.apply(["name"], to: "select a.na")?.line == "select a.name")
        #expect(Completion.apply(["a.name"], to: "select a.na")?.line == "select a.name")
    }

    @Test func severalCandidatesExtendTheCommonPart() {
        let m = Completion.apply(["cities", "city"], to: "ci")
        #expect(m?.line == "cit")
        #expect(m?.listed == ["cities", "city"])
        #expect(m?.isUnique == false)
    }

    @Test func neverShortensWhatWasTyped() {
        let m = Completion.apply(["\"Santiago de Querétaro\"", "\"Querétaro\""], to: "city \"quer")
        #expect(m?.line == "city \"quer")
        #expect(m?.listed.count == 2)
    }

    @Test func nothingToComplete() {
        #expect(Completion.apply([], to: "cities | wh") == nil)
        #expect(Completion.apply(["", ""], to: "x") == nil)
    }

    @Test func duplicatesCountOnce() {
        #expect(Completion.apply(["where", "where"], to: "cities | wh")?.isUnique == true)
    }
}

@Suite struct OutputTests {
    @Test func atomicFileCommitReplacesTheTarget() throws {
        let dir = TemporaryFolder()
        dir.write("out.csv", "old\n")
        chmod(dir.file("out.csv"), 0o640)
        let out = try AtomicFileOutput(target: dir.file("out.csv"))
        try out.write("a,b\n1,2\n")
        #expect(dir.read("out.csv") == "old\n")   // untouched until commit
        try out.commit()
        #expect(dir.read("out.csv") == "a,b\n1,2\n")
        var st = stat()
        stat(dir.file("out.csv"), &st)
        #expect(st.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.csv"])
    }

    @Test func atomicFileDiscardLeavesTheTarget() throws {
        let dir = TemporaryFolder()
        dir.write("out.csv", "old\n")
        let out = try AtomicFileOutput(target: dir.file("out.csv"))
        try out.write("new\n")
        try out.flush()
        #expect(FileManager.default.fileExists(atPath: try #require(out.temporary)))
        out.discard()
        #expect(dir.read("out.csv") == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.csv"])
    }

    @Test func atomicFileCreatesANewFile() throws {
        let dir = TemporaryFolder()
        let out = try AtomicFileOutput(target: dir.file("new.json"))
        try out.write("[]\n")
        try out.commit()
        #expect(dir.read("new.json") == "[]\n")
    }

    @Test func aSymbolicLinkIsFollowed() throws {
        let dir = TemporaryFolder()
        dir.write("real.csv", "old\n")
        symlink(dir.file("real.csv"), dir.file("link.csv"))
        let out = try AtomicFileOutput(target: dir.file("link.csv"))
        try out.write("new\n")
        try out.commit()
        #expect(dir.read("real.csv") == "new\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir.file("link.csv"))) == dir.file("real.csv"))
    }

    /// A FIFO (like /dev/null or /dev/stdout) is written in place, never replaced by a file.
    @Test func aSpecialFileIsWrittenInPlace() throws {
        let dir = TemporaryFolder()
        #expect(mkfifo(dir.file("fifo"), 0o600) == 0)
        let reader = open(dir.file("fifo"), O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let out = try AtomicFileOutput(target: dir.file("fifo"))
        #expect(out.temporary == nil)
        try out.write("through\n")
        try out.commit()
        var buf = [UInt8](repeating: 0, count: 32)
        let n = read(reader, &buf, 32)
        #expect(String(decoding: buf[0..<max(0, n)], as: UTF8.self) == "through\n")
        var st = stat()
        lstat(dir.file("fifo"), &st)
        #expect(st.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["fifo"])
    }

    @Test func aDroppedAtomicFileIsDeleted() throws {
        let dir = TemporaryFolder()
        do {
            let out = try AtomicFileOutput(target: dir.file("x"))
            try out.write("partial")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func pendingTextCanBeDiscarded() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let out = StdoutOutput(descriptor: fds[1])
        try out.write("half a result")
        out.discardPending()
        try out.write("ok\n")
        try out.flush()
        close(fds[1])
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(fds[0], &buf, 64)
        #expect(String(decoding: buf[0..<max(0, n)], as: UTF8.self) == "ok\n")
    }

    /// A closed pipe (`| head -1`) is EPIPE with SIGPIPE ignored: `OutputClosed`, no crash.
    @Test func aClosedPipeIsOutputClosed() throws {
        let old = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, old) }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let out = StdoutOutput(descriptor: fds[1])
        try out.write("row\n")
        #expect(throws: OutputClosed.self) { try out.flush() }
        #expect(StdoutOutput.closed)
    }
}

@Suite struct TerminalTests {
    @Test func colorFollowsNoColor() {
        #expect(Terminal.useColor(.auto, toTerminal: true, environment: [:]))
        #expect(!Terminal.useColor(.auto, toTerminal: false, environment: [:]))
        #expect(!Terminal.useColor(.auto, toTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(Terminal.useColor(.auto, toTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!Terminal.useColor(.auto, toTerminal: true, environment: ["TERM": "dumb"]))
        #expect(Terminal.useColor(.always, toTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!Terminal.useColor(.never, toTerminal: true, environment: [:]))
    }

    @Test func historyCorruption() {
        #expect(HistoryFile.corruption(nil) == nil)
        #expect(HistoryFile.corruption(Data()) == nil)
        #expect(HistoryFile.corruption(Data("_HiStOrY_V2_\ncities\\040|\\040count\n".utf8)) == nil)
        #expect(HistoryFile.corruption(Data("cities | count\n".utf8)) == "is not a libedit history")
        #expect(HistoryFile.corruption(Data("_HiStOrY_V2_\nab\u{0}c\n".utf8)) == "holds NUL bytes")
        #expect(HistoryFile.corruption(Data([UInt8]("_HiStOrY_V2_\n".utf8) + [0xC3, 0x28, 0x0A])) == "is not valid UTF-8")
    }

    @Test func historyPath() {
        #expect(HistoryFile.defaultPath(["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/reseau/history")
        #expect(HistoryFile.defaultPath(["HOME": "/h"]) == "/h/.local/state/reseau/history")
        // A relative XDG_STATE_HOME is ignored, as the XDG spec says.
        #expect(HistoryFile.defaultPath(["XDG_STATE_HOME": "rel", "HOME": "/h"]) == "/h/.local/state/reseau/history")
    }
}

@Suite struct NetworkTests {
    @Test func countTableAligns() {
        let t = Network.alignedTable([["a", "bb", "1"], ["ccc", "d", "100"]], rightAligned: [2])
        #expect(t == "a    bb    1\nccc  d   100\n")
    }

    @Test func loadsAFolder() throws {
        let g = try Network.load(FixtureNetwork.shared.path)
        #expect(Network.totals(g).nodes == FixtureNetwork.nodeCount)
        #expect(Network.summary(g) == "\(FixtureNetwork.nodeCount) nodes, 1 edge")
        let table = Network.countTable(g)
        #expect(table.split(separator: "\n").count == 1 + Schema.shared.nodeTypes.count + Schema.shared.edgeTypes.count)
    }

    @Test func aFileIsNotAFolder() {
        #expect(throws: CLIError.data("error: /etc/hostname: not a folder")) { try Network.load("/etc/hostname") }
    }
}

/// The REPL's handling of lines, with scripted input instead of a terminal.
@Suite struct ReplLogicTests {
    final class ScriptedReader: LineReader {
        var inputs: [LineInput]
        var prompts: [String] = []
        var history: [String] = []
        init(_ inputs: [LineInput]) { self.inputs = inputs }
        func readLine(prompt: String) -> LineInput {
            prompts.append(prompt)
            return inputs.isEmpty ? .end : inputs.removeFirst()
        }
        func addHistory(_ entry: String) { history.append(entry) }
    }

    func repl(_ inputs: [LineInput]) throws -> (Repl, ScriptedReader, () -> [String]) {
        let graph = try Network.load(FixtureNetwork.shared.path)
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        close(fds[0])
        let runner = Runner(session: Session(graph: graph), stdout: StdoutOutput(descriptor: fds[1]))
        let reader = ScriptedReader(inputs)
        let r = Repl(runner: runner, dataFolder: nil, reader: reader)
        // Unfinished while the text ends with `|`, as the language's rule would say.
        r.isComplete = { !$0.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("|") }
        r.messages = { _ in }
        nonisolated(unsafe) var ran: [String] = []
        r.execute = { ran.append($0.text); return .success }
        return (r, reader, { ran })
    }

    @Test func anUnfinishedQueryContinuesAndIsOneHistoryEntry() throws {
        let (r, reader, ran) = try repl([.line("cities |"), .line("  where michelin |"), .line("count"), .line("twinnings")])
        #expect(r.run() == .success)
        #expect(ran() == ["cities |\n  where michelin |\ncount", "twinnings"])
        #expect(reader.prompts == [Repl.prompt, Repl.continuationPrompt, Repl.continuationPrompt, Repl.prompt, Repl.prompt])
        #expect(reader.history == ["cities |\n  where michelin |\ncount", "twinnings"])
    }

    @Test func aSemicolonEndsAQuery() throws {
        let (r, _, ran) = try repl([.line("cities |;"), .line("count")])
        #expect(r.run() == .success)
        #expect(ran() == ["cities |;", "count"])
    }

    @Test func ctrlCDropsAnUnfinishedQuery() throws {
        let (r, reader, ran) = try repl([.line("cities |"), .interrupted, .line("count")])
        #expect(r.run() == .success)
        #expect(ran() == ["count"])
        #expect(reader.prompts == [Repl.prompt, Repl.continuationPrompt, Repl.prompt, Repl.prompt])
    }

    @Test func dotCommandsOnlyAtTheStartOfAQuery() throws {
        let (r, reader, ran) = try repl([.line("cities |"), .line(".5 |"), .line("count"), .line("  .quit"), .line("never")])
        #expect(r.run() == .success)
        #expect(ran() == ["cities |\n.5 |\ncount"])
        #expect(reader.history.last == ".quit")
    }

    @Test func blankLinesAndRepeatsAreNotHistory() throws {
        let (r, reader, _) = try repl([.line(""), .line("   "), .line("cities"), .line("cities"), .line("count")])
        #expect(r.run() == .success)
        #expect(reader.history == ["cities", "count"])
    }

    @Test func dotCommandCompletion() throws {
        let (r, _, _) = try repl([])
        #expect(r.complete(".sch")?.line == ".schema")
        #expect(r.complete(".format cs")?.line == ".format csv")
        #expect(r.complete(".timer o")?.listed == ["off", "on"])
        #expect(r.complete(".schema twin")?.listed == ["twin", "twinnings"])
        #expect(r.complete(".help ke")?.line == ".help keys")
        #expect(r.complete(".nosuch x") == nil)
    }
}

/// How a stream on stdin is cut into pieces (`StatementStream`): what runs together, and from
/// which line of the stream.
@Suite struct StatementStreamTests {
    func pieces(_ text: String, maxBytes: Int = 1_000_000) -> [String] {
        pieces(Array(text.utf8), maxBytes: maxBytes)
    }

    func pieces(_ bytes: [UInt8], maxBytes: Int = 1_000_000) -> [String] {
        let tmp = TemporaryFolder()
        _ = FileManager.default.createFile(atPath: tmp.file("in"), contents: Data(bytes))
        let fd = open(tmp.file("in"), O_RDONLY)
        defer { close(fd) }
        var stream = StatementStream(fd: fd, name: "<stdin>", maxBytes: maxBytes)
        var out: [String] = []
        while true {
            switch stream.next() {
            case .piece(.query(let s)): out.append("\(s.firstLine): \(s.text)")
            case .piece(.dot(let d)): out.append("dot \(d)")
            case .tooLong(let m), .unreadable(let m): out.append("error \(m)"); return out
            case .interrupted: out.append("interrupted"); return out
            case .end: return out
            }
        }
    }

    @Test func piecesAndLines() {
        #expect(pieces("cities | count;\nfundings\n# a comment\n| count\n.tables\n\ntwinnings\n") ==
                ["1: cities | count;", "2: fundings\n# a comment\n| count", "dot .tables", "6: \ntwinnings"])
        #expect(pieces("cities | where name ==\n\"Oyem\"\ncountries") == ["1: cities | where name ==\n\"Oyem\"", "3: countries"])
        #expect(pieces("\u{FEFF}cities\r\n") == ["1: cities\r"])
        #expect(pieces(String(repeating: "x", count: 200), maxBytes: 100) == ["error <stdin>: the query text is over the limit of 100 bytes (raise it with --max-query-bytes)"])
        // (A statement waiting for its next line does not run when that line is not text.)
        #expect(pieces(Array("cities;\n".utf8) + [0xFF]) == ["1: cities;", "error <stdin>: not UTF-8 text"])
        #expect(pieces(Array("cities\n".utf8) + [0xFF]) == ["error <stdin>: not UTF-8 text"])
    }

    /// A statement of 100 000 lines is read in linear time (its text is not joined per line).
    @Test func aLongStatementIsReadOnce() {
        let text = "cities | where " + Array(repeating: "true", count: 100_000).joined(separator: " and\n") + "\n| count\n"
        let p = pieces(text, maxBytes: 10_000_000)
        #expect(p.count == 1)
        #expect(p.first?.hasSuffix("| count") == true)
    }
}
