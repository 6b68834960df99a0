import Foundation
import Testing
import ReseauCore

// Regression tests for what fuzzing (and reading the code for what fuzzing would find) turned
// up: every input saved under Tests/Fuzz/crashes/ runs through the same path as its fuzzer
// (Fuzz/Sources/FuzzHarness), and must end normally — with results or a clear error, never a
// crash. Inputs too large to keep as files (a 200 000-term sum, a 100 000-step pipeline) are
// generated here. See docs/fuzzing.md.
//
// Each input runs in a child process (an exit test), so that one crash fails one test and not
// the whole run.

/// What the fuzzers do with one input. Keep in step with Fuzz/Sources/FuzzHarness.
enum FuzzReplay {
    /// Parameters the query fuzzer gives values to.
    static let params: [String: Value] = [
        "i": .int(3), "d": .decimal(2.5), "s": .string("Oyem"), "b": .bool(true), "n": .null, "l": .list([.int(1), .int(2)]),
    ]

    /// fuzz-query: the text through every stage, then run by a session, then the REPL helpers.
    static func query(_ data: [UInt8]) {
        let graph = bundledGraph
        let text = String(decoding: data, as: UTF8.self)
        let source = SourceText(name: "<fuzz>", text: text)
        var limits = Limits()
        limits.maxRows = 100_000
        do {
            let tokens = try Lexer.tokenize(source)
            for st in StatementSplitter.split(tokens) {
                do {
                    let statement = try Parser.parseStatement(st, maxDepth: limits.maxNesting)
                    let checker = Checker(graph: graph, params: params, bindings: [:], source: source, limits: limits)
                    switch statement {
                    case .query(let q), .explain(let q, _), .let(_, let q, _):
                        _ = Explain.lines(Optimizer.optimize(try checker.check(q)), graph: graph)
                    case .param: break
                    }
                } catch {
                    _ = error.render(source)
                }
            }
        } catch {
            _ = error.render(source)
        }
        let session = Session(graph: graph)
        session.limits = limits
        for (k, v) in params { session.setParam(k, v) }
        session.cancellation.setTimeout(0.5)
        defer { session.cancellation.reset() }
        let writer = makeWriter(OutputOptions(format: format(of: data)), graph: graph, output: StringOutput())
        do { try session.run(source, to: writer) } catch { _ = error.rendered }
        _ = Session.isComplete(text)
        let n = text.utf8.count
        _ = session.completions(text, cursor: n)
        _ = session.completions(text, cursor: n / 2)
    }

    /// The format named by a first line `#!format=NAME`, else CSV.
    static func format(of data: [UInt8]) -> OutputFormat {
        let prefix = Array("#!format=".utf8)
        guard data.starts(with: prefix) else { return .csv }
        let name = data.dropFirst(prefix.count).prefix { $0 != 0x0A && $0 != 0x0D }
        return OutputFormat(rawValue: String(decoding: name, as: UTF8.self)) ?? .csv
    }

    /// The data files in the order the first byte of a fuzz-csv input picks them (modulo 13).
    static let files = [
        "attendances.csv", "cities.csv", "claims.csv", "countries.csv", "events.csv", "fundings.csv",
        "hostings.csv", "memberships.csv", "orgs.csv", "partnerships.csv", "projects.csv",
        "twinnings.csv", "visits.csv",
    ]

    struct OverlaySource: DataSource {
        let file: String
        let bytes: [UInt8]
        var name: String { "fuzz" }
        func path(of file: String) -> String { "<fuzz>/" + file }
        func read(_ file: String) throws -> [UInt8]? { file == self.file ? bytes : try BundledSource().read(file) }
    }

