import Foundation
import ReseauCore
import Testing
@testable import ReseauCLI
#if canImport(Glibc)
import Glibc
#endif

/// Runs `script` with /bin/sh, `$RESEAU` naming the binary, in `folder`: for redirections
/// (`>> log`) that Process cannot express.
func shell(_ script: String, in folder: String, shellPath: String = "/bin/sh") throws -> RunResult {
    let tmp = TemporaryFolder()
    tmp.write("stdout", "")
    tmp.write("stderr", "")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: shellPath)
    p.arguments = ["-c", script]
    var env = ProcessInfo.processInfo.environment
    env["RESEAU"] = Binary.path
    env["HOME"] = tmp.path
    p.environment = env
    p.currentDirectoryURL = URL(fileURLWithPath: folder)
    p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    p.standardOutput = FileHandle(forWritingAtPath: tmp.file("stdout"))
    p.standardError = FileHandle(forWritingAtPath: tmp.file("stderr"))
    try p.run()
    p.waitUntilExit()
    return RunResult(status: p.terminationStatus, stdout: tmp.read("stdout") ?? "", stderr: tmp.read("stderr") ?? "")
}

/// Issue 13 through the real binary: output that is never lost, scripts that keep going,
/// parameters that cannot be mistyped silently, the order of -e and -f.
@Suite struct DailyUseTests {
    let data = FixtureNetwork.shared.path

    // MARK: 1. Output lost or wrong

    /// `-o /dev/stdout >> log` appends to the log in place (same inode, earlier lines kept).
    @Test func outputToDevStdoutAppendedToALogKeepsTheLog() throws {
        let dir = TemporaryFolder()
        let r = try shell("""
            printf 'a\\nb\\n' > log; ls -i log > before
            "$RESEAU" --data '\(data)' -e 'cities | count' -o /dev/stdout >> log
            ls -i log > after
            """, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.read("log") == "a\nb\ncount\n3\n")
        #expect(dir.read("before") == dir.read("after"), "the log was replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["after", "before", "log"])
    }

    /// `--keep-going` goes on after a failing statement inside one script file.
    @Test func keepGoingInsideAScriptFile() throws {
        let dir = TemporaryFolder()
        dir.write("q.rql", "cities | count\ncities | where nam == 1\ncountries | count\n")
        let r = try reseau(["--data", data, "--keep-going", "-f", dir.file("q.rql")])
        #expect(r.status == 1)
        #expect(r.stdout == "count\n3\n\ncount\n3\n", "\(r.stdout)")
        #expect(r.stderr.contains("unknown field 'nam'") || r.stderr.contains("'nam'"), "\(r.stderr)")
        // Without it, the script stops at the failure.
        let stop = try reseau(["--data", data, "-f", dir.file("q.rql")])
        #expect(stop.status == 1)
        #expect(stop.stdout == "count\n3\n")
    }

