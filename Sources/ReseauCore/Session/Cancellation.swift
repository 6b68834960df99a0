import Synchronization
import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A flag that Ctrl-C (or `--timeout`) sets and the executor polls.
///
/// Setting it is async-signal-safe: a signal handler may call `cancel()`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Monotonic deadline in nanoseconds (0: none).
    private let deadline = Atomic<UInt64>(0)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed); deadline.store(0, ordering: .relaxed); countdown.store(0, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
    /// Cancelled, or past the deadline (read without the test countdown of `check()`).
    public var shouldStop: Bool {
        if flag.load(ordering: .relaxed) { return true }
        let d = deadline.load(ordering: .relaxed)
        return d != 0 && DispatchTime.now().uptimeNanoseconds > d
    }
    /// Past the deadline.
    public var isPastDeadline: Bool {
        let d = deadline.load(ordering: .relaxed)
        return d != 0 && DispatchTime.now().uptimeNanoseconds > d
    }

    /// Cancels work once `seconds` have passed from now.
    public func setTimeout(_ seconds: Double) {
        deadline.store(DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9), ordering: .relaxed)
    }

    /// Checks left before a test's interrupt (0: no test interrupt pending); see `trip(afterChecks:)`.
    private let countdown = Atomic<Int>(0)
    private let countdownIsTimeout = Atomic<Bool>(false)

    /// Test hook: the `n`th `check()` from now fails as Ctrl-C (or as the time limit when
    /// `timedOut`), so that a test can interrupt a query at a chosen point without timing.
    public func trip(afterChecks n: Int, timedOut: Bool = false) {
        countdownIsTimeout.store(timedOut, ordering: .relaxed)
        countdown.store(n, ordering: .relaxed)
    }

    /// Throws when cancelled or past the deadline. Cheap enough to call every few thousand rows.
    public func check() throws(Interrupted) {
        if countdown.load(ordering: .relaxed) != 0, countdown.subtract(1, ordering: .relaxed).newValue == 0 {
            if countdownIsTimeout.load(ordering: .relaxed) { throw Interrupted(timedOut: true) }
            cancel()
        }
        if flag.load(ordering: .relaxed) { throw Interrupted(timedOut: false) }
        let d = deadline.load(ordering: .relaxed)
        if d != 0, DispatchTime.now().uptimeNanoseconds > d { throw Interrupted(timedOut: true) }
    }
}

/// Work stopped by Ctrl-C, SIGTERM or the time limit.
public struct Interrupted: Error, Sendable, Equatable {
    public let timedOut: Bool
}
