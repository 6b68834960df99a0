/// One field's values for every row of a table, stored by type.
///
/// Strings are dictionary-encoded (a code per row into a table of distinct strings), which
/// keeps low-cardinality columns (`country_code`, `kind`) to four bytes a row and
/// lets an equality filter compare codes. Nulls are sentinels: `Int.min`, `Int32.min`, a NaN,
/// code -1.
///
/// The loader stores a column as compactly as its values allow (`compacted`): an integer column
/// whose values all fit in 32 bits as `.int32`, a string column with one value on every row
/// (a `source` column, or a column left empty) as `.constant` — a row count and the value, no
/// per-row code. Both read back the same values as the wide form.
enum Column: Sendable {
    case int([Int])
    /// Integers that all fit in 32 bits (`Int32.min` is null).
    case int32([Int32])
    /// Integers that all fit in 16 bits (`Int16.min` is null): years, counts.
    case int16([Int16])
    case decimal([Double])
    /// Decimals that are all whole numbers fitting in 32 bits (`Int32.min` is null): read as
    /// `.decimal` values, the same as `.decimal` storage.
    case wholeDecimal([Int32])
    case string(StringColumn)
    /// The same string (or null) on every row.
    case constant(ConstantColumn)
    case bool([UInt8])          // 0 false, 1 true, 2 null
    case list([[String]])
    case node([NodeRef?])

    static let nullInt = Int.min
    static let nullInt32 = Int32.min
    static let nullInt16 = Int16.min

    /// The value of row `i`.
    @inline(__always)
    func value(_ i: Int) -> Value {
        switch self {
        case .int(let a): let v = a[i]; return v == Column.nullInt ? .null : .int(v)
        case .int32(let a): let v = a[i]; return v == Column.nullInt32 ? .null : .int(Int(v))
        case .int16(let a): let v = a[i]; return v == Column.nullInt16 ? .null : .int(Int(v))
        case .decimal(let a): let v = a[i]; return v.isNaN ? .null : .decimal(v)
        case .wholeDecimal(let a): let v = a[i]; return v == Column.nullInt32 ? .null : .decimal(Double(v))
        case .string(let s): return s.value(i)
        case .constant(let c): precondition(i >= 0 && i < c.count, "Index out of range"); return c.value
        case .bool(let a): let v = a[i]; return v == 2 ? .null : .bool(v == 1)
        case .list(let a): return .list(a[i].map { .string($0) })
        case .node(let a): return a[i].map { .node($0) } ?? .null
        }
    }

    var count: Int {
        switch self {
        case .int(let a): a.count
        case .int32(let a): a.count
        case .int16(let a): a.count
        case .decimal(let a): a.count
        case .wholeDecimal(let a): a.count
        case .string(let s): s.codes.count
        case .constant(let c): c.count
        case .bool(let a): a.count
        case .list(let a): a.count
        case .node(let a): a.count
        }
    }
}

extension Column {
    /// The column in its most compact storage: 64-bit integers that all fit in 16 bits become
    /// `.int16` (years), in 32 bits `.int32`; decimals that are all whole numbers fitting in 32
    /// bits `.wholeDecimal`; a string column whose rows all hold one value (or all null) becomes
    /// `.constant` when `allowConstant` (the loader keeps name and kind columns dictionary-encoded: the name
    /// index and the `twins` step read their codes). Anything else is returned as it is.
    public func compacted(allowConstant: Bool) -> Column {
        switch self {
        case .int(let a):
            guard let narrow: [Int32] = Column.narrow(a) else { return self }
            if let short: [Int16] = Column.narrow(a) { return .int16(short) }
            return .int32(narrow)
        case .decimal(let a):
            guard let whole = Column.whole(a) else { return self }
            return .wholeDecimal(whole)
        case .string(let s) where allowConstant && !s.codes.isEmpty:
            let first = s.codes[0]
            let same = s.codes.withUnsafeBufferPointer { p in
                var diff: Int32 = 0
                for c in p { diff |= c ^ first }   // branch-free: the compiler vectorises it
                return diff == 0
            }
            guard same else { return self }
            return .constant(ConstantColumn(count: s.codes.count, string: first < 0 ? nil : s.dictionary[Int(first)], isDate: s.isDate))
        default:
            return self
        }
    }

