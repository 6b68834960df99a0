import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Where the CSV files of a network come from.
public protocol DataSource: Sendable {
    /// A name for messages: the folder path, or "bundled".
    var name: String { get }
    /// The bytes of `file`, or nil when the file does not exist.
    func read(_ file: String) throws -> [UInt8]?
    /// The path to show in messages for `file`.
    func path(of file: String) -> String
}

/// A folder of CSV files on disk.
public struct FolderSource: DataSource {
    public let folder: String
    public init(_ folder: String) { self.folder = folder }
    public var name: String { folder }
    public func path(of file: String) -> String { Paths.join(folder, file) }
    public func read(_ file: String) throws -> [UInt8]? {
        try DataFile.read(path(of: file), hookName: file)
    }
}

/// Reading one data file whole, safely.
enum DataFile {
    /// The bytes of the regular file at `path`, or nil when nothing is there.
    ///
    /// Read with read(2) into memory — never through a memory mapping, which kills the process
    /// with SIGBUS when another program shrinks the file meanwhile — and checked not to have
    /// changed while it was read (size and modification time before and after, and the byte
    /// count): a file being rewritten is an error, never a silent mix of two versions. A folder,
    /// FIFO, device or socket is an error naming what it is; it is opened without blocking and
    /// never read. `hookName` is the name `RESEAU_TEST_LOAD_HOOK` matches (tests only).
    static func read(_ path: String, hookName: String? = nil) throws(DataError) -> [UInt8]? {
        try checkedRead(path, hookName: hookName) { fd, size in
            var failure: Int32 = 0
            // One byte more than the size: a file that grew is seen too.
            let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buf, done in
                var n = 0
                while n < size + 1 {
                    let r = Glibc.read(fd, buf.baseAddress! + n, size + 1 - n)
                    if r < 0 {
                        if errno == EINTR { continue }
                        failure = errno; break
                    }
                    if r == 0 { break }
                    n += r
                }
                done = n
            }
            return (bytes, bytes.count, failure)
        }
    }

    /// The size of the regular file at `path` and the hash of its bytes (`StreamHash` seeded by
    /// `seed(size)`), or nil when nothing is there: what `read` reads, with the same checks (a
    /// file that changed while it was read is an error), but read through one small buffer, so
    /// that hashing a big file costs neither its size in memory nor the page faults of it.
    static func hash(_ path: String, hookName: String? = nil, seed: (Int) -> UInt64) throws(DataError) -> (hash: UInt64, bytes: Int)? {
        try checkedRead(path, hookName: hookName) { fd, size in
            var h = StreamHash(seed: seed(size))
            var total = 0, failure: Int32 = 0
            let block = 1 << 20
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let r = Glibc.read(fd, buffer, block)
                if r < 0 {
                    if errno == EINTR { continue }
                    failure = errno; break
                }
                if r == 0 { break }
                h.add(UnsafeRawBufferPointer(start: buffer, count: r))
                total += r
            }
            return ((h.value, size), total, failure)
        }
    }

    /// The checks `read` and `hash` share: `path` opened without blocking (nil when nothing is
    /// there), a regular file, the load hook fired, `body` given the descriptor and the size to
    /// read it (returning its result, the bytes it read and the errno that stopped it, or 0),
    /// then the size, modification time and byte count compared with what they were before.
    static func checkedRead<T>(_ path: String, hookName: String?,
                               _ body: (_ fd: Int32, _ size: Int) -> (result: T, bytesRead: Int, failure: Int32)) throws(DataError) -> T? {
        func fail(_ message: String) -> DataError { DataError(file: path, line: 0, column: 0, message: message) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT { return nil }
            throw fail("cannot open the file: \(String(cString: strerror(e)))")
        }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw fail("cannot read the file: \(String(cString: strerror(errno)))") }
        if let what = notRegular(before.st_mode) {
            throw fail("\(what), not a CSV file (data files must be regular files)")
        }
        if let hookName { LoadHook.fire("before-read", file: hookName) }
        let size = Int(before.st_size)
        let (result, bytesRead, failure) = body(fd, size)
        if failure != 0 { throw fail("cannot read the file: \(String(cString: strerror(failure)))") }
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw fail("cannot read the file: \(String(cString: strerror(errno)))") }
        if bytesRead != size || after.st_size != before.st_size
            || after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec {
            throw fail(changedMessage)
        }
        return result
    }

    static let changedMessage = "the file changed while it was read (is another program writing it?); run again once it is written"

    /// What a file of mode `mode` is, when it is not a regular file: "it is a folder", ….
    static func notRegular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "it is a folder"
        case S_IFIFO: "it is a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: "it is a device"
        case S_IFSOCK: "it is a socket"
        default: "it is not a regular file"
        }
    }
}

/// The network compiled into the binary (see `EmbeddedData.swift`).
public struct BundledSource: DataSource {
    public init() {}
    public var name: String { "bundled" }
    public func path(of file: String) -> String { "<bundled>/" + file }
    public func read(_ file: String) throws -> [UInt8]? {
        EmbeddedData.text(of: file).map { Array($0.utf8) }
    }
}
