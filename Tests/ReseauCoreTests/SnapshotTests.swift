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

    /// Read on one thread (as the bundled image is) and in parallel (as a large image is).
    @Test(arguments: [Snapshot.parallelThreshold, 0]) func roundTrip(parallelAbove: Int) throws {
        let bytes = Snapshot.encode(bundledGraph, key: 42)
        let g = bytes.withUnsafeBytes { Snapshot.decode($0, key: 42, origin: "test", parallelAbove: parallelAbove) }
        #expect(g != nil)
        #expect(same(g!, bundledGraph))
        #expect(bytes.withUnsafeBytes { Snapshot.decode($0, key: 43, origin: "test", parallelAbove: parallelAbove) } == nil, "another key")
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

    /// Each array of the image is hashed on its own as it is read (in parallel for a large
    /// image): a flipped byte in any of them, or in the small values between them, is caught.
    @Test(arguments: [Snapshot.parallelThreshold, 0]) func damagedBytesNeverCrash(parallelAbove: Int) {
        var bytes = Snapshot.encode(bundledGraph, key: 7)
        // Every truncation point and a spread of flipped bytes must be rejected, not trusted or crash.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(Array(bytes.prefix(cut)).withUnsafeBytes { Snapshot.decode($0, key: 7, origin: "t", parallelAbove: parallelAbove) } == nil)
        }
        for i in stride(from: 0, to: bytes.count - 8, by: max(1, bytes.count / 200)) {
            bytes[i] ^= 0x5A
            #expect(bytes.withUnsafeBytes { Snapshot.decode($0, key: 7, origin: "t", parallelAbove: parallelAbove) } == nil, "byte \(i)")
            bytes[i] ^= 0x5A
        }
    }

    /// Issue 14 item 3: the image is read from its file piece by piece into the graph's arrays.
    /// A file that shrinks after its size was taken (another program truncating it) is a short
    /// read, rejected, never a crash (no mapping, so no SIGBUS); the file read gives the graph the
    /// bytes give.
    @Test func anImageFileShrunkWhileReadIsRejected() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = Snapshot.encode(bundledGraph, key: 9)
        let path = dir + "/image"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let whole = Snapshot.decode(file: fd, size: bytes.count, key: 9, schema: .shared, origin: "t")
        #expect(whole.map { same($0, bundledGraph) } == true)
        let parallel = Snapshot.decode(file: fd, size: bytes.count, key: 9, schema: .shared, origin: "t", parallelAbove: 0)
        #expect(parallel.map { same($0, bundledGraph) } == true)
        for cut in [0, 24, 100, bytes.count / 3, bytes.count - 9, bytes.count - 1] {
            #expect(truncate(path, off_t(cut)) == 0)
            #expect(Snapshot.decode(file: fd, size: bytes.count, key: 9, schema: .shared, origin: "t") == nil, "cut at \(cut)")
            #expect(Snapshot.decode(file: fd, size: bytes.count, key: 9, schema: .shared, origin: "t", parallelAbove: 0) == nil, "cut at \(cut)")
        }
    }

    /// The image's buffer is reserved whole before it is written (no doubling): the estimate
    /// covers the image, and not by much.
    @Test func theImageSizeEstimateCoversTheImage() {
        let size = Snapshot.encode(bundledGraph, key: 3).count, estimate = Snapshot.estimatedSize(bundledGraph)
        #expect(estimate >= size)
        #expect(estimate < size + size / 4 + 4096, "\(estimate) for \(size)")
    }

    /// The stream hash does not depend on how the stream is cut into pieces.
    @Test func theStreamHashIgnoresHowBytesArriveInPieces() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var whole = StreamHash(seed: 5)
        bytes.withUnsafeBytes { whole.add($0) }
        for step in [1, 3, 7, 31, 32, 33, 100, 999] {
            var h = StreamHash(seed: 5)
            bytes.withUnsafeBytes { b in
                var i = 0
                while i < b.count { let n = min(step, b.count - i); h.add(UnsafeRawBufferPointer(rebasing: b[i..<(i + n)])); i += n }
            }
            #expect(h.value == whole.value, "pieces of \(step)")
        }
        var other = StreamHash(seed: 5)
        var changed = bytes
        changed[500] ^= 1
        changed.withUnsafeBytes { other.add($0) }
        #expect(other.value != whole.value)
        var shorter = StreamHash(seed: 5)
        bytes.dropLast().withUnsafeBytes { shorter.add($0) }
        #expect(shorter.value != whole.value)
    }

    // MARK: issue 16 item 8: where the cache lives and what it trusts

    @Test func theImageOfASymbolicLinkIsTheImageOfItsTarget() throws {
        let data = try mutatedData("cities.csv") { $0 }
        defer { try? FileManager.default.removeItem(atPath: data) }
        let parent = (data as NSString).deletingLastPathComponent
        let link = parent + "/link-\(UUID().uuidString)"
        // A relative link: its text is not a path to the folder from anywhere else.
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: (data as NSString).lastPathComponent)
        defer { try? FileManager.default.removeItem(atPath: link) }
        #expect(CachedLoader.imagePath(folder: link, directory: "/c") == CachedLoader.imagePath(folder: data, directory: "/c"))
        #expect(CachedLoader.imagePath(folder: data + "/", directory: "/c") == CachedLoader.imagePath(folder: data, directory: "/c"))
    }

    @Test func theCacheFolderIsNeverRelativeNorShared() {
        func dir(_ env: [String: String]) -> String? {
            if case .success(let d) = CachedLoader.cacheDirectory(env) { return d }
            return nil
        }
        #expect(dir(["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/reseau")
        #expect(dir(["XDG_CACHE_HOME": "rel/cache", "HOME": "/h"]) == "/h/.cache/reseau", "a relative XDG_CACHE_HOME is ignored")
        #expect(dir(["XDG_CACHE_HOME": "", "HOME": "/h"]) == "/h/.cache/reseau")
        #expect(dir([:]) == nil, "no HOME: no cache, not one in the shared temporary folder")
        #expect(dir(["HOME": ""]) == nil)
        #expect(dir(["HOME": "relative"]) == nil)
        if case .failure(let why) = CachedLoader.cacheDirectory([:]) {
            #expect(why.warning == "warning: no snapshot cache: HOME is not set (nor XDG_CACHE_HOME to an absolute path); every run parses the CSV files")
        }
    }

    @Test func theCacheFolderIsPrivate() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Created with its missing parents, 0700.
        #expect(CachedLoader.prepare(directory: root + "/a/b/reseau") == nil)
        for d in ["/a", "/a/b", "/a/b/reseau"] {
            let mode = try FileManager.default.attributesOfItem(atPath: root + d)[.posixPermissions] as? Int
            #expect(mode == 0o700, "\(d): \(String(mode ?? 0, radix: 8))")
        }
        // An existing folder open to others is made private.
        try FileManager.default.createDirectory(atPath: root + "/open", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        #expect(CachedLoader.prepare(directory: root + "/open") == nil)
        #expect(try FileManager.default.attributesOfItem(atPath: root + "/open")[.posixPermissions] as? Int == 0o700)
        // A symbolic link (someone else's folder, say) is not used.
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/open")
        #expect(CachedLoader.prepare(directory: root + "/link") == "\(root)/link is not a folder (a symbolic link or a file)")
    }

    /// An 8 GB sparse image with a valid header is rejected from its size, without reading it
    /// (it was checksummed whole, 43 s), and rebuilt.
    @Test func anOversizeImageIsRejectedWithoutBeingRead() throws {
        let data = try mutatedData("cities.csv") { $0 }
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cache = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        _ = try CachedLoader.load(folder: data, cacheDirectory: cache)
        let image = CachedLoader.imagePath(folder: data, directory: cache)
        let key = try #require(try CachedLoader.key(folder: data, schema: .shared))
        guard case .used = CachedLoader.readImage(image, key: key.hash, csvBytes: key.bytes, schema: .shared, origin: data) else {
            Issue.record("the image just written is not used"); return
        }
        #expect(truncate(image, 8 << 30) == 0)
        guard case .oversize = CachedLoader.readImage(image, key: key.hash, csvBytes: key.bytes, schema: .shared, origin: data) else {
            Issue.record("an 8 GB image was not rejected from its size"); return
        }
        let (g, origin) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        #expect(origin == .csv)
        #expect(same(g, bundledGraph))
        let size = try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int ?? 0
        #expect(size < 1 << 30, "rebuilt")
    }

    /// The image of the bundled network is well under the size bound that rejects planted ones.
    @Test func realImagesAreFarBelowTheSizeBound() throws {
        let bytes = Snapshot.encode(bundledGraph, key: 1)
        let csv = Schema.shared.nodeTypes.map(\.file) + Schema.shared.edgeTypes.map(\.file)
        let total = csv.reduce(0) { $0 + (EmbeddedData.files[$1]?.utf8.count ?? 0) }
        #expect(bytes.count * 4 < Snapshot.maximumSize(csvBytes: total), "\(bytes.count) bytes of image for \(total) of CSV")
    }
}
