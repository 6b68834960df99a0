import Foundation
import Testing
@testable import ReseauCore

func kinds(_ text: String) throws -> [Token.Kind] {
    try Lexer.tokenize(SourceText(name: "t", text: text)).map(\.kind)
}

/// The statements a text splits into, each as its tokens' source text joined by spaces.
func statements(_ text: String) throws -> [String] {
    let src = SourceText(name: "t", text: text)
    return StatementSplitter.split(try Lexer.tokenize(src)).map { toks in
        toks.dropLast().map { String(decoding: src.bytes[$0.span.start..<$0.span.end], as: UTF8.self) }.joined(separator: " ")
    }
}

@Suite("Lexer")
struct LexerTests {
    /// `.help STEP` reads one catalogue (LanguageHelp.steps), which the parser's step list comes
    /// from: every step has help, and every example in it runs.
    @Test func everyStepHasHelpWithAnExampleThatRuns() throws {
        #expect(Parser.stepNames == LanguageHelp.steps.map(\.name))
        for step in LanguageHelp.steps {
            let out = runQuery(step.example, format: .csv)
            #expect(!out.contains("error: "), "\(step.name): \(step.example)\n\(out)")
            #expect(LanguageHelp.help(step.name, schema: bundledGraph.schema)?.contains(step.syntax) == true)
        }
        for b in Builtin.allCases { #expect(LanguageHelp.help(b.rawValue, schema: bundledGraph.schema) != nil, "\(b)") }
        for t in bundledGraph.schema.nodeTypes { #expect(LanguageHelp.help(t.source, schema: bundledGraph.schema) != nil) }
        for t in bundledGraph.schema.edgeTypes { #expect(LanguageHelp.help(t.source, schema: bundledGraph.schema) != nil) }
    }

    /// Ctrl-C and --timeout reach the checker's name search (issue 16 item 5): on 1M cities a
    /// failed lookup's "did you mean" ran for seconds after SIGINT. The search polls every 1 024
    /// names, and a statement whose check was stopped is an interruption, not a query error.
    @Test func theNameSearchStopsOnCtrlC() throws {
        let many = (0..<5_000).map { "Ville \($0)" }
        let stopped = closestNamesCounted(to: "Ville 4999x", in: many, stop: { true })
        #expect(stopped.names.isEmpty && stopped.comparisons < 1_024)
        let session = Session(graph: bundledGraph)
        session.cancellation.cancel()
        do {
            try session.run(SourceText(name: "-e", text: "city \"Zzqxv\""), to: makeWriter(OutputOptions(format: .csv), graph: bundledGraph, output: StringOutput()))
            Issue.record("no error")
        } catch {
            guard case .interrupted = error else { Issue.record("expected an interruption, got \(error.rendered)"); return }
        }
    }

    /// "Did you mean" is bounded (issue 16 item 5): a name over 64 characters is not searched
    /// for, and a candidate whose length alone puts it too far is not compared; before, every
    /// name cost an edit distance of names × length (72 s for a 1 000-character name on 1M cities).
    @Test func suggestionsAreBounded() throws {
        let names = bundledGraph.allNames(type: nil)
        let long = closestNamesCounted(to: String(repeating: "x", count: 1_000), in: names)
        #expect(long.names.isEmpty && long.comparisons == 0)
        let typo = closestNamesCounted(to: "Regensbrug", in: names)
        #expect(typo.names.first == "Regensburg")
        #expect(typo.comparisons < names.count / 2, "\(typo.comparisons) of \(names.count) compared")
        #expect(closestNames(to: "clermont-ferand", in: names).first == "Clermont-Ferrand")
        #expect(runQuery("city \"" + String(repeating: "Oyem", count: 100) + "\"").contains("error: no city named"))
    }

    /// A library user may set any follow depth: the check stops walking the schema once the
    /// frontier of node types repeats (it looped Int.max times).
    @Test func anyFollowDepthChecksAtOnce() throws {
        var limits = Limits()
        limits.maxFollowDepth = Int.max
        #expect(runQuery("city \"Clermont-Ferrand\" | follow twin, member depth 1..9223372036854775807 | count", format: .csv, limits: limits).hasPrefix("count\n"))
    }

    @Test func numbersStringsParams() throws {
        #expect(try kinds("1_000 3.5 1..3 $year 'a\\'b' \"\\u{E9}\\n\"") == [
            .int(1000), .decimal(3.5), .int(1), .symbol(".."), .int(3), .param("year"), .string("a'b"), .string("é\n"), .end])
    }

    @Test func commentsAndShebang() throws {
        #expect(try kinds("#!/usr/bin/env -S reseau -f\ncities # all of them\n") == [.newline, .ident("cities"), .newline, .end])
    }

    @Test func spansAreBytes() throws {
        let t = try Lexer.tokenize(SourceText(name: "t", text: "city \"Querétaro\" | x"))
        #expect(t[1].span == Span(5, 17))
        #expect(t[3].span == Span(20, 21))
    }

    @Test func errors() {
        #expect(throws: Diagnostic.self) { try kinds("\"open") }
        #expect((try? kinds("a ! b")) == nil)
        #expect((try? kinds("12abc")) == nil)
        #expect((try? kinds("'\\q'")) == nil)
    }

    @Test func invalidUTF8() {
        let src = SourceText(name: "t", text: String(decoding: [0x63, 0xFF, 0x64], as: UTF8.self))
        // String(decoding:) replaces the byte; the lexer sees U+FFFD, not a letter.
        #expect((try? Lexer.tokenize(src)) == nil)
    }
}

@Suite("Where a query ends")
struct SplitterTests {
    @Test func newlineEndsUnlessContinued() throws {
        #expect(try statements("cities\ncount") == ["cities", "count"])
        #expect(try statements("cities |\n count") == ["cities | count"])
        #expect(try statements("cities\n  | count") == ["cities | count"])
        #expect(try statements("cities\n\n# comment\n  | count") == ["cities | count"])
        #expect(try statements("cities | where a ==\n 1") == ["cities | where a == 1"])
        #expect(try statements("cities | select a,\n b") == ["cities | select a , b"])
        #expect(try statements("cities | where (a\n or b)") == ["cities | where ( a or b )"])
        #expect(try statements("a; b\nc") == ["a", "b", "c"])
    }

