@preconcurrency import CEditLine
import ReseauCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What the SIGINT/SIGTERM handler may touch: atomics only, read and written without locks,
/// so that the handler is async-signal-safe.
enum SignalState {
    /// Set by SIGINT or SIGTERM; cleared by the REPL before each query.
    static let interrupted = Atomic<Bool>(false)
    /// Set by SIGTERM or SIGHUP (the terminal went away), never cleared: the REPL leaves,
    /// writing an `.output` file into place.
    static let terminated = Atomic<Bool>(false)
    /// Signals received since the last `clear()`.
    static let hits = Atomic<Int>(0)
    /// The session's `CancellationFlag`, unretained (0: none).
    static let target = Atomic<UInt>(0)
    /// A temporary `-o` file to delete on a forced exit, as a C string that is never freed (0: none).
    static let temporaryFile = Atomic<UInt>(0)
    /// When true, a second signal ends the process at once with status 130 (scripts; not the REPL).
    static let forceOnSecond = Atomic<Bool>(false)
    /// True while libedit edits a line (the terminal is in its mode, the prompt drawn).
    static let editing = Atomic<Bool>(false)

    /// Installs the handlers for SIGINT and SIGTERM, and ignores SIGPIPE. Until `retarget`
    /// names a session's flag, a signal only sets `interrupted`.
    static func install(forceOnSecond force: Bool) {
        // Touch every global before a signal can arrive: their lazy initialisation is not signal-safe.
        interrupted.store(false, ordering: .relaxed)
        terminated.store(false, ordering: .relaxed)
        hits.store(0, ordering: .relaxed)
        target.store(target.load(ordering: .relaxed), ordering: .relaxed)
        temporaryFile.store(temporaryFile.load(ordering: .relaxed), ordering: .relaxed)
        _ = CachedLoader.temporaryFile.load(ordering: .relaxed)
        forceOnSecond.store(force, ordering: .relaxed)
        editing.store(false, ordering: .relaxed)
        _ = reseau_ignore_signal(SIGPIPE)
        _ = reseau_install_signal(SIGINT, reseauSignalHandler, 0)
        _ = reseau_install_signal(SIGTERM, reseauSignalHandler, 0)
        _ = reseau_install_signal(SIGHUP, reseauSignalHandler, 0)
    }

    /// Points the handler at the session's cancellation flag, which must outlive the process's
    /// use of it (it is held unretained).
    static func retarget(_ flag: CancellationFlag) {
        target.store(UInt(bitPattern: Unmanaged.passUnretained(flag).toOpaque()), ordering: .releasing)
    }

    static var isInterrupted: Bool { interrupted.load(ordering: .relaxed) }
    static var isTerminated: Bool { terminated.load(ordering: .relaxed) }

    static func clear() {
        interrupted.store(false, ordering: .relaxed)
        hits.store(0, ordering: .relaxed)
    }

    /// Records the temporary file to delete on a forced exit (nil: none).
    static func setTemporaryFile(_ path: String?) {
        guard let path else { temporaryFile.store(0, ordering: .releasing); return }
        // Deliberately leaked: the handler may still read an older pointer.
        let c = strdup(path)
        temporaryFile.store(UInt(bitPattern: c), ordering: .releasing)
    }
}

/// The SIGINT/SIGTERM/SIGHUP handler: cancels the running query through the session's flag. Only
/// atomic loads and stores, and unlink/_exit on a forced exit, all async-signal-safe.
private func reseauSignalHandler(_ signal: Int32) {
    let before = SignalState.hits.wrappingAdd(1, ordering: .relaxed).oldValue
    SignalState.interrupted.store(true, ordering: .relaxed)
    if signal == SIGTERM || signal == SIGHUP { SignalState.terminated.store(true, ordering: .relaxed) }
    let raw = SignalState.target.load(ordering: .acquiring)
    if raw != 0, let p = UnsafeRawPointer(bitPattern: raw) {
        Unmanaged<CancellationFlag>.fromOpaque(p)._withUnsafeGuaranteedRef { $0.cancel() }
    }
    // In a script, a signal before any session exists (reading input, loading data) has
    // nothing to cancel or clean up: stop at once rather than finish a long load.
    // Otherwise a second signal stops at once.
    if (before >= 1 || raw == 0) && SignalState.forceOnSecond.load(ordering: .relaxed) {
        let file = SignalState.temporaryFile.load(ordering: .acquiring)
        if file != 0, let p = UnsafePointer<CChar>(bitPattern: file) { unlink(p) }
        // The snapshot image being written, if any.
        let image = CachedLoader.temporaryFile.load(ordering: .acquiring)
        if image != 0, let p = UnsafePointer<CChar>(bitPattern: image) { unlink(p) }
        // write(2) is async-signal-safe; a StaticString's bytes need no allocation.
        let message: StaticString = "interrupted\n"
        _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
        _exit(130)
    }
}

/// Ctrl-Z (SIGTSTP) in the REPL, the way libedit's own handler and APUE's `sig_tstp` do it:
/// while a line is edited, the terminal goes back to its normal mode for the shell; the process
/// stops (default action, the signal unblocked); once `fg` continues it, the handler is put back
/// and, at the prompt, libedit's mode is restored and the prompt and line drawn again. (Before,
/// libedit was left without a handler: after `fg` the line stayed blank.) libedit's calls are
/// not async-signal-safe in general; here the main thread is blocked in read(2) inside
/// readline, which is the case libedit's own handler relies on too.
func reseauSuspendHandler(_ signal: Int32) {
    let editing = SignalState.editing.load(ordering: .relaxed)
    if editing { rl_deprep_terminal() }
    _ = reseau_default_signal(SIGTSTP)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTSTP)
    _ = sigprocmask(SIG_UNBLOCK, &set, nil)
    _ = kill(getpid(), SIGTSTP)
    // Continued (or the stop was discarded: an orphaned process group).
    _ = reseau_install_signal(SIGTSTP, reseauSuspendHandler, 1)
    if editing {
        rl_prep_terminal(1)
        rl_forced_update_display()
    }
}

extension ReseauCommand {
    /// The executable's entry point: the SIGINT/SIGTERM handlers go in before anything else
    /// (argument parsing, reading files), so that a signal at any moment after the process
    /// starts prints "interrupted" and exits 130 instead of killing it silently. `execute()`
    /// installs them again with the REPL's or the script's behaviour.
    public static func launch() {
        SignalState.install(forceOnSecond: true)
        main()
    }
}
