import ArgumentParser
import Testing
@testable import ReseauCLI

/// `reseau -e QUERY` and `reseau` alone skip ArgumentParser at start (issue 14, W0): the command built by hand
/// must be the one ArgumentParser builds, option by option, and every other command line must
/// still go through ArgumentParser.
@Suite struct QuickParseTests {
    /// Each stored option of `c` as ArgumentParser's wrapper prints it (`.value(…)` once set;
    /// `.definition` for an option `quickParse` forgot to set).
    static func options(_ c: ReseauCommand) -> [String] {
        Mirror(reflecting: c).children.map { "\($0.label ?? "?") = \($0.value)" }
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
        #expect(Self.options(quick) == Self.options(parsed))
        #expect(!Self.options(quick).contains { $0.contains("definition") })
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
