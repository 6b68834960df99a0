import FoundationEssentials
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Loads a data folder through the snapshot cache: a second run on unchanged files reads the
/// binary image instead of parsing CSV.
///
/// The cache lives in `$XDG_CACHE_HOME/reseau/` (an absolute path; default `~/.cache/reseau/`),
/// a folder of mode 0700 owned by the user, one image per data folder, named by a hash of the
/// folder's real path. An image is used only when its key matches: a hash of every data file's
/// name, size and contents, as read with read(2) (never mapped). On a miss the CSV files are
/// parsed and the key of the image written is hashed from the very bytes that were parsed, so an
/// edit during a load can never store new data under the old data's key. The image is written
/// to a temporary file of Reseau's own (`.tmp-PID-RANDOM`, removed on SIGINT/SIGTERM and by later
/// runs when its process is gone), then renamed. Cache errors never fail a load.
public enum CachedLoader {
    /// How the last load went, for `--timer` and tests.
    public enum Origin: Sendable, Equatable { case snapshot, csv, csvNoCache }

    /// The cache folder for `environment`, or why there is none: `$XDG_CACHE_HOME/reseau` when
    /// that is an absolute path (the XDG spec says to ignore a relative one), else
    /// `$HOME/.cache/reseau` when HOME is absolute. Never a shared temporary folder.
    public static func cacheDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, CacheUnavailable> {
        if let x = environment["XDG_CACHE_HOME"], x.hasPrefix("/") { return .success(x + "/reseau") }
        if let h = environment["HOME"], h.hasPrefix("/") { return .success(h + "/.cache/reseau") }
        return .failure(CacheUnavailable(reason: "HOME is not set (nor XDG_CACHE_HOME to an absolute path)"))
    }

    /// Why the cache is off.
    public struct CacheUnavailable: Error, Sendable, Equatable {
        public let reason: String
        /// The one line printed on stderr.
        public var warning: String { "warning: no snapshot cache: \(reason); every run parses the CSV files" }
    }

    /// The default cache folder, or nil when there is none (see `cacheDirectory`).
    public static var defaultDirectory: String? {
        if case .success(let d) = cacheDirectory() { return d }
        return nil
    }

    /// Loads `folder`, using and refreshing the image in `cacheDirectory` (nil: no cache).
    /// `warn` receives one line when the cache folder is unsafe or cannot be made.
    public static func load(folder: String, cacheDirectory: String? = defaultDirectory, schema: Schema = .shared,
                            warn: (String) -> Void = { _ in }) throws(LoadFailure) -> (Graph, Origin) {
        guard let dir = cacheDirectory else { return (try Loader.load(FolderSource(folder), schema: schema), .csvNoCache) }
        if let problem = prepare(directory: dir) {
            warn("warning: no snapshot cache: \(problem); every run parses the CSV files")
            return (try Loader.load(FolderSource(folder), schema: schema), .csvNoCache)
        }
        let path = imagePath(folder: folder, directory: dir)
        // The files as they are now: on a hit, nothing is parsed. A file that changed while it
        // was read is an error; one that cannot be read is left to the loader to report.
        let current: Key?
        do throws(DataError) { current = try key(folder: folder, schema: schema) } catch {
            throw LoadFailure(errors: [error], more: 0)
        }
        if let current, case .used(let g) = readImage(path, key: current.hash, csvBytes: current.bytes, schema: schema, origin: folder) {
            return (g, .snapshot)
        }
        LoadHook.fire("after-key")
        // Parse, hashing exactly the bytes parsed: the image's key describes its contents.
        let source = HashingSource(FolderSource(folder))
        let g = try Loader.load(source, schema: schema)
        if let parsed = source.key(schema) {
            write(Snapshot.encode(g, key: parsed.hash), to: path)
        }
        return (g, .csv)
    }

    /// Where the image of `folder` is kept: named by a hash of the folder's real path (symbolic
    /// links resolved, so that two names of one folder share one image).
    public static func imagePath(folder: String, directory: String) -> String {
        let real = realpath(folder, nil).map { p in defer { free(p) }; return String(cString: p) }
            ?? URL(fileURLWithPath: folder).standardizedFileURL.path
        var bytes = Array(real.utf8)
        let h = bytes.withUnsafeMutableBytes { Snapshot.checksum(UnsafeRawBufferPointer($0)) }
        return directory + "/" + String(h, radix: 16) + ".snapshot"
    }

    // MARK: keys

    /// A key and the total size of the files it covers.
    struct Key { var hash: UInt64; var bytes: Int }

