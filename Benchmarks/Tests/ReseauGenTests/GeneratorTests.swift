import Foundation
@testable import ReseauCore
import ReseauGen
import Testing

/// The generator at a small fraction of S: deterministic, strict-loader clean, the right shape.
struct GeneratorTests {
    static let tiny = Scale(name: "tiny", factor: 0.2)   // 2 000 cities, 6 000 twinnings

    static func generate(seed: UInt64) throws -> (String, WorkloadParams) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-gen-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = try Generator(scale: tiny, seed: seed).write(to: dir)
        return (dir, p)
    }

    static let files = ["countries", "cities", "orgs", "projects", "events", "claims", "twinnings", "memberships",
                        "partnerships", "fundings", "hostings", "attendances", "visits", "schedules", "candidacies", "adoptions"].map { $0 + ".csv" } + ["bench-params.json"]

    @Test func sameSeedSameBytes() throws {
        let (a, _) = try Self.generate(seed: 42), (b, _) = try Self.generate(seed: 42)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        for f in Self.files {
            let x = FileManager.default.contents(atPath: a + "/" + f), y = FileManager.default.contents(atPath: b + "/" + f)
            #expect(x != nil && x == y, "\(f) differs between two runs with seed 42")
        }
    }

    @Test func otherSeedOtherNetwork() throws {
        let (a, _) = try Self.generate(seed: 42), (b, _) = try Self.generate(seed: 43)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        #expect(FileManager.default.contents(atPath: a + "/twinnings.csv") != FileManager.default.contents(atPath: b + "/twinnings.csv"))
    }

    @Test func loadsWithTheStrictLoaderAndHasTheShape() throws {
        let (dir, p) = try Self.generate(seed: 7)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try Loader.load(FolderSource(dir))
        let s = Self.tiny
        #expect(g.nodes[Schema.city].count == s.cities)
        #expect(g.nodes[Schema.country].count == 40)
        #expect(g.edges[Schema.twin].count == s.twinnings)
        #expect(g.edges[Schema.funds].count == s.fundings)
        #expect(g.nodes[Schema.project].count == s.projects)

        // Heavy-tailed twin degree: most cities have at most 5 twins, the biggest hub far more.
        let degrees = (0..<s.cities).map { g.degree(NodeRef(type: Schema.city, index: $0), Schema.twin) }
        #expect(degrees.filter { $0 <= 5 }.count > s.cities * 7 / 10)
        #expect(degrees.max() == p.hubDegree)
        #expect(p.hubDegree > 100)

        // About 4 % Michelin cities; every lat/lon in range (the loader checks the range).
        let m = Double(p.michelinCount(g)) / Double(s.cities)
        #expect(m > 0.025 && m < 0.055)

        // The path pairs are at the stated distances (Reseau's own shortest path agrees).
        let session = Session(graph: g)
        session.limits.maxPathLength = 8
        for pair in [p.path4, p.path8] {
            let w = CollectingWriter()
            try session.run(SourceText(name: "t", text: "path \"City \(pair.from.dropFirst())\" to \"City \(pair.to.dropFirst())\" via twin max 8"), to: w)
            #expect(w.result.rows.count == pair.hops + 1)
        }
        #expect(p.path4.hops == 4)
    }
}

extension WorkloadParams {
    func michelinCount(_ g: Graph) -> Int {
        guard let f = g.schema.nodeTypes[Schema.city].fieldIndex("michelin"), case .bool(let b) = g.nodes[Schema.city].columns[f] else { return 0 }
        return b.filter { $0 == 1 }.count
    }
}
