import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The pty functions of the C library, which the Glibc module does not import (they need
/// _XOPEN_SOURCE), looked up by name.
enum LibC {
    private static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("no \(name) in the C library") }
        return unsafeBitCast(p, to: type)
    }
    static let posix_openpt = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grantpt = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlockpt = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let addchdir = symbol("posix_spawn_file_actions_addchdir_np",
                                 as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
    static let ptsname_r = symbol("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)
}

/// Starts the `reseau` binary with default signal actions and no signal blocked (Foundation's
/// Process passes on the test thread's blocked signals). With `terminal`, that pty slave is its
/// stdin, stdout, stderr and controlling terminal (a new session); else `stdio` descriptors.
func spawnReseau(_ arguments: [String], environment: [String: String], terminal: String? = nil,
                 stdio: (Int32, Int32, Int32)? = nil, directory: String? = nil) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let directory { _ = LibC.addchdir(&actions, directory) }
    var flags: Int32 = 0x04 /* POSIX_SPAWN_SETSIGDEF */ | 0x08 /* POSIX_SPAWN_SETSIGMASK */
    if let terminal {
        posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        flags |= 0x80 /* POSIX_SPAWN_SETSID */
    } else if let (i, o, e) = stdio {
        posix_spawn_file_actions_adddup2(&actions, i, 0)
        posix_spawn_file_actions_adddup2(&actions, o, 1)
        posix_spawn_file_actions_adddup2(&actions, e, 2)
    }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(flags))
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attr, &empty)

    let argv: [UnsafeMutablePointer<CChar>?] = ([Binary.path] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, Binary.path, &actions, &attr, argv, envp)
    guard rc == 0 else {
        throw PTYProcess.Failure(description: "cannot start \(Binary.path): \(String(cString: strerror(rc)))")
    }
    return child
}

/// Waits for `pid` up to `timeout` seconds: its exit status (-N when killed by signal N), or nil
/// after killing it when it did not end in time.
func waitForExit(_ pid: pid_t, timeout: Double) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while deadline.timeIntervalSinceNow > 0 {
        if waitpid(pid, &status, WNOHANG) == pid {
            return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
        }
        usleep(20_000)
    }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
    return nil
}

/// The `reseau` binary running on a pseudo-terminal, driven like a user at a keyboard:
/// `send` keystrokes, `expect` text in what it prints (ANSI escapes stripped), `waitForExit`.
///
/// The child is a session leader (POSIX_SPAWN_SETSID) whose controlling terminal is the pty's
/// slave side, on stdin, stdout and stderr.
final class PTYProcess {
    let master: Int32
    let pid: pid_t
    /// Everything read from the terminal so far, escapes stripped.
    private(set) var transcript = ""
    private var raw: [UInt8] = []
    /// Where the next `expect` starts looking in `transcript`.
    private var mark: String.Index
    private var exitStatus: Int32?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(arguments: [String], environment: [String: String], columns: UInt16 = 100, directory: String? = nil) throws {
        let m = LibC.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        var name = [CChar](repeating: 0, count: 128)
        guard m >= 0, LibC.grantpt(m) == 0, LibC.unlockpt(m) == 0, LibC.ptsname_r(m, &name, name.count) == 0 else {
            throw Failure(description: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let slave = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ws = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(m, UInt(TIOCSWINSZ), &ws)

        let child: pid_t
        do { child = try spawnReseau(arguments, environment: environment, terminal: slave, directory: directory) } catch {
            close(m)
            throw error
        }
        master = m
        pid = child
        mark = transcript.startIndex
    }

    /// The environment of a REPL test: a clean home and state folder, no locale (the binary
    /// must fall back to C.UTF-8 itself), an xterm.
    static func environment(home: String, state: String) -> [String: String] {
        var env: [String: String] = [:]
        for k in ["PATH", "TMPDIR"] { if let v = ProcessInfo.processInfo.environment[k] { env[k] = v } }
        env["HOME"] = home
        env["XDG_STATE_HOME"] = state
        env["TERM"] = "xterm"
        return env
    }

    /// Types `keys` (`\r` is Enter, `\u{3}` Ctrl-C, `\u{4}` Ctrl-D, `\t` Tab, `\u{1B}[A` up).
    func send(_ keys: String) {
        var bytes = Array(keys.utf8)
        bytes.withUnsafeMutableBytes { _ = write(master, $0.baseAddress, $0.count) }
    }

    /// Reads what is available within `timeout` seconds; false at end of file (the child exited).
    @discardableResult
    private func pump(_ timeout: Double) -> Bool {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let r = poll(&fds, 1, Int32(max(0, timeout) * 1000))
        guard r > 0 else { return true }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if n <= 0 { return false }   // EIO once the slave side is closed
        raw.append(contentsOf: buf[0..<n])
        let offset = transcript.distance(from: transcript.startIndex, to: mark)
        transcript = stripANSI(String(decoding: raw, as: UTF8.self))
        mark = transcript.index(transcript.startIndex, offsetBy: min(offset, transcript.count))
        return true
    }

    /// Waits until `text` appears after the previous match; returns what came before it.
    @discardableResult
    func expect(_ text: String, timeout: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let r = transcript.range(of: text, range: mark..<transcript.endIndex) {
                let before = String(transcript[mark..<r.lowerBound])
                mark = r.upperBound
                return before
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 || !pump(min(left, 0.2)) && transcript.range(of: text, range: mark..<transcript.endIndex) == nil {
                throw Failure(description: "expected \(text.debugDescription) (\(childState)); the terminal shows:\n" + String(transcript[mark...]))
            }
        }
    }

    /// Waits for the prompt, then until libedit really waits for a key: the terminal out of
    /// canonical mode and the child blocked reading it. Keys typed before that could reach the
    /// terminal in its cooked mode (between two lines), where Ctrl-D is an end-of-file that
    /// libedit never sees. Returns what came before the prompt.
    @discardableResult
    func prompt(_ text: String = "reseau> ", timeout: Double = 15) throws -> String {
        let before = try expect(text, timeout: timeout)
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            var t = termios()
            if tcgetattr(master, &t) == 0, t.c_lflag & tcflag_t(ICANON) == 0 {
                let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
                if wchan.contains("wait_woken") || wchan.contains("n_tty_read") { return before }
            }
            if !pump(0.02) { break }
        }
        throw Failure(description: "no prompt waiting for input (\(childState))")
    }

    /// Types `line` and Enter, and returns what it printed before the next prompt.
    @discardableResult
    func run(_ line: String) throws -> String {
        send(line + "\r")
        try expect("\n")   // the end of the echoed line: later prompts are new ones
        return try prompt()
    }

    /// What the child is doing, for failure messages: its state and kernel wait channel.
    var childState: String {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first ?? "?"
        return "pid \(pid) state \(state) waiting in \(wchan.isEmpty ? "-" : wchan)"
    }

    /// Text printed since the last match, after waiting `seconds` for more.
    func drain(_ seconds: Double = 0.3) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0 { if !pump(deadline.timeIntervalSinceNow) { break } }
        return String(transcript[mark...])
    }

    private func pollExit() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        }
        return exitStatus
    }

    /// Waits for the child to end; its exit status (128+N when killed by signal N), or nil.
    func waitForExit(timeout: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            if let s = pollExit() { _ = drain(0.05); return s }
            pump(0.05)
        }
        return nil
    }

    deinit {
        if pollExit() == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }
}
