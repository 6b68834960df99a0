import Testing
@_spi(Fuzz) @testable import ReseauCore

/// Every planner rule keeps the rows and their order: each query runs with all rules and with
/// none (the Checker's plan as it is, joins as nested loops), and the two answers must be equal.
/// `explain` shows each rule's operator.
@Suite("Planner rules")
struct PlannerRuleTests {
    static let queries: [String] = [
        // Set and group tools over rule-rewritten inputs (top-k, dense/column aggregates, edge walks).
        "cities | sort population desc | take 2 per country | select name, country",
        "match (a:city)-[t:twin]->(b:city) | sort t.since desc | take 1 per a | select a.name as an, b.name as bn",
        "visits | where to.country is not null | group by to: n = count(), c = sum(cost) with totals",
        "fundings | where year is not null | group by from: total = sum(amount) with totals | sort total desc | take 3",
        "match (a:city)-[:twin]->(b:city) | select a.name as n | union (cities | where michelin | select name as n) | count",
        "cities | sort population desc | take 3 | select name | append (countries | select name) | count",
        // match → edge match: directions, undirected, labels on either side, pattern tests, where
        "match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin and a.country_code != b.country_code | count",
        "match (a:city)-[t:twin]->(b:city) | select a.name as an, b.name as bn, t.since",
        "match (a:city)-[t:twin]-(b:city) | where a.michelin | count",
        "match (a)<-[t:visit]-(b) | where a.population > 100000 or b.michelin | count",
        "match (a)-[t:partner]-(b) | count",
        "match (a)-[t:twin]-(b) | select a.name as an, b.name as bn, t.kind",
        "match (a:city)<-[t:twin]-(b) | select a.name as an, b.name as bn",
        "match (b)<-[t:twin]-(a:city) | select a.name as an, b.name as bn",
        "match (a)-[p:partner]->(x) | where a.population > 100000 | select a.name as an, x.name as xn, p.role",
        "match (x:project)<-[p:partner]-(a) | select a.name as an, x.name as xn",
        "match (a)-[p:partner]-(x) | select a.name as an, x.name as xn",
        "match (a:city {michelin: true})-[v:visit]->(b) | where b.population > 50000 or b.michelin | select a.name as an, b.name as bn, v.trip",
        "match (a)-[v:visit]->(b:city {michelin: false}) | select a.name as an, b.name as bn",
        "match (a)-[t:twin {since: 1966}]-(b) | select a.name as an, b.name as bn",
        "match (a:city)-[t:twin]-(b:city) | where t.since > 1970 and a.name != \"Salford\" | select a.name as an, b.name as bn, t.since",
        "match (a {name: \"Clermont-Ferrand\"})-[t:twin]-(b) | select b.name",
        "match (a:city)-[:member]->(o:org) | group by o: n = count() | sort n desc, o.name",
        // match order under count: the cheapest variables first, the same count
        "match (c:city)-[:twin]-(x:city), (c)-[:partner]->(p:project) | count",
        "match (o:org)-[:funds]->(p:project)<-[:partner]-(c:city) | where c.michelin | count",
        "match (a:city)-[:member]->(o:org), (b:city)-[:member]->(o) | where a != b | count",
        "match (a:country), (b:org {kind: \"network\"}) | count",
        "match (a)-[v:visit]->(b), (b)-[:twin]-(c) | where a != c | select a.name as an | count",
        "match (c:city)-[:twin]-(x:city), (c)-[:partner]->(p:project) | select c.name as cn, x.name as xn, p.name as pn",
        // filter into scan, partly
        "cities | where michelin and population > 100000 and name != \"Cuneo\" | select name",
        "cities | where population > 100000 and exists(out partner) | select name",
        "cities | follow twin depth 1..2 | where exists(out partner) and not exists(in twin) | select name, prev.name as p",
        "twinnings | where from.michelin and to.michelin and from.country_code != to.country_code | count",
        "twinnings | where not from.michelin or since < 1980 | select from.name as f, to.name as t",
        // joins
        "cities | join countries on country_code == right.code and population > 100000 | select name, right.name as rn",
        "cities | join countries on population > 1000000 | count",
        "cities | take 3 | join (cities | take 3) on name != right.name | select name, right.name as rn",
        // aggregates
        "fundings | where year == 2015 | group by from: total = sum(amount) | sort total desc | take 10",
        // a column aggregate whose first conjunct is a selector (an integer column against a
        // constant, every operator, the constant on either side, a null year, a second conjunct)
        "fundings | where year == 2021 | group by from: total = sum(amount) | sort total desc | take 10",
        "fundings | where year != 2021 | group by from: n = count(), total = sum(amount)",
        "fundings | where year < 2022 | group by from: n = count()",
        "fundings | where year <= 2021 | group by to: m = max(amount)",
        "fundings | where year > 2020 | group by from: total = sum(amount)",
        "fundings | where 2021 <= year | group by from: total = sum(amount)",
        "fundings | where year >= 2020 and amount > 1000 | group by from: total = sum(amount)",
        "fundings | where year == 99999 | group by from: n = count()",
        "twinnings | where since < 1970 | group by from: n = count()",
        "fundings | group by from: n = count(), m = max(amount)",
        "memberships | group by to: n = count()",
        "cities | group by country_code: n = count(), p = sum(population)",
        "cities | follow twin depth 1..2 | group by prev: n = count()",
        // top-k
        "cities | sort population desc | skip 2 | take 3 | select name",
        "cities | where name in (twinnings | select to.name) | sort name | take 4 | select name",
    ]

