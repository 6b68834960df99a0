/// An open-addressing hash table from byte strings to 32-bit payloads, for the loader's hot
/// paths: ids and dictionary-encoded strings are looked up by their UTF-8 bytes, without building
/// a `String` or running SipHash for every cell.
///
/// A slot is 16 bytes: `meta` holds a 24-bit hash tag, the key length (capped at 255) and the
/// payload; `aux` holds the key itself when it fits in 8 bytes, else its offset in `arena`
/// (where it is stored after a 4-byte length). A hit on a short key reads one cache line.
struct ByteTable: Sendable {
    struct Slot: Sendable { var meta: UInt64 = 0; var aux: UInt64 = 0 }

    private var arena: [UInt8] = []
    private var slots: [Slot]
    private var used: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = HugePages.array(repeating: Slot(), count: n)
        used = HugePages.array(repeating: false, count: n)
        mask = n - 1
    }

    @inline(__always)
    static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in p { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h ^ (h >> 29)
    }

    @inline(__always)
    static func pack(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<min(8, p.count) { v |= UInt64(p[i]) << (8 * UInt64(i)) }
        return v
    }

    @inline(__always)
    static func tag(_ h: UInt64, _ len: Int) -> UInt64 { (h >> 40) << 40 | UInt64(min(len, 255)) << 32 }

    @inline(__always)
    private func matches(_ s: Slot, _ key: UnsafeRawBufferPointer, _ packed: UInt64) -> Bool {
        if key.count <= 8 { return s.aux == packed }
        return arena.withUnsafeBufferPointer { a in
            let o = Int(s.aux)
            let len = Int(a[o]) | Int(a[o + 1]) << 8 | Int(a[o + 2]) << 16 | Int(a[o + 3]) << 24
            guard len == key.count else { return false }
            for i in 0..<len where a[o + 4 + i] != key[i] { return false }
            return true
        }
    }

    /// The payload stored for `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> UInt32? {
        let (h, first) = start(key)
        return find(key, hash: h, first: first)
    }

    /// The hash of `key` and the slot where its probe starts, read now: a batch of lookups
    /// reads all its first slots in one pass (their cache misses overlap), then finishes each
    /// with `find(_:hash:first:)`.
    @inline(__always)
    func start(_ key: UnsafeRawBufferPointer) -> (hash: UInt64, first: Slot) {
        let h = ByteTable.hash(key)
        return (h, slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: h) & mask] })
    }

    /// `find(key)` for the `hash` and `first` slot `start(key)` gave.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash h: UInt64, first: Slot) -> UInt32? {
        let tag = ByteTable.tag(h, key.count), packed = key.count <= 8 ? ByteTable.pack(key) : 0
        var i = Int(truncatingIfNeeded: h) & mask
        if first.meta & 0xFFFF_FFFF_0000_0000 == tag, matches(first, key, packed) { return UInt32(truncatingIfNeeded: first.meta) }
        if first.meta == 0, !used[i] { return nil }
        i = (i + 1) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let s = slots[i]
                if s.meta & 0xFFFF_FFFF_0000_0000 == tag, matches(s, key, packed) { return UInt32(truncatingIfNeeded: s.meta) }
                if s.meta == 0, !used[i] { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Replaces the payload of `key`, which must be present.
    mutating func replace(_ key: UnsafeRawBufferPointer, _ payload: UInt32) {
        let h = ByteTable.hash(key)
        let tag = ByteTable.tag(h, key.count), packed = key.count <= 8 ? ByteTable.pack(key) : 0
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s.meta & 0xFFFF_FFFF_0000_0000 == tag, matches(s, key, packed) {
                slots[i].meta = s.meta & 0xFFFF_FFFF_0000_0000 | UInt64(payload)
                return
            }
            if s.meta == 0, !used[i] { return }
            i = (i + 1) & mask
        }
    }

    /// Makes room for `n` keys in all, so that inserting them does not rehash.
    mutating func reserve(_ n: Int) {
        var size = slots.count
        while n * 2 >= size { size <<= 1 }
        if size > slots.count { grow(to: size) }
    }

    /// Inserts `key → payload` unless present; returns the payload already stored, or nil when inserted.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, _ payload: UInt32) -> UInt32? {
        if let v = find(key) { return v }
        if (count + 1) * 2 >= slots.count { grow(to: slots.count * 2) }
        let h = ByteTable.hash(key)
        var aux = ByteTable.pack(key)
        if key.count > 8 {
            aux = UInt64(arena.count)
            let n = key.count
            arena.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24 & 0xFF)])
            arena.append(contentsOf: key)
        }
        place(Slot(meta: ByteTable.tag(h, key.count) | UInt64(payload), aux: aux), hash: h)
        count += 1
        return nil
    }

    private mutating func place(_ s: Slot, hash h: UInt64) {
        var i = Int(truncatingIfNeeded: h) & mask
        while used[i] { i = (i + 1) & mask }
        slots[i] = s
        used[i] = true
    }

    /// Rehashes every key (recovered from `aux`, or from the arena when longer than 8 bytes).
    private mutating func grow(to n: Int) {
        let old = zip(slots, used).filter { $0.1 }.map(\.0)
        slots = HugePages.array(repeating: Slot(), count: n)
        used = HugePages.array(repeating: false, count: n)
        mask = n - 1
        for s in old {
            let len = Int(s.meta >> 32 & 0xFF)
            let h: UInt64
            if len <= 8 {
                var p = s.aux
                h = withUnsafeBytes(of: &p) { ByteTable.hash(UnsafeRawBufferPointer(rebasing: $0[0..<len])) }
            } else {
                h = arena.withUnsafeBytes { a in
                    let o = Int(s.aux)
                    let full = Int(a[o]) | Int(a[o + 1]) << 8 | Int(a[o + 2]) << 16 | Int(a[o + 3]) << 24
                    return ByteTable.hash(UnsafeRawBufferPointer(rebasing: a[(o + 4)..<(o + 4 + full)]))
                }
            }
            place(s, hash: h)
        }
    }
}

/// A set of 64-bit keys (edge endpoint pairs) for duplicate detection.
struct PairSet {
    private var slots: [UInt64]
    private var lines: [Int32]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = HugePages.array(repeating: PairSet.empty, count: n)
        lines = HugePages.array(repeating: 0, count: n)
        mask = n - 1
    }

    /// Inserts `key` seen at `line`; returns the line it was first seen at when already present.
    mutating func insert(_ key: UInt64, line: Int) -> Int? {
        if count * 2 >= slots.count { grow() }
        var i = Int(truncatingIfNeeded: (key &* 0x9E3779B97F4A7C15) >> 20) & mask
        while slots[i] != PairSet.empty {
            if slots[i] == key { return Int(lines[i]) }
            i = (i + 1) & mask
        }
        slots[i] = key; lines[i] = Int32(truncatingIfNeeded: line); count += 1
        return nil
    }

    private mutating func grow() {
        let old = zip(slots, lines).filter { $0.0 != PairSet.empty }
        let n = slots.count * 2
        slots = HugePages.array(repeating: PairSet.empty, count: n); lines = HugePages.array(repeating: 0, count: n); mask = n - 1
        for (k, l) in old {
            var i = Int(truncatingIfNeeded: (k &* 0x9E3779B97F4A7C15) >> 20) & mask
            while slots[i] != PairSet.empty { i = (i + 1) & mask }
            slots[i] = k; lines[i] = l
        }
    }
}
