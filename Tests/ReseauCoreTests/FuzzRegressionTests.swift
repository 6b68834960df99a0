import Foundation
import Testing
@_spi(Fuzz) import ReseauCore

// Regression tests for what fuzzing (and reading the code for what fuzzing would find) turned
// up: every input saved under Tests/Fuzz/crashes/ runs through the same path as its fuzzer
// (Fuzz/Sources/FuzzHarness), and must end normally — with results or a clear error, never a
// crash. Inputs too large to keep as files (a 200 000-term sum, a 100 000-step pipeline) are
// generated here. See docs/fuzzing.md.
//
// Each input runs in a child process (an exit test), so that one crash fails one test and not
// the whole run.

/// What the fuzzers do with one input: the same code as the fuzzers run (`FuzzTargets`).
enum FuzzReplay {
    static func query(_ data: [UInt8]) { FuzzTargets.query(data, graph: bundledGraph) }
    static func csv(_ data: [UInt8]) { FuzzTargets.csv(data) }
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
