import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// stdout was closed under us (`reseau … | head -1`): the run ends quietly.
public struct OutputClosed: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the output was closed" }
}

/// A write to a file descriptor failed for another reason (disk full, …).
public struct OutputFailed: Error, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}

/// The output was stopped by Ctrl-C, SIGTERM or SIGHUP (a write blocked on a full pipe, or a
/// long result being printed): the run ends as interrupted.
public struct OutputInterrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}

/// Writes all of `bytes` to `fd` with write(2), retrying on short writes and EINTR. With
/// `stopOnSignal` (results), it gives up with EINTR once a signal asked to stop: a write
/// blocked on a full pipe must not keep the process from ending. Returns 0, or the errno that
/// stopped it.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, stopOnSignal: Bool = false) -> Int32 {
    guard var p = bytes.baseAddress else { return 0 }
    var left = bytes.count
    while left > 0 {
        // A signal during a blocked write ends it early: with EINTR, or short when part was written.
        if stopOnSignal && SignalState.isInterrupted { return EINTR }
        let n = write(fd, p, left)
        if n < 0 {
            if errno == EINTR {
                if stopOnSignal && SignalState.isInterrupted { return EINTR }
                continue
            }
            return errno
        }
        left -= n
        p += n
    }
    return 0
}

/// Output to a file descriptor that gathers text into large write(2) calls: text is held until
/// `flush()` (which the writers call at the end of each result) or until a megabyte is pending.
/// It holds bytes, not rows: the rows of a result are held once, before their writer, by the
/// session's `ResultStream`, so a failing query prints nothing; `discardPending()` drops the
/// text a result that failed while streaming had not yet written.
public class DescriptorOutput: TextOutput {
    let fd: Int32
    let path: String
    private var pending: [UInt8] = []
    /// Bytes pending beyond which text is written through without waiting for `flush()`.
    static let highWater = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        pending.reserveCapacity(64 * 1024)
    }

    /// Throws `OutputInterrupted` once a signal asked to stop, so that every writer's loop
    /// (table, JSON, …) ends promptly on Ctrl-C.
    public func write(_ s: String) throws {
        if SignalState.isInterrupted { throw OutputInterrupted() }
        pending.append(contentsOf: s.utf8)
        if pending.count >= Self.highWater { try flush() }
    }

    public func flush() throws {
        guard !pending.isEmpty else { return }
        let code = pending.withUnsafeBytes { writeAll(fd, $0, stopOnSignal: true) }
        pending.removeAll(keepingCapacity: true)
        if code != 0 { throw failure(code) }
    }

    /// Drops text not yet written (the rest of a failed result).
    public func discardPending() { pending.removeAll(keepingCapacity: true) }

    func failure(_ code: Int32) -> Error {
        code == EINTR ? OutputInterrupted() : OutputFailed(path: path, code: code)
    }
}

extension StdoutOutput {
    /// True when descriptor 1 was not open at start (`reseau … >&-`). /dev/null is then opened
    /// on it (and on 0 and 2 when they are closed too), so that no file opened later takes
    /// descriptor 1 and gets the results, or makes writing them fail with an error that depends
    /// on what took it.
    static func reserveClosedDescriptors() -> Bool {
        var stdoutClosed = false
        for fd: Int32 in [0, 1, 2] where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            if fd == 1 { stdoutClosed = true }
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd { dup2(null, fd); close(null) }
        }
        return stdoutClosed
    }

    static let closedMessage = "error: standard output is closed, so no result can be written (redirect it, or write them to a file with -o FILE)"
}

/// Results on standard output. A closed pipe (EPIPE; SIGPIPE is ignored) becomes `OutputClosed`
/// and sets `StdoutOutput.closed`, which ends the run quietly with status 0.
public final class StdoutOutput: DescriptorOutput {
    nonisolated(unsafe) private static var closedFlag = false
    /// True once a write to stdout failed with EPIPE.
    public static var closed: Bool { closedFlag }

    public init() { super.init(fd: 1, path: "<stdout>") }

