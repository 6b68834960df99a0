@preconcurrency import CEditLine
import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One line of input from the user.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// Where the REPL reads lines from: libedit on a terminal, plain lines otherwise.
protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    /// Remembers an entry for the up arrow (and the history file).
    func addHistory(_ entry: String)
}

/// The libedit prompt, through its readline-compatible API. libedit keeps one process-wide
/// state, so there is at most one `LineEditor`, and its callbacks reach the REPL through statics.
final class LineEditor: LineReader {
    /// Set by the Ctrl-C key while a line is edited.
    nonisolated(unsafe) static var interruptKeyPressed = false
    /// Turns the line so far into a completed line (Tab).
    nonisolated(unsafe) static var completer: ((String) -> CompletionMatches?)?

    /// Sets up libedit: UTF-8 input, Ctrl-C as a key while editing (signals stay on while a query
    /// runs), completion of the whole line so far.
    init() {
        LineEditor.useUTF8Locale()
        // Before rl_initialize().
        rl_readline_name = UnsafePointer(strdup("reseau"))
        rl_catch_signals = 0
        rl_outstream = stdout
        rl_initialize()
        // After rl_initialize(): ^C calls lineEditorInterrupt. readline() resets the tty modes
        // (tty_init) each time, so `setty -d -isig` (no SIGINT from ^C while editing) is
        // applied again by the pre-input hook, which runs after that and before editing.
        _ = rl_add_defun(strdup("reseau-interrupt"), lineEditorInterrupt, 3)
        rl_pre_input_hook = lineEditorPreInput
        // No word breaks: the "word" libedit hands to the completion function is the whole line
        // so far, which `Completion.apply` replaces.
        rl_basic_word_break_characters = UnsafePointer(strdup(""))
        rl_attempted_completion_function = lineEditorComplete
        rl_completion_query_items = 200
        stifle_history(1000)
        // Ctrl-Z then `fg` redraws the line (Signals.swift). SA_RESTART: readline's read goes on.
        _ = reseau_install_signal(SIGTSTP, reseauSuspendHandler, 1)
    }

    func readLine(prompt: String) -> LineInput {
        LineEditor.interruptKeyPressed = false
        rl_done = 0
        rl_resize_terminal()   // the window may have changed size since the last line
        SignalState.editing.store(true, ordering: .relaxed)
        let line = readline(prompt)
        SignalState.editing.store(false, ordering: .relaxed)
        guard let p = line else {
            // A SIGINT that reached the process anyway (kill -INT) drops the line too.
            if LineEditor.interruptKeyPressed || (SignalState.isInterrupted && !SignalState.isTerminated) { return .interrupted }
            return .end
        }
        defer { free(p) }
        if LineEditor.interruptKeyPressed { return .interrupted }
        return .line(String(cString: p))
    }

    /// Entries added since the history file was last saved (`HistoryFile.save` merges them).
    var unsaved: [String] = []

    func addHistory(_ entry: String) {
        _ = add_history(entry)
        unsaved.append(entry)
    }

    /// Loads a libedit history file from the open descriptor `fd` (through /dev/fd, so that
    /// what is read is the file checked, not whatever the path names by then); returns the
    /// errno on failure.
    func readHistory(fd: Int32) -> Int32 { read_history("/dev/fd/\(fd)") }

    /// Writes the history to the open descriptor `fd`; returns the errno on failure.
    func writeHistory(fd: Int32) -> Int32 { write_history("/dev/fd/\(fd)") }

    /// Forgets every entry (before the file is read again to merge).
    func clearHistory() { clear_history() }

    /// Without a UTF-8 LC_CTYPE libedit drops non-ASCII input (`é`): use the environment's
    /// locale, else C.UTF-8.
    static func useUTF8Locale() {
        if setlocale(LC_CTYPE, "") != nil, let cs = nl_langinfo(nl_item(CODESET)), String(cString: cs).uppercased().replacingScalar("-", with: "") == "UTF8" {
            return
        }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
    }
}

