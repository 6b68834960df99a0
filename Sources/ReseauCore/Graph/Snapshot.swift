import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A compact binary image of a loaded network, so that a second run on the same data reads it
/// instead of parsing CSV.
///
/// Layout (little-endian): magic `RSNP`, format version, the key it was built for, the schema's
/// fingerprint, then every node table (ids, lines, columns) and edge table (endpoints, columns,
/// adjacency), then a checksum of everything before it. An image whose magic, version, key,
/// schema, structure or checksum does not match is ignored (and rebuilt by `CachedLoader`),
/// never trusted; the checksum is checked last, so a planted or damaged image is usually
/// rejected long before its end.
enum Snapshot {
    static let magic: UInt32 = 0x504E_5352 // "RSNP"
    static let version: UInt32 = 4

    // MARK: writing

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func array<T>(_ a: [T]) {
            u64(UInt64(a.count))
            a.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        mutating func strings(_ s: [String]) {
            var offsets: [Int64] = [0]
            var blob: [UInt8] = []
            for var x in s { x.withUTF8 { blob.append(contentsOf: $0) }; offsets.append(Int64(blob.count)) }
            array(offsets); array(blob)
        }
        mutating func column(_ c: Column) {
            switch c {
            case .int(let a): u8(0); array(a)
            case .decimal(let a): u8(1); array(a)
            case .string(let s): u8(2); array(s.codes); strings(s.dictionary)
            case .int32(let a): u8(6); array(a)
            case .int16(let a): u8(9); array(a)
            case .wholeDecimal(let a): u8(8); array(a)
            case .constant(let c):
                // The row count, then the value as a list of zero (all null) or one string.
                u8(7); u64(UInt64(c.count)); strings(c.string.map { [$0] } ?? [])
            case .bool(let a): u8(3); array(a)
            case .list(let l):
                u8(4); array(l.map { Int32($0.count) }); strings(l.flatMap { $0 })
            case .node(let a):
                u8(5); array(a.map { n -> Int64 in n.map { Int64($0.type.index) << 32 | Int64($0.index) } ?? -1 })
            }
        }
    }

    /// The image of `graph`, built for `key`.
    public static func encode(_ graph: Graph, key: UInt64) -> [UInt8] {
        var w = Writer()
        // Room for the whole image at once: grown by doubling, the buffer of a large image
        // would take up to twice its size while it is written.
        w.bytes.reserveCapacity(estimatedSize(graph))
        w.u32(magic); w.u32(version); w.u64(key); w.u64(fingerprint(graph.schema))
        w.u64(UInt64(graph.nodes.count))
        for t in graph.nodes { w.u64(UInt64(t.count)) }
        for t in graph.nodes {
            w.strings(t.ids); w.array(t.lines)
            w.u64(UInt64(t.columns.count))
            for c in t.columns { w.column(c) }
        }
        w.u64(UInt64(graph.edges.count))
        for e in graph.edges {
            w.array(e.from); w.array(e.to)
            w.u64(UInt64(e.columns.count))
            for c in e.columns { w.column(c) }
            // An `others` shared with the end array is written empty and shared again on reading.
            w.array(e.outgoing.offsets); w.array(e.outgoing.edges); w.array(e.outgoing.sharesOthers(e.to) ? [] : e.outgoing.others)
            w.array(e.incoming.offsets); w.array(e.incoming.edges); w.array(e.incoming.sharesOthers(e.from) ? [] : e.incoming.others)
        }
        var h = StreamHash()
        w.bytes.withUnsafeBytes { h.add($0) }
        w.u64(h.value)
        return w.bytes
    }

