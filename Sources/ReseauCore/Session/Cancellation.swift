import Synchronization
import Foundation

/// A flag that Ctrl-C (or `--timeout`) sets and the executor polls.
///
/// Setting it is async-signal-safe: a signal handler may call `cancel()`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Monotonic deadline in nanoseconds (0: none).
    private let deadline = Atomic<UInt64>(0)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed); deadline.store(0, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Cancels work once `seconds` have passed from now.
    public func setTimeout(_ seconds: Double) {
        deadline.store(DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9), ordering: .relaxed)
    }

    /// Throws when cancelled or past the deadline. Cheap enough to call every few thousand rows.
    public func check() throws(Interrupted) {
        if flag.load(ordering: .relaxed) { throw Interrupted(timedOut: false) }
        let d = deadline.load(ordering: .relaxed)
        if d != 0, DispatchTime.now().uptimeNanoseconds > d { throw Interrupted(timedOut: true) }
    }
}

/// Work stopped by Ctrl-C, SIGTERM or the time limit.
public struct Interrupted: Error, Sendable {
    public let timedOut: Bool
}