/// rl_pre_input_hook: turns ISIG off for the edit mode of the tty, after readline's tty_init.
private func lineEditorPreInput() -> Int32 {
    _ = rl_parse_and_bind("setty -d -isig")
    return 0
}

/// The ^C key while editing: drop the line (readline returns NULL, `interruptKeyPressed` tells
/// it from Ctrl-D).
private func lineEditorInterrupt(_ count: Int32, _ key: Int32) -> Int32 {
    LineEditor.interruptKeyPressed = true
    rl_done = 1
    return 0
}

/// rl_attempted_completion_function: `text` is the whole line before the cursor. Returns
/// libedit's match array (malloc'd): [replacement, listed…, NULL].
private func lineEditorComplete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1   // never fall back to file names
    guard let text, let completer = LineEditor.completer,
          let m = completer(String(cString: text)) else { return nil }
    // libedit reads matches[2]: one match is [line, line, NULL].
    // The list libedit prints goes through the terminal escaping (names come from the data).
    let entries = m.isUnique ? [m.line, m.line] : [m.line] + m.listed.map { TerminalText.escape($0) }
    guard let array = malloc((entries.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1) else { return nil }
    for (i, e) in entries.enumerated() { array[i] = strdup(e) }
    array[entries.count] = nil
    // A space after a completed word, not after a folder name.
    rl_completion_append_character = m.isUnique && !m.line.hasSuffix("/") ? 32 : 0
    return array
}

/// Plain lines from stdin, for a terminal on stdin when stdout is not one (no libedit: it would
/// draw its prompt into the output). Prompts go to stderr.
final class PlainLineReader: LineReader {
    func readLine(prompt: String) -> LineInput {
        Console.error(prompt)
        SignalState.clear()
        if let line = Swift.readLine(strippingNewline: true) { return .line(line) }
        if SignalState.isInterrupted {
            clearerr(stdin)
            Console.error("\n")
            return .interrupted
        }
        return .end
    }

    func addHistory(_ entry: String) {}
}

/// The history file: `$XDG_STATE_HOME/reseau/history`, by default
/// `~/.local/state/reseau/history`, in libedit's format (one entry per query, newlines escaped).
///
/// Saving merges: under a lock (`history.lock`), the file is read again and this session's new
/// entries appended, so sessions running at once keep every entry (the newest 1 000). It is
/// written to a temporary file with a random name in the same folder, created exclusively and
/// never through a symbolic link (mode 0600), then renamed over the old one. A file it cannot
/// read or write is a warning on stderr, once; a corrupt one (not libedit's format, NUL bytes,
/// invalid UTF-8) or one that is not a regular file (a FIFO, a device: opened without blocking,
/// never read) is renamed to `history.corrupt` with a warning, and a new history starts.
final class HistoryFile {
    let path: String
    let editor: LineEditor
    private var warnedWrite = false
    private var warnedRead = false

    init(path: String, editor: LineEditor) {
        self.path = path
        self.editor = editor
    }