    /// About the size of the image of `graph` (at least it, give or take a few headers).
    static func estimatedSize(_ graph: Graph) -> Int {
        func strings(_ s: [String]) -> Int { 16 + 8 * (s.count + 1) + s.reduce(0) { $0 + $1.utf8.count } }
        func column(_ c: Column) -> Int {
            switch c {
            case .int(let a): 9 + 8 * a.count
            case .decimal(let a): 9 + 8 * a.count
            case .string(let s): 9 + 4 * s.codes.count + strings(s.dictionary)
            case .int32(let a), .wholeDecimal(let a): 9 + 4 * a.count
            case .int16(let a): 9 + 2 * a.count
            case .constant(let c): 9 + 8 + strings(c.string.map { [$0] } ?? [])
            case .bool(let a): 9 + a.count
            case .list(let l): 9 + 4 * l.count + 16 + 8 * (l.reduce(0) { $0 + $1.count } + 1) + l.reduce(0) { $0 + $1.reduce(0) { $0 + $1.utf8.count } }
            case .node(let a): 9 + 8 * a.count
            }
        }
        var n = 1024
        for t in graph.nodes { n += 32 + strings(t.ids) + 4 * t.lines.count + t.columns.reduce(0) { $0 + column($1) } }
        for e in graph.edges {
            n += 64 + 8 * e.count + e.columns.reduce(0) { $0 + column($1) }
            n += 4 * (e.outgoing.offsets.count + e.incoming.offsets.count) + 16 * e.count
        }
        return n
    }

    // MARK: reading

    struct Corrupt: Error {}

    /// Where an image is read from: bytes in memory, or a file read with pread(2) (never
    /// mapped: a file truncated meanwhile is a short read, an error, never a SIGBUS).
    enum Input {
        case memory(UnsafeRawBufferPointer)
        case file(Int32)
    }

    struct Reader {
        let input: Input
        /// Bytes of the image before its checksum.
        let size: Int
        var pos = 0
        var hash = StreamHash()

        init(_ input: Input, size: Int) { self.input = input; self.size = size }

