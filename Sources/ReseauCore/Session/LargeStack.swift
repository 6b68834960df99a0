#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a thread of its own with a stack of `bytes` and waits for it.
///
/// The parser, checker, planner and executor recurse once per level of nesting (a bracket, a
/// step, an operator in a chain). `Limits.maxNesting` bounds that depth; this makes the bound
/// safe up to its largest allowed value whatever the caller's stack (a main thread's 8 MiB, a
/// test runner's 512 KiB worker threads). The stack is reserved address space: only the pages
/// a deep query touches are ever backed by memory. If no thread can be made, `body` runs here.
func withLargeStack<T, E: Error>(_ bytes: Int = LargeStack.bytes, _ body: () throws(E) -> T) throws(E) -> T {
    var result: Result<T, E>?
    withoutActuallyEscaping(body) { body in
        let box = LargeStack.Box { result = Result { () throws(E) -> T in try body() } }
        let raw = Unmanaged.passRetained(box).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, bytes)
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let started = pthread_create(&thread, &attr, { raw in
            guard let raw else { return nil }
            Unmanaged<LargeStack.Box>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, raw)
        if started == 0 {
            #if canImport(Glibc)
            pthread_join(thread, nil)
            #else
            pthread_join(thread!, nil)
            #endif
        } else {
            Unmanaged<LargeStack.Box>.fromOpaque(raw).release()
            box.run()
        }
    }
    return try result!.get()
}

enum LargeStack {
    /// 256 MiB: room for `Limits.maxNestingCeiling` levels in a debug build.
    static let bytes = 256 << 20

    /// The work handed to the thread. The caller waits for the thread to end before it reads
    /// what the work wrote, so nothing is shared while both run.
    final class Box: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