    /// The history file's path for `environment`, or nil when there is no home folder.
    static func defaultPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let x = environment["XDG_STATE_HOME"], x.hasPrefix("/") {
            return Paths.join(x, "reseau/history")
        }
        var home = environment["HOME"] ?? ""
        if home.isEmpty, let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { home = String(cString: dir) }
        guard !home.isEmpty else { return nil }
        return Paths.join(home, ".local/state/reseau/history")
    }

    /// What opening the history file found.
    enum Opened {
        case missing
        /// A regular file, open read-only, checked: read it through `fd`.
        case file(fd: Int32)
        /// Not usable; the warning was printed.
        case unusable
    }

    /// Opens the history file to read it: without blocking (a FIFO would hang the REPL), and
    /// only if it is a regular file holding a libedit history; anything else is set aside.
    private func open() -> Opened {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT { return .missing }
            readWarning(String(cString: strerror(e)))
            return .unusable
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); return .unusable }
        let problem: String?
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            problem = HistoryFile.corruption(HistoryFile.readAll(fd))
        case S_IFDIR:
            close(fd)
            readWarning("it is a folder")
            return .unusable
        case S_IFIFO: problem = "is a FIFO (named pipe), not a file"
        case S_IFCHR, S_IFBLK: problem = "is a device, not a file"
        case S_IFSOCK: problem = "is a socket, not a file"
        default: problem = "is not a regular file"
        }
        guard let problem else {
            lseek(fd, 0, SEEK_SET)
            return .file(fd: fd)
        }
        close(fd)
        // Set it aside rather than overwrite it with the next save: the user may want it.
        let aside = path + ".corrupt"
        unlink(aside)
        if rename(path, aside) == 0 {
            Console.errorLine("warning: the history file \(path) \(problem); moved it to \(aside) and started a new one")
        } else {
            warnedWrite = true
            Console.errorLine("warning: the history file \(path) \(problem) and cannot be moved aside (\(String(cString: strerror(errno)))); history is not saved")
        }
        return .unusable
    }

    /// The rest of an open regular file (nil on a read error).
    static func readAll(_ fd: Int32) -> Data? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Loads the entries of earlier sessions, if any.
    func load() {
        guard case .file(let fd) = open() else { return }
        defer { close(fd) }
        let code = editor.readHistory(fd: fd)
        if code != 0 { readWarning(String(cString: strerror(code))) }
    }

    private func readWarning(_ why: String) {
        guard !warnedRead else { return }
        warnedRead = true
        Console.errorLine("warning: cannot read the history file \(path): \(why)")
    }

    /// What is wrong with a history file's bytes, or nil when libedit can read them: an empty
    /// file, or its `_HiStOrY_V2_` first line followed by UTF-8 text without NUL bytes.
    /// (nil bytes — a file that cannot be read — are left to `readHistory` to report.)
    static func corruption(_ data: Data?) -> String? {
        guard let data, !data.isEmpty else { return nil }
        let bytes = [UInt8](data)
        if !bytes.starts(with: Array("_HiStOrY_V2_\n".utf8)) { return "is not a libedit history" }
        if bytes.contains(0) { return "holds NUL bytes" }
        if String(validating: bytes, as: UTF8.self) == nil { return "is not valid UTF-8" }
        return nil
    }

    /// Saves this session's new entries: merged with the file as it is now (other sessions may
    /// have saved since), written to a fresh temporary file, renamed over the old one.
    func save() {
        guard !warnedWrite, !editor.unsaved.isEmpty else { return }
        let folder = Paths.parent(path)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return warn(errno == 0 ? EACCES : errno)
        }
        let lock = lockFolder()
        defer { if lock >= 0 { close(lock) } }
        // The file as other sessions left it, then this session's new entries.
        if case .file(let fd) = open() {
            editor.clearHistory()
            _ = editor.readHistory(fd: fd)
            close(fd)
            for e in editor.unsaved { _ = add_history(e) }
        }
        if warnedWrite { return }
        var name = ""
        var fd: Int32 = -1
        for _ in 0..<8 where fd < 0 {
            name = folder + "/.history-\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            fd = Glibc.open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST { break }
        }
        if fd < 0 { return warn(errno) }
        let code = editor.writeHistory(fd: fd)
        close(fd)
        if code != 0 { unlink(name); return warn(code) }
        if rename(name, path) != 0 {
            let e = errno
            unlink(name)
            return warn(e)
        }
        editor.unsaved = []
    }

    /// Takes the lock that serialises saves of concurrent sessions (`history.lock`, beside the
    /// file); returns its descriptor, or -1 when it cannot be had within about a second (a
    /// session stuck holding it): the save then goes ahead unlocked rather than hang the prompt.
    private func lockFolder() -> Int32 {
        let fd = Glibc.open(path + ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return -1 }
        for _ in 0..<100 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            usleep(10_000)
        }
        close(fd)
        return -1
    }

    private func warn(_ code: Int32) {
        warnedWrite = true
        Console.errorLine("warning: cannot write the history file \(path): \(String(cString: strerror(code))); history is not saved")
    }
}
