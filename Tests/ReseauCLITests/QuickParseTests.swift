import Foundation
import ArgumentParser
import Testing
@testable import ReseauCLI

/// `reseau -e QUERY` and `reseau` alone skip ArgumentParser at start (issue 14, W0): the command built by hand
/// must be the one ArgumentParser builds, option by option, and every other command line must
/// still go through ArgumentParser.
@Suite struct QuickParseTests {
    /// `RunOptions` has one field for each option of `ReseauCommand`, by name, in order: an
    /// option added to the command but not to `RunOptions` would be parsed and then ignored.
    @Test func runOptionsHasEveryOption() throws {
        let command = try #require(try ReseauCommand.parseAsRoot([]) as? ReseauCommand)
        let wrapped = Mirror(reflecting: command).children.map { ($0.label ?? "?").replacing("_", with: "", maxReplacements: 1) }
        let plain = Mirror(reflecting: RunOptions()).children.map { $0.label ?? "?" }
        #expect(wrapped == plain)
        #expect(!wrapped.isEmpty)
    }

    /// Options that differ from their defaults on every field reach `RunOptions` unchanged.
    @Test func everyOptionReachesRunOptions() throws {
        let initFile = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-quickparse-init.rql").path
        try "".write(toFile: initFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: initFile) }
        let args = ["-e", "q", "-f", "a.rql", "b.rql", "--data", "d", "--format", "svg", "--map-size", "s", "--map-color", "c",
                    "--param", "x=1", "-o", "out.svg", "--no-header", "--cite", "--timer", "--color", "never", "--keep-going",
                    "--timeout", "2", "--max-rows", "3", "--max-memory", "4M", "--max-path", "5", "--max-depth", "6",
                    "--max-nesting", "7", "--max-query-bytes", "8", "--init", initFile, "--no-init", "--no-cache"]
        let parsed = try #require(try ReseauCommand.parseAsRoot(args) as? ReseauCommand)
        let o = parsed.options
        #expect(o == RunOptions(queries: ["q"], scriptFiles: ["a.rql"], files: ["b.rql"], data: "d", format: "svg", mapSize: "s",
                                mapColor: "c", params: ["x=1"], output: "out.svg", noHeader: true, cite: true, timer: true,
                                color: .never, keepGoing: true, timeout: 2, maxRows: 3, maxMemory: "4M", maxPath: 5, maxDepth: 6,
                                maxNesting: 7, maxQueryBytes: 8, init: initFile, noInit: true, noCache: true))
        let defaults = Mirror(reflecting: RunOptions()).children.map { "\($0.value)" }
        let set = Mirror(reflecting: o).children.map { "\($0.value)" }
        for (d, v) in zip(defaults, set) { #expect(d != v, "an option kept its default: \(v)") }
    }

    @Test(arguments: [
        [],
        ["-e", "cities | count"],
        ["-e", "cities", "-e", "twinnings | count"],
        ["-e", ""],
        ["-e", "city \"Querétaro\" | twins"],
        ["-e", "check"],
    ])
    func sameCommandAsArgumentParser(_ args: [String]) throws {
        let quick = try #require(ReseauCommand.quickParse(args))
        let parsed = try #require(try ReseauCommand.parseAsRoot(args) as? ReseauCommand)
        #expect(quick == parsed.options)
        #expect(quick.queries == args.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    }

    @Test(arguments: [
        ["-e"], ["-e", "-1"], ["-e", "--help"], ["-e", "cities", "file.rql"], ["--data", "x", "-e", "q"],
        ["-e=cities"], ["-ecities", "x"], ["--timer", "-e"], ["-f", "q.rql"], ["-e", "q", "--format", "csv"],
    ])
    func otherCommandLinesAreParsed(_ args: [String]) {
        #expect(ReseauCommand.quickParse(args) == nil)
    }
}