    /// Another descriptor standing for stdout (tests).
    init(descriptor fd: Int32) { super.init(fd: fd, path: "<stdout>") }

    override func failure(_ code: Int32) -> Error {
        if code == EPIPE {
            Self.closedFlag = true
            return OutputClosed()
        }
        if code == EINTR { return OutputInterrupted() }
        return super.failure(code)
    }

    /// Writes `s` now (dot command output, the banner), after anything pending.
    public func print(_ s: String) {
        // Messages are not results: a signal does not stop them (write(2) still gives up on EINTR).
        var s = s
        try? flush()
        s.withUTF8 { _ = writeAll(fd, UnsafeRawBufferPointer($0)) }
    }
}

/// `-o FILE` and `.output FILE`: text goes to a temporary file in FILE's folder, which replaces
/// FILE (rename(2), atomic) on `commit()`; `discard()` deletes it and leaves any earlier FILE as
/// it was. The temporary file is also deleted if the process is stopped by a second Ctrl-C.
///
/// A symbolic link is followed (the file it names is replaced, the link stays). A FILE that is
/// not a regular file (`/dev/null`, a FIFO, `/dev/stdout`) is written in place, not replaced.
public final class AtomicFileOutput: DescriptorOutput {
    /// The file the output is for.
    public let target: String
    /// The temporary file written meanwhile; nil when `target` is written in place.
    public let temporary: String?
    /// The path the temporary file is renamed to: `target`, its symbolic links resolved.
    let destination: String
    private var isOpen = true

