import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes one query holds in the rows, lists and strings its steps keep (`--max-memory`).
///
/// An accountant, not a measurement: each step that keeps rows (a `let`, sort, group, distinct,
/// union, the groups of `take … per`, a join's build side, an `in (…)` set, the rows buffered
/// before output) charges the approximate size of what it keeps (`Value.approximateBytes`) when
/// it keeps it, and gives it back when it is done; `list()` and `count_distinct()` charge each
/// value they keep. Charging is a few additions at the places that already count rows for
/// `--max-rows`, so it is deterministic (the same query fails at the same step every time) and
/// costs nothing on the streaming paths (scans, `where`, graph walks). The network itself, the
/// compiled query and the table writer's first screenful are not counted (docs/limits.md).
final class MemoryBudget {
    /// Bytes a query may hold (`Int.max`: no bound).
    let limit: Int
    /// Bytes held now by the query's steps.
    private(set) var used = 0

    init(limit: Int) { self.limit = limit }

    /// Counts `bytes` more, kept by the step `what` at `span`; throws when the query would hold
    /// more than its budget.
    @inline(__always)
    func charge(_ bytes: Int, _ what: @autoclosure () -> String, _ span: Span) throws(RuntimeError) {
        used &+= bytes
        if used > limit { throw RuntimeError(.memoryExceeded(what: what(), limit: limit), at: span) }
    }

    /// Gives back bytes a step no longer holds.
    @inline(__always)
    func release(_ bytes: Int) { used &-= bytes }
}

/// What one step holds: charged as it keeps values, released (`release()`) when it is done.
struct Held {
    let budget: MemoryBudget
    let what: String
    let span: Span
    private(set) var bytes = 0

    init(_ budget: MemoryBudget, _ what: String, _ span: Span) { self.budget = budget; self.what = what; self.span = span }

    @inline(__always)
    mutating func add(_ n: Int) throws(RuntimeError) {
        bytes &+= n
        try budget.charge(n, what, span)
    }

    @inline(__always)
    mutating func remove(_ n: Int) { bytes &-= n; budget.release(n) }

    func release() { budget.release(bytes) }
}

extension Value {
    /// Approximate heap bytes this value owns beyond its own slot: a string's storage (none for
    /// the 15 bytes Swift keeps inline), a list's buffer and its items — with malloc's rounding
    /// and header, so that the count follows the process's real growth.
    @inline(__always)
    var approximateBytes: Int {
        switch self {
        case .string(let s), .date(let s):
            // Its heap object (a 32-byte header and the bytes), as malloc rounds and tags it.
            let n = s.utf8.count
            return n > 15 ? ((32 + n + 15) & ~15) + 16 : 0
        case .list(let items):
            var n = 48 + items.count * MemoryLayout<Value>.stride
            for v in items { n &+= v.approximateBytes }
            return n
        default: return 0
        }
    }
}

/// Approximate heap bytes of a kept row: its array buffer and what its values own.
@inline(__always)
func approximateBytes(_ row: [Value]) -> Int {
    var n = 48 + row.count * MemoryLayout<Value>.stride
    for v in row { n &+= v.approximateBytes }
    return n
}

extension Limits {
    /// Half the memory this process may use: the machine's physical memory, or the cgroup's
    /// limit when it is lower (a container). Read once.
    public static let defaultMaxMemory: Int = {
        var total = Int.max
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 { total = pages.multipliedReportingOverflow(by: size).overflow ? Int.max : pages * size }
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = smallFile(path), let n = Int(text.filter { !$0.isWhitespace }), n > 0, n < total { total = n }
        }
        return total == Int.max ? 4 << 30 : total / 2
    }()

    /// The text of a small file under /sys (nil when it cannot be read).
    private static func smallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }

    /// Parses a size for `--max-memory`: a number of bytes with an optional suffix K, M, G or T
    /// (powers of 1024; `KB`, `MiB`… and lower case accepted), decimals allowed (`1.5G`);
    /// `0` or `none` means no bound (`Int.max`). Nil when it is not a size.
    public static func parseBytes(_ text: String) -> Int? {
        let t = trimmedBlanks(text).lowercased()
        if t == "none" || t == "0" { return Int.max }
        var digits = Substring(t)
        var unit = 1.0
        for (suffixes, u) in [(["tib", "tb", "t"], 1024.0 * 1024 * 1024 * 1024), (["gib", "gb", "g"], 1024.0 * 1024 * 1024),
                              (["mib", "mb", "m"], 1024.0 * 1024), (["kib", "kb", "k"], 1024.0), (["b"], 1.0)] {
            if let s = suffixes.first(where: { t.hasSuffix($0) }) { digits = t.dropLast(s.count); unit = u; break }
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let x = Double(digits) else { return nil }
        let bytes = x * unit
        guard bytes.isFinite, bytes >= 1 else { return nil }
        return bytes >= 9.2e18 ? Int.max : Int(bytes)
    }

    /// A size as `--max-memory` takes it: `512M`, `4G`, `1.5G`, `100000` bytes; `none` for no bound.
    public static func describeBytes(_ n: Int) -> String {
        if n == Int.max { return "none" }
        for (suffix, unit) in [("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where n >= unit {
            if n % unit == 0 { return "\(n / unit)\(suffix)" }
            // One decimal, rounded half up, in integers: `fixedPoint` (vsnprintf through
            // `withVaList`) costs two protocol-conformance scans of the whole binary, and this
            // runs at every start (the `--max-memory` help text).
            var whole = n / unit, tenths = ((n % unit) * 10 + unit / 2) / unit
            if tenths == 10 { whole += 1; tenths = 0 }
            return "\(whole).\(tenths)\(suffix)"
        }
        return "\(n) bytes"
    }
}