        /// Fills `dst` with the next bytes, and hashes them.
        mutating func fill(_ dst: UnsafeMutableRawBufferPointer) throws {
            let n = dst.count
            guard n <= size - pos else { throw Corrupt() }
            guard n > 0, let d = dst.baseAddress else { return }
            switch input {
            case .memory(let b):
                d.copyMemory(from: b.baseAddress! + pos, byteCount: n)
            case .file(let fd):
                var done = 0
                while done < n {
                    let r = pread(fd, d + done, n - done, off_t(pos + done))
                    if r < 0 && errno == EINTR { continue }
                    guard r > 0 else { throw Corrupt() }
                    done += r
                }
            }
            hash.add(UnsafeRawBufferPointer(dst))
            pos += n
        }
        mutating func u8() throws -> UInt8 { var v: UInt8 = 0; try withUnsafeMutableBytes(of: &v) { try fill($0) }; return v }
        mutating func u32() throws -> UInt32 { var v: UInt32 = 0; try withUnsafeMutableBytes(of: &v) { try fill($0) }; return UInt32(littleEndian: v) }
        mutating func u64() throws -> UInt64 { var v: UInt64 = 0; try withUnsafeMutableBytes(of: &v) { try fill($0) }; return UInt64(littleEndian: v) }
        mutating func count() throws -> Int {
            let n = try u64()
            guard n < UInt64(size) else { throw Corrupt() }
            return Int(n)
        }
        /// An array, read straight into its storage (no element is decoded).
        mutating func array<T: BitwiseCopyable>(_: T.Type) throws -> [T] {
            let n = try count()
            let (bytes, o) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard !o, bytes <= size - pos else { throw Corrupt() }
            return try [T](unsafeUninitializedCapacity: n) { buf, done in
                try fill(UnsafeMutableRawBufferPointer(buf))
                done = n
            }
        }
        mutating func strings() throws -> [String] {
            let offsets = try array(Int64.self), blob = try array(UInt8.self)
            guard let first = offsets.first, first == 0, offsets.last.map({ Int($0) == blob.count }) ?? false else { throw Corrupt() }
            var out: [String] = []
            out.reserveCapacity(offsets.count - 1)
            try blob.withUnsafeBufferPointer { b in
                try offsets.withUnsafeBufferPointer { offsets in
                    for i in 0..<(offsets.count - 1) {
                        let s = Int(offsets[i]), e = Int(offsets[i + 1])
                        guard s <= e, e <= b.count else { throw Corrupt() }
                        out.append(String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self))
                    }
                }
            }
            return out
        }
        mutating func column(rows: Int, nodes: [Int]) throws -> Column {
            let c: Column
            switch try u8() {
            case 0: c = .int(try array(Int.self))
            case 1: c = .decimal(try array(Double.self))
            case 2:
                let codes = try array(Int32.self), dict = try strings()
                guard allWithin(codes, -1, dict.count - 1) else { throw Corrupt() }
                c = .string(StringColumn(codes: codes, dictionary: dict))
            case 3: c = .bool(try array(UInt8.self))
            case 6: c = .int32(try array(Int32.self))
            case 9: c = .int16(try array(Int16.self))
            case 8: c = .wholeDecimal(try array(Int32.self))
            case 7:
                let n = try u64(), value = try strings()
                guard n == UInt64(rows), value.count <= 1 else { throw Corrupt() }
                c = .constant(ConstantColumn(count: rows, string: value.first))
            case 4:
                let counts = try array(Int32.self), flat = try strings()
                guard counts.reduce(0, { $0 + Int($1) }) == flat.count, !counts.contains(where: { $0 < 0 }) else { throw Corrupt() }
                var lists: [[String]] = [], k = 0
                lists.reserveCapacity(counts.count)
                for n in counts { lists.append(n == 0 ? [] : Array(flat[k..<(k + Int(n))])); k += Int(n) }
                c = .list(lists)
            case 5:
                let raw = try array(Int64.self)
                c = .node(try raw.map { v -> NodeRef? in
                    if v < 0 { return nil }
                    let t = Int(v >> 32), i = Int(v & 0xFFFF_FFFF)
                    guard t < nodes.count, i < nodes[t] else { throw Corrupt() }
                    return NodeRef(type: NodeTypeID(t), index: i)
                })
            default: throw Corrupt()
            }
            guard c.count == rows else { throw Corrupt() }
            return c
        }
    }

    /// Whether every element of `a` is in `lo...hi` (a branch-free pass the compiler vectorises).
    static func allWithin(_ a: [Int32], _ lo: Int, _ hi: Int) -> Bool {
        guard !a.isEmpty else { return true }
        guard hi >= lo else { return false }
        var mn = Int32.max, mx = Int32.min
        a.withUnsafeBufferPointer { p in for v in p { mn = Swift.min(mn, v); mx = Swift.max(mx, v) } }
        return Int(mn) >= lo && Int(mx) <= hi
    }

    /// Whether `a` is 0, 1, 2…
    static func isIdentity(_ a: [Int32]) -> Bool {
        a.withUnsafeBufferPointer { p in
            var bad = false
            for i in p.indices { bad = bad || p[i] != Int32(truncatingIfNeeded: i) }
            return !bad
        }
    }

    /// Whether `a` never decreases.
    static func nonDecreasing(_ a: [Int32]) -> Bool {
        a.withUnsafeBufferPointer { p in
            var bad = false
            for i in p.indices.dropFirst() { bad = bad || p[i] < p[i - 1] }
            return !bad
        }
    }

    /// Bytes before the tables: magic, version, key, schema fingerprint.
    static let headerSize = 24

    /// Whether an image starting with `header` (`headerSize` bytes) was built for `key` and `schema`.
    static func headerMatches(_ header: UnsafeRawBufferPointer, key: UInt64, schema: Schema) -> Bool {
        guard header.count >= headerSize else { return false }
        var r = Reader(.memory(header), size: headerSize)
        do { return try r.u32() == magic && r.u32() == version && r.u64() == key && r.u64() == fingerprint(schema) } catch { return false }
    }

    /// An upper bound on the size of the image of `csvBytes` bytes of CSV: no cell, id or edge
    /// takes more than 64 times its CSV text (a 1-byte empty number becomes 8 bytes; an edge
    /// row of a few bytes, about 30 with its adjacency), plus room for the tables' headers.
    /// A larger file is rejected from its size alone.
    static func maximumSize(csvBytes: Int) -> Int {
        let (m, o) = csvBytes.multipliedReportingOverflow(by: 64)
        return o ? Int.max : m + (1 << 20)
    }

    /// The network in `bytes`, or nil when the image is not one built for `key` with this schema,
    /// or is damaged in any way.
    public static func decode(_ bytes: UnsafeRawBufferPointer, key: UInt64, schema: Schema = .shared, origin: String) -> Graph? {
        guard bytes.count >= 32 else { return nil }
        let stored = UInt64(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 8)...]).loadUnaligned(as: UInt64.self))
        return decode(Reader(.memory(bytes), size: bytes.count - 8), stored: stored, key: key, schema: schema, origin: origin)
    }

    /// The network in the image file open as `fd`, of `size` bytes, read with pread(2) straight
    /// into the arrays of the graph: the load needs no more memory than the graph itself.
    static func decode(file fd: Int32, size: Int, key: UInt64, schema: Schema, origin: String) -> Graph? {
        guard size >= 32 else { return nil }
        var stored: UInt64 = 0
        guard withUnsafeMutableBytes(of: &stored, { pread(fd, $0.baseAddress, 8, off_t(size - 8)) }) == 8 else { return nil }
        return decode(Reader(.file(fd), size: size - 8), stored: UInt64(littleEndian: stored), key: key, schema: schema, origin: origin)
    }

    static func decode(_ reader: Reader, stored: UInt64, key: UInt64, schema: Schema, origin: String) -> Graph? {
        var r = reader
        do {
            guard try r.u32() == magic, try r.u32() == version, try r.u64() == key, try r.u64() == fingerprint(schema) else { return nil }
            guard try r.count() == schema.nodeTypes.count else { return nil }
            var sizes: [Int] = []
            for _ in 0..<schema.nodeTypes.count { sizes.append(try r.count()) }
            var nodes = TypeIndexed<NodeTypeID, NodeTable>([])
            for t in schema.nodeTypeIDs {
                let ids = try r.strings(), lines = try r.array(Int32.self)
                guard ids.count == sizes[t.index], lines.count == ids.count, try r.count() == schema[t].fields.count else { return nil }
                var cols: [Column] = []
                for _ in 0..<schema[t].fields.count { cols.append(try r.column(rows: sizes[t.index], nodes: sizes)) }
                nodes.append(NodeTable(type: t, ids: ids, columns: cols, lines: lines))
            }
            guard try r.count() == schema.edgeTypes.count else { return nil }
            var edges = TypeIndexed<EdgeTypeID, EdgeTable>([])
            for t in schema.edgeTypeIDs {
                let def = schema[t]
                let nf = sizes[def.fromType.index], nt = sizes[def.toType.index]
                let from = try r.array(Int32.self), to = try r.array(Int32.self)
                let m = from.count
                guard to.count == m, allWithin(from, 0, nf - 1), allWithin(to, 0, nt - 1) else { return nil }
                let n = try r.count()
                guard n == def.fields.count else { return nil }
                var cols: [Column] = []
                for _ in 0..<n { cols.append(try r.column(rows: m, nodes: sizes)) }
                let oo = try r.array(Int32.self), oe = try r.array(Int32.self)
                var ox = try r.array(Int32.self)
                let io = try r.array(Int32.self), ie = try r.array(Int32.self)
                var ix = try r.array(Int32.self)
                // An empty `others` is the end array, shared: only when the edges are in order.
                if ox.isEmpty && m > 0 { guard isIdentity(oe) else { return nil }; ox = to }
                if ix.isEmpty && m > 0 { guard isIdentity(ie) else { return nil }; ix = from }
                guard oo.count == nf + 1, io.count == nt + 1, oe.count == m, ie.count == m, ox.count == m, ix.count == m,
                      allWithin(ox, 0, nt - 1), allWithin(ix, 0, nf - 1), allWithin(oe, 0, m - 1), allWithin(ie, 0, m - 1),
                      oo.first == 0, io.first == 0, oo.last.map({ Int($0) == m }) ?? false, io.last.map({ Int($0) == m }) ?? false,
                      nonDecreasing(oo), nonDecreasing(io) else { return nil }
                var out = Adjacency(count: 0, endpoints: [], otherEnds: []), inc = out
                out.offsets = oo; out.edges = oe; out.others = ox; inc.offsets = io; inc.edges = ie; inc.others = ix
                edges.append(EdgeTable(type: t, from: from, to: to, columns: cols, outgoing: out, incoming: inc))
            }
            // The checksum last: a damaged or planted image usually fails the structure checks
            // above long before its end.
            guard r.pos == r.size, r.hash.value == stored else { return nil }
            return Graph(schema: schema, nodes: nodes, edges: edges, origin: origin)
        } catch {
            return nil
        }
    }

    // MARK: hashing

    /// A fast 64-bit hash of bytes, eight at a time (not cryptographic: it detects damage and change).
    public static func checksum(_ p: UnsafeRawBufferPointer, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        var h = seed ^ UInt64(p.count)
        let words = p.count / 8
        var i = 0
        while i < words {
            let w = p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            h = (h ^ (w &* 0xBF58_476D_1CE4_E5B9)).rotatedLeft(27) &* 0x94D0_49BB_1331_11EB
            i += 1
        }
        var tail: UInt64 = 0
        for k in (words * 8)..<p.count { tail = tail << 8 | UInt64(p[k]) }
        h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 31)
    }

    static func checksum(_ a: ArraySlice<UInt8>) -> UInt64 { a.withUnsafeBytes { checksum($0) } }

    /// Changes whenever the schema (types, fields, field types, files) changes.
    static func fingerprint(_ s: Schema) -> UInt64 {
        var text = ""
        for t in s.nodeTypes { text += "n:\(t.name):\(t.file):\(t.idColumn ?? "-"):" + t.fields.map { "\($0.name)=\($0.type)" }.joined(separator: ",") + ";" }
        for t in s.edgeTypes { text += "e:\(t.name):\(t.file):\(t.fromType.index):\(t.toType.index):" + t.fields.map { "\($0.name)=\($0.type)" }.joined(separator: ",") + ";" }
        var b = Array(text.utf8)
        return b.withUnsafeMutableBytes { checksum(UnsafeRawBufferPointer($0)) }
    }
}