    /// fuzz-csv: the first byte picks the file, the rest is its content; load, then a few queries.
    static func csv(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let file = files[Int(first) % files.count]
        let graph: Graph
        do {
            graph = try Loader.load(OverlaySource(file: file, bytes: Array(data.dropFirst())))
        } catch {
            precondition(!error.errors.isEmpty, "LoadFailure without errors")
            precondition(error.errors.count <= Loader.maxErrors, "more than \(Loader.maxErrors) errors listed")
            _ = error.description
            return
        }
        let session = Session(graph: graph)
        session.limits.maxRows = 100_000
        session.cancellation.setTimeout(0.5)
        defer { session.cancellation.reset() }
        var queries: [(String, OutputFormat)] = []
        if let t = graph.schema.nodeTypes.first(where: { $0.file == file }) {
            queries += [("\(t.source) | take 30", .table), ("\(t.source) | take 30", .json), ("\(t.source) | sort id desc | take 5", .csv)]
        }
        if let e = graph.schema.edgeTypes.first(where: { $0.file == file }) {
            let q = "match (a)-[r:\(e.name)]->(b) | take 30"
            queries += [(q, .table), (q, .jsonl), (q, .graphml)]
        }
        queries += [("cities | where exists(out twin) | take 10", .dot), ("path \"Oyem\" to \"Maebashi\"", .table)]
        for (q, f) in queries {
            let writer = makeWriter(OutputOptions(format: f), graph: graph, output: StringOutput())
            do { try session.run(SourceText(name: "<fuzz>", text: q), to: writer) } catch { _ = error.rendered }
        }
    }
}

/// The saved inputs of one fuzzer (file names in Tests/Fuzz/crashes/KIND/).
func savedFuzzInputs(_ kind: String) -> [String] {
    let dir = Repo.path("Tests/Fuzz/crashes/\(kind)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
}

func savedFuzzInput(_ kind: String, _ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repo.path("Tests/Fuzz/crashes/\(kind)/\(name)"))))
}

/// Inputs too large to keep as files, by name.
let generatedFuzzQueries: [String: String] = [
    // Left-associative chains build an expression tree as deep as the chain is long: the
    // parser's depth limit does not see them, the checker recurses once per operator.
    "sum of 200000 terms": "cities | where " + Array(repeating: "1", count: 200_000).joined(separator: " + ") + " > 0",
    "100000 'and's": "cities | where " + Array(repeating: "michelin", count: 100_000).joined(separator: " and "),
    "100000 'or's": "cities | where " + Array(repeating: "michelin", count: 100_000).joined(separator: " or "),
    "product of 100000 factors": "cities | select " + Array(repeating: "2", count: 100_000).joined(separator: " * ") + " as x",
    "100000 member accesses": "twinnings | select from" + String(repeating: ".name", count: 100_000),
    // A pipeline of many steps: the plan is as deep as the pipeline is long.
    "100000-step pipeline": "cities" + String(repeating: " | skip 0", count: 100_000),
    "explain of a 10000-step pipeline": "explain cities" + String(repeating: " | skip 0", count: 10_000),
]

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("saved fuzz-query inputs end without a crash", .timeLimit(.minutes(2)), arguments: savedFuzzInputs("query"))
    func savedQuery(_ name: String) async throws {
        let bytes = try savedFuzzInput("query", name)
        await #expect(processExitsWith: .success) { [bytes = bytes as [UInt8]] in FuzzReplay.query(bytes) }
    }

    @Test("saved fuzz-csv inputs end without a crash", .timeLimit(.minutes(2)), arguments: savedFuzzInputs("csv"))
    func savedCSV(_ name: String) async throws {
        let bytes = try savedFuzzInput("csv", name)
        await #expect(processExitsWith: .success) { [bytes = bytes as [UInt8]] in FuzzReplay.csv(bytes) }
    }

    @Test("generated deep and long queries end without a crash", .timeLimit(.minutes(2)),
          arguments: generatedFuzzQueries.keys.sorted())
    func generatedQuery(_ name: String) async {
        let bytes = Array(generatedFuzzQueries[name]!.utf8)
        await #expect(processExitsWith: .success) { [bytes = bytes as [UInt8]] in FuzzReplay.query(bytes) }
    }

    /// The saved inputs are found (a moved folder would make the tests above pass vacuously).
    @Test func savedInputsAreFound() {
        #expect(!savedFuzzInputs("query").isEmpty)
    }
}