    /// Creates the temporary file next to `target` (or opens a special file).
    public init(target: String) throws {
        // A descriptor already open (`/dev/stdout` with `>> log`, `/dev/fd/3`, or the very file
        // stdout or stderr is redirected to): write through a copy of that descriptor, at its
        // offset and with its flags (O_APPEND), never truncating or replacing the file.
        if let open = AtomicFileOutput.openDescriptor(for: target) {
            let fd = dup(open)
            if fd < 0 { throw CLIError.usage("cannot write \(target): \(String(cString: strerror(errno)))") }
            self.target = target
            self.destination = target
            self.temporary = nil
            super.init(fd: fd, path: target)
            return
        }
        var destination = target
        var st = stat()
        if lstat(target, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let real = realpath(target, nil) {
            destination = String(cString: real)
            free(real)
        }
        if stat(destination, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
            let fd = open(destination, O_WRONLY | O_TRUNC | O_CLOEXEC)
            if fd < 0 { throw CLIError.usage("cannot write \(target): \(String(cString: strerror(errno)))") }
            self.target = target
            self.destination = destination
            self.temporary = nil
            super.init(fd: fd, path: target)
            return
        }
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var template = Array(Paths.join(folder, ".\(url.lastPathComponent).reseau-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw CLIError.usage("cannot write \(target): \(String(cString: strerror(errno)))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.target = target
        self.destination = destination
        self.temporary = temporary
        super.init(fd: fd, path: target)
        SignalState.setTemporaryFile(temporary)
    }

    /// The descriptor of this process that `path` names or is the same file as: `/dev/stdout`,
    /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, or a file that stdout or stderr is open on.
    static func openDescriptor(for path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            if let n = Int32(path.dropFirst(prefix.count)), fcntl(n, F_GETFD) >= 0 { return n }
        }
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        for fd: Int32 in [1, 2] {
            var o = stat()
            if fstat(fd, &o) == 0 && o.st_dev == st.st_dev && o.st_ino == st.st_ino { return fd }
        }
        return nil
    }

    /// Flushes, syncs and renames the temporary file over the target, with the mode of an earlier
    /// file or, for a new file, 0666 less the umask.
    public func commit() throws {
        guard isOpen else { return }
        isOpen = false
        guard let temporary else {
            defer { close(fd) }
            try flush()
            return
        }
        SignalState.setTemporaryFile(nil)
        do {
            try flush()
            var st = stat()
            let mode: mode_t
            if stat(destination, &st) == 0 {
                mode = st.st_mode & 0o7777
                // A file with other hard links, or one whose owner or group the new file cannot
                // be given, is rewritten in place: a rename would cut the links or change hands.
                var inPlace = st.st_nlink > 1
                if !inPlace && (st.st_uid != geteuid() || st.st_gid != getegid()) && fchown(fd, st.st_uid, st.st_gid) != 0 {
                    inPlace = true
                }
                if inPlace {
                    try copyInPlace()
                    close(fd)
                    unlink(temporary)
                    return
                }
            } else {
                let mask = umask(0o022); umask(mask)
                mode = 0o666 & ~mask
            }
            fchmod(fd, mode)
            if fsync(fd) != 0 && errno != EINVAL { throw OutputFailed(path: target, code: errno) }
            close(fd)
            if rename(temporary, destination) != 0 { throw OutputFailed(path: target, code: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// The temporary file's contents written over `destination` itself (O_TRUNC), which keeps
    /// its inode — its hard links, owner, group and mode (the caller deletes the temporary file).
    /// Only once the run succeeded: a failed or interrupted run never gets here.
    private func copyInPlace() throws {
        if fsync(fd) != 0 && errno != EINVAL { throw OutputFailed(path: target, code: errno) }
        let out = open(destination, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if out < 0 { throw OutputFailed(path: target, code: errno) }
        defer { close(out) }
        lseek(fd, 0, SEEK_SET)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw OutputFailed(path: target, code: errno) }
            if n == 0 { break }
            let e = chunk.withUnsafeBytes { writeAll(out, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if e != 0 { throw OutputFailed(path: target, code: e) }
        }
        if fsync(out) != 0 && errno != EINVAL { throw OutputFailed(path: target, code: errno) }
    }

    /// Deletes the temporary file; the target is left untouched.
    public func discard() {
        guard isOpen else { return }
        isOpen = false
        discardPending()
        close(fd)
        if let temporary {
            SignalState.setTemporaryFile(nil)
            unlink(temporary)
        }
    }

    deinit { discard() }
}

/// Messages for the user on stderr (unbuffered, write(2)).
public enum Console {
    /// Colour `error:`, `warning:`, `note:` and the caret line of diagnostics (set from
    /// `--color` and whether stderr is a terminal; `NO_COLOR` turns `auto` off).
    nonisolated(unsafe) public static var color = false

    /// Writes `s` to stderr as is (coloured when `color` is on).
    public static func error(_ s: String) {
        var s = TerminalText.escape(s, .message(keepNewlines: true))   // nothing reaches stderr raw
        if color { s = colored(s) }
        s.withUTF8 { _ = writeAll(2, UnsafeRawBufferPointer($0)) }
    }

    /// Writes `s` to stderr, adding a newline when it has none.
    public static func errorLine(_ s: String) {
        error(s.hasSuffix("\n") ? s : s + "\n")
    }
}

extension Console {
    static let red = "\u{1B}[1;31m", yellow = "\u{1B}[1;33m", cyan = "\u{1B}[1;36m", blue = "\u{1B}[34m", reset = "\u{1B}[0m"

    /// `s` with diagnostics' parts coloured: the `error:`/`warning:`/`note:` label, the
    /// ` --> file:line:col` pointer, and the `^^^` caret with its hint.
    static func colored(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map(coloredLine).joined(separator: "\n")
    }

    static func coloredLine(_ line: Substring) -> String {
        for (label, c) in [("error:", red), ("warning:", yellow), ("note:", cyan)] where line.hasPrefix(label) {
            return c + label + reset + line.dropFirst(label.count)
        }
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("--> ") { return blue + line + reset }
        // ` | ` then spaces then carets: the underline and its hint.
        if trimmed.hasPrefix("|"), let caret = line.firstIndex(of: "^"),
           line[line.index(after: trimmed.startIndex)..<caret].allSatisfy({ $0 == " " }) {
            return line[..<caret] + red + line[caret...] + reset
        }
        return String(line)
    }
}
