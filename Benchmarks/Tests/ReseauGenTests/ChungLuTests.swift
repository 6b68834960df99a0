import Foundation
@testable import ReseauCore
import ReseauGen
import Testing

/// The second data shape (`--shape chunglu`): deterministic, strict-loader clean, its own
/// network, a power-law degree tail near γ = 2.6 with hubs capped near 2 000, fundings skewed by
/// funder; and the workloads' parameters hold on it (the hub is the biggest, the path pairs are
/// at their distances).
struct ChungLuTests {
    static let small = Scale(name: "small", factor: 0.5)   // 5 000 cities, 15 000 twinnings

    static func generate(_ scale: Scale = small, seed: UInt64, shape: DataShape = .chunglu) throws -> (String, WorkloadParams) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-chunglu-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = try Generator(scale: scale, seed: seed, shape: shape).write(to: dir)
        return (dir, p)
    }

    static func read(_ dir: String, _ f: String) -> Data? { FileManager.default.contents(atPath: dir + "/" + f) }

    @Test func sameSeedSameBytes() throws {
        let (a, _) = try Self.generate(seed: 26), (b, _) = try Self.generate(seed: 26)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        for f in GeneratorTests.files {
            let x = Self.read(a, f), y = Self.read(b, f)
            #expect(x != nil && x == y, "\(f) differs between two runs with seed 26")
        }
    }

    @Test func anotherNetworkThanTheGeneratorsOwnUnderTheSameSeed() throws {
        let (a, _) = try Self.generate(seed: 42, shape: .gen), (b, pb) = try Self.generate(seed: 42)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        #expect(Self.read(a, "twinnings.csv") != Self.read(b, "twinnings.csv"))
        #expect(Self.read(a, "fundings.csv") != Self.read(b, "fundings.csv"))
        #expect(Self.read(a, "cities.csv") != Self.read(b, "cities.csv"))
        // Same layout: every file has the same header line.
        for f in GeneratorTests.files where f.hasSuffix(".csv") {
            let ha = Self.read(a, f).map { String(decoding: $0, as: UTF8.self).prefix { $0 != "\n" } }
            let hb = Self.read(b, f).map { String(decoding: $0, as: UTF8.self).prefix { $0 != "\n" } }
            #expect(ha != nil && ha == hb, "\(f): headers differ")
        }
        let json = String(decoding: Self.read(b, "bench-params.json") ?? Data(), as: UTF8.self)
        #expect(json.contains("\"shape\": \"chunglu\""))
        #expect(pb.shape == .chunglu)
    }

    @Test func weightsFollowThePowerLawUnderTheCap() {
        let w = chungLuWeights(count: 1_000_000, edges: 3_000_000, exponent: 2.6, cap: 2_000)
        #expect(abs(w.reduce(0, +) - 6_000_000) < 1)           // the mean degree is kept
        #expect(w.max() == 2_000)                                // hubs capped…
        #expect(w.filter { $0 == 2_000 }.count > 5)               // …and several reach the cap at L
        // Below the cap, w_i ∝ (i + 1)^(-1/1.6): the ratio over a decade of ranks is 10^(-0.625).
        #expect(abs(w[9_999] / w[999] - pow(10, -0.625)) < 1e-9)
    }

    @Test func loadsAndHasTheShape() throws {
        let (dir, p) = try Self.generate(Scale(name: "S", factor: 1), seed: 26)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try Loader.load(FolderSource(dir))
        let s = Scale.s
        #expect(g.nodes[Schema.city].count == s.cities)
        #expect(g.edges[Schema.twin].count == s.twinnings)
        #expect(g.edges[Schema.funds].count == s.fundings)

        // Degrees: the hub is the biggest and under the cap, and the tail is a power law whose
        // exponent, by the Hill estimator over the 500 biggest degrees, is near 2.6.
        let degrees = (0..<s.cities).map { g.degree(NodeRef(type: Schema.city, index: $0), Schema.twin) }
        #expect(degrees.max() == p.hubDegree)
        #expect(p.hubDegree > 200 && Double(p.hubDegree) <= DataShape.chungLuCap * 1.1)
        let top = degrees.sorted(by: >).prefix(501)
        let xmin = Double(top.last!)
        let hill = 1 + 500 / top.dropLast().reduce(0.0) { $0 + log(Double($1) / xmin) }
        #expect(hill > 2.2 && hill < 3.0, "tail exponent \(hill)")

        // Fundings skewed by funder: the 1 % biggest funders hold at least a fifth of the rows.
        #expect(p.topFunderShare > 0.2)

        // The workloads' parameters hold: Reseau's answers agree with the generator's own.
        let session = Session(graph: g)
        session.limits.maxPathLength = 8
        for pair in [p.path4, p.path8] {
            let w = CollectingWriter()
            try session.run(SourceText(name: "t", text: "path \"City \(pair.from.dropFirst())\" to \"City \(pair.to.dropFirst())\" via twin max 8"), to: w)
            #expect(w.result.rows.count == pair.hops + 1)
        }
        #expect(p.path4.hops == 4)
    }

    @Test func hubIsTheLowestNumberedCityOfTheMaximumDegree() throws {
        // W4 starts at the hub, and Reseau and the peers read it from bench-params.json: it must
        // be one city even when several share the maximum degree (the lowest number wins).
        let (dir, p) = try Self.generate(seed: 5)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try Loader.load(FolderSource(dir))
        let degrees = (0..<Self.small.cities).map { g.degree(NodeRef(type: Schema.city, index: $0), Schema.twin) }
        #expect(p.hubId == "c\(degrees.firstIndex(of: degrees.max()!)!)")
    }
}

