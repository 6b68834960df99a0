import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `.pager on|off|COMMAND`: results on the terminal taller than the screen go through a pager,
/// as in psql. Off by default (the row cap and `.output` serve most needs, and a pager that
/// takes the screen surprises sqlite3 and DuckDB users).
enum Pager {
    /// `$PAGER`, else `less -FRSX` (quit when the text fits one screen, keep colours, chop long
    /// lines — scroll sideways —, leave the text on the screen).
    static func defaultCommand(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["PAGER"], !trimmedBlanks(p).isEmpty { return p }
        return "less -FRSX"
    }

    /// Why `command` cannot run, or nil when its program is on PATH (or is a path that exists).
    static func problem(_ command: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let program = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else {
            return "the pager command is empty"
        }
        if program.contains("/") { return access(program, X_OK) == 0 ? nil : "cannot run '\(program)'" }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where access("\(dir)/\(program)", X_OK) == 0 {
            return nil
        }
        return "'\(program)' is not installed (set $PAGER or give .pager a command)"
    }

    /// Lines the terminal on stdout shows: TIOCGWINSZ, else `$LINES`, else 24.
    static func screenRows() -> Int {
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_row > 0 { return Int(ws.ws_row) }
        if let l = ProcessInfo.processInfo.environment["LINES"], let n = Int(l), n > 0 { return n }
        return 24
    }
}

/// The reader quit the pager before the end of the result (`q` in less): the query stops and
/// the prompt comes back, without a message.
struct PagerClosed: Error, CustomStringConvertible {
    var description: String { "the pager was closed" }
}

/// Standard output through a pager: text is held until it is taller than the screen, then the
/// pager starts and gets it through a pipe, and the rest as it comes; a result that fits is
/// printed directly. `finish()` closes the pipe and waits for the reader to leave the pager.
final class PagerOutput: DescriptorOutput {
    let command: String
    let screenRows: Int
    private var held: [UInt8] = []
    private var heldLines = 0
    private var child: pid_t = 0
    private var pipeFD: Int32 = -1

    init(command: String, screenRows: Int) {
        self.command = command
        self.screenRows = max(2, screenRows)
        super.init(fd: 1, path: "<stdout>")
    }

    /// True once the pager runs.
    var started: Bool { child != 0 }

    override func write(_ s: String) throws {
        if SignalState.isInterrupted { throw OutputInterrupted() }
        held.append(contentsOf: s.utf8)
        if child == 0 {
            for b in s.utf8 where b == 10 { heldLines += 1 }
            // One line is left for the prompt that follows a result.
            if heldLines >= screenRows - 1 { try start() }
        } else if held.count >= 64 * 1024 {
            try send()
        }
    }

    override func flush() throws {
        if child != 0 { try send() }
        // Until the pager starts, text is held: the result may still fit the screen.
    }

    override func discardPending() {
        held.removeAll(keepingCapacity: true)
        heldLines = 0
    }

    /// Writes what is held to the pager.
    private func send() throws {
        guard !held.isEmpty else { return }
        let code = held.withUnsafeBytes { writeAll(pipeFD, $0, stopOnSignal: true) }
        held.removeAll(keepingCapacity: true)
        if code == EPIPE { throw PagerClosed() }
        if code == EINTR { throw OutputInterrupted() }
        if code != 0 { throw OutputFailed(path: "the pager", code: code) }
    }

    /// Starts the pager on a pipe; when it cannot start, says why once and prints directly.
    private func start() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return try printDirectly() }
        // Neither end may leak into later children (the write end would keep the pager waiting).
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        let words: [String] = ["sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard rc == 0 else {
            close(fds[1])
            Console.errorLine("warning: cannot start the pager: \(String(cString: strerror(rc)))")
            return try printDirectly()
        }
        child = pid
        pipeFD = fds[1]
        try send()
    }

    /// The pager could not start: what is held goes to stdout, and so does the rest.
    private func printDirectly() throws {
        child = -1
        pipeFD = 1
        try send()
    }

    /// The end of a run: what is held goes to stdout when the pager never started; otherwise
    /// the pipe is closed and the pager waited for (the reader leaves it with `q`). Returns
    /// true when the pager ran.
    @discardableResult
    func finish(console: StdoutOutput) throws -> Bool {
        defer { child = 0; pipeFD = -1; held.removeAll(keepingCapacity: true); heldLines = 0 }
        if child == 0 {
            try console.write(String(decoding: held, as: UTF8.self))
            try console.flush()
            return false
        }
        guard child > 0 else { return false }   // printed directly
        if !held.isEmpty { _ = held.withUnsafeBytes { writeAll(pipeFD, $0) } }
        close(pipeFD)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return true
    }
}