    /// `a` in the narrower type `T` (null `Int.min` as `T.min`), or nil when a value does not
    /// fit (or is `T.min` itself, the narrow null).
    static func narrow<T: FixedWidthInteger & SignedInteger>(_ a: [Int]) -> [T]? {
        var fits = true
        let lo = Int(T.min), hi = Int(T.max)
        a.withUnsafeBufferPointer { p in
            var ok = true
            for v in p { ok = ok && ((v > lo && v <= hi) || v == Column.nullInt) }
            fits = ok
        }
        guard fits else { return nil }
        return a.map { $0 == Column.nullInt ? T.min : T(truncatingIfNeeded: $0) }
    }
}

extension Column {
    /// `a` as whole numbers in 32 bits (NaN, null, as `Int32.min`), or nil when a value has a
    /// fraction, is -0.0 (it would print as 0), is infinite or out of range.
    static func whole(_ a: [Double]) -> [Int32]? {
        var fits = true
        a.withUnsafeBufferPointer { p in
            var ok = true
            for v in p {
                ok = ok && (v.isNaN || (v > -2_147_483_648 && v <= 2_147_483_647 && v.rounded(.towardZero) == v
                                        && !(v == 0 && v.sign == .minus)))
            }
            fits = ok
        }
        guard fits else { return nil }
        return a.map { $0.isNaN ? Column.nullInt32 : Int32($0) }
    }
}

/// A string column with one value (or null) on every row: a row count and the value.
struct ConstantColumn: Sendable {
    var count: Int
    /// The value of every row; nil: every row is null.
    var string: String?
    /// The column holds dates (see `StringColumn.isDate`).
    var isDate: Bool

    init(count: Int, string: String?, isDate: Bool = false) { self.count = count; self.string = string; self.isDate = isDate }

    /// Every row's value.
    var value: Value { string.map { isDate ? .date($0) : .string($0) } ?? .null }
}

/// A dictionary-encoded string column.
struct StringColumn: Sendable {
    var codes: [Int32] = []
    var dictionary: [String] = []
    /// The column holds dates (a `.date` field): its values are `.date`, not `.string`. Set by
    /// `Graph.init` from the schema, so that every way of building a graph agrees.
    var isDate = false

    init() {}
    init(codes: [Int32], dictionary: [String]) { self.codes = codes; self.dictionary = dictionary }

    /// The code of `s`, or nil when no row holds it (a scan of the distinct values, once per query).
    func code(of s: String) -> Int32? { dictionary.firstIndex(of: s).map { Int32($0) } }

    @inline(__always)
    func string(_ i: Int) -> String? { let c = codes[i]; return c < 0 ? nil : dictionary[Int(c)] }

    @inline(__always)
    func value(_ i: Int) -> Value {
        let c = codes[i]
        if c < 0 { return .null }
        return isDate ? .date(dictionary[Int(c)]) : .string(dictionary[Int(c)])
    }
}

/// Builds a `StringColumn`, finding repeated values by their bytes.
struct StringColumnBuilder {
    var codes: [Int32] = []
    var dictionary: [String] = []
    var table = ByteTable()
    /// The bytes and code of the last value appended (`lastCode` -1: none, or too long to keep).
    var last: [UInt8] = []
    var lastCode: Int32 = -1

    mutating func appendNull() { codes.append(-1) }

    /// Appends the value whose UTF-8 bytes are `raw` (`make` builds its String when it is new);
    /// returns its code and whether it is new.
    @inline(__always)
    @discardableResult
    mutating func append(_ raw: UnsafeRawBufferPointer, make: () -> String) -> (code: Int32, isNew: Bool) {
        // The previous row's value again (a `source` column, sorted data): no hashing.
        if lastCode >= 0, raw.count == last.count, last.withUnsafeBytes({ $0.elementsEqual(raw) }) {
            codes.append(lastCode); return (lastCode, false)
        }
        if raw.count <= 32 { last.removeAll(keepingCapacity: true); last.append(contentsOf: raw) } else { last = [] }
        if let c = table.find(raw) {
            lastCode = raw.count <= 32 ? Int32(c) : -1
            codes.append(Int32(c)); return (Int32(c), false)
        }
        let c = Int32(dictionary.count)
        dictionary.append(make())
        table.insert(raw, UInt32(c))
        codes.append(c)
        lastCode = raw.count <= 32 ? c : -1
        return (c, true)
    }

    mutating func append(_ s: String?) {
        guard let s else { codes.append(-1); return }
        var bytes = s
        bytes.withUTF8 { p in _ = append(UnsafeRawBufferPointer(p), make: { s }) }
    }