    /// The bundled network with a visit from Clermont-Ferrand to itself (a self-loop; visits
    /// already hold parallel edges: two trips from Clermont-Ferrand to Querétaro).
    static let loopGraph: Graph = {
        let visits = try! BundledSource().read("visits.csv")!
        let extra = Array("clermont-ferrand,clermont-ferrand,trip-self,test,2021-01-01,2021-01-02,1,,test\n".utf8)
        return try! Loader.load(FuzzTargets.OverlaySource(file: "visits.csv", bytes: visits + extra))
    }()

    static let loopQueries: [String] = [
        "match (a)-[v:visit]-(b) | select a.name as an, b.name as bn, v.trip",
        "match (a)-[v:visit]-(b) | count",
        "match (a:city)-[v:visit]->(b) | where a.michelin | select a.name as an, b.name as bn, v.trip",
        "match (a:city)-[v:visit]->(b) | where a.michelin | count",
        "match (a:city)<-[v:visit]-(b) | select a.name as an, b.name as bn, v.trip",
        "match (a:city)<-[v:visit]-(b) | where b.population > 1 | count",
        "match (a)-[v:visit]-(b:city {michelin: true}) | count",
        "match (a)-[v:visit]-(b), (b)-[w:visit]->(c), (c)-[:twin]-(d) | count",
        "match (a:city {michelin: true})-[v:visit]-(b), (b)<-[w:visit]-(c) | where v != w | count",
    ]

    @Test(arguments: loopQueries)
    func selfLoopsAndParallelEdges(_ q: String) {
        let plain = run(q, [], graph: Self.loopGraph)
        #expect(!plain.contains("error"), "\(q): \(plain)")
        #expect(run(q, .all, graph: Self.loopGraph) == plain, "\(q)")
    }

    @Test func undirectedCountsASelfLoopOnce() {
        // 9 visits, one of them a loop: 8 edges seen from both ends, the loop once.
        #expect(run("match (a)-[v:visit]-(b) | count", .all, graph: Self.loopGraph) == "\(Value.int(17))")
    }

    func run(_ text: String, _ rules: Optimizer.Rules, graph: Graph = bundledGraph) -> String {
        let session = Session(graph: graph)
        session.plannerRules = rules
        let w = CollectingWriter()
        do {
            try session.run(SourceText(name: "-e", text: text), to: w)
            return w.result.rows.map { $0.map { "\($0)" }.joined(separator: "|") }.joined(separator: "\n")
        } catch {
            return error.rendered
        }
    }

    @Test(arguments: queries)
    func sameAnswerWithAndWithoutRules(_ q: String) {
        let plain = run(q, [])
        #expect(!plain.contains("error"), "\(q): \(plain)")
        #expect(run(q, .all) == plain, "\(q)")
    }

    func explain(_ q: String) -> String { runQuery("explain " + q, format: .tsv) }

