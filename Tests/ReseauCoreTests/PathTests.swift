import Foundation
import Testing
@testable import ReseauCore

@Suite("Shortest path")
struct PathTests {
    func paths(_ g: Graph, _ a: NodeRef, _ b: NodeRef, via: [EdgeTypeID], max: Int) throws -> ([String], [String]) {
        let ex = Executor(graph: g, cancellation: CancellationFlag(), limits: Limits())
        func show(_ p: [(node: NodeRef, edge: EdgeRef?)]?) -> [String] {
            (p ?? []).map { g.id(of: $0.node) + "/" + ($0.edge.map { "\($0.type).\($0.index)" } ?? "-") }
        }
        return (show(try ex.shortestPath(from: a, to: b, via: via, max: max)),
                show(try ex.shortestPathReference(from: a, to: b, via: via, max: max)))
    }

    /// The bidirectional search returns exactly the path of the plain breadth-first search, for
    /// every pair of nodes of the bundled network, over all edges and over twin edges only.
    @Test func bidirectionalEqualsBreadthFirstOnBundledNetwork() throws {
        let g = bundledGraph
        let all = g.nodes.flatMap { t in (0..<t.count).map { NodeRef(type: t.type, index: $0) } }.filter { $0.type != Schema.claim }
        var checked = 0
        for a in all where a.index % 3 == 0 {
            for b in all where b.index % 2 == 0 {
                for (via, max) in [([EdgeTypeID](), 6), ([Schema.twin], 6), ([Schema.member, Schema.partner], 3)] {
                    let (x, y) = try paths(g, a, b, via: via, max: max)
                    #expect(x == y, "\(g.id(of: a)) → \(g.id(of: b)) via \(via) max \(max)")
                    checked += 1
                }
            }
        }
        #expect(checked > 5000)
    }

    /// The same on a random graph with hubs and many equally short paths.
    @Test func bidirectionalEqualsBreadthFirstOnRandomGraph() throws {
        let n = 300
        var rng = SplitMix(seed: 7)
        var cities = "id,name,country_code,lat,lon,population,michelin,aliases,geonames_id,source\n"
        for i in 0..<n { cities += "c\(i),City \(i),FR,,,,false,,,t\n" }
        var twins = "from,to,since,kind,source\n"
        var seen = Set<String>()
        for _ in 0..<700 {
            let a = Int(rng.next() % UInt64(n)), b = rng.next() % 4 == 0 ? Int(rng.next() % 5) : Int(rng.next() % UInt64(n))
            if a == b || seen.contains("\(min(a, b))-\(max(a, b))") { continue }
            seen.insert("\(min(a, b))-\(max(a, b))")
            twins += "c\(a),c\(b),2000,twinning,t\n"
        }
        let dir = try mutatedData("cities.csv") { _ in cities }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ["memberships", "partnerships", "hostings", "attendances", "visits", "claims", "fundings", "schedules", "candidacies", "adoptions"] {
            let header = try String(contentsOfFile: dir + "/\(f).csv", encoding: .utf8).components(separatedBy: "\n")[0]
            try (header + "\n").write(toFile: dir + "/\(f).csv", atomically: true, encoding: .utf8)
        }
        try twins.write(toFile: dir + "/twinnings.csv", atomically: true, encoding: .utf8)
        for f in ["orgs", "events"] {
            let header = try String(contentsOfFile: dir + "/\(f).csv", encoding: .utf8).components(separatedBy: "\n")[0]
            try (header + "\n").write(toFile: dir + "/\(f).csv", atomically: true, encoding: .utf8)
        }
        let g = try Loader.load(FolderSource(dir))
        for _ in 0..<400 {
            let a = NodeRef(type: Schema.city, index: Int(rng.next() % UInt64(n))), b = NodeRef(type: Schema.city, index: Int(rng.next() % UInt64(n)))
            for max in [2, 4, 6] {
                let (x, y) = try paths(g, a, b, via: [], max: max)
                #expect(x == y, "\(g.id(of: a)) → \(g.id(of: b)) max \(max)")
            }
        }
    }
}

/// A small deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