    @Test func replCompleteness() {
        #expect(Session.isComplete("cities | count"))
        #expect(!Session.isComplete("cities |"))
        #expect(!Session.isComplete("cities | where a and"))
        #expect(!Session.isComplete("cities | where name in ["))
        #expect(!Session.isComplete("city \"Clerm"))
        #expect(Session.isComplete("cities | where x ==;"))
        #expect(Session.isComplete("cities | where x == 1 # note |"))
    }
}

@Suite("Parser")
struct ParserTests {
    func parse(_ text: String) throws -> Statement {
        let src = SourceText(name: "t", text: text)
        return try Parser.parseStatement(StatementSplitter.split(try Lexer.tokenize(src))[0])
    }

    @Test func precedence() throws {
        guard case .query(let q) = try parse("cities | where not a == 1 or b and c < 2 + 3 * 4"),
              case .filter(let e) = q.steps[0].kind else { Issue.record("no filter"); return }
        // or( not(a == 1), and(b, c < (2 + (3 * 4))) )
        guard case .binary(.or, .unary(.not, .binary(.eq, _, _, _), _), .binary(.and, _, .binary(.lt, _, .binary(.add, _, .binary(.mul, _, _, _), _), _), _), _) = e else {
            Issue.record("wrong tree: \(e)"); return
        }
    }

    @Test func keywordsAsFields() throws {
        guard case .query(let q) = try parse("fundings | select from, to, count, type, end | where count > 1"),
              case .select(let items) = q.steps[0].kind else { Issue.record("no select"); return }
        #expect(items.map { if case .name(let n) = $0.expr { n.text } else { "?" } } == ["from", "to", "count", "type", "end"])
    }

