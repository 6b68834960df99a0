import Foundation
import Testing
@testable import ReseauCLI
#if canImport(Glibc)
import Glibc
#endif

/// The REPL, driven through a pseudo-terminal like a user at a keyboard. Serialized: each test
/// starts its own `reseau`, and libedit's terminal handling is best not raced.
@Suite(.serialized) struct ReplTests {
    let home = TemporaryFolder()
    var state: String { home.file("state") }
    var historyFile: String { home.file("state/reseau/history") }

    /// Starts the REPL on the fixture network; returns it waiting at its first prompt.
    func start(_ extra: [String] = []) throws -> (PTYProcess, String) {
        let p = try PTYProcess(arguments: ["--data", FixtureNetwork.shared.path] + extra,
                               environment: PTYProcess.environment(home: home.path, state: state))
        let banner = try p.prompt()
        return (p, banner)
    }

    /// Ctrl-D at an empty prompt: exit status 0.
    func quit(_ p: PTYProcess) {
        p.send("\u{4}")
        #expect(p.waitForExit() == 0)
    }

    @Test func bannerThenPromptAndCtrlDExits0() throws {
        let (p, banner) = try start()
        #expect(banner.contains("reseau \(ReseauCommand.version)"))
        #expect(banner.contains("\(FixtureNetwork.nodeCount) nodes, 1 edge"))
        #expect(banner.contains(".help"))
        quit(p)
    }

    @Test func helpListsTheDotCommands() throws {
        let (p, _) = try start()
        let out = try p.run(".help")
        for c in [".schema [TYPE]", ".format [FORMAT]", ".timer [on|off]", ".read FILE", ".output [FILE]",
                  ".param NAME [VALUE]", ".params", ".data [DIR]", ".quit", ".help [TOPIC]", ".map FILE [size COL] [color COL]"] {
            #expect(out.contains(c), "no \(c) in .help")
        }
        #expect(try p.run(".help keys").contains("Ctrl-C"))
        #expect(try p.run(".help schema").contains("source name"))
        p.send(".quit\r")
        #expect(p.waitForExit() == 0)
    }

    @Test func schemaOfATypeListsItsFields() throws {
        let (p, _) = try start()
        let out = try p.run(".schema city")
        for f in ["name", "country_code", "population", "michelin", "aliases", "geonames_id"] {
            #expect(out.contains("  \(f) "), "no field \(f)")
        }
        #expect(out.contains("integer"))
        let edge = try p.run(".schema twinnings")
        #expect(edge.contains("undirected"))
        #expect(edge.contains("since"))
        let all = try p.run(".schema")
        #expect(all.contains("Node types"))
        #expect(all.contains("Edge types"))
        #expect(try p.run(".schema cty").contains("did you mean 'city'?"))
        quit(p)
    }

    @Test func unknownDotCommandSuggestsTheClosest() throws {
        let (p, _) = try start()
        #expect(try p.run(".scheam city").contains("unknown command '.scheam' (did you mean '.schema'?)"))
        #expect(try p.run(".fromat csv").contains("did you mean '.format'?"))
        #expect(try p.run(".format jsn").contains("did you mean 'json'?"))
        quit(p)
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let (p, _) = try start()
        p.send(".sch")
        try p.expect(".sch")
        p.send("\u{3}")
        try p.expect("^C")
        try p.prompt()
        let out = try p.run(".params")
        #expect(out.contains("no parameters"))
        #expect(!out.contains("unknown command"))
        // Still there after a Ctrl-C on an empty line.
        p.send("\u{3}")
        try p.expect("^C")
        try p.prompt()
        quit(p)
    }

    /// While a line is edited, Ctrl-C is a key, not a signal: the terminal's ISIG is off. It was
    /// on (the pre-input hook named a libedit command that does not exist, `settty` for `setty`),
    /// so ^C raised SIGINT, and when it came while libedit was between two reads (echoing the keys
    /// typed just before) nothing woke the read: the REPL went on waiting and showed nothing.
    /// Keys and ^C in one write hit that window every time under load.
    @Test func ctrlCIsAKeyWhileEditing() throws {
        let (p, _) = try start()
        var t = termios()
        #expect(tcgetattr(p.master, &t) == 0)
        #expect(t.c_lflag & tcflag_t(ISIG) == 0, "ISIG is on while editing: ^C would be a signal")
        for _ in 0..<20 {
            p.send("cities | co\u{3}")
            try p.expect("^C", timeout: 5)
            try p.prompt()
        }
        #expect(try p.run("cities | count").contains("\(FixtureNetwork.rows["cities"]!.count)"))
        quit(p)
    }