/// W4 and W6 on a network with more than 65 536 cities (where W6's end tests read a bitset of the
/// Michelin column, and W4 counts its walk without rows), against answers computed here from the
/// CSV text alone: a breadth-first search and a loop over the twinnings.
struct WorkloadAnswerTests {
    static func csvRows(_ dir: String, _ file: String) throws -> [[Substring]] {
        let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    @Test(arguments: [DataShape.gen, DataShape.chunglu])
    func w4AndW6AgreeWithTheCSVText(_ shape: DataShape) throws {
        let (dir, p) = try ChungLuTests.generate(Scale(name: "big", factor: 6.7), seed: 3, shape: shape)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Cities' rows are generated without quotes or commas inside fields.
        let cities = try Self.csvRows(dir, "cities.csv")
        #expect(cities.count == 67_000)
        var index: [Substring: Int] = [:]
        for (i, r) in cities.enumerated() { index[r[0]] = i }
        let michelin = cities.map { $0[6] == "true" }, country = cities.map { $0[2] }
        let twins = try Self.csvRows(dir, "twinnings.csv").map { (index[$0[0]]!, index[$0[1]]!) }
        var adj = [[Int]](repeating: [], count: cities.count)
        for (a, b) in twins { adj[a].append(b); adj[b].append(a) }

        let hub = index[Substring(p.hubId)]!
        var seen = Set([hub]), level = [hub]
        for _ in 0..<2 {
            var next: [Int] = []
            for u in level { for v in adj[u] where seen.insert(v).inserted { next.append(v) } }
            level = next
        }
        let w6 = twins.filter { michelin[$0.0] && michelin[$0.1] && country[$0.0] != country[$0.1] }.count
        let w6not = twins.filter { !michelin[$0.0] && michelin[$0.1] }.count

        let session = Session(graph: try Loader.load(FolderSource(dir)))
        func count(_ q: String) throws -> String {
            let w = CollectingWriter()
            try session.run(SourceText(name: "t", text: q), to: w)
            return "\(w.result.rows.first?.first ?? .null)"
        }
        #expect(try count("city \"\(p.hubName)\" | follow twin depth 1..2 | count") == "\(Value.int(seen.count - 1))")
        #expect(try count("twinnings | where from.michelin and to.michelin and from.country_code != to.country_code | count") == "\(Value.int(w6))")
        #expect(try count("match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin and a.country_code != b.country_code | count") == "\(Value.int(w6))")
        #expect(try count("twinnings | where not from.michelin and to.michelin | count") == "\(Value.int(w6not))")
    }
}
