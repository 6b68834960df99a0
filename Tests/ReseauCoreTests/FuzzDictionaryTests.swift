import Foundation
import Testing
@_spi(Fuzz) @testable import ReseauCore

/// Fuzz/query.dict is made from the language's catalogues (issue 10 item 7: no hand-kept copy
/// of the step, function or format lists): this fails while the file differs from what
/// `FuzzTargets.dictionary` makes of them; RESEAU_REGENERATE=1 rewrites it.
@Suite struct FuzzDictionaryTests {
    static let path = "Fuzz/query.dict"

    @Test func dictionaryIsGeneratedFromTheCatalogues() throws {
        let fresh = FuzzTargets.dictionary(schema: .shared)
        let current = try String(contentsOfFile: Repo.path(Self.path), encoding: .utf8)
        if current != fresh, ProcessInfo.processInfo.environment["RESEAU_REGENERATE"] == "1" {
            try fresh.write(toFile: Repo.path(Self.path), atomically: true, encoding: .utf8)
            return
        }
        #expect(current == fresh, "Fuzz/query.dict is stale: run `RESEAU_REGENERATE=1 swift test --filter FuzzDictionaryTests`")
    }

    /// Every catalogue reaches it: a step, a word of a step's syntax, a function, an aggregate, a
    /// source, a field, a symbol, a format; and every entry is one libFuzzer can read (quoted,
    /// printable ASCII or \xNN escapes).
    @Test func dictionaryCoversEveryCatalogue() {
        let dict = FuzzTargets.dictionary(schema: .shared)
        let lines = dict.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        for entry in ["\"nearest\"", "\"totals\"", "\"left\"", "\"coalesce\"", "\"count_distinct\"", "\"twinnings\"",
                      "\"michelin\"", "\"..\"", "\"~\"", "\"#!format=graphml\\x0A\""] {
            #expect(lines.contains(entry), "\(entry) missing")
        }
        for s in LanguageHelp.steps { #expect(lines.contains("\"\(s.name)\"")) }
        for b in Builtin.allCases { #expect(lines.contains("\"\(b.rawValue)\"")) }
        for l in lines {
            #expect(l.hasPrefix("\"") && l.hasSuffix("\"") && l.count >= 3, "\(l)")
            #expect(l.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(l)")
        }
        #expect(Set(lines).count == lines.count, "an entry repeats")
    }
}
