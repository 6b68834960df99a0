import Testing
import ReseauCore

/// Run-time errors inside subqueries fail the query: Ctrl-C, the time limit and `--max-rows`
/// hit inside `exists(…)`, `in (…)`, a `let` or a join's side are never turned into an answer.
/// (`exists` once ran its subplan under `try?`: `--max-rows 2` made
/// `cities | where exists(follow twin depth 1..3 | sort name) | count` print 0.)
/// Interrupts come from `CancellationFlag.trip(afterChecks:)`: the first check is the one before
/// the run; the second is the `sort`'s, after it has read its input — inside the subquery.
@Suite("Run-time errors in subqueries")
struct RuntimeErrorTests {
    static let places: [(String, String)] = [
        ("exists", "cities | where exists(follow twin depth 1..3 | sort name) | count"),
        ("not exists", "cities | where not exists(follow twin depth 1..3 | sort name) | count"),
        ("in", "cities | where name in (cities | sort name | select name) | count"),
        ("let", "let x = cities | sort name\nx | count"),
        ("join side", "cities | join (cities | sort name) on name == right.name | count"),
    ]

    func run(_ text: String, trip: Bool, timedOut: Bool = false) -> (String, QueryError?) {
        let session = Session(graph: bundledGraph)
        if trip { session.cancellation.trip(afterChecks: 2, timedOut: timedOut) }
        let w = CollectingWriter()
        do {
            try session.run(SourceText(name: "-e", text: text), to: w)
            return (w.result.rows.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n"), nil)
        } catch {
            return (error.rendered, error)
        }
    }

    @Test(arguments: places.map(\.0))
    func ctrlCInsideASubqueryInterruptsTheQuery(_ place: String) {
        let text = Self.places.first { $0.0 == place }!.1
        let (out, error) = run(text, trip: true)
        guard case .interrupted(let i)? = error else { Issue.record("\(place): not interrupted: \(out)"); return }
        #expect(!i.timedOut)
        #expect(out == "interrupted\n")
    }

    @Test(arguments: places.map(\.0))
    func timeoutInsideASubqueryFailsAtTheStep(_ place: String) {
        let text = Self.places.first { $0.0 == place }!.1
        let (out, error) = run(text, trip: true, timedOut: true)
        guard case .failed(let d, _)? = error else { Issue.record("\(place): did not fail: \(out)"); return }
        #expect(d.message == "time limit exceeded")
        // The caret is under the `sort` inside the subquery.
        let b = Array(text.utf8)
        #expect(String(decoding: b[d.span.start..<d.span.end], as: UTF8.self) == "sort name", "\(place): \(out)")
    }

    @Test func withoutInterruptTheAnswersStand() {
        #expect(run(Self.places[0].1, trip: false).0 == "\(Value.int(9))")
        #expect(run(Self.places[1].1, trip: false).0 == "\(Value.int(29))")
    }
}

/// `--max-memory`: the budget is hit inside subqueries at their step, like `--max-rows`, and a
/// step gives its bytes back when it is done (an `exists` subquery that sorts runs once per city
/// and must not add up).
@Suite("Memory budget")
struct MemoryBudgetTests {
    func run(_ text: String, maxMemory: Int) -> (String, QueryError?) {
        let session = Session(graph: bundledGraph)
        session.limits.maxMemory = maxMemory
        let w = CollectingWriter()
        do {
            try session.run(SourceText(name: "-e", text: text), to: w)
            return (w.result.rows.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n"), nil)
        } catch {
            return (error.rendered, error)
        }
    }

    @Test(arguments: RuntimeErrorTests.places.map(\.0))
    func theBudgetInsideASubqueryFailsAtTheStep(_ place: String) {
        let text = RuntimeErrorTests.places.first { $0.0 == place }!.1
        let (out, error) = run(text, maxMemory: 1_000)
        guard case .failed(let d, _)? = error else { Issue.record("\(place): did not fail: \(out)"); return }
        #expect(d.message == "'sort' takes the query over its memory budget of 1000 bytes", "\(place): \(out)")
        let b = Array(text.utf8)
        #expect(String(decoding: b[d.span.start..<d.span.end], as: UTF8.self) == "sort name", "\(place): \(out)")
    }

    @Test func stepsGiveTheirBytesBack() {
        // Each city's subquery sorts a few rows; 60 runs of it would not fit if they added up.
        let text = "cities | where exists(follow twin depth 1..2 | sort name) | count"
        #expect(run(text, maxMemory: 64 << 10).1 == nil)
        #expect(run(text, maxMemory: Int.max).0 == run(text, maxMemory: 64 << 10).0)
    }

    @Test func sizes() {
        #expect(Limits.parseBytes("512M") == 512 << 20)
        #expect(Limits.parseBytes("4G") == 4 << 30)
        #expect(Limits.parseBytes("4gib") == 4 << 30)
        #expect(Limits.parseBytes("1.5K") == 1536)
        #expect(Limits.parseBytes("100000") == 100_000)
        #expect(Limits.parseBytes("0") == Int.max)
        #expect(Limits.parseBytes("none") == Int.max)
        for bad in ["", "M", "-1M", "lots", "1..2G", "0.1"] { #expect(Limits.parseBytes(bad) == nil, "\(bad)") }
        #expect(Limits.describeBytes(512 << 20) == "512M")
        #expect(Limits.describeBytes(1536) == "1.5K")
        #expect(Limits.describeBytes(Int.max) == "none")
        // One decimal, rounded half up (computed in integers, not through vsnprintf).
        #expect(Limits.describeBytes((2 << 30) - 1) == "2.0G")
        #expect(Limits.describeBytes(1_288_490_189) == "1.2G")
        #expect(Limits.describeBytes((1 << 30) + (1 << 29)) == "1.5G")
        #expect(Limits.describeBytes(11_776 << 20) == "11.5G")
        #expect(Limits.describeBytes(1000) == "1000 bytes")
        #expect(Limits.defaultMaxMemory > 0)
    }
}
