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
public enum Snapshot {
    static let magic: UInt32 = 0x504E_5352 // "RSNP"
    static let version: UInt32 = 2

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
            case .bool(let a): u8(3); array(a)
            case .list(let l):
                u8(4); array(l.map { Int32($0.count) }); strings(l.flatMap { $0 })
            case .node(let a):
                u8(5); array(a.map { n -> Int64 in n.map { Int64($0.type) << 32 | Int64($0.index) } ?? -1 })
            }
        }
    }

    /// The image of `graph`, built for `key`.
    public static func encode(_ graph: Graph, key: UInt64) -> [UInt8] {
        var w = Writer()
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
            w.array(e.outgoing.offsets); w.array(e.outgoing.edges); w.array(e.outgoing.others)
            w.array(e.incoming.offsets); w.array(e.incoming.edges); w.array(e.incoming.others)
        }
        w.u64(checksum(w.bytes[...]))
        return w.bytes
    }

    // MARK: reading

    struct Corrupt: Error {}

    struct Reader {
        let base: UnsafeRawBufferPointer
        var pos = 0
        mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard n >= 0, pos + n <= base.count else { throw Corrupt() }
            defer { pos += n }
            return UnsafeRawBufferPointer(rebasing: base[pos..<(pos + n)])
        }
        mutating func u8() throws -> UInt8 { try take(1)[0] }
        mutating func u32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
        mutating func u64() throws -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
        mutating func count() throws -> Int {
            let n = try u64()
            guard n < UInt64(base.count) else { throw Corrupt() }
            return Int(n)
        }
        mutating func array<T>(_: T.Type) throws -> [T] {
            let n = try count()
            let (size, o) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard !o else { throw Corrupt() }
            let raw = try take(size)
            return [T](unsafeUninitializedCapacity: n) { buf, done in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: raw)
                done = n
            }
        }
        mutating func strings() throws -> [String] {
            let offsets = try array(Int64.self), blob = try array(UInt8.self)
            guard let first = offsets.first, first == 0, offsets.last.map({ Int($0) == blob.count }) ?? false else { throw Corrupt() }
            var out: [String] = []
            out.reserveCapacity(offsets.count - 1)
            try blob.withUnsafeBufferPointer { b in
                for i in 0..<(offsets.count - 1) {
                    let s = Int(offsets[i]), e = Int(offsets[i + 1])
                    guard s <= e, e <= b.count else { throw Corrupt() }
                    out.append(String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self))
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
                guard !codes.contains(where: { $0 >= Int32(dict.count) || $0 < -1 }) else { throw Corrupt() }
                c = .string(StringColumn(codes: codes, dictionary: dict))
            case 3: c = .bool(try array(UInt8.self))
            case 4:
                let counts = try array(Int32.self), flat = try strings()
                guard counts.reduce(0, { $0 + Int($1) }) == flat.count, !counts.contains(where: { $0 < 0 }) else { throw Corrupt() }
                var lists: [[String]] = [], k = 0
                lists.reserveCapacity(counts.count)
                for n in counts { lists.append(Array(flat[k..<(k + Int(n))])); k += Int(n) }
                c = .list(lists)
            case 5:
                let raw = try array(Int64.self)
                c = .node(try raw.map { v -> NodeRef? in
                    if v < 0 { return nil }
                    let t = Int(v >> 32), i = Int(v & 0xFFFF_FFFF)
                    guard t < nodes.count, i < nodes[t] else { throw Corrupt() }
                    return NodeRef(type: t, index: i)
                })
            default: throw Corrupt()
            }
            guard c.count == rows else { throw Corrupt() }
            return c
        }
    }

    /// Bytes before the tables: magic, version, key, schema fingerprint.
    static let headerSize = 24

    /// Whether an image starting with `header` (`headerSize` bytes) was built for `key` and `schema`.
    static func headerMatches(_ header: UnsafeRawBufferPointer, key: UInt64, schema: Schema) -> Bool {
        var r = Reader(base: header)
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
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])
        let stored = UInt64(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 8)...]).loadUnaligned(as: UInt64.self))
        var r = Reader(base: body)
        do {
            guard try r.u32() == magic, try r.u32() == version, try r.u64() == key, try r.u64() == fingerprint(schema) else { return nil }
            guard try r.count() == schema.nodeTypes.count else { return nil }
            var sizes: [Int] = []
            for _ in 0..<schema.nodeTypes.count { sizes.append(try r.count()) }
            var nodes: [NodeTable] = []
            for t in 0..<schema.nodeTypes.count {
                let ids = try r.strings(), lines = try r.array(Int32.self)
                guard ids.count == sizes[t], lines.count == ids.count, try r.count() == schema.nodeTypes[t].fields.count else { return nil }
                var cols: [Column] = []
                for _ in 0..<schema.nodeTypes[t].fields.count { cols.append(try r.column(rows: sizes[t], nodes: sizes)) }
                nodes.append(NodeTable(type: t, ids: ids, columns: cols, lines: lines))
            }
            guard try r.count() == schema.edgeTypes.count else { return nil }
            var edges: [EdgeTable] = []
            for t in 0..<schema.edgeTypes.count {
                let def = schema.edgeTypes[t]
                let from = try r.array(Int32.self), to = try r.array(Int32.self)
                guard from.count == to.count,
                      !from.contains(where: { $0 < 0 || Int($0) >= sizes[def.fromType] }),
                      !to.contains(where: { $0 < 0 || Int($0) >= sizes[def.toType] }) else { return nil }
                let n = try r.count()
                guard n == def.fields.count else { return nil }
                var cols: [Column] = []
                for _ in 0..<n { cols.append(try r.column(rows: from.count, nodes: sizes)) }
                let oo = try r.array(Int32.self), oe = try r.array(Int32.self), ox = try r.array(Int32.self)
                let io = try r.array(Int32.self), ie = try r.array(Int32.self), ix = try r.array(Int32.self)
                guard oo.count == sizes[def.fromType] + 1, io.count == sizes[def.toType] + 1, oe.count == from.count, ie.count == from.count,
                      ox.count == from.count, ix.count == from.count,
                      !ox.contains(where: { $0 < 0 || Int($0) >= sizes[def.toType] }), !ix.contains(where: { $0 < 0 || Int($0) >= sizes[def.fromType] }),
                      oo.last.map({ Int($0) == from.count }) ?? false, io.last.map({ Int($0) == from.count }) ?? false,
                      !oe.contains(where: { $0 < 0 || Int($0) >= from.count }), !ie.contains(where: { $0 < 0 || Int($0) >= from.count }),
                      zip(oo, oo.dropFirst()).allSatisfy({ $0 <= $1 }), zip(io, io.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
                var out = Adjacency(count: 0, endpoints: [], otherEnds: []), inc = out
                out.offsets = oo; out.edges = oe; out.others = ox; inc.offsets = io; inc.edges = ie; inc.others = ix
                edges.append(EdgeTable(type: t, from: from, to: to, columns: cols, outgoing: out, incoming: inc))
            }
            // The checksum last: a damaged or planted image usually fails the structure checks
            // above long before its end, without hashing gigabytes.
            guard r.pos == body.count, checksum(body) == stored else { return nil }
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
        for t in s.edgeTypes { text += "e:\(t.name):\(t.file):\(t.fromType):\(t.toType):" + t.fields.map { "\($0.name)=\($0.type)" }.joined(separator: ",") + ";" }
        var b = Array(text.utf8)
        return b.withUnsafeMutableBytes { checksum(UnsafeRawBufferPointer($0)) }
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