    /// One file's share of a key: its name, size and a hash of its bytes.
    struct Digest { var hash: UInt64; var bytes: Int }

    static func digest(_ file: String, _ data: UnsafeRawBufferPointer) -> Digest {
        var h = StreamHash(seed: seed(file, data.count))
        h.add(data)
        return Digest(hash: h.value, bytes: data.count)
    }

    /// The seed of the hash of `file`'s contents: its name and size.
    static func seed(_ file: String, _ size: Int) -> UInt64 {
        var meta = Array("\(file)|\(size)".utf8)
        return meta.withUnsafeMutableBytes { Snapshot.checksum(UnsafeRawBufferPointer($0)) }
    }

    /// The key of the files whose digests `digests` gives (nil: a file is missing), in schema order.
    static func key(schema: Schema, _ digests: (String) -> Digest?) -> Key? {
        var h: UInt64 = Snapshot.fingerprint(schema), total = 0
        for file in schema.nodeTypes.map(\.file) + schema.edgeTypes.map(\.file) {
            guard let d = digests(file) else { return nil }
            h = withUnsafeBytes(of: d.hash.littleEndian) { Snapshot.checksum($0, seed: h) }
            total += d.bytes
        }
        return Key(hash: h, bytes: total)
    }

    /// The key of the files in `folder` as they are now (each read through a small buffer, the
    /// files shared among the cores); nil when one is missing or unreadable (the loader then
    /// reports it). Throws when a file changed while it was read.
    static func key(folder: String, schema: Schema) throws(DataError) -> Key? {
        let files = schema.nodeTypes.map(\.file) + schema.edgeTypes.map(\.file)
        let results = ResultBox<Result<Digest?, DataError>>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let file = files[i]
            do throws(DataError) {
                let h = try DataFile.hash(folder + "/" + file, hookName: file) { seed(file, $0) }
                results.set(i, .success(h.map { Digest(hash: $0.hash, bytes: $0.bytes) }))
            } catch {
                results.set(i, .failure(error))
            }
        }
        var digests: [String: Digest] = [:]
        for (i, file) in files.enumerated() {
            switch results.get(i) {
            case .success(let d): digests[file] = d
            case .failure(let error): if error.message == DataFile.changedMessage { throw error }
            }
        }
        return key(schema: schema) { digests[$0] }
    }

    /// A folder source that keeps the digest of the bytes of every file the loader read.
    final class HashingSource: DataSource, @unchecked Sendable {
        let base: FolderSource
        private let read = Mutex<[String: Digest]>([:])
        init(_ base: FolderSource) { self.base = base }
        var name: String { base.name }
        func path(of file: String) -> String { base.path(of: file) }
        func read(_ file: String) throws -> [UInt8]? {
            let b = try base.read(file)
            if let b {
                let d = b.withUnsafeBytes { CachedLoader.digest(file, $0) }
                read.withLock { $0[file] = d }
            }
            return b
        }
        /// The key of what was read, nil when a file was not.
        func key(_ schema: Schema) -> Key? {
            read.withLock { files in CachedLoader.key(schema: schema) { files[$0] } }
        }
    }

    // MARK: the cache folder and its files

    /// Makes `directory` (and missing parents) with mode 0700; nil when it is fit for the cache:
    /// a real folder (not a symbolic link) owned by this user, made private (0700) if it was not.
    static func prepare(directory: String) -> String? {
        var missing: [String] = []
        var d = directory
        while !d.isEmpty, d != "/", access(d, F_OK) != 0 {
            missing.append(d)
            d = Paths.parent(d)
        }
        for m in missing.reversed() where mkdir(m, 0o700) != 0 && errno != EEXIST {
            return "cannot create \(m): \(String(cString: strerror(errno)))"
        }
        var st = stat()
        guard lstat(directory, &st) == 0 else { return "cannot use \(directory): \(String(cString: strerror(errno)))" }
        guard st.st_mode & S_IFMT == S_IFDIR else { return "\(directory) is not a folder (a symbolic link or a file)" }
        guard st.st_uid == geteuid() else { return "\(directory) belongs to another user" }
        if st.st_mode & 0o077 != 0, chmod(directory, 0o700) != 0 {
            return "\(directory) is open to other users and cannot be made private"
        }
        return nil
    }

    /// The image at `path` when it is a regular file of ours built for `key`, else nil. Read with
    /// pread(2), never mapped (a file shrunk meanwhile is a short read, never a SIGBUS); an image larger than any image of `csvBytes` of CSV can be (a sparse
    /// or planted file) is rejected from its size alone, without reading it.
    static func readImage(_ path: String, key: UInt64, csvBytes: Int, schema: Schema, origin: String) -> ImageCheck {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .missing }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid() else { return .notOurs }
        guard Int(st.st_size) <= Snapshot.maximumSize(csvBytes: csvBytes) else { return .oversize }
        var header = [UInt8](repeating: 0, count: Snapshot.headerSize)
        guard pread(fd, &header, header.count, 0) == header.count,
              header.withUnsafeBytes({ Snapshot.headerMatches($0, key: key, schema: schema) }) else { return .otherKey }
        // Read piece by piece straight into the graph's arrays (no copy of the whole image).
        guard let g = Snapshot.decode(file: fd, size: Int(st.st_size), key: key, schema: schema, origin: origin) else {
            return .damaged
        }
        return .used(g)
    }

    /// What `readImage` found.
    enum ImageCheck {
        case used(Graph)
        case missing
        /// Not a regular file owned by this user: never read.
        case notOurs
        /// Larger than any image of the data can be: rejected without reading it.
        case oversize
        /// Built for other data (or not an image): only its header was read.
        case otherKey
        case damaged
    }

    /// The temporary image being written, as a C string (0: none), for the signal handler to
    /// remove on SIGINT/SIGTERM. Deliberately leaked: a handler may still read an older one.
    public static let temporaryFile = Atomic<UInt>(0)

    /// Writes `bytes` to `path` through a temporary file of ours in the same folder (created
    /// exclusively, mode 0600, not through a symbolic link), renamed into place; failures are
    /// ignored (the cache is an optimisation) and the temporary file never left behind.
    static func write(_ bytes: [UInt8], to path: String) {
        let dir = Paths.parent(path)
        removeLeftovers(in: dir)
        let tmp = dir + "/.tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        temporaryFile.store(UInt(bitPattern: strdup(tmp)), ordering: .releasing)
        defer { temporaryFile.store(0, ordering: .releasing) }
        var ok = true
        bytes.withUnsafeBytes { b in
            var n = 0
            while n < b.count {
                if n > 0 { LoadHook.fire("writing-image") }
                let r = Glibc.write(fd, b.baseAddress! + n, n == 0 ? b.count / 2 : b.count - n)
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { ok = false; return }
                n += r
            }
        }
        if close(fd) != 0 { ok = false }
        if !ok || rename(tmp, path) != 0 { unlink(tmp) }
    }

    /// Removes temporary images whose writer is gone (killed before it could clean up), and the
    /// `.dat.nosync…` files earlier versions left when interrupted.
    static func removeLeftovers(in dir: String) {
        // A folder that cannot be listed leaves nothing to clean (the write then fails too).
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch { return }
        for name in names {
            if name.hasPrefix(".tmp-") {
                let pid = name.dropFirst(5).prefix { $0 != "-" }
                if let p = Int32(pid), p != getpid(), kill(p, 0) != 0, errno == ESRCH { unlink(dir + "/" + name) }
            } else if name.contains(".dat.nosync") {
                unlink(dir + "/" + name)
            }
        }
    }
}

