import Testing
@_spi(Fuzz) @testable import ReseauCore

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

/// W6's end tests on a bitset of the node column (used from 262 144 nodes on) give the answers
/// of the byte column: run here on the bundled network with the threshold lowered to 1.
@Suite("packed end tests")
struct PackedEndTestTests {
    static let queries = [
        "twinnings | where from.michelin and to.michelin and from.country_code != to.country_code | count",
        "twinnings | where not from.michelin and to.michelin | select from.name as f, to.name as t",
        "twinnings | where from.michelin or to.michelin | count",
        "match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin and a.country_code != b.country_code | count",
        "match (a:city)-[:twin]->(b:city) | where not b.michelin | select a.name as an, b.name as bn",
    ]

    @Test(arguments: queries)
    func sameAnswersPacked(_ q: String) {
        let bytes = runQuery(q, format: .tsv)
        let bits = ColumnPredicates.$packThreshold.withValue(1) { runQuery(q, format: .tsv) }
        #expect(!bytes.contains("error") && bits == bytes, "\(q)")
    }
}