    /// Appends the rows of `o` (read after these), mapping its codes to this dictionary.
    mutating func append(contentsOf o: StringColumnBuilder) {
        if codes.isEmpty && dictionary.isEmpty { self = o; return }
        let map = o.dictionary.map { s -> Int32 in
            var bytes = s
            return bytes.withUTF8 { p in
                let raw = UnsafeRawBufferPointer(p)
                if let c = table.find(raw) { return Int32(c) }
                let c = Int32(dictionary.count)
                dictionary.append(s)
                table.insert(raw, UInt32(c))
                return c
            }
        }
        codes.reserveCapacity(codes.count + o.codes.count)
        map.withUnsafeBufferPointer { map in
            for c in o.codes { codes.append(c < 0 ? c : map[Int(c)]) }
        }
    }

    var column: StringColumn { StringColumn(codes: codes, dictionary: dictionary) }
}

/// Compressed sparse rows: for each node, the edges that leave it (or reach it), in edge-id order.
struct Adjacency: Sendable {
    /// `offsets[n] ..< offsets[n + 1]` indexes `edges` for node n.
    var offsets: [Int32]
    /// Edge indices.
    var edges: [Int32]
    /// The node at the other end of each of `edges` (so that a walk reads one array in order
    /// instead of jumping to the edge's endpoint: one cache miss less per edge).
    /// When the edges are already in endpoint order (a file sorted by this end), this is the
    /// table's other end array itself, shared, not a copy (`sharesOthers`).
    var others: [Int32]

    /// Builds the adjacency of `count` nodes from each edge's endpoint and its other end: a
    /// counting sort by endpoint (stable: each node's edges stay in edge order).
    init(count: Int, endpoints: [Int32], otherEnds: [Int32]) {
        let m = endpoints.count
        if Adjacency.nonDecreasing(endpoints) {
            // Already in endpoint order: edge k is the k-th of the order and its other end is
            // `otherEnds[k]`; share that array instead of copying it (4 bytes an edge).
            var offsets = [Int32](repeating: 0, count: count + 1)
            endpoints.withUnsafeBufferPointer { ends in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    for e in ends { offsets[Int(e) + 1] &+= 1 }
                    for i in 0..<count { offsets[i + 1] &+= offsets[i] }
                }
            }
            self.offsets = offsets
            self.edges = (0..<Int32(truncatingIfNeeded: m)).map { $0 }
            self.others = otherEnds
            return
        }
        // Written at random (a counting sort): huge pages spare a TLB miss on most writes.
        var offsets = HugePages.array(repeating: Int32(0), count: count + 1)
        var edges = HugePages.array(repeating: Int32(0), count: m)
        var others = HugePages.array(repeating: Int32(0), count: m)
        endpoints.withUnsafeBufferPointer { ends in
            otherEnds.withUnsafeBufferPointer { otherEnds in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    for e in ends { offsets[Int(e) + 1] &+= 1 }
                    for i in 0..<count { offsets[i + 1] &+= offsets[i] }
                    var fill = [Int32](offsets.prefix(count))
                    fill.withUnsafeMutableBufferPointer { fill in
                        edges.withUnsafeMutableBufferPointer { edges in
                            others.withUnsafeMutableBufferPointer { others in
                                for i in 0..<m {
                                    let e = Int(ends[i])
                                    let k = Int(fill[e])
                                    fill[e] = Int32(truncatingIfNeeded: k + 1)
                                    edges[k] = Int32(truncatingIfNeeded: i)
                                    others[k] = otherEnds[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        self.offsets = offsets
        self.edges = edges
        self.others = others
    }

    /// Whether `others` is `otherEnds` itself (the edges are in endpoint order), so that an image
    /// stores it once.
    func sharesOthers(_ otherEnds: [Int32]) -> Bool {
        others.withUnsafeBufferPointer { a in otherEnds.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count } }
    }

    /// Whether `a` never decreases (branch-free: the compiler vectorises it).
    static func nonDecreasing(_ a: [Int32]) -> Bool {
        a.withUnsafeBufferPointer { p in
            var bad = false
            for i in p.indices.dropFirst() { bad = bad || p[i] < p[i - 1] }
            return !bad
        }
    }

    @inline(__always)
    func range(_ node: Int32) -> Range<Int> { Int(offsets[Int(node)])..<Int(offsets[Int(node) + 1]) }
    func degree(_ node: Int32) -> Int { range(node).count }
}