/// Test-only: `RESEAU_TEST_LOAD_HOOK` makes the loader itself change a file at a defined point of
/// a load, once per process, so that tests reproduce a concurrent writer without timing. Fields
/// are separated by tabs: the point (`after-key`: every file read and hashed, no image matched,
/// before parsing; `before-read FILE`: FILE of the schema opened, before its bytes are read;
/// `writing-image`: half the snapshot image written), then the action (`rename SRC DST`,
/// `truncate PATH BYTES`, `signal TERM|INT` to the process itself).
enum LoadHook {
    static let spec: [String]? = ProcessInfo.processInfo.environment["RESEAU_TEST_LOAD_HOOK"]
        .map { $0.components(separatedBy: "\t") }
    static let fired = Atomic<Bool>(false)

    static func fire(_ point: String, file: String? = nil) {
        guard var f = spec, f.first == point else { return }
        f.removeFirst()
        if let file {
            guard f.first == file else { return }
            f.removeFirst()
        }
        guard !fired.exchange(true, ordering: .relaxed), let action = f.first else { return }
        switch action {
        case "rename" where f.count == 3: _ = rename(f[1], f[2])
        case "truncate" where f.count == 3: _ = truncate(f[1], off_t(f[2]) ?? 0)
        case "signal" where f.count == 2: _ = kill(getpid(), f[1] == "INT" ? SIGINT : SIGTERM)
        default: break
        }
    }
}
