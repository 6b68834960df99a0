import Foundation
import Testing
@testable import ReseauCore

@Suite("Snapshot cache")
struct SnapshotTests {
    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Every table, every column, every row: the same values.
    func same(_ a: Graph, _ b: Graph) -> Bool {
        guard a.nodes.map(\.ids) == b.nodes.map(\.ids), a.edges.map(\.from) == b.edges.map(\.from), a.edges.map(\.to) == b.edges.map(\.to) else { return false }
        for (x, y) in zip(a.nodes, b.nodes) {
            for (c, d) in zip(x.columns, y.columns) { for i in 0..<x.count where c.value(i) != d.value(i) { return false } }
        }
        for (x, y) in zip(a.edges, b.edges) {
            guard x.outgoing.offsets == y.outgoing.offsets, x.outgoing.edges == y.outgoing.edges, x.incoming.edges == y.incoming.edges,
                  x.outgoing.others == y.outgoing.others, x.incoming.others == y.incoming.others else { return false }
            for (c, d) in zip(x.columns, y.columns) { for i in 0..<x.count where c.value(i) != d.value(i) { return false } }
        }
        return true
    }

    @Test func roundTrip() throws {
        let bytes = Snapshot.encode(bundledGraph, key: 42)
        let g = bytes.withUnsafeBytes { Snapshot.decode($0, key: 42, origin: "test") }
        #expect(g != nil)
        #expect(same(g!, bundledGraph))
        #expect(bytes.withUnsafeBytes { Snapshot.decode($0, key: 43, origin: "test") } == nil, "another key")
    }

    @Test func resultsFromSnapshotEqualResultsFromCSV() throws {
        let data = try mutatedData("cities.csv") { $0 }
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cache = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let (first, o1) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        let (second, o2) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        #expect(o1 == .csv)
        #expect(o2 == .snapshot)
        for q in try FileManager.default.contentsOfDirectory(atPath: Repo.path("Queries")).sorted() {
            let text = try String(contentsOfFile: Repo.path("Queries/" + q), encoding: .utf8)
            #expect(runQuery(text, graph: first) == runQuery(text, graph: second), "\(q)")
        }
        #expect(same(first, second))
    }

    @Test func staleImageIsRebuilt() throws {
        let data = try mutatedData("cities.csv") { $0 }
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cache = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        _ = try CachedLoader.load(folder: data, cacheDirectory: cache)
        // Same size, new content: the key covers the contents, not only size and time.
        let p = data + "/twinnings.csv"
        let text = try String(contentsOfFile: p, encoding: .utf8).replacingOccurrences(of: "1966", with: "1967")
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        let (g, origin) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        #expect(origin == .csv)
        #expect(runQuery("twinnings | where to.name == \"Salford\" | select since", graph: g, format: .csv) == "since\n1967\n")
        #expect(try CachedLoader.load(folder: data, cacheDirectory: cache).1 == .snapshot)
    }

    @Test func corruptImageIsRebuiltNotTrusted() throws {
        let data = try mutatedData("cities.csv") { $0 }
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cache = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        _ = try CachedLoader.load(folder: data, cacheDirectory: cache)
        let image = CachedLoader.imagePath(folder: data, directory: cache)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        // Flip one byte in the middle; then truncate; then garbage.
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: image))
        #expect(try CachedLoader.load(folder: data, cacheDirectory: cache).1 == .csv)
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: image))
        #expect(try CachedLoader.load(folder: data, cacheDirectory: cache).1 == .csv)
        try Data("not a snapshot".utf8).write(to: URL(fileURLWithPath: image))
        let (g, o) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        #expect(o == .csv)
        #expect(same(g, bundledGraph))
    }

    @Test func damagedBytesNeverCrash() {
        var bytes = Snapshot.encode(bundledGraph, key: 7)
        // Every truncation point and a spread of flipped bytes must be rejected, not trusted or crash.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(Array(bytes.prefix(cut)).withUnsafeBytes { Snapshot.decode($0, key: 7, origin: "t") } == nil)
        }
        for i in stride(from: 0, to: bytes.count - 8, by: max(1, bytes.count / 200)) {
            bytes[i] ^= 0x5A
            #expect(bytes.withUnsafeBytes { Snapshot.decode($0, key: 7, origin: "t") } == nil)
            bytes[i] ^= 0x5A
        }
    }
}
