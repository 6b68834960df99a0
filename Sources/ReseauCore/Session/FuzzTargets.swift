/// What the fuzzers do with one input — written once, here, and called by the libFuzzer
/// executables (Fuzz/Sources/FuzzHarness) and by the regression tests that replay saved inputs
/// (Tests/ReseauCoreTests/FuzzRegressionTests.swift). Not part of the public surface.
@_spi(Fuzz) public enum FuzzTargets {
    /// Parameters `$i` (3), `$d` (2.5), `$s` ("Oyem"), `$b` (true), `$n` (null) and `$l`
    /// ([1, 2]) have values, so that inputs can reach the code that uses parameters.
    public static let params: [String: Value] = [
        "i": .int(3), "d": .decimal(2.5), "s": .string("Oyem"), "b": .bool(true), "n": .null, "l": .list([.int(1), .int(2)]),
    ]
    /// Rows an intermediate result may hold (the default is 10 million: too slow for fuzzing).
    public static let maxRows = 100_000
    /// Bytes one input's query may keep (libFuzzer's own limit is 2 GB of RSS).
    public static let maxMemory = 256 << 20
    /// Seconds one input may run before the executor is interrupted.
    public static let timeout = 0.5

    /// fuzz-query: arbitrary bytes as query text, compiled statement by statement through the
    /// compiler facade (and `explain`ed), then run for real by a `Session` with a writer, as the
    /// CLI does; then the REPL's helpers (`Session.isComplete`, completion at the end of the
    /// text and in its middle). An input may start with a `#!format=NAME` line (a comment to the
    /// lexer) to pick the output format; the default is CSV. Errors are expected and rendered.
    public static func query(_ data: [UInt8], graph: Graph) {
        let text = String(decoding: data, as: UTF8.self)
        let source = SourceText(name: "<fuzz>", text: text)
        var limits = Limits()
        limits.maxRows = maxRows
        limits.maxMemory = maxMemory

        let compiler = Compiler(graph: graph, params: params, limits: limits)
        do {
            for st in try compiler.statements(source) {
                do {
                    if let plan = try compiler.compile(st, source).plan { _ = Explain.lines(plan, graph: graph) }
                } catch {
                    _ = error.rendered
                }
            }
        } catch {
            _ = error.rendered
        }

        let session = Session(graph: graph)
        session.limits = limits
        for (k, v) in params { session.setParam(k, v) }
        session.cancellation.setTimeout(timeout)
        defer { session.cancellation.reset() }
        let writer = makeWriter(OutputOptions(format: format(of: data)), graph: graph, output: StringOutput())
        do { try session.run(source, to: writer) } catch { _ = error.rendered }

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

    /// Fuzz/query.dict, libFuzzer's dictionary for fuzz-query, made from the language's own
    /// catalogues so that a new step, function, keyword, source, field, symbol or format reaches
    /// the fuzzer without anyone remembering to add it: the statement and expression words, each
    /// step's name, the words of its syntax and its example, the functions and aggregates, the
    /// bundled schema's sources, types and fields, the lexer's symbols, a `#!format=` line per
    /// format, and a few literals at the edges of what the lexer takes. `FuzzDictionaryTests`
    /// fails when the file differs (RESEAU_REGENERATE=1 rewrites it).
    public static func dictionary(schema: Schema) -> String {
        var seen = Set<String>(), entries: [String] = []
        func add(_ s: String) { if !s.isEmpty, seen.insert(s).inserted { entries.append(s) } }
        func words(_ text: String) -> [String] {
            text.split { !($0.isLetter || $0 == "_") }.map(String.init).filter { $0.first!.isLowercase }
        }
        for w in Completion.statementWords + Completion.expressionWords { add(w) }
        for st in LanguageHelp.steps { add(st.name); words(st.syntax).forEach(add) }
        for b in Builtin.allCases { add(b.rawValue) }
        for a in AggregateFunction.allCases { add(a.rawValue) }
        for t in schema.nodeTypes { add(t.source); add(t.name); t.fields.forEach { add($0.name) } }
        for t in schema.edgeTypes { add(t.source); add(t.name); t.fields.forEach { add($0.name) } }
        for w in ["id", "node", "prev", "edge", "km", "depth", "from", "to", "type", "right"] { add(w) }
        for s in Lexer.twoCharSymbols { add(s) }
        for c in Lexer.oneCharSymbols { add(String(c)) }
        for s in ["$", "@", "#", "\n", "\"", "'", "\\u{E9}", "é", "#!format="] { add(s) }
        for f in OutputFormat.allCases { add("#!format=\(f.rawValue)\n") }
        for st in LanguageHelp.steps { add(st.example) }
        for s in ["9223372036854775807", "-9223372036854775808", "1e308", "0.5", "1_000", "@2021-10-05", "@2021", "$x",
                  "(a:city)-[:twin]-", "-[r:member]->", "<-[:funds]-", "match (c:city)", "exists(out partner)",
                  "in (visits | select to.name)", "path \"Oyem\" to \"Maebashi\"", "param x = ", "let a = ", "explain ", "explain analyze "] { add(s) }
        var out = "# libFuzzer dictionary for fuzz-query. Generated by FuzzTargets.dictionary(schema:) from the\n"
            + "# language's catalogues; do not edit: run `RESEAU_REGENERATE=1 swift test --filter FuzzDictionaryTests`.\n"
        for e in entries {
            var q = ""
            for u in e.unicodeScalars {
                switch u {
                case "\"": q += "\\\""
                case "\\": q += "\\\\"
                case _ where u.value < 0x20 || u.value > 0x7E:
                    for b in String(u).utf8 { q += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
                default: q.unicodeScalars.append(u)
                }
            }
            out += "\"\(q)\"\n"
        }
        return out
    }

    /// The data files: the first thirteen sorted by name, then those added later (issue 15), so
    /// that a selecting byte below 13 still picks the file it picked before; the first byte of a
    /// fuzz-csv input picks one (modulo their count). scripts/fuzz-seeds reads this list.
    public static let files = [
        "attendances.csv", "cities.csv", "claims.csv", "countries.csv", "events.csv", "fundings.csv",
        "hostings.csv", "memberships.csv", "orgs.csv", "partnerships.csv", "projects.csv",
        "twinnings.csv", "visits.csv", "schedules.csv", "candidacies.csv", "adoptions.csv",
    ]

    /// The bundled files with one replaced.
    public struct OverlaySource: DataSource {
        public let file: String
        public let bytes: [UInt8]
        public init(file: String, bytes: [UInt8]) { self.file = file; self.bytes = bytes }
        public var name: String { "fuzz" }
        public func path(of file: String) -> String { "<fuzz>/" + file }
        public func read(_ file: String) throws -> [UInt8]? {
            file == self.file ? bytes : try BundledSource().read(file)
        }
    }

    /// fuzz-csv: the first byte picks the file, the other bytes are its content; every other
    /// file comes from the bundled network. Loading must either succeed or throw `LoadFailure`
    /// — never crash. When it succeeds, a few queries run so that odd but accepted data also
    /// reaches the executor and the writers.
    public static func csv(_ data: [UInt8]) {
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
        session.limits.maxRows = maxRows
        session.limits.maxMemory = maxMemory
        session.cancellation.setTimeout(timeout)
        defer { session.cancellation.reset() }
        for (query, format) in queries(for: file, graph.schema) {
            let writer = makeWriter(OutputOptions(format: format), graph: graph, output: StringOutput())
            do { try session.run(SourceText(name: "<fuzz>", text: query), to: writer) } catch { _ = error.rendered }
        }
    }

    /// Queries that read every field of what `file` defines, in a few output formats.
    static func queries(for file: String, _ schema: Schema) -> [(String, OutputFormat)] {
        var out: [(String, OutputFormat)] = []
        if let t = schema.nodeTypes.first(where: { $0.file == file }) {
            out.append(("\(t.source) | take 30", .table))
            out.append(("\(t.source) | take 30", .json))
            out.append(("\(t.source) | sort id desc | take 5", .csv))
        }
        if let e = schema.edgeTypes.first(where: { $0.file == file }) {
            out.append(("match (a)-[r:\(e.name)]->(b) | take 30", .table))
            out.append(("match (a)-[r:\(e.name)]->(b) | take 30", .jsonl))
            out.append(("match (a)-[r:\(e.name)]->(b) | take 30", .graphml))
        }
        out.append(("cities | where exists(out twin) | take 10", .dot))
        out.append(("path \"Oyem\" to \"Maebashi\"", .table))
        return out
    }
}
