import ReseauCore

/// One fuzz-query input: arbitrary bytes as query text, through every stage
/// (lexer → splitter → parser → checker → optimizer → explain), then run for real by a
/// `Session` on the bundled network with a writer, as the CLI does; then the REPL's helpers
/// (`Session.isComplete`, tab completion at the end of the text and in its middle).
///
/// Parameters `$i` (3), `$d` (2.5), `$s` ("Oyem"), `$b` (true), `$n` (null) and `$l` ([1, 2])
/// have values, so that inputs can reach the code that uses parameters.
///
/// An input may start with a `#!format=NAME` line (a comment to the lexer) to pick the output
/// format; the default is CSV. Errors are expected and rendered; only a crash, a sanitizer
/// report, a timeout or running out of memory is a finding.
public enum QueryHarness {
    /// The bundled network, loaded once per process.
    nonisolated(unsafe) public static var graph: Graph = {
        do { return try Loader.load(BundledSource()) } catch { fatalError("the bundled network does not load: \(error)") }
    }()

    /// Rows an intermediate result may hold (the default is 10 million: too slow for fuzzing).
    public static let maxRows = 100_000
    /// Seconds one input may run before the executor is interrupted.
    public static let timeout = 0.5

    public static let params: [String: Value] = [
        "i": .int(3), "d": .decimal(2.5), "s": .string("Oyem"), "b": .bool(true), "n": .null, "l": .list([.int(1), .int(2)]),
    ]

    public static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let source = SourceText(name: "<fuzz>", text: text)
        var limits = Limits()
        limits.maxRows = maxRows

        // Stage by stage, as `Session.plan` and `explain` do.
        do {
            let tokens = try Lexer.tokenize(source)
            for st in StatementSplitter.split(tokens) {
                do {
                    let statement = try Parser.parseStatement(st, maxDepth: limits.maxNesting)
                    let checker = Checker(graph: graph, params: params, bindings: [:], source: source, limits: limits)
                    switch statement {
                    case .query(let q), .explain(let q, _), .let(_, let q, _):
                        let plan = Optimizer.optimize(try checker.check(q))
                        _ = Explain.lines(plan, graph: graph)
                    case .param:
                        break // evaluated by the session below
                    }
                } catch {
                    _ = error.render(source)
                }
            }
        } catch {
            _ = error.render(source)
        }

        // Then for real.
        let session = Session(graph: graph)
        session.limits = limits
        for (k, v) in params { session.setParam(k, v) }
        session.cancellation.setTimeout(timeout)
        defer { session.cancellation.reset() }
        let output = StringOutput()
        let writer = makeWriter(OutputOptions(format: format(of: data)), graph: graph, output: output)
        do {
            try session.run(source, to: writer)
        } catch {
            _ = error.rendered
        }

        // The REPL: is the text a complete input, and what completes it (with the `let`
        // bindings the run left in the session).
        _ = Session.isComplete(text)
        let n = text.utf8.count
        _ = session.completions(text, cursor: n)
        _ = session.completions(text, cursor: n / 2)
    }

    /// The format named by a first line `#!format=NAME`, else CSV.
    public static func format(of data: [UInt8]) -> OutputFormat {
        let prefix = Array("#!format=".utf8)
        guard data.starts(with: prefix) else { return .csv }
        let name = data.dropFirst(prefix.count).prefix { $0 != 0x0A && $0 != 0x0D }
        return OutputFormat(rawValue: String(decoding: name, as: UTF8.self)) ?? .csv
    }
}
