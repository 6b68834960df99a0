import Foundation
import ReseauCore
import Testing
@testable import ReseauCLI
#if canImport(Glibc)
import Glibc
#endif

/// The built binary, run as a script or a cron job would run it. These tests rely on the command
/// line only, not on what queries return.
@Suite struct CommandLineTests {
    let data = FixtureNetwork.shared.path

    /// `--max-depth` has a ceiling like `--max-nesting` (issue 16 item 5): a depth of a hundred
    /// million made the check of a `follow` loop for seconds, Int.max for ever.
    @Test func maxDepthHasACeiling() throws {
        let r = try reseau(["--max-depth", "100000000", "-e", "city \"Oyem\" | follow twin depth 1..100000000 | count"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--max-depth can be at most 1000"), "\(r.stderr)")
        let ok = try reseau(["--max-depth", "1000", "-e", "city \"Clermont-Ferrand\" | follow twin depth 1..1000 | count"])
        let six = try reseau(["-e", "city \"Clermont-Ferrand\" | follow twin depth 1..6 | count"])
        #expect(ok.status == 0)
        #expect(ok.stdout == six.stdout, "the twin network is smaller than 6 steps: \(ok.stdout)")
    }

    @Test func version() throws {
        let r = try reseau(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "reseau \(ReseauCommand.version)\n")
        #expect(r.stderr.isEmpty)
    }

    @Test func helpHasTheTour() throws {
        let r = try reseau(["--help"])
        #expect(r.status == 0)
        for part in ["A first query", "Formats:", "--format table|line|csv|tsv|json|jsonl|markdown|dot|graphml|svg", "--generate-completion-script", "Maps:", "--map-size",
                     "#!/usr/bin/env -S reseau -f", "Cron:", "crontab", "-o FILE", "Pipes:", "| head -1",
                     "Exit status: 0 success; 1 a query failed", "2 usage error", "3 the data failed to load",
                     "130 interrupted", "--keep-going", "--param", "--timeout", "--no-header", "--color",
                     "reseau check"] {
            #expect(r.stdout.contains(part), "help lacks \(part)")
        }
        #expect(r.stderr.isEmpty)
    }

    /// `--format svg -o FILE`: the map of the issue's example; --map-* with another format is a usage error.
    @Test func svgMapToAFile() throws {
        let dir = TemporaryFolder()
        let r = try reseau(["-e", #"city "Clermont-Ferrand" | twins"#, "--format", "svg", "--map-size", "population", "-o", dir.file("twins.svg")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty && r.stderr.isEmpty)
        let svg = try #require(dir.read("twins.svg"))
        for name in ["Clermont-Ferrand", "Salford", "Regensburg", "Gomel", "Aberdeen", "Oviedo", "Norman", "Braga"] {
            #expect(svg.contains(">\(name)</text>"), "no \(name)")
        }
        let usage = try reseau(["-e", "cities", "--format", "csv", "--map-color", "michelin"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--map-color changes --format svg maps, not csv"), "\(usage.stderr)")
        // -o picks the format from the extension (main's rule): .svg is a map; --map-* with .csv is a usage error.
        let byExtension = try reseau(["-e", #"city "Clermont-Ferrand" | twins"#, "-o", dir.file("ext.svg")])
        #expect(byExtension.status == 0, "\(byExtension.stderr)")
        #expect(try #require(dir.read("ext.svg")).contains(">Salford</text>"))
        let csvFile = try reseau(["-e", "cities", "--map-size", "population", "-o", dir.file("c.csv")])
        #expect(csvFile.status == 2)
        #expect(csvFile.stderr.contains("--map-size changes --format svg maps, not csv"), "\(csvFile.stderr)")
        let none = try reseau(["-e", "fundings | count", "--format", "svg", "-o", dir.file("none.svg")])
        #expect(none.status == 1)
        #expect(none.stderr.contains("error: --format svg draws cities, and this result holds none"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("none.svg")))
    }

    @Test func checkHelp() throws {
        let r = try reseau(["check", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: reseau check [--data <DIR>]"))
    }

    @Test func checkCountsEveryTypeOfAFolder() throws {
        let r = try reseau(["check", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("kind") == true)
        for t in Schema.shared.nodeTypes {
            let n = FixtureNetwork.rows[t.source]?.count ?? 0
            #expect(lines.contains { $0.hasPrefix("node  ") && $0.contains(" \(t.name) ") && $0.contains(t.file) && $0.hasSuffix(" \(n)") },
                    "no line for \(t.name) with \(n) rows")
        }
        for t in Schema.shared.edgeTypes {
            let n = FixtureNetwork.rows[t.source]?.count ?? 0
            #expect(lines.contains { $0.hasPrefix("edge  ") && $0.contains(" \(t.name) ") && $0.contains(t.file) && $0.hasSuffix(" \(n)") },
                    "no line for \(t.name) with \(n) rows")
        }
        #expect(r.stdout.contains("ok: the network in \(data): \(FixtureNetwork.nodeCount) nodes, 1 edge\n"))
        #expect(r.stderr.isEmpty)
    }

    @Test func checkTheBundledNetwork() throws {
        let r = try reseau(["check"])
        // The bundled network is embedded from Data/; until it is, every file is missing (exit 3).
        if r.status == 0 {
            for t in Schema.shared.nodeTypes { #expect(r.stdout.contains(" \(t.name) "), "no line for \(t.name)") }
            for t in Schema.shared.edgeTypes { #expect(r.stdout.contains(" \(t.name) "), "no line for \(t.name)") }
            #expect(r.stdout.contains("ok: the bundled network:"))
        } else {
            #expect(r.status == 3)
            #expect(r.stderr.contains("<bundled>/cities.csv"))
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func checkAfterOptions() throws {
        let r = try reseau(["--data", data, "check"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ok: the network in \(data)"))
    }

    /// Every flag parses (the query itself may fail while the language is being written: 1, not 2).
    @Test(arguments: [
        ["--no-header"], ["--timer"], ["--color", "always"], ["--color", "never"], ["--color", "auto"],
        ["--keep-going"], ["--timeout", "2.5"], ["--param", "year=2021", "--param", "name=Oyem", "-e", "param year = 1; param name = 2"],
        ["--format", "CSV"], ["-o", "/dev/null"],
    ])
    func flagsAreAccepted(_ flags: [String]) throws {
        let r = try reseau(["--data", data] + flags + ["-e", "cities"])
        #expect(r.status == 0 || r.status == 1, "\(flags): \(r.stderr)")
    }

    @Test func checkAMissingFolderExits3() throws {
        let r = try reseau(["check", "--data", "/nonexistent/reseau-data"])
        #expect(r.status == 3)
        #expect(r.stderr == "error: /nonexistent/reseau-data: no such folder\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func checkABrokenFolderListsErrorsWithLocations() throws {
        let bad = TemporaryFolder()
        for f in Schema.shared.nodeTypes.map(\.file) + Schema.shared.edgeTypes.map(\.file) {
            bad.write(f, FixtureNetwork.shared.folder.read(f)!)
        }
        bad.write("twinnings.csv", FixtureNetwork.shared.folder.read("twinnings.csv")! + "clermont-ferrand,nowhere,2001,twinning,test\n")
        let r = try reseau(["check", "--data", bad.path])
        #expect(r.status == 3)
        #expect(r.stderr.contains("twinnings.csv:3:"), "\(r.stderr)")
        #expect(r.stderr.contains("unknown city id 'nowhere'"))
        #expect(r.stdout.isEmpty)
    }

    @Test func queriesWithBadDataExit3() throws {
        let r = try reseau(["--data", "/nonexistent/reseau-data", "-e", "cities"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("no such folder"))
        #expect(r.stdout.isEmpty)
    }

    @Test(arguments: [
        ["--format", "jsn", "-e", "cities"],
        ["--format", "", "-e", "cities"],
        ["--param", "year", "-e", "cities"],
        ["--param", "1year=2", "-e", "cities"],
        ["--color", "purple", "-e", "cities"],
        ["--timeout", "0", "-e", "cities"],
        ["--timeout", "soon", "-e", "cities"],
        ["--bogus"],
        ["-e"],
        ["check", "--bogus"],
        ["check", "extra"],
    ])
    func usageErrorsExit2(_ args: [String]) throws {
        let r = try reseau(args.first == "check" ? args : ["--data", data] + args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(!r.stderr.isEmpty)
        #expect(r.stdout.isEmpty)
    }

    @Test func unknownFormatSuggests() throws {
        let r = try reseau(["--format", "jsn", "-e", "cities"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown format 'jsn' (did you mean 'json'?)"))
    }

    @Test func missingQueryFileExits2() throws {
        let r = try reseau(["--data", data, "no-such-query.rql"])
        #expect(r.status == 2)
        #expect(r.stderr == "error: no-such-query.rql: no such file\n")
    }

    @Test func everyFormatIsAccepted() throws {
        for f in OutputFormat.allCases {
            let r = try reseau(["--data", data, "--format", f.rawValue, "-e", "cities"])
            #expect(r.status == 0 || r.status == 1, "--format \(f.rawValue): \(r.stderr)")
        }
    }

    /// A query that fails: status 1, its diagnostic on stderr, nothing on stdout.
    @Test func aFailingQueryExits1WithNothingOnStdout() throws {
        let r = try reseau(["--data", data, "-e", "cities | where nosuchfield > 1 | nosuchstep"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error:"))
        #expect(r.stderr.contains("-e:1:"))
        #expect(r.stdout.isEmpty)
    }

    @Test func aScriptStopsAtItsFirstFailureUnlessKeepGoing() throws {
        let bad = "cities | nosuchstep"
        let stop = try reseau(["--data", data, "--timer", "-e", bad, "-e", bad])
        #expect(stop.status == 1)
        #expect(stop.stderr.components(separatedBy: "error: unknown step 'nosuchstep'").count - 1 == 1, "\(stop.stderr)")
        #expect(stop.stderr.components(separatedBy: "time: ").count - 1 == 1)
        let go = try reseau(["--data", data, "--keep-going", "--timer", "-e", bad, "-e", bad])
        #expect(go.status == 1)
        #expect(go.stderr.components(separatedBy: "error: unknown step 'nosuchstep'").count - 1 == 2, "\(go.stderr)")
        #expect(go.stderr.components(separatedBy: "time: ").count - 1 == 2)
    }

    /// With a query that fails, `-o` leaves the earlier file as it was and no temporary file behind.
    @Test func outputFileUntouchedWhenTheRunFails() throws {
        let dir = TemporaryFolder()
        dir.write("out.tsv", "earlier result\n")
        let r = try reseau(["--data", data, "-o", dir.file("out.tsv"), "-e", "cities | nosuchstep"])
        #expect(r.status == 1)
        #expect(dir.read("out.tsv") == "earlier result\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.tsv"])
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("nothing written to \(dir.file("out.tsv")); it is as it was"), "\(r.stderr)")
    }

    @Test func outputToAMissingFolderIsAUsageError() throws {
        let r = try reseau(["--data", data, "-o", "/nonexistent/reseau/out.csv", "-e", "cities"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot write /nonexistent/reseau/out.csv"))
    }

    /// stdin that is not a terminal is read whole, as one source named <stdin>: no banner, no prompt.
    @Test func stdinModeHasNoBannerOrPrompt() throws {
        let r = try reseau(["--data", data], stdin: "cities | nosuchstep\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("<stdin>:1:"), "\(r.stderr)")
        for text in ["reseau>", ".help", "reseau \(ReseauCommand.version)"] {
            #expect(!r.stdout.contains(text))
            #expect(!r.stderr.contains(text))
        }
        #expect(r.stdout.isEmpty)
    }

    @Test func emptyStdinIsNotAnError() throws {
        let r = try reseau(["--data", data], stdin: "")
        #expect(r.status == 0 || r.status == 1)
        #expect(!r.stdout.contains("reseau>"))
    }

    /// A query file is one source (named by its path); `-` reads stdin; a shebang line is allowed.
    @Test func queryFilesAreNamedByTheirPath() throws {
        let dir = TemporaryFolder()
        dir.write("q.rql", "#!/usr/bin/env -S reseau -f\ncities | nosuchstep\n")
        let r = try reseau(["--data", data, "-f", dir.file("q.rql")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dir.file("q.rql")):"), "\(r.stderr)")
        let dash = try reseau(["--data", data, "-f", "-"], stdin: "cities | nosuchstep\n")
        #expect(dash.stderr.contains("<stdin>:"))
    }

    @Test func aShebangFileRunsAsAProgram() throws {
        let dir = TemporaryFolder()
        let bin = (Binary.path as NSString).deletingLastPathComponent
        dir.write("q.rql", "#!/usr/bin/env -S reseau -f\ncities | nosuchstep\n")
        chmod(dir.file("q.rql"), 0o755)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: dir.file("q.rql"))
        p.arguments = ["--data", data]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Run through env → reseau -f FILE --data DIR: the query's diagnostic names the file.
        #expect(p.terminationStatus == 1, "\(text)")
        #expect(text.contains("q.rql:"))
    }

    /// Ctrl-C (SIGINT) or SIGTERM while reseau waits for its input: exit status 130, no output.
    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedExits130(_ signal: Int32) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0 && pipe(&output) == 0)
        let null = open("/dev/null", O_WRONLY)
        defer { for fd in input + output + [null] { close(fd) } }
        let pid = try spawnReseau(["--data", data], environment: ProcessInfo.processInfo.environment,
                                  stdio: (input[0], output[1], null))
        close(input[0]); input[0] = -1
        close(output[1]); output[1] = -1
        // Wait until reseau blocks reading stdin (its handlers are installed by then).
        let deadline = Date().addingTimeInterval(20)
        while deadline.timeIntervalSinceNow > 0,
              !((try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "").contains("pipe_read") {
            usleep(20_000)
        }
        kill(pid, signal)
        #expect(waitForExit(pid, timeout: 20) == 130)
        var buf = [UInt8](repeating: 0, count: 16)
        #expect(read(output[0], &buf, 16) == 0)   // nothing on stdout
    }
}
