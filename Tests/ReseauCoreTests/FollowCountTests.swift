import Testing
@_spi(Testing) @_spi(Fuzz) import ReseauCore

/// `follow … | count` runs as a walk that counts nodes without making rows (issue 14, W4): it
/// must count exactly the rows the row-making walk yields — same depths, same nodes once each,
/// both directions of each edge type, several starts, a self-loop, several edge types at once.
/// `| select name | count` (a step between) keeps the row-making walk for comparison.
@Suite("follow | count")
struct FollowCountTests {
    static let walks: [String] = [
        "city \"Clermont-Ferrand\" | follow twin depth 1..2",
        "city \"Clermont-Ferrand\" | follow twin depth 1..1",
        "city \"Clermont-Ferrand\" | follow twin depth 2..3",
        "city \"Clermont-Ferrand\" | follow twin depth 3..3",
        "city \"Clermont-Ferrand\" | follow twin depth 1..6",
        "cities | follow twin depth 1..2",
        "cities | follow twin, member depth 1..3",
        "cities | follow partner depth 1..2",
        "cities | follow visit depth 1..3",
        "cities | where michelin | follow twin, partner, visit depth 2..4",
        "projects | follow partner depth 1..2",
        "cities | take 0 | follow twin depth 1..2",
    ]

    func rows(_ q: String, graph: Graph) -> String {
        runQuery(q, graph: graph, format: .tsv)
    }

    @Test(arguments: walks)
    func countsWhatTheRowsWalkYields(_ walk: String) {
        for g in [bundledGraph, PlannerRuleTests.loopGraph] {
            let fast = rows(walk + " | count", graph: g), slow = rows(walk + " | select name | count", graph: g)
            #expect(!fast.contains("error") && fast == slow, "\(walk): \(fast) ≠ \(slow)")
        }
    }

    @Test func explainAnalyzeStillShowsTheFollowsRows() {
        let out = runQuery("explain analyze city \"Clermont-Ferrand\" | follow twin depth 1..2 | count", format: .tsv)
        #expect(out.contains("Follow"))
    }
}
