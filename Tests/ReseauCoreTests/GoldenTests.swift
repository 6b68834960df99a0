import Foundation
import Testing
import ReseauCore

/// Golden tests: each `.rql` file under Tests/Golden/ runs against the bundled network and its
/// output (results as plain tables, then any error as printed) must equal the `.out` file beside
/// it. The saved queries of Queries/ run the same way, their outputs in Tests/Golden/saved/.
/// A `# limits: …` line sets limits (`--max-rows`, `--max-depth`, `--max-path`, `--max-memory`); a `# cite` line runs the case as under `--cite`.
///
/// To rewrite the expectations on purpose: `RESEAU_UPDATE_GOLDEN=1 swift test --filter Golden`,
/// then review the diff.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let query: String
    let expected: String
    var testDescription: String { query }

    /// Limits a case sets on its first lines, as `# limits: --max-rows 2` (the flags of the same
    /// names on the command line), so that a golden file can hit a bound of the bundled network.
    static func limits(_ text: String) -> Limits? {
        var l = Limits(), any = false
        for line in text.split(separator: "\n") where line.hasPrefix("# limits:") {
            let words = line.dropFirst("# limits:".count).split(separator: " ").map(String.init)
            var i = 0
            while i + 1 < words.count {
                let n = Int(words[i + 1]) ?? 0
                switch words[i] {
                case "--max-rows": l.maxRows = n
                case "--max-depth": l.maxFollowDepth = n
                case "--max-path": l.maxPathLength = n
                case "--max-memory":
                    guard let m = Limits.parseBytes(words[i + 1]) else { Issue.record("bad size \(words[i + 1]) in a golden file"); break }
                    l.maxMemory = m
                default: Issue.record("unknown limit \(words[i]) in a golden file")
                }
                any = true
                i += 2
            }
        }
        return any ? l : nil
    }

    /// True when a line of the case is `# cite`: it runs as under `--cite` (a `sources` column).
    static func cite(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "# cite" }
    }

    static func all() -> [GoldenCase] {
        var out: [GoldenCase] = []
        let fm = FileManager.default
        if let e = fm.enumerator(atPath: Repo.path("Tests/Golden")) {
            for case let p as String in e where p.hasSuffix(".rql") {
                out.append(GoldenCase(query: "Tests/Golden/" + p, expected: "Tests/Golden/" + p.dropLast(4) + ".out"))
            }
        }
        for p in (try? fm.contentsOfDirectory(atPath: Repo.path("Queries"))) ?? [] where p.hasSuffix(".rql") {
            out.append(GoldenCase(query: "Queries/" + p, expected: "Tests/Golden/saved/" + p.dropLast(4) + ".out"))
        }
        return out.sorted { $0.query < $1.query }
    }
}

@Suite("Golden")
struct GoldenTests {
    @Test("golden files exist", .tags())
    func filesExist() {
        #expect(GoldenCase.all().count >= 40)
    }

    @Test(arguments: GoldenCase.all())
    func golden(_ c: GoldenCase) throws {
        let text = try String(contentsOfFile: Repo.path(c.query), encoding: .utf8)
        let actual = runQuery(text, name: c.query, limits: GoldenCase.limits(text), cite: GoldenCase.cite(text))
        if ProcessInfo.processInfo.environment["RESEAU_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: (Repo.path(c.expected) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(toFile: Repo.path(c.expected), atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: Repo.path(c.expected), encoding: .utf8)
        #expect(actual == expected, "\(c.query): output differs from \(c.expected)")
    }
}
