import Foundation
import Testing
import ReseauCore

/// Golden tests: each `.rql` file under Tests/Golden/ runs against the bundled network and its
/// output (results as plain tables, then any error as printed) must equal the `.out` file beside
/// it. The saved queries of Queries/ run the same way, their outputs in Tests/Golden/saved/.
///
/// To rewrite the expectations on purpose: `RESEAU_UPDATE_GOLDEN=1 swift test --filter Golden`,
/// then review the diff.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let query: String
    let expected: String
    var testDescription: String { query }

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
        let actual = runQuery(text, name: c.query)
        if ProcessInfo.processInfo.environment["RESEAU_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: (Repo.path(c.expected) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(toFile: Repo.path(c.expected), atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: Repo.path(c.expected), encoding: .utf8)
        #expect(actual == expected, "\(c.query): output differs from \(c.expected)")
    }
}