/// A fast 64-bit hash of a stream of bytes fed in pieces of any size (the value does not
/// depend on how the stream is cut): four independent lanes of eight bytes, so that the
/// multiplications overlap (several bytes a cycle). Not cryptographic: it detects damage and change.
struct StreamHash {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15, b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var c: UInt64 = 0x1656_67B1_9E37_79F9, d: UInt64 = 0x85EB_CA77_C2B2_AE63
    /// Bytes not yet hashed (fewer than 32), in `pending`, zero beyond them.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0
    private var total = 0

    init(seed: UInt64 = 0) { a ^= seed; b ^= seed.rotatedLeft(17) }

    @inline(__always) private static func round(_ h: UInt64, _ w: UInt64) -> UInt64 {
        (h ^ (w &* 0xBF58_476D_1CE4_E5B9)).rotatedLeft(27) &* 0x94D0_49BB_1331_11EB
    }

    mutating func add(_ p: UnsafeRawBufferPointer) {
        guard let base = p.baseAddress, p.count > 0 else { return }
        let n = p.count
        total += n
        var i = 0
        if pendingCount > 0 {
            let take = Swift.min(32 - pendingCount, n)
            let at = pendingCount
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + at).copyMemory(from: base, byteCount: take) }
            pendingCount += take
            i = take
            if pendingCount < 32 { return }
            a = StreamHash.round(a, pending.0); b = StreamHash.round(b, pending.1)
            c = StreamHash.round(c, pending.2); d = StreamHash.round(d, pending.3)
            pending = (0, 0, 0, 0); pendingCount = 0
        }
        var a = self.a, b = self.b, c = self.c, d = self.d
        while i + 32 <= n {
            a = StreamHash.round(a, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            b = StreamHash.round(b, base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            c = StreamHash.round(c, base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
            d = StreamHash.round(d, base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
            i += 32
        }
        self.a = a; self.b = b; self.c = c; self.d = d
        if i < n {
            let rest = n - i
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: base + i, byteCount: rest) }
            pendingCount = rest
        }
    }

    /// The hash of everything added so far.
    var value: UInt64 {
        var h = a.rotatedLeft(1) &+ b.rotatedLeft(7) &+ c.rotatedLeft(12) &+ d.rotatedLeft(18)
        h = StreamHash.round(h, pending.0); h = StreamHash.round(h, pending.1)
        h = StreamHash.round(h, pending.2); h = StreamHash.round(h, pending.3)
        h = (h ^ UInt64(total)) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 31)
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