    /// The same inside one `-e 'a; b; c'`, and after a run-time error (a limit).
    @Test func keepGoingInsideOneExpressionAndAfterARunTimeError() throws {
        let r = try reseau(["--data", data, "--keep-going", "-e", "cities | count; cities | nosuchstep; countries | count"])
        #expect(r.status == 1)
        #expect(r.stdout == "count\n3\n\ncount\n3\n", "\(r.stdout)")
        let run = try reseau(["--data", data, "--keep-going", "--max-rows", "1",
                              "-e", "cities | count; cities | sort name | select name; countries | count"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error:"), "\(run.stderr)")
        #expect(run.stdout == "count\n3\n\ncount\n3\n", "\(run.stdout)")
    }

    /// With `-o` and one failure under --keep-going, the results that succeeded are written and
    /// stderr says so.
    @Test func keepGoingWithOutputSaysWhatWasWritten() throws {
        let dir = TemporaryFolder()
        dir.write("out.tsv", "earlier\n")
        let r = try reseau(["--data", data, "--keep-going", "-o", dir.file("out.tsv"),
                            "-e", "cities | count; cities | nosuchstep; countries | count"])
        #expect(r.status == 1)
        #expect(dir.read("out.tsv") == "count\n3\n\ncount\n3\n")
        #expect(r.stderr.contains("wrote \(dir.file("out.tsv")) with the results of 2 of 3 queries (1 failed)"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.tsv"])
    }

    /// Several `-e` results are separated as within one `-e`: a blank line (markdown: two tables).
    @Test(arguments: ["markdown", "tsv", "csv", "table"])
    func severalExpressionsAreSeparatedLikeStatements(_ format: String) throws {
        let two = try reseau(["--data", data, "--format", format, "-e", "cities | count", "-e", "countries | count"])
        let one = try reseau(["--data", data, "--format", format, "-e", "cities | count; countries | count"])
        #expect(two.status == 0 && one.status == 0, "\(two.stderr)\(one.stderr)")
        #expect(two.stdout == one.stdout)
        #expect(two.stdout.contains("\n\n"), "\(two.stdout)")
    }

    /// json: one array per result; jsonl: one object per line, whatever the result.
    @Test func severalJSONResultsAreArraysOneAfterAnother() throws {
        let r = try reseau(["--data", data, "--format", "json", "-e", "cities | count", "-e", "countries | count"])
        #expect(r.stdout == "[\n  {\"count\": 3}\n]\n[\n  {\"count\": 3}\n]\n", "\(r.stdout)")
        let l = try reseau(["--data", data, "--format", "jsonl", "-e", "cities | count", "-e", "countries | count"])
        #expect(l.stdout == "{\"count\": 3}\n{\"count\": 3}\n")
    }

    /// `-o x.csv` writes CSV, `-o x.json` JSON; --format wins; an unknown extension keeps TSV.
    @Test func outputFormatFromTheExtension() throws {
        let dir = TemporaryFolder()
        let q = "cities | where name == \"Maebashi\" | select name, country_code"
        #expect(try reseau(["--data", data, "-o", dir.file("x.csv"), "-e", q]).status == 0)
        #expect(dir.read("x.csv") == "name,country_code\nMaebashi,JP\n")
        #expect(try reseau(["--data", data, "-o", dir.file("x.json"), "-e", q]).status == 0)
        #expect(dir.read("x.json") == "[\n  {\"name\": \"Maebashi\", \"country_code\": \"JP\"}\n]\n")
        #expect(try reseau(["--data", data, "-o", dir.file("x.md"), "-e", q]).status == 0)
        #expect(dir.read("x.md")?.hasPrefix("| name | country_code |") == true)
        #expect(try reseau(["--data", data, "--format", "tsv", "-o", dir.file("y.csv"), "-e", q]).status == 0)
        #expect(dir.read("y.csv") == "name\tcountry_code\nMaebashi\tJP\n")
        let other = try reseau(["--data", data, "-o", dir.file("x.out"), "-e", q])
        #expect(other.status == 0 && other.stderr.isEmpty)
        #expect(dir.read("x.out") == "name\tcountry_code\nMaebashi\tJP\n")
    }

    // MARK: 2. Parameters

    /// A --param that no statement uses is a usage error with the statements' parameters suggested.
    @Test func anUnusedParamIsAnErrorWithASuggestion() throws {
        let dir = TemporaryFolder()
        dir.write("q.rql", "param radius = 600\ncities | where population > $minimum | count\n")
        let r = try reseau(["--data", data, "-f", dir.file("q.rql"), "--param", "radious=300"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--param radious: no query uses $radious (did you mean 'radius'?)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let ok = try reseau(["--data", data, "-f", dir.file("q.rql"), "--param", "radius=300", "--param", "minimum=0"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func theBundledQueryWithATypoedParam() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let q = root.appendingPathComponent("Queries/11-network-cities-near-clermont.rql").path
        let r = try reseau(["-f", q, "--param", "radious=300"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("did you mean 'radius'?"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// `--param 'k=["FR","JP"]'` binds a list; `1_000_000` is a number like `1e6`.
    @Test func listAndUnderscoredNumberParams() throws {
        let r = try reseau(["--data", data, "--param", "k=[\"FR\", \"JP\"]", "-e", "cities | where country_code in $k | count"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n2\n")
        #expect(ParamBinding.value(of: "1_000_000") == .int(1_000_000))
        #expect(ParamBinding.value(of: "[1, 2.5, true, null, \"a\"]") == .list([.int(1), .decimal(2.5), .bool(true), .null, .string("a")]))
        #expect(ParamBinding.value(of: "_1") == .string("_1"))
        let bad = try reseau(["--data", data, "--param", "k=[\"FR\", ", "-e", "cities | where country_code in $k | count"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--param k"), "\(bad.stderr)")
    }

    // MARK: 4. Scripts

    /// A UTF-8 byte order mark at the start of a query file is skipped.
    @Test func aByteOrderMarkIsAccepted() throws {
        let dir = TemporaryFolder()
        dir.write("q.rql", "\u{FEFF}cities | count\n")
        let r = try reseau(["--data", data, "-f", dir.file("q.rql")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n3\n")
    }

    /// `-e` and `-f` run in the order of the command line.
    /// Dot commands work from a script or stdin (issue 11 item 6): `echo .schema | reseau` said
    /// "expected a source … found '.'". Queries between them keep their file's line numbers.
    @Test func dotCommandsRunFromStdinAndScripts() throws {
        let schema = try reseau([], stdin: ".schema\n")
        #expect(schema.status == 0)
        #expect(schema.stdout.contains("Node types"), "\(schema.stdout)\(schema.stderr)")
        let mixed = try reseau([], stdin: "cities | count\n.format csv\ncities\n| where name == \"Oyem\"\n| select name\n.tables\n")
        #expect(mixed.stdout.contains("Oyem") && mixed.stdout.contains("twinnings"), "\(mixed.stdout)")
        let bad = try reseau([], stdin: ".format csv\ncities | count\ncities | wher\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("<stdin>:3:10"), "\(bad.stderr)")
        // .help on a step, a function and a source, from the one catalogue.
        let help = try reseau([], stdin: ".help where\n.help starts_with\n.help fundings\n")
        #expect(help.stdout.contains("where COND") && help.stdout.contains("starts_with(s, prefix)") && help.stdout.contains("every funds edge"), "\(help.stdout)\(help.stderr)")
    }

    @Test func expressionsAndFilesRunInCommandLineOrder() throws {
        let dir = TemporaryFolder()
        dir.write("y.rql", "cities | where population > $y | count\n")
        let r = try reseau(["--data", data, "-e", "param y = -1", "-f", dir.file("y.rql"), "-e", "countries | count"])
        #expect(r.status == 0, "\(r.stderr)")
        let before = try reseau(["--data", data, "-e", "countries | count", dir.file("y.rql"), "-e", "param y = -1"])
        #expect(before.status == 1, "\(before.stderr)")
        #expect(before.stdout == "count\n3\n")
        #expect(before.stderr.contains("$y"))
    }

    // MARK: 3. Signals while a result is written

    /// A write blocked on a full pipe (`reseau … | slow`) ends at the first SIGINT or SIGTERM
    /// (the write loop retried after EINTR without looking at the signal): exit 130.
    @Test(arguments: ["table", "json", "jsonl", "tsv"])
    func aSignalStopsAWriteBlockedOnAFullPipe(_ format: String) throws {
        var output: [Int32] = [0, 0]
        #expect(pipe(&output) == 0)
        let null = open("/dev/null", O_RDWR)
        defer { for fd in output + [null] where fd >= 0 { close(fd) } }
        let pid = try spawnReseau(["--format", format, "-e", "match (a:city), (b:city), (c:city) | select a.name as a, b.name as b, c.name as c"],
                                  environment: ProcessInfo.processInfo.environment, stdio: (null, output[1], null))
        close(output[1]); output[1] = -1
        // Nobody reads the pipe: wait until reseau blocks writing to it.
        let deadline = Date().addingTimeInterval(60)
        while deadline.timeIntervalSinceNow > 0,
              !((try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "").contains("pipe_write") {
            usleep(20_000)
        }
        kill(pid, SIGINT)
        #expect(waitForExit(pid, timeout: 20) == 130, "\(format): still writing after SIGINT")
    }

    // MARK: 8. Smaller

    /// With several `-e`, an error names which one: `-e#2:1:…`.
    @Test func errorsNameWhichExpression() throws {
        let r = try reseau(["--data", data, "-e", "cities | count", "-e", "cities | nosuchstep"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("-e#2:1:"), "\(r.stderr)")
        let one = try reseau(["--data", data, "-e", "cities | nosuchstep"])
        #expect(one.stderr.contains("-e:1:"))
    }

    /// Errors are coloured with --color always (and on a terminal), never with --color never,
    /// NO_COLOR or stderr in a file.
    @Test func errorsAreColouredWhenAsked() throws {
        let always = try reseau(["--data", data, "--color", "always", "-e", "cities | whre x"])
        #expect(always.stderr.contains("\u{1B}[1;31merror:\u{1B}[0m unknown step 'whre'"), "\(always.stderr)")
        #expect(always.stderr.contains("\u{1B}[1;31m^^^^ did you mean 'where'?\u{1B}[0m"))
        for args in [["--color", "never"], ["--color", "auto"], []] {
            let r = try reseau(["--data", data] + args + ["-e", "cities | whre x"], environment: ["NO_COLOR": "1"])
            #expect(!r.stderr.contains("\u{1B}"), "\(args)")
            #expect(r.stderr.hasPrefix("error: unknown step 'whre'"))
        }
    }

    /// `-o` into a missing folder is a usage error found before anything runs, whatever the data.
    @Test func outputToAMissingFolderBeforeLoading() throws {
        let r = try reseau(["--data", "/nonexistent/data", "-o", "/nonexistent/reseau/out.csv", "-e", "cities"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write /nonexistent/reseau/out.csv"))
    }
}

/// The completion scripts, sourced in bash and asked what they offer.
@Suite struct ShellCompletionTests {
    /// What `_reseau` offers for the command line `words` (the last one being completed).
    func offers(_ words: [String], in dir: TemporaryFolder) throws -> [String] {
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let r = try shell("""
            eval "$("$RESEAU" --generate-completion-script bash)" || exit 9
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            _reseau reseau "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """, in: dir.path, shellPath: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func bashCompletesSubcommandsOptionsFormatsAndFiles() throws {
        let dir = TemporaryFolder()
        dir.write("weekly.rql", "cities\n")
        dir.write("notes.txt", "x\n")
        try FileManager.default.createDirectory(atPath: dir.file("data"), withIntermediateDirectories: false)
        #expect(try offers(["reseau", ""], in: dir) == ["check", "data", "weekly.rql"])
        #expect(!(try offers(["reseau", "he"], in: dir)).contains("help"))
        #expect(try offers(["reseau", "--format", ""], in: dir) == OutputFormat.allCases.map(\.rawValue).sorted())
        #expect(try offers(["reseau", "--format", "j"], in: dir) == ["json", "jsonl"])
        #expect(try offers(["reseau", "-f", ""], in: dir) == ["data", "weekly.rql"])
        #expect(try offers(["reseau", "-o", ""], in: dir) == ["data", "notes.txt", "weekly.rql"])
        #expect(try offers(["reseau", "--data", ""], in: dir) == ["data"])
        #expect(try offers(["reseau", "check", "--data", ""], in: dir) == ["data"])
        #expect(try offers(["reseau", "check", "--"], in: dir) == ["--data", "--help"])
        #expect(try offers(["reseau", "--keep"], in: dir) == ["--keep-going"])
        #expect(try offers(["reseau", "-e", ""], in: dir) == [])
        // The map options (merge of maps): known as options, and take a value (a column name).
        #expect(try offers(["reseau", "--map"], in: dir) == ["--map-color", "--map-size"])
        #expect(try offers(["reseau", "--map-size", ""], in: dir) == [])
    }

    @Test func zshAndFishKnowCheckAndTheFormats() throws {
        for shell in ["zsh", "fish"] {
            let r = try reseau(["--generate-completion-script", shell])
            #expect(r.status == 0)
            #expect(r.stdout.contains("check"))
            #expect(r.stdout.contains(OutputFormat.allCases.map(\.rawValue).joined(separator: " ")))
            #expect(!r.stdout.contains("_reseau_help"))
            #expect(r.stdout.contains("map-size") && r.stdout.contains("map-color"), "\(shell): no map options")
        }
        let bad = try reseau(["--generate-completion-script", "tcsh"])
        #expect(bad.status == 2)
    }
}
