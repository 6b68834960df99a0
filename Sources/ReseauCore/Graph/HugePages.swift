#if canImport(Glibc)
import Glibc
#endif

/// Large arrays that a load fills at random (hash tables, adjacency) or reads in one pass (an
/// image's arrays), backed by 2 MiB pages where Linux allows it (transparent huge pages on
/// "madvise"): one page fault and one TLB entry per 2 MiB instead of per 4 KiB. At L, the id
/// table alone is tens of MB probed at random: with 4 KiB pages nearly every probe also misses
/// the TLB.
enum HugePages {
    static let size = 2 << 20

    /// Asks for huge pages for the whole 2 MiB pages inside `b`, before they are first written
    /// (pages already touched stay small until the kernel merges them). Only the aligned interior
    /// is advised, so nothing outside `b` changes; a refusal, or another system, is harmless.
    static func advise(_ b: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard b.count >= 2 * size, let base = b.baseAddress else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + b.count) & ~(size - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// `[T](repeating: value, count: count)`, its memory advised before it is written.
    static func array<T: BitwiseCopyable>(repeating value: T, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buf, done in
            advise(UnsafeMutableRawBufferPointer(buf))
            buf.initialize(repeating: value)
            done = count
        }
    }
}
