import ReseauCore

/// One fuzz-csv input: the first byte picks one of the CSV files (modulo their count, in the
/// order of `files`), the other bytes are its content; every other file comes from the bundled
/// network. Loading must either succeed or throw `LoadFailure` — never crash. When it succeeds,
/// a few queries run over the network so that odd but accepted data also reaches the executor
/// and the writers.
public enum CSVHarness {
    /// The data files: the first thirteen sorted by name, then those added later (issue 15), so
    /// that a selecting byte below 13 still picks the file it picked before. scripts/fuzz-seeds
    /// reads this list.
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

    public static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let file = files[Int(first) % files.count]
        let source = OverlaySource(file: file, bytes: Array(data.dropFirst()))
        let graph: Graph
        do {
            graph = try Loader.load(source)
        } catch {
            // The only way a load may fail: a list of located errors.
            precondition(!error.errors.isEmpty, "LoadFailure without errors")
            precondition(error.errors.count <= Loader.maxErrors, "more than \(Loader.maxErrors) errors listed")
            _ = error.description
            return
        }
        let session = Session(graph: graph)
        session.limits.maxRows = 100_000
        session.cancellation.setTimeout(0.5)
        defer { session.cancellation.reset() }
        for (query, format) in queries(for: file) {
            let writer = makeWriter(OutputOptions(format: format), graph: graph, output: StringOutput())
            do { try session.run(SourceText(name: "<fuzz>", text: query), to: writer) } catch { _ = error.rendered }
        }
    }

    /// Queries that read every field of what `file` defines, in a few output formats.
    static func queries(for file: String) -> [(String, OutputFormat)] {
        let schema = Schema.shared
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