    /// Ctrl-Z at the prompt, then `fg`: the terminal goes back to libedit's mode and the prompt
    /// and the line typed so far are drawn again (they were not: the line stayed blank). Here the
    /// REPL leads its own session, so the stop itself is discarded by the kernel (an orphaned
    /// process group), but the suspend handler runs as under a shell: cooked mode for the
    /// shell, then, once continued, edit mode and a redraw.
    @Test func ctrlZThenFgRedrawsTheLine() throws {
        let (p, _) = try start()
        p.send("cities | cou")
        try p.expect("cities | cou")
        p.send("\u{1A}")
        try p.expect("reseau> cities | cou", timeout: 5)
        #expect(try p.run("nt").contains("\(FixtureNetwork.rows["cities"]!.count)"))
        quit(p)
    }

    /// `.pager COMMAND`: a result taller than the screen (40 rows here) goes through the pager,
    /// uncapped; one that fits is printed directly; a pager that quits early stops the query
    /// quietly and the prompt comes back.
    @Test func pagerTakesResultsTallerThanTheScreen() throws {
        let (p, _) = try start()
        try p.run(#".pager sed 's/^/paged: /'"#)
        // 3 × 3 × 3 city bindings: 27 rows, plus header and footer, fit; 4 × … do not.
        let short = try p.run("cities | select name")
        #expect(!short.contains("paged: "))
        let tall = try p.run("match (a:city), (b:city), (c:city), (d:city) | select a, b, c, d")
        #expect(tall.contains("paged: Clermont-Ferrand"))
        #expect(tall.contains("81 rows"))
        #expect(!tall.contains("shown"))   // no row cap through the pager
        // A pager that reads one line and quits: no error, the REPL goes on.
        try p.run(".pager head -1")
        let cut = try p.run("match (a:city), (b:city), (c:city), (d:city) | select a, b, c, d")
        #expect(!cut.contains("error"))
        #expect(!cut.contains("interrupted"))
        #expect(try p.run(".pager").contains("pager: on (head -1)"))
        try p.run(".pager off")
        #expect(try p.run(".pager").contains("pager: off"))
        // A pager that is not installed is refused when set.
        #expect(try p.run(".pager no-such-pager-here").contains("'no-such-pager-here' is not installed"))
        quit(p)
    }

    @Test func tabCompletesADotCommandAndItsArgument() throws {
        let (p, _) = try start()
        p.send(".sch\t")
        try p.expect("ema")
        p.send("coun\t")
        try p.expect("tr")   // countr…: country or countries
        #expect(try p.run("y").contains("name_fr"))
        p.send(".format js\t\t")
        let listed = try p.expect("reseau> .format json")
        #expect(listed.contains("jsonl"))
        try p.run("l")
        #expect(try p.run(".format").contains("jsonl"))
        quit(p)
    }

    @Test func historyIsSavedAndRecalledAfterARestart() throws {
        do {
            let (p, _) = try start()
            #expect(try p.run(".schema country").contains("name_fr"))
            try p.run(".params")
            quit(p)
        }
        let saved = try String(contentsOfFile: historyFile, encoding: .utf8)
        #expect(saved.contains(".schema\\040country"), "\(saved)")
        let (p, _) = try start()
        p.send("\u{1B}[A")
        try p.expect(".params")
        #expect(try p.run("\u{1B}[A").contains("name_fr"))   // up twice: .schema country
        quit(p)
    }

    @Test func anUnusableHistoryFileIsAWarning() throws {
        try FileManager.default.createDirectory(atPath: historyFile, withIntermediateDirectories: true)
        let (p, banner) = try start()
        #expect(banner.contains("warning: cannot read the history file"))
        let out = try p.run(".params")
        #expect(out.contains("warning: cannot write the history file"))
        #expect(out.contains("no parameters"))
        #expect(!(try p.run(".params")).contains("warning"))   // warned once
        quit(p)
    }

    @Test func aCorruptHistoryFileIsSetAside() throws {
        let garbage: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x00, 0xFF, 0xFE, 0x0A]
        try FileManager.default.createDirectory(atPath: state + "/reseau", withIntermediateDirectories: true)
        try Data(garbage).write(to: URL(fileURLWithPath: historyFile))
        let (p, banner) = try start()
        #expect(banner.contains("warning: the history file \(historyFile) is not a libedit history; moved it to \(historyFile).corrupt and started a new one"))
        #expect(!(try p.run(".params")).contains("warning"))
        quit(p)
        #expect(FileManager.default.contents(atPath: historyFile + ".corrupt") == Data(garbage))
        let saved = try String(contentsOfFile: historyFile, encoding: .utf8)
        #expect(saved.hasPrefix("_HiStOrY_V2_\n") && saved.contains(".params"), "\(saved)")
    }