    @Test func explainShowsEachRule() {
        #expect(explain("match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin and a.country_code != b.country_code | count")
            .contains("EdgeMatch (a) -[:twin]-> (b) as a walk of twinnings (8 rows) from each from-node filter(a.michelin and b.michelin and a.country_code != b.country_code), skipping the nodes that fail a.michelin"))
        #expect(explain("match (a:city)-[:twin]->(b:city) | where b.michelin | count").contains("EdgeMatch (a) -[:twin]-> (b) as a walk of twinnings (8 rows) in edge order (counted: no order needed) filter(b.michelin)"))
        #expect(explain("match (a:city)-[:twin]-(b:city) | where a.michelin | select a.name as an, b.name as bn").contains("EdgeMatch (a) -[:twin]- (b) as a walk of twinnings (8 rows) both ways filter(a.michelin), skipping the nodes that fail a.michelin"))
        #expect(explain("cities | where michelin and population > 1 and exists(out partner)").contains("ColumnScan cities (38 rows) filter(michelin and population > 1)"))
        #expect(explain("cities | join countries on country_code == right.code").contains("HashJoin keys(country_code = right.code)"))
        #expect(explain("cities | join countries on population > 1").contains("NestedLoopJoin"))
        #expect(explain("fundings | group by from: total = sum(amount)").contains("ColumnAggregate keys [from] aggregates [sum]"))
        // Under a column aggregate, an integer field against a constant runs as a selection loop.
        #expect(explain("fundings | where year == 2021 and amount > 0 | group by from: total = sum(amount)")
                .contains("ColumnScan fundings (34 rows) filter(year == 2021 and amount > 0), year == 2021 as a selection loop"))
        #expect(!explain("fundings | where amount > 0 | group by from: total = sum(amount)").contains("selection loop"))
        #expect(explain("cities | follow twin | group by prev: n = count()").contains("DenseAggregate keys [prev] aggregates [count] (groups by city row, no hashing)"))
        #expect(explain("cities | sort name | take 2").contains("TopK 2 by name"))
    }

    /// The selection loop is the planner's choice, recorded on the conjunct
    /// (`Conjunct.selectionLoop`): the executor and `explain` read it there, neither decides again.
    @Test func theSelectionLoopIsThePlannersChoice() throws {
        let compiler = Compiler(graph: bundledGraph)
        func plan(_ q: String) throws -> PlanNode {
            let source = SourceText(name: "-e", text: q)
            let tokens = try compiler.statements(source)[0]
            return try #require(try compiler.compile(tokens, source).plan)
        }
        func conjuncts(_ p: PlanNode) -> [Conjunct]? {
            if case .columnScan(_, let cs) = p.op { return cs }
            return p.op.children.lazy.compactMap(conjuncts).first
        }
        func unmarked(_ p: PlanNode) -> PlanNode {
            if case .columnScan(let t, let cs) = p.op { return PlanNode(.columnScan(t, cs.map { Conjunct($0.expr, $0.text) }), p.shape, at: p.span) }
            return p.replacingChildren(p.op.children.map(unmarked))
        }
        func rows(_ p: PlanNode) throws -> [Row] {
            var out: [Row] = []
            _ = try Executor(graph: bundledGraph, cancellation: CancellationFlag(), limits: Limits()).run(p) { out.append($0); return true }
            return out
        }
        let marked = try plan("fundings | where year == 2021 and amount > 0 | count")
        #expect(conjuncts(marked)?.map(\.selectionLoop) == [true, false])
        // A constant wider than the column, a test other than a comparison: no loop.
        #expect(conjuncts(try plan("fundings | where year == 99999 | count"))?.map(\.selectionLoop) == [false])
        #expect(conjuncts(try plan("cities | where michelin and country_code == \"FR\" | count"))?.map(\.selectionLoop) == [false, false])
        #expect(conjuncts(try plan("cities | where country_code == \"FR\" and michelin | count"))?.map(\.selectionLoop) == [true, false])
        // Without the mark the same plan tests every position, with the same answer, and explain
        // no longer says "selection loop".
        let plain = unmarked(marked)
        #expect(try rows(plain) == rows(marked))
        #expect(try rows(marked).first?.first == .int(16))
        #expect(Explain.lines(marked, graph: bundledGraph).joined().contains("year == 2021 as a selection loop"))
        #expect(!Explain.lines(plain, graph: bundledGraph).joined().contains("selection loop"))
    }

    @Test func explainShowsSubplans() {
        let out = explain("cities | where name in (visits | select to.name) and exists(out partner)")
        #expect(out.contains("Subplan in (…): run once, its values hashed"))
        #expect(out.contains("ScanEdges visits (8 rows)"))
        #expect(out.contains("Subplan exists(…): run once for each node, from the node, until its first row"))
        #expect(out.contains("Expand out partner"))
    }

    @Test func explainAnalyzeCountsRows() {
        let out = runQuery("explain analyze cities | where michelin | count", format: .tsv)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Output count  (rows 1, ") && $0.hasSuffix(" ms)") }, "\(out)")
        #expect(lines.contains { $0.hasPrefix("  Count  (rows 1, ") && $0.hasSuffix(" ms)") }, "\(out)")
        let michelin = runQuery("cities | where michelin | count", format: .tsv).split(separator: "\n").last.map(String.init) ?? ""
        #expect(lines.contains { $0.hasPrefix("    ColumnScan cities (38 rows) filter(michelin)  (rows \(michelin), ") }, "\(out)")
    }
}
