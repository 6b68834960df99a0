import Foundation
import Testing
@testable import ReseauCLI

/// `--cite` and `.cite on|off` through the real binary (issue 12 item 3). The goldens of
/// Tests/Golden/cite/ cover what each step cites; these check the flag, the formats and the REPL.
@Suite(.serialized) struct CiteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let query = #"fundings | where year == 2020 and to.id == "perennisation-rivm" | group by year: total = sum(amount)"#

    /// The `source` of every 2020 funding of the perennisation project, read from Data/fundings.csv
    /// (org,project,amount,year,note,source: the fields before the note hold no comma).
    static func fundingLines2020() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("Data/fundings.csv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 6, f[1] == "perennisation-rivm", f[3] == "2020" else { return nil }
            return String(f[f.count - 1])
        }
    }

    @Test func theFundingsOf2020CiteExactlyTheirFourteenLines() throws {
        let r = try reseau(["--cite", "--format", "json", "-e", Self.query])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        let sources = try #require(rows.first?["sources"] as? [String])
        let expected = try Self.fundingLines2020()
        #expect(expected.count == 14)
        #expect(sources == expected.sorted { a, b in
            let (fa, la) = (a.split(separator: ":")[0], Int(a.split(separator: ":")[1])!)
            let (fb, lb) = (b.split(separator: ":")[0], Int(b.split(separator: ":")[1])!)
            return (fa, la) < (fb, lb)
        })
        #expect(rows.first?["total"] as? Int == 473397)
        // Each cited line is a 2020 row of the seed's funding table (when the seeds are here).
        let seed = Self.root.deletingLastPathComponent().appendingPathComponent("shared/seeds/002_671a6b7235ccf533.txt")
        if let text = try? String(contentsOf: seed, encoding: .utf8) {
            let lines = text.components(separatedBy: "\n")
            let years2020 = lines.indices.filter { lines[$0].contains("| 2020 |") }.map { "002_671a6b7235ccf533.txt:\($0 + 1)" }
            #expect(sources == years2020)
        }
    }

    @Test func tablesAndCSVJoinTheSourcesWithASemicolon() throws {
        let r = try reseau(["--cite", "--format", "csv", "-e", #"cities | where name == "Cuneo" | select name"#])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "name,sources\nCuneo,002_671a6b7235ccf533.txt:98; 003_d6d41586a6c14d41.txt:11\n")
        let t = try reseau(["--cite", "--format", "tsv", "-e", #"path "Cuneo" to "Pirot" | aggregate n = count()"#])
        #expect(t.stdout.hasPrefix("n\tsources\n3\t"), "\(t.stdout)")
        #expect(t.stdout.contains("002_671a6b7235ccf533.txt:99"))
    }

    @Test func withoutCiteThereIsNoSourcesColumn() throws {
        let r = try reseau(["--format", "csv", "-e", #"cities | where name == "Cuneo" | select name"#])
        #expect(r.stdout == "name\nCuneo\n")
        let e = try reseau(["-e", "explain fundings | group by from: total = sum(amount)"])
        #expect(e.stdout.contains("ColumnAggregate"), "\(e.stdout)")
        let c = try reseau(["--cite", "-e", "explain fundings | group by from: total = sum(amount)"])
        #expect(!c.stdout.contains("ColumnAggregate") && c.stdout.contains("sources (--cite"), "\(c.stdout)")
    }

    @Test func citeOnAndOffInTheREPL() throws {
        let home = TemporaryFolder()
        let p = try PTYProcess(arguments: [], environment: PTYProcess.environment(home: home.path, state: home.file("state")))
        _ = try p.prompt()
        #expect(try p.run(".cite").contains("cite: off"))
        try p.run(".format csv")
        #expect(!(try p.run(#"city "Cuneo" | select name"#).contains("sources")))
        try p.run(".cite on")
        #expect(try p.run(".cite").contains("cite: on"))
        #expect(stripANSI(try p.run(".show")).contains("cite"))
        let out = stripANSI(try p.run(#"city "Cuneo" | select name"#))
        #expect(out.contains("name,sources") && out.contains("Cuneo,002_671a6b7235ccf533.txt:98; 003_d6d41586a6c14d41.txt:11"), "\(out)")
        try p.run(".cite off")
        #expect(!(try p.run(#"city "Cuneo" | select name"#).contains("sources")))
        #expect(try p.run(".help cite").contains("seed lines"))
        p.send("\u{4}")
        #expect(p.waitForExit() == 0)
    }
}