    @Test func paramsAndTimer() throws {
        let (p, _) = try start(["--param", "year=2021"])
        try p.run(".param city Santiago de Querétaro")
        let out = try p.run(".params")
        #expect(out.contains("$year"))
        #expect(out.contains("2021"))
        #expect(out.contains("integer"))
        #expect(out.contains("\"Santiago de Querétaro\""))
        try p.run(".param year")
        #expect(!(try p.run(".params")).contains("$year"))
        try p.run(".timer on")
        #expect(try p.run("cities").contains("time: "))
        quit(p)
    }

    @Test func outputFileIsWrittenWhenSwitchedBack() throws {
        let dir = TemporaryFolder()
        let (p, _) = try start()
        #expect(try p.run(".output \(dir.file("out.tsv"))").contains("results go to"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.tsv")))
        #expect(try p.run(".output").contains("wrote"))
        #expect(FileManager.default.fileExists(atPath: dir.file("out.tsv")))
        quit(p)
    }

    /// `.map FILE [size COL] [color COL]` runs the last query again and writes its map atomically.
    @Test func mapWritesTheLastQueryAsSVG() throws {
        let dir = TemporaryFolder()
        let p = try PTYProcess(arguments: [], environment: PTYProcess.environment(home: home.path, state: state))
        _ = try p.prompt()
        #expect(try p.run(".map \(dir.file("m.svg"))").contains("no query to map yet"))
        _ = try p.run("fundings | count")
        #expect(try p.run(".map \(dir.file("m.svg"))").contains("error: --format svg draws cities"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.svg")))
        _ = try p.run(#"city "Clermont-Ferrand" | twins | select node, name"#)
        #expect(try p.run(".map \(dir.file("m.svg")) size nope").contains("--map-size nope: the result has no column"))
        let wrote = try p.run(".map \(dir.file("m.svg")) size population color michelin")
        #expect(wrote.contains("wrote"), "\(wrote)")
        let svg = try #require(dir.read("m.svg"))
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        for text in ["<title>city &quot;Clermont-Ferrand&quot; | twins | select node, name</title>", ">Salford<", ">michelin: false<", ">population "] {
            #expect(svg.contains(text), "no \(text) in the map")
        }
        // The table format is still in force for queries.
        #expect(try p.run("cities | count").contains("count"))
        quit(p)
    }

    @Test func dataReloadKeepsTheOldNetworkOnErrors() throws {
        let (p, _) = try start()
        let out = try p.run(".data /nonexistent/reseau")
        #expect(out.contains("no such folder"))
        #expect(out.contains("still in use"))
        #expect(try p.run(".data").contains("\(FixtureNetwork.nodeCount) nodes"))
        #expect(try p.run(".data \(FixtureNetwork.shared.path)").contains("loaded"))
        quit(p)
    }

    @Test func aQueryErrorReturnsToThePrompt() throws {
        let (p, _) = try start()
        let out = try p.run("cities | nosuchstep")
        #expect(out.contains("error:"))
        #expect(out.contains("<input>:1:"))
        let dir = TemporaryFolder()
        dir.write("q.rql", "cities | nosuchstep\n")
        #expect(try p.run(".read \(dir.file("q.rql"))").contains("\(dir.file("q.rql")):1:"))
        #expect(try p.run(".read \(dir.file("none.rql"))").contains("no such file"))
        quit(p)
    }

    /// File names complete after `.read`; an accented name goes through libedit intact (UTF-8
    /// locale set by reseau itself: the environment has no LANG).
    @Test func fileNamesCompleteWithAccents() throws {
        let dir = TemporaryFolder()
        dir.write("Querétaro.rql", "cities | nosuchstep\n")
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: false)
        let (p, _) = try start()
        p.send(".read \(dir.path)/Quer\t")
        try p.expect("étaro.rql")
        let out = try p.run("")
        #expect(out.contains("\(dir.file("Querétaro.rql")):1:"), "\(out)")
        p.send(".read \(dir.path)/su\t")
        try p.expect("b/")
        // Enter (not Ctrl-C, whose timing against the completion output raced on a loaded
        // machine): reading a folder is an error, and the prompt comes back.
        #expect(try p.run("").contains("error"))
        quit(p)
    }

    @Test func accentedInputIsKept() throws {
        let (p, _) = try start()
        try p.run(".param city Querétaro")
        #expect(try p.run(".params").contains("\"Querétaro\""))
        quit(p)
    }
}
