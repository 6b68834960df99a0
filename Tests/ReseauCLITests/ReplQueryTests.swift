import Foundation
import Testing
@testable import ReseauCLI

/// The REPL on the bundled network: queries, completion by context, continuation, cancelling.
@Suite(.serialized) struct ReplQueryTests {
    let home = TemporaryFolder()

    func start() throws -> PTYProcess {
        let p = try PTYProcess(arguments: [], environment: PTYProcess.environment(home: home.path, state: home.file("state")))
        _ = try p.prompt()
        return p
    }

    func quit(_ p: PTYProcess) {
        p.send("\u{4}")
        #expect(p.waitForExit() == 0)
    }

    @Test func aQueryPrintsItsTableWithARowCount() throws {
        let p = try start()
        let out = stripANSI(try p.run("city \"Clermont-Ferrand\" | twins | sort edge.since | select name, edge.since as since"))
        #expect(out.contains("Salford"))
        #expect(out.contains("1966"))
        #expect(out.contains("(7 rows)"))
        quit(p)
    }

    @Test func tabCompletesAKeywordAndAnAccentedCityName() throws {
        let p = try start()
        p.send("cities | whe\t")
        try p.expect("where")
        p.send(" michelin | cou\t")
        try p.expect("count")
        #expect(stripANSI(try p.run("")).contains("25"))
        // "quer" matches a word inside the name; the canonical, accented name is inserted.
        p.send("city \"quer\t")
        try p.expect("Santiago de Querétaro\"")
        #expect(stripANSI(try p.run(" | select country")).contains("Mexico"))
        // Fields of the rows at that point.
        p.send("fundings | where amou\t")
        try p.expect("amount")
        #expect(stripANSI(try p.run(" > 100000 | count")).contains("4"))
        quit(p)
    }

    @Test func anUnfinishedQueryContinuesOnTheNextLine() throws {
        let p = try start()
        p.send("cities |\r")
        try p.expect(Repl.continuationPrompt)
        p.send("where michelin |\r")
        try p.expect(Repl.continuationPrompt)
        #expect(stripANSI(try p.run("count")).contains("25"))
        // An open string continues too; `;` ends a query at once.
        p.send("cities | count;\r")
        #expect(stripANSI(try p.prompt()).contains("38"))
        quit(p)
    }

    @Test func ctrlCCancelsARunningQueryAndThePromptComesBack() throws {
        let p = try start()
        // 38^5 ≈ 79 million bindings: runs for seconds unless cancelled.
        p.send("match (a:city), (b:city), (c:city), (d:city), (e:city) | count\r")
        try p.expect("\n")
        Thread.sleep(forTimeInterval: 0.4)
        let sent = Date()
        p.send("\u{3}")
        try p.prompt(timeout: 5)
        #expect(Date().timeIntervalSince(sent) < 2, "cancelling took too long")
        #expect(stripANSI(try p.run("cities | count")).contains("38"))
        quit(p)
    }
}
