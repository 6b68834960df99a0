import Foundation
import ReseauCore
import Testing
@testable import ReseauCLI
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13 at the prompt, through a pseudo-terminal: tables that read at 80 columns, the row
/// cap, the line format, sqlite3's dot commands, pasted queries, SIGHUP with `.output`.
@Suite(.serialized) struct ReplDailyTests {
    let home = TemporaryFolder()

    /// The REPL on the bundled network (`fixture`: on the three-city fixture).
    func start(columns: UInt16 = 100, fixture: Bool = false, directory: String? = nil) throws -> PTYProcess {
        let p = try PTYProcess(arguments: (fixture ? ["--data", FixtureNetwork.shared.path] : []) + ["--color", "never"],
                               environment: PTYProcess.environment(home: home.path, state: home.file("state")),
                               columns: columns, directory: directory)
        _ = try p.prompt()
        return p
    }

    func quit(_ p: PTYProcess) {
        p.send("\u{4}")
        #expect(p.waitForExit() == 0)
    }

    /// No number is cut with `…`: no digit right before an ellipsis.
    func numbersWhole(_ s: String) -> Bool {
        let c = Array(s)
        for i in c.indices.dropFirst() where c[i] == "…" && c[i - 1].isNumber { return false }
        return true
    }

    @Test func at80ColumnsNumbersAreWholeAndColumnsLeftOutAreNamed() throws {
        let p = try start(columns: 80)
        let out = try p.run("cities | take 3")
        #expect(numbersWhole(out), "\(out)")
        #expect(out.contains("3024635"), "\(out)")          // geonames_id, whole
        #expect(out.contains("(3 rows)"))
        #expect(out.contains("not shown: "), "\(out)")
        for line in out.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        let some = try p.run("cities | take 3 | select name, country_code, country, lat, lon, population, michelin")
        for n in ["45.77969", "3.08682", "147865", "FR", "country_code", "France"] { #expect(some.contains(n), "no \(n) in \(some)") }
        #expect(!some.contains("not shown"))
        // .width: another width than the terminal's; 0 never cuts.
        try p.run(".width 50")
        for line in try p.run("cities | take 3").split(separator: "\n") { #expect(line.count <= 50, "too wide: \(line)") }
        try p.run(".width 0")
        let whole = try p.run("cities | take 3")
        #expect(whole.contains("002_671a6b7235ccf533.txt:166") && !whole.contains("not shown"))
        #expect(try p.run(".width").contains("width: 0 (never cut)"))
        quit(p)
    }

    @Test func theRowCapShowsTheFirstAndLastRows() throws {
        let p = try start()
        try p.run(".maxrows 6")
        let out = try p.run("cities | select name")
        #expect(out.contains("38 rows (6 shown"), "\(out)")
        #expect(out.contains("⋮"))
        #expect(out.contains("Clermont-Ferrand"))   // first
        #expect(out.contains("Turin"))              // last
        #expect(!out.contains("Oviedo"))            // in the middle
        #expect(try p.run(".maxrows").contains("maxrows: 6"))
        try p.run(".maxrows 0")
        #expect(try p.run("cities | select name").contains("Oviedo"))
        quit(p)
    }

    @Test func theLineFormatAndTheBackslashGSwitch() throws {
        let p = try start()
        try p.run(".mode line")
        let out = try p.run("city \"Oyem\" | select name, country_code")
        #expect(out.contains("        name = Oyem"), "\(out)")
        #expect(out.contains("country_code = GA"), "\(out)")
        try p.run(".format table")
        let g = try p.run("city \"Oyem\" | select name, country_code \\G")
        #expect(g.contains("        name = Oyem"), "\(g)")
        #expect(try p.run("city \"Oyem\" | select name").contains("────"))
        quit(p)
    }

    @Test func sqliteDotCommands() throws {
        let dir = TemporaryFolder()
        let p = try start(fixture: true)
        #expect(try p.run(".timer").contains("timer: off"))
        #expect(try p.run(".headers").contains("header: on"))
        try p.run(".headers off")
        #expect(try p.run(".header").contains("header: off"))
        try p.run(".headers on")
        let tables = try p.run(".tables")
        #expect(tables.contains("city") && tables.contains("3 rows"), "\(tables)")
        try p.run(".nullvalue NULL")
        #expect(try p.run("cities | where name == \"Maebashi\" | select population").contains("NULL"))
        let show = try p.run(".show")
        for s in ["format", "nullvalue", "NULL", "maxrows", "timer", "limits", "max-memory \(Limits.describeBytes(Limits.defaultMaxMemory))", "max-rows 10000000"] {
            #expect(show.contains(s), "no \(s) in .show")
        }
        #expect(try p.run(".once \(dir.file("once.json"))").isEmpty)
        #expect(try p.run("cities | count").contains("wrote"))
        #expect(dir.read("once.json") == "[\n  {\"count\": 3}\n]\n")
        #expect(try p.run("cities | count").contains("(1 row)"))   // back on the terminal
        try p.run(".mode csv")
        #expect(try p.run("cities | count").contains("count\n3"))
        try p.run(".mode table")
        #expect(try p.run(".edit").contains("Reseau has no .edit: write the query in a file"))
        #expect(try p.run(".shell ls").contains("Reseau runs no shell commands"))
        quit(p)
    }

    @Test func theUnboundParameterHintNamesDotParamAndPrecedenceIsSaid() throws {
        let p = try start(fixture: true)
        let out = try p.run("cities | where population > $minimum")
        #expect(out.contains(".param minimum VALUE"), "\(out)")
        #expect(!out.contains("--param"))
        try p.run(".param y 1")
        let note = try p.run("param y = 2")
        #expect(note.contains("$y stays 1"), "\(note)")
        quit(p)
    }

    /// A saved query whose lines start with `|`, pasted in one go, runs as one query.
    @Test func aPastedQueryWithLeadingPipesRunsWhole() throws {
        let p = try start()
        p.send("cities\r  | where michelin\r  | count\r")
        let out = try p.prompt()
        let rest = p.drain(0.5)
        #expect((out + rest).contains("25"), "\(out)\(rest)")
        #expect(!(out + rest).contains("error"), "\(out)\(rest)")
        quit(p)
    }

    @Test func readOfAFolderSlashListsThatFolder() throws {
        let dir = TemporaryFolder()
        try FileManager.default.createDirectory(atPath: dir.file("q"), withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: dir.file("q/alpha.rql"), contents: Data("cities | count\n".utf8))
        _ = FileManager.default.createFile(atPath: dir.file("q/beta.rql"), contents: Data("cities | count\n".utf8))
        let p = try start(fixture: true, directory: dir.path)
        p.send(".read q/\t\t")
        try p.expect("alpha.rql")
        try p.expect("beta.rql")
        p.send("\u{15}")   // Ctrl-U: clear the line
        try p.run("")
        quit(p)
    }

    /// `--help` and `.help` tell the same story: every format, the row cap, the line mode.
    @Test func helpAndDotHelpAgree() throws {
        let cli = try reseau(["--help"]).stdout
        let p = try start(fixture: true)
        let formats = try p.run(".help formats")
        let help = try p.run(".help")
        for f in OutputFormat.allCases.map(\.rawValue) {
            #expect(cli.contains(f), "--help lacks \(f)")
            #expect(formats.contains(f), ".help formats lacks \(f)")
        }
        for s in [".maxrows", "first and last rows"] {
            #expect(cli.contains(s), "--help lacks \(s)")
            #expect((formats + help).contains(s), ".help lacks \(s)")
        }
        #expect(formats.contains("extension") && cli.contains("extension"))
        quit(p)
    }

    /// `~/.config/reseau/init.rql` runs at start; `--init FILE` replaces it, `--no-init` skips it.
    @Test func theStartUpFile() throws {
        try FileManager.default.createDirectory(atPath: home.file(".config/reseau"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: home.file(".config/reseau/init.rql"), contents: Data(".maxrows 3\n.nullvalue NULL\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: home.file(".config")) }
        let p = try start(fixture: true)
        let show = try p.run(".show")
        #expect(show.contains("maxrows    3"), "\(show)")
        #expect(show.contains("NULL"))
        quit(p)
        let other = TemporaryFolder()
        other.write("init.rql", ".maxrows 7\nparam y =\n  2\n")
        let q = try PTYProcess(arguments: ["--data", FixtureNetwork.shared.path, "--init", other.file("init.rql")],
                               environment: PTYProcess.environment(home: home.path, state: home.file("state")))
        try q.prompt()
        #expect(try q.run(".show").contains("maxrows    7"))
        #expect(try q.run(".params").contains("$y"))
        quit(q)
        let r = try PTYProcess(arguments: ["--data", FixtureNetwork.shared.path, "--no-init"],
                               environment: PTYProcess.environment(home: home.path, state: home.file("state")))
        try r.prompt()
        #expect(try r.run(".show").contains("maxrows    40"))
        quit(r)
        let missing = try reseau(["--init", "/nonexistent/init.rql", "-e", "cities"])
        #expect(missing.status == 2)
    }

    /// At 60 columns `.help` and `.schema` wrap between words, under their column.
    @Test func helpAndSchemaWrapBetweenWords() throws {
        let p = try start(columns: 60, fixture: true)
        for command in [".help", ".schema", ".schema city", ".help output"] {
            let out = try p.run(command)
            for line in out.split(separator: "\n") { #expect(line.count <= 60, "\(command): too wide: \(line)") }
        }
        quit(p)
    }

    /// Results sent to an `.output` file are separated (a blank line), not glued together.
    @Test func outputFileResultsAreSeparated() throws {
        let dir = TemporaryFolder()
        let p = try start(fixture: true)
        try p.run(".output \(dir.file("out.tsv"))")
        try p.run("cities | count")
        try p.run("countries | count")
        try p.run(".output")
        #expect(dir.read("out.tsv") == "count\n3\n\ncount\n3\n")
        try p.run(".output \(dir.file("out.md"))")
        try p.run("cities | count")
        try p.run("countries | count")
        try p.run(".output")
        #expect(dir.read("out.md") == "| count |\n|---:|\n| 3 |\n\n| count |\n|---:|\n| 3 |\n")
        quit(p)
    }

    /// After `.data DIR`, results sent to the same `.output` file show nodes of the new network.
    @Test func outputAfterReloadingTheDataShowsTheNewNodes() throws {
        let dir = TemporaryFolder()
        let p = try start()
        try p.run(".output \(dir.file("out.tsv"))")
        try p.run("match (a:city) | select a | skip 2 | take 1")
        #expect(try p.run(".data \(FixtureNetwork.shared.path)").contains("loaded"))
        try p.run("match (a:city) | select a | skip 2 | take 1")
        try p.run(".output")
        let text = dir.read("out.tsv") ?? ""
        #expect(text.hasSuffix("\n\na\nSantiago de Querétaro\n"), "\(text)")
        quit(p)
    }

    /// SIGHUP (the terminal closed) with `.output FILE` active: FILE is written, no temporary left.
    @Test func sighupWritesTheOutputFile() throws {
        let dir = TemporaryFolder()
        let p = try start(fixture: true)
        try p.run(".output \(dir.file("out.tsv"))")
        try p.run("cities | count")
        kill(p.pid, SIGHUP)
        #expect(p.waitForExit() != nil)
        #expect(dir.read("out.tsv") == "count\n3\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.tsv"])
    }

    /// Ctrl-C while a long table prints: it stops, "interrupted" on a line of its own.
    @Test func ctrlCStopsALongTable() throws {
        let p = try start()
        try p.run(".maxrows 0")
        p.send("match (a:city), (b:city), (c:city) | select a.name as a, b.name as b, c.name as c\r")
        try p.expect("───", timeout: 60)
        p.send("\u{3}")
        let before = try p.prompt(timeout: 60)
        #expect(!before.contains("(54872 rows)"), "the whole table was printed")
        #expect(before.contains("interrupted"))
        #expect(!before.contains("^Cinterrupted"))
        quit(p)
    }
}