    @Test func patterns() throws {
        guard case .query(let q) = try parse("match (a:city {name: \"X\"})<-[t:twin|member]-(b), (b)-[:partner]->(p:project)"),
              case .match(let ps, _) = q.source else { Issue.record("no match"); return }
        #expect(ps.count == 2)
        #expect(ps[0].hops[0].0.direction == .left)
        #expect(ps[0].hops[0].0.labels.map(\.text) == ["twin", "member"])
        #expect(ps[1].hops[0].0.direction == .right)
    }

    @Test func nestingLimit() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(throws: Diagnostic.self) { try parse("cities | where " + deep + " == 1") }
        let out = runQuery("cities | where " + deep + " == 1")
        #expect(out.contains("nested too deeply"))
    }

    /// A chain of operators, '.'s or steps nests as deep as it is long, so it counts against the
    /// limit too (fuzzing found 200 000-term sums overflowing the stack).
    @Test(arguments: longChains)
    func chainsCountAsLevels(_ text: String) {
        #expect(runQuery(text).contains("error: the query is nested too deeply (limit 100)"))
    }

    /// Queries run on a stack with room for the largest nesting limit, whatever thread calls
    /// them (a test worker's stack is far smaller than a main thread's).
    @Test func deepestAllowedQueriesRun() {
        let n = Limits.maxNestingCeiling - 10
        let session = Session(graph: bundledGraph)
        session.limits.maxNesting = Limits.maxNestingCeiling
        for text in [
            "cities | where " + Array(repeating: "1", count: n).joined(separator: " + ") + " > 0 | count",
            "cities | where " + String(repeating: "(", count: n) + "true" + String(repeating: ")", count: n) + " | count",
            "cities" + String(repeating: " | skip 0", count: n) + " | count",
        ] {
            let out = StringOutput()
            do { try session.run(SourceText(name: "-e", text: text), to: makeWriter(OutputOptions(format: .csv), graph: bundledGraph, output: out)) }
            catch { Issue.record("\(error.rendered)") }
            #expect(out.text == "count\n38\n")
        }
    }
}

@Suite("Values in output")
struct OutputSemanticsTests {
    @Test func nodeRowPrintsFieldsAndNodeColumnPrintsName() {
        #expect(runQuery("city \"Oyem\" | select name, country_code", format: .csv) == "name,country_code\nOyem,GA\n")
        #expect(runQuery("twinnings | where to.name == \"Oyem\" | select from, to, kind", format: .csv) == "from,to,kind\nClermont-Ferrand,Oyem,solidarity\n")
    }

    @Test func nodeInJSONIsAnObject() throws {
        let out = runQuery("twinnings | where to.name == \"Oyem\" | select to, since", format: .json)
        let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[String: Any]]
        let to = rows[0]["to"] as! [String: Any]
        #expect(to["type"] as? String == "city")
        #expect(to["id"] as? String == "oyem")
        #expect(to["name"] as? String == "Oyem")
        #expect(rows[0]["since"] as? Int == 2006)
    }

    @Test func countInJSON() {
        #expect(runQuery("cities | where population > 1000000000 | count", format: .json).filter { !$0.isWhitespace } == "[{\"count\":0}]")
    }

    @Test func paramsFromOutside() {
        #expect(runQuery("param y = 2020\nfundings | where year == $y | count", params: ["y": .int(2021)], format: .csv) == "count\n16\n")
        #expect(runQuery("param y = 2020\nfundings | where year == $y | count", format: .csv) == "count\n15\n")
    }

    @Test func limits() {
        var l = Limits()
        l.maxRows = 10
        #expect(runQuery("cities | sort name | select name", format: .csv, limits: l).contains("error: 'sort' holds more than 10 rows"))
        l.maxPathLength = 1
        #expect(runQuery("path \"Oyem\" to \"Maebashi\" max 2", limits: l).contains("exceeds the limit of 1"))
        // The default bound of path is max: a 2-hop path is not found within 1.
        let none = runQuery("path \"Oyem\" to \"Maebashi\"", format: .csv, limits: l)
        #expect(none.hasPrefix("step,node,type,edge\nnote: no path from \"Oyem\" to \"Maebashi\" within 1 edges"), "\(none)")
    }

    @Test func explainShowsOperators() {
        let out = runQuery("explain city \"Oyem\" | twins | sort name | take 2", format: .tsv)
        #expect(out.contains("TopK 2 by name"))
        #expect(out.contains("Expand both ways twin (kind twinning)"))
        #expect(out.contains("LookupByName city \"Oyem\" via name index (1 match)"))
    }
}

