import Foundation

/// Loads a data folder through the snapshot cache: a second run on unchanged files maps the
/// binary image instead of parsing CSV.
///
/// The cache lives in `$XDG_CACHE_HOME/reseau/` (default `~/.cache/reseau/`), one image per
/// folder, named by a hash of the folder's real path. An image is used only when its key — a
/// hash of every data file's name, size, modification time and contents — matches; otherwise
/// the CSV files are loaded and the image is rewritten (to a temporary file, then renamed, so
/// that a concurrent reader never sees half an image). Cache errors never fail a load.
public enum CachedLoader {
    /// How the last load went, for `--timer` and tests.
    public enum Origin: Sendable, Equatable { case snapshot, csv, csvNoCache }

    /// The default cache folder.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return x + "/reseau" }
        return (env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/reseau"
    }

    /// Loads `folder`, using and refreshing the image in `cacheDirectory` (nil: no cache).
    public static func load(folder: String, cacheDirectory: String? = defaultDirectory, schema: Schema = .shared) throws(LoadFailure) -> (Graph, Origin) {
        guard let dir = cacheDirectory, let key = key(folder: folder, schema: schema) else {
            return (try Loader.load(FolderSource(folder), schema: schema), .csvNoCache)
        }
        let path = imagePath(folder: folder, directory: dir)
        if let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped),
           let g = data.withUnsafeBytes({ Snapshot.decode($0, key: key, schema: schema, origin: folder) }) {
            return (g, .snapshot)
        }
        let g = try Loader.load(FolderSource(folder), schema: schema)
        write(Snapshot.encode(g, key: key), to: path)
        return (g, .csv)
    }

    /// Where the image of `folder` is kept.
    public static func imagePath(folder: String, directory: String) -> String {
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder)) ?? URL(fileURLWithPath: folder).standardizedFileURL.path
        var bytes = Array(real.utf8)
        let h = bytes.withUnsafeMutableBytes { Snapshot.checksum(UnsafeRawBufferPointer($0)) }
        return directory + "/" + String(h, radix: 16) + ".snapshot"
    }

    /// A hash of every data file's name, size, modification time and contents; nil when a file
    /// cannot be read (the plain loader then reports it).
    static func key(folder: String, schema: Schema) -> UInt64? {
        var h: UInt64 = Snapshot.fingerprint(schema)
        for file in schema.nodeTypes.map(\.file) + schema.edgeTypes.map(\.file) {
            let p = folder + "/" + file
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: p),
                  let size = attrs[.size] as? NSNumber, let mtime = attrs[.modificationDate] as? Date,
                  let data = try? Data(contentsOf: URL(fileURLWithPath: p), options: .alwaysMapped) else { return nil }
            var meta = Array("\(file)|\(size.int64Value)|\(mtime.timeIntervalSince1970)".utf8)
            let m = meta.withUnsafeMutableBytes { Snapshot.checksum(UnsafeRawBufferPointer($0), seed: h) }
            h = data.withUnsafeBytes { Snapshot.checksum($0, seed: m) }
        }
        return h
    }

    /// Writes `bytes` to `path` atomically; failures are ignored (the cache is an optimisation).
    static func write(_ bytes: [UInt8], to path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = dir + "/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else { return }
        if rename(tmp, path) != 0 { try? FileManager.default.removeItem(atPath: tmp) }
    }
}