/// Chains one longer than the default nesting limit (see `chainsCountAsLevels`).
let longChains: [String] = {
    let terms: (String, String) -> String = { t, op in Array(repeating: t, count: 101).joined(separator: op) }
    var out: [String] = []
    out.append("cities | where " + terms("1", " + ") + " > 0")
    out.append("cities | where " + terms("michelin", " and "))
    out.append("cities | where " + terms("michelin", " or "))
    out.append("cities | select " + terms("2", " * ") + " as x")
    out.append("twinnings | select from" + String(repeating: ".name", count: 101))
    out.append("cities" + String(repeating: " | skip 0", count: 101))
    return out
}()

/// `group by` an edge's end right on a scan runs on the column arrays (`columnAggregate`); the
/// same query through the generic row path (a filter the scan cannot take, `+ 0`) must give the
/// same rows in the same order, for every aggregate.
@Suite("Column aggregate")
struct ColumnAggregateTests {
    static let pairs: [(String, String)] = [
        ("fundings | where year == 2021 | group by from: n = count(), total = sum(amount), low = min(amount), high = max(amount), mean = avg(amount)",
         "fundings | where year + 0 == 2021 | group by from: n = count(), total = sum(amount), low = min(amount), high = max(amount), mean = avg(amount)"),
        ("fundings | group by to: n = count(), years = list(year), total = sum(amount)",
         "fundings | where amount + 0 == amount or amount == null | group by to: n = count(), years = list(year), total = sum(amount)"),
        ("twinnings | group by to: n = count(), first = min(since)",
         "twinnings | where since + 0 == since or since == null | group by to: n = count(), first = min(since)"),
        ("fundings | group by from: total = sum(amount)",
         "fundings | where amount + 0 == amount or amount == null | group by from: total = sum(amount)"),
        ("fundings | where year >= 2021 | group by to: total = sum(amount)",
         "fundings | where year + 0 >= 2021 | group by to: total = sum(amount)"),
        ("memberships | where since >= 2017 | group by to: n = count()",
         "memberships | where since + 0 >= 2017 | group by to: n = count()"),
    ]

    @Test(arguments: 0..<pairs.count)
    func sameAsRowPath(_ i: Int) {
        let (fast, slow) = ColumnAggregateTests.pairs[i]
        let a = runQuery(fast, format: .csv), b = runQuery(slow, format: .csv)
        #expect(!a.contains("error") && a.split(separator: "\n").count > 2)
        #expect(a == b)
    }
}

/// `sort … | take k` keeps the best k as it reads (top-k); it must give exactly the first k
/// rows of the full sort, ties in input order and nulls last included.
@Suite("Top-k")
struct TopKTests {
    static let sorts = ["sort country", "sort michelin, name desc", "sort population", "sort population desc",
                        "sort country_code desc, population", "sort continent"]

    @Test(arguments: sorts)
    func sameAsFullSort(_ sort: String) {
        let full = runQuery("cities | \(sort) | select id", format: .csv).split(separator: "\n")
        #expect(full.count == 39)
        for k in [0, 1, 3, 10, 38, 50] {
            let top = runQuery("cities | \(sort) | take \(k) | select id", format: .csv).split(separator: "\n")
            #expect(top == Array(full.prefix(k + 1)), "\(sort) | take \(k)")
        }
    }
}
