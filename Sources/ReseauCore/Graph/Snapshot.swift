import FoundationEssentials
import Dispatch
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
    static let version: UInt32 = 5

    // MARK: writing

    /// Writes an image; hashes its small values in one stream and each array on its own, as
    /// `Layout` and `readArrays` read them back.
    struct Writer {
        var bytes: [UInt8] = []
        var scalars = StreamHash()
        var pieceHashes: [UInt64] = []
        mutating func u8(_ v: UInt8) { scalar(v) }
        mutating func u32(_ v: UInt32) { scalar(v) }
        mutating func u64(_ v: UInt64) { scalar(v) }
        private mutating func scalar<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0); scalars.add($0) }
        }
        mutating func array<T>(_ a: [T]) {
            u64(UInt64(a.count))
            var h = StreamHash()
            a.withUnsafeBytes { bytes.append(contentsOf: $0); h.add($0) }
            pieceHashes.append(h.value)
        }
        /// The checksum that ends the image.
        var checksum: UInt64 { Snapshot.imageChecksum(scalars: scalars.value, pieces: pieceHashes) }
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
    static func encode(_ graph: Graph, key: UInt64) -> [UInt8] {
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
        withUnsafeBytes(of: w.checksum.littleEndian) { w.bytes.append(contentsOf: $0) }
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
    enum Input: @unchecked Sendable {
        case memory(UnsafeRawBufferPointer)
        case file(Int32)

        /// Copies the `n` bytes at `offset` to `dst`.
        func read(_ dst: UnsafeMutableRawPointer, count n: Int, at offset: Int) throws(Corrupt) {
            switch self {
            case .memory(let b):
                guard offset >= 0, n <= b.count - offset else { throw Corrupt() }
                dst.copyMemory(from: b.baseAddress! + offset, byteCount: n)
            case .file(let fd):
                var done = 0
                while done < n {
                    let r = pread(fd, dst + done, n - done, off_t(offset + done))
                    if r < 0 && errno == EINTR { continue }
                    guard r > 0 else { throw Corrupt() }
                    done += r
                }
            }
        }
    }

    /// The element types of the image's arrays.
    enum Element {
        case int, int64, int32, int16, uint8, double
        var stride: Int {
            switch self {
            case .int, .int64, .double: 8
            case .int32: 4
            case .int16: 2
            case .uint8: 1
            }
        }
    }

    /// What an array must satisfy, checked as soon as it is read (while it is in the cache).
    enum Check: Sendable {
        case none
        /// Every element in `lo...hi`.
        case within(Int, Int)
        /// 0, 1, 2…
        case identity
        /// Adjacency offsets: 0 first, `total` last, never decreasing.
        case offsets(total: Int)
    }

    /// One array of the image: where its elements are, and what they must satisfy.
    struct Piece: Sendable {
        let offset: Int, count: Int
        let element: Element
        var check: Check
        var bytes: Int { count * element.stride }
    }

    /// An array read from the image.
    enum PieceData: @unchecked Sendable {
        case int([Int]), int64([Int64]), int32([Int32]), int16([Int16]), uint8([UInt8]), double([Double])
    }

    /// A list of strings: an array of offsets into an array of UTF-8 bytes (piece numbers).
    struct StringsLayout { let offsets: Int, blob: Int }

    /// A column as laid out in the image (piece and string-list numbers).
    enum ColumnLayout {
        case int(Int), decimal(Int), string(codes: Int, dictionary: Int), bool(Int), int32(Int), int16(Int), wholeDecimal(Int)
        case constant(rows: Int, value: Int), list(counts: Int, flat: Int), node(Int)
    }

    struct NodeLayout { let ids: Int, lines: Int, columns: [ColumnLayout] }
    struct EdgeLayout { let from: Int, to: Int, columns: [ColumnLayout], outgoing: (Int, Int, Int?), incoming: (Int, Int, Int?) }

    /// The first pass over an image: reads its small values (tags and counts, hashed in order) and
    /// notes where each array is, with what it must satisfy, without reading any array. The
    /// arrays are then read in parallel, each hashed on its own (`readArrays`), and the checksum
    /// at the end of the image covers the small values and every array's hash, in order.
    struct Layout {
        let input: Input
        /// Bytes of the image before its checksum.
        let size: Int
        var pos = 0
        var scalars = StreamHash()
        var pieces: [Piece] = []
        var strings: [StringsLayout] = []

        init(_ input: Input, size: Int) { self.input = input; self.size = size }

        mutating func scalar<T: FixedWidthInteger>(_: T.Type) throws(Corrupt) -> T {
            guard MemoryLayout<T>.size <= size - pos else { throw Corrupt() }
            var v: T = 0
            try withUnsafeMutableBytes(of: &v) { (b) throws(Corrupt) in
                try input.read(b.baseAddress!, count: b.count, at: pos)
                scalars.add(UnsafeRawBufferPointer(b))
            }
            pos += MemoryLayout<T>.size
            return T(littleEndian: v)
        }
        mutating func u8() throws(Corrupt) -> UInt8 { try scalar(UInt8.self) }
        mutating func u32() throws(Corrupt) -> UInt32 { try scalar(UInt32.self) }
        mutating func u64() throws(Corrupt) -> UInt64 { try scalar(UInt64.self) }
        mutating func count() throws(Corrupt) -> Int {
            let n = try u64()
            guard n < UInt64(size) else { throw Corrupt() }
            return Int(n)
        }
        /// Notes an array of `element`s; returns its piece number.
        mutating func array(_ element: Element, _ check: Check = .none) throws(Corrupt) -> Int {
            let n = try count()
            let (bytes, o) = n.multipliedReportingOverflow(by: element.stride)
            guard !o, bytes <= size - pos else { throw Corrupt() }
            pieces.append(Piece(offset: pos, count: n, element: element, check: check))
            pos += bytes
            return pieces.count - 1
        }
        /// Notes a list of strings; returns its number.
        mutating func stringList() throws(Corrupt) -> Int {
            let offsets = try array(.int64), blob = try array(.uint8)
            strings.append(StringsLayout(offsets: offsets, blob: blob))
            return strings.count - 1
        }
        /// The number of strings in list `s`.
        func stringCount(_ s: Int) -> Int { Swift.max(0, pieces[strings[s].offsets].count - 1) }

        mutating func column(rows: Int) throws(Corrupt) -> ColumnLayout {
            let tag = try u8()
            let c: ColumnLayout
            switch tag {
            case 0: c = .int(try array(.int))
            case 1: c = .decimal(try array(.double))
            case 2:
                let codes = try array(.int32)
                let dict = try stringList()
                pieces[codes].check = .within(-1, stringCount(dict) - 1)
                c = .string(codes: codes, dictionary: dict)
            case 3: c = .bool(try array(.uint8))
            case 6: c = .int32(try array(.int32))
            case 9: c = .int16(try array(.int16))
            case 8: c = .wholeDecimal(try array(.int32))
            case 7:
                let n = try u64(), value = try stringList()
                guard n == UInt64(rows), stringCount(value) <= 1 else { throw Corrupt() }
                c = .constant(rows: rows, value: value)
            case 4: c = .list(counts: try array(.int32, .within(0, Int(Int32.max))), flat: try stringList())
            case 5: c = .node(try array(.int64))
            default: throw Corrupt()
            }
            // Every column but a constant has one element per row (a list: one count per row).
            let first: Int? = switch c {
            case .int(let p), .decimal(let p), .bool(let p), .int32(let p), .int16(let p), .wholeDecimal(let p), .node(let p): p
            case .string(let p, _), .list(let p, _): p
            case .constant: nil
            }
            if let first, pieces[first].count != rows { throw Corrupt() }
            return c
        }

        /// One adjacency (offsets, edges, others), `m` edges whose other end is one of `ends` nodes,
        /// from one of `starts` nodes.
        mutating func adjacency(starts: Int, ends: Int, edges m: Int) throws(Corrupt) -> (Int, Int, Int?) {
            let o = try array(.int32, .offsets(total: m)), e = try array(.int32, .within(0, m - 1))
            let x = try array(.int32, .within(0, ends - 1))
            guard pieces[o].count == starts + 1, pieces[e].count == m else { throw Corrupt() }
            // An empty `others` is the end array, shared: only when the edges are in order.
            if pieces[x].count == 0 && m > 0 {
                pieces[e].check = .identity
                return (o, e, nil)
            }
            guard pieces[x].count == m else { throw Corrupt() }
            return (o, e, x)
        }
    }

    /// Reads every array of `layout` (in parallel when there is enough to read): each is checked
    /// and hashed as it is read, and each string list is turned into strings at once, so that
    /// its bytes never wait for the others. Nil when an array cannot be read or fails its check.
    static func readArrays(_ layout: Layout, parallelAbove: Int) -> (Pieces, hashes: [UInt64])? {
        let pieces = layout.pieces, lists = layout.strings, input = layout.input
        var inList = [Bool](repeating: false, count: pieces.count)
        for l in lists { inList[l.offsets] = true; inList[l.blob] = true }
        // Tasks 0..<lists.count read a string list; the others one array each.
        let single = pieces.indices.filter { !inList[$0] }
        let count = lists.count + single.count
        // A task that fails sets nothing.
        let data = ResultBox<PieceData>(count: pieces.count), strings = ResultBox<[String]>(count: lists.count)
        let hashes = ResultBox<UInt64>(count: pieces.count)
        @Sendable func run(_ task: Int) {
            if task < lists.count {
                let l = lists[task]
                guard let (o, ho) = readPiece(pieces[l.offsets], from: input), let (b, hb) = readPiece(pieces[l.blob], from: input) else { return }
                guard let s = Snapshot.strings(offsets: o, blob: b) else { return }
                hashes.set(l.offsets, ho); hashes.set(l.blob, hb)
                strings.set(task, s)
            } else {
                let i = single[task - lists.count]
                guard let (d, h) = readPiece(pieces[i], from: input) else { return }
                data.set(i, d); hashes.set(i, h)
            }
        }
        func bytes(_ task: Int) -> Int {
            task < lists.count ? pieces[lists[task].offsets].bytes + pieces[lists[task].blob].bytes : pieces[single[task - lists.count]].bytes
        }
        if pieces.reduce(0, { $0 + $1.bytes }) < parallelAbove {
            for t in 0..<count { run(t) }
        } else {
            // Largest first: two cores end together.
            let order = (0..<count).sorted { bytes($0) > bytes($1) }
            DispatchQueue.concurrentPerform(iterations: order.count) { k in run(order[k]) }
        }
        var all: [UInt64] = [], out: [PieceData] = [], lines: [[String]] = []
        all.reserveCapacity(pieces.count); out.reserveCapacity(pieces.count); lines.reserveCapacity(lists.count)
        for i in pieces.indices {
            guard let h = hashes.ifSet(i) else { return nil }
            all.append(h)
            if inList[i] { out.append(.uint8([])) } else { guard let d = data.ifSet(i) else { return nil }; out.append(d) }
        }
        for i in lists.indices {
            guard let s = strings.ifSet(i) else { return nil }
            lines.append(s)
        }
        return (Pieces(data: out, strings: lines), all)
    }

    /// Below this many bytes of arrays an image is read on one thread (the bundled image at start;
    /// tests pass 0 to read a small image in parallel).
    static let parallelThreshold = 4 << 20

    static func readPiece(_ p: Piece, from input: Input) -> (PieceData, UInt64)? {
        func load<T: BitwiseCopyable>(_: T.Type) -> ([T], UInt64)? {
            var hash = StreamHash()
            do {
                let a = try [T](unsafeUninitializedCapacity: p.count) { (buf, done) throws(Corrupt) in
                    let raw = UnsafeMutableRawBufferPointer(buf)
                    HugePages.advise(raw)
                    if let base = raw.baseAddress { try input.read(base, count: raw.count, at: p.offset) }
                    hash.add(UnsafeRawBufferPointer(raw))
                    done = p.count
                }
                return (a, hash.value)
            } catch { return nil }
        }
        switch p.element {
        case .int: return load(Int.self).map { (.int($0.0), $0.1) }
        case .int64: return load(Int64.self).map { (.int64($0.0), $0.1) }
        case .double: return load(Double.self).map { (.double($0.0), $0.1) }
        case .int16: return load(Int16.self).map { (.int16($0.0), $0.1) }
        case .uint8: return load(UInt8.self).map { (.uint8($0.0), $0.1) }
        case .int32:
            guard let (a, h) = load(Int32.self) else { return nil }
            let ok: Bool
            switch p.check {
            case .none: ok = true
            case .within(let lo, let hi): ok = allWithin(a, lo, hi)
            case .identity: ok = isIdentity(a)
            case .offsets(let total): ok = a.first == 0 && a.last.map({ Int($0) == total }) ?? false && Adjacency.nonDecreasing(a)
            }
            return ok ? (.int32(a), h) : nil
        }
    }

    /// The arrays of an image, read, with its string lists turned into strings.
    struct Pieces {
        let data: [PieceData]
        let strings: [[String]]
        func int32(_ i: Int) throws(Corrupt) -> [Int32] { if case .int32(let a) = data[i] { return a }; throw Corrupt() }
        func int64(_ i: Int) throws(Corrupt) -> [Int64] { if case .int64(let a) = data[i] { return a }; throw Corrupt() }
        func int(_ i: Int) throws(Corrupt) -> [Int] { if case .int(let a) = data[i] { return a }; throw Corrupt() }
        func int16(_ i: Int) throws(Corrupt) -> [Int16] { if case .int16(let a) = data[i] { return a }; throw Corrupt() }
        func uint8(_ i: Int) throws(Corrupt) -> [UInt8] { if case .uint8(let a) = data[i] { return a }; throw Corrupt() }
        func double(_ i: Int) throws(Corrupt) -> [Double] { if case .double(let a) = data[i] { return a }; throw Corrupt() }

        func column(_ c: ColumnLayout, rows: Int, nodes: [Int]) throws(Corrupt) -> Column {
            switch c {
            case .int(let p): return .int(try int(p))
            case .decimal(let p): return .decimal(try double(p))
            case .string(let codes, let dict): return .string(StringColumn(codes: try int32(codes), dictionary: strings[dict]))
            case .bool(let p): return .bool(try uint8(p))
            case .int32(let p): return .int32(try int32(p))
            case .int16(let p): return .int16(try int16(p))
            case .wholeDecimal(let p): return .wholeDecimal(try int32(p))
            case .constant(let rows, let value): return .constant(ConstantColumn(count: rows, string: strings[value].first))
            case .list(let countsPiece, let flatList):
                let counts = try int32(countsPiece), flat = strings[flatList]
                guard counts.reduce(0, { $0 + Int($1) }) == flat.count else { throw Corrupt() }
                var lists: [[String]] = [], k = 0
                lists.reserveCapacity(counts.count)
                for n in counts { lists.append(n == 0 ? [] : Array(flat[k..<(k + Int(n))])); k += Int(n) }
                return .list(lists)
            case .node(let p):
                var out: [NodeRef?] = []
                out.reserveCapacity(rows)
                for v in try int64(p) {
                    if v < 0 { out.append(nil); continue }
                    let t = Int(v >> 32), i = Int(v & 0xFFFF_FFFF)
                    guard t < nodes.count, i < nodes[t] else { throw Corrupt() }
                    out.append(NodeRef(type: NodeTypeID(t), index: i))
                }
                return .node(out)
            }
        }
    }

    /// Turns a string list's offsets and bytes into strings; nil when the offsets do not fit the bytes.
    static func strings(offsets pOffsets: PieceData, blob pBlob: PieceData) -> [String]? {
        guard case .int64(let offsets) = pOffsets, case .uint8(let blob) = pBlob,
              let first = offsets.first, first == 0, offsets.last.map({ Int($0) == blob.count }) ?? false else { return nil }
        var out: [String] = []
        out.reserveCapacity(offsets.count - 1)
        let ok = blob.withUnsafeBufferPointer { b in
            offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<(offsets.count - 1) {
                    let s = Int(offsets[i]), e = Int(offsets[i + 1])
                    guard s <= e, e <= b.count else { return false }
                    out.append(String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self))
                }
                return true
            }
        }
        return ok ? out : nil
    }

    /// The checksum at the end of an image: the hash of its small values, then of each array's hash, in order.
    static func imageChecksum(scalars: UInt64, pieces: [UInt64]) -> UInt64 {
        var h = StreamHash()
        withUnsafeBytes(of: scalars.littleEndian) { h.add($0) }
        for p in pieces { withUnsafeBytes(of: p.littleEndian) { h.add($0) } }
        return h.value
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

    /// Bytes before the tables: magic, version, key, schema fingerprint.
    static let headerSize = 24

    /// Whether an image starting with `header` (`headerSize` bytes) was built for `key` and `schema`.
    static func headerMatches(_ header: UnsafeRawBufferPointer, key: UInt64, schema: Schema) -> Bool {
        guard header.count >= headerSize else { return false }
        var r = Layout(.memory(header), size: headerSize)
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
    static func decode(_ bytes: UnsafeRawBufferPointer, key: UInt64, schema: Schema = .shared, origin: String,
                              parallelAbove: Int = parallelThreshold) -> Graph? {
        guard bytes.count >= 32 else { return nil }
        let stored = UInt64(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 8)...]).loadUnaligned(as: UInt64.self))
        return decode(.memory(bytes), size: bytes.count - 8, stored: stored, key: key, schema: schema, origin: origin,
                      parallelAbove: parallelAbove)
    }

    /// The network in the image file open as `fd`, of `size` bytes, read with pread(2) straight
    /// into the arrays of the graph: the load needs no more memory than the graph itself.
    static func decode(file fd: Int32, size: Int, key: UInt64, schema: Schema, origin: String,
                       parallelAbove: Int = parallelThreshold) -> Graph? {
        guard size >= 32 else { return nil }
        var stored: UInt64 = 0
        guard withUnsafeMutableBytes(of: &stored, { pread(fd, $0.baseAddress, 8, off_t(size - 8)) }) == 8 else { return nil }
        return decode(.file(fd), size: size - 8, stored: UInt64(littleEndian: stored), key: key, schema: schema, origin: origin,
                      parallelAbove: parallelAbove)
    }

    /// Reads an image in three passes: its layout (the small values, in order), then its arrays
    /// (in parallel, each checked as it is read), then the tables built from them. The checksum
    /// is compared before anything is built; the structure checks of the first two passes
    /// usually reject a damaged or planted image before its arrays are even read.
    static func decode(_ input: Input, size: Int, stored: UInt64, key: UInt64, schema: Schema, origin: String,
                       parallelAbove: Int) -> Graph? {
        var r = Layout(input, size: size)
        do throws(Corrupt) {
            guard try r.u32() == magic, try r.u32() == version, try r.u64() == key, try r.u64() == fingerprint(schema) else { return nil }
            guard try r.count() == schema.nodeTypes.count else { return nil }
            var sizes: [Int] = []
            for _ in 0..<schema.nodeTypes.count { sizes.append(try r.count()) }
            var nodeLayouts: [NodeLayout] = []
            for t in schema.nodeTypeIDs {
                let ids = try r.stringList(), lines = try r.array(.int32)
                guard r.stringCount(ids) == sizes[t.index], r.pieces[lines].count == sizes[t.index],
                      try r.count() == schema[t].fields.count else { return nil }
                var cols: [ColumnLayout] = []
                for _ in 0..<schema[t].fields.count { cols.append(try r.column(rows: sizes[t.index])) }
                nodeLayouts.append(NodeLayout(ids: ids, lines: lines, columns: cols))
            }
            guard try r.count() == schema.edgeTypes.count else { return nil }
            var edgeLayouts: [EdgeLayout] = []
            for t in schema.edgeTypeIDs {
                let def = schema[t]
                let nf = sizes[def.fromType.index], nt = sizes[def.toType.index]
                let from = try r.array(.int32, .within(0, nf - 1)), to = try r.array(.int32, .within(0, nt - 1))
                let m = r.pieces[from].count
                guard r.pieces[to].count == m, try r.count() == def.fields.count else { return nil }
                var cols: [ColumnLayout] = []
                for _ in 0..<def.fields.count { cols.append(try r.column(rows: m)) }
                let out = try r.adjacency(starts: nf, ends: nt, edges: m), inc = try r.adjacency(starts: nt, ends: nf, edges: m)
                edgeLayouts.append(EdgeLayout(from: from, to: to, columns: cols, outgoing: out, incoming: inc))
            }
            guard r.pos == r.size else { return nil }
            guard let (p, hashes) = readArrays(r, parallelAbove: parallelAbove), imageChecksum(scalars: r.scalars.value, pieces: hashes) == stored else { return nil }
            let strings = p.strings
            var nodes = TypeIndexed<NodeTypeID, NodeTable>([])
            for (t, l) in zip(schema.nodeTypeIDs, nodeLayouts) {
                var cols: [Column] = []
                for c in l.columns { cols.append(try p.column(c, rows: sizes[t.index], nodes: sizes)) }
                nodes.append(NodeTable(type: t, ids: strings[l.ids], columns: cols, lines: try p.int32(l.lines)))
            }
            var edges = TypeIndexed<EdgeTypeID, EdgeTable>([])
            for (t, l) in zip(schema.edgeTypeIDs, edgeLayouts) {
                let from = try p.int32(l.from), to = try p.int32(l.to)
                var cols: [Column] = []
                for c in l.columns { cols.append(try p.column(c, rows: from.count, nodes: sizes)) }
                var out = Adjacency(count: 0, endpoints: [], otherEnds: []), inc = out
                out.offsets = try p.int32(l.outgoing.0); out.edges = try p.int32(l.outgoing.1)
                out.others = try l.outgoing.2.map { (i) throws(Corrupt) in try p.int32(i) } ?? to
                inc.offsets = try p.int32(l.incoming.0); inc.edges = try p.int32(l.incoming.1)
                inc.others = try l.incoming.2.map { (i) throws(Corrupt) in try p.int32(i) } ?? from
                edges.append(EdgeTable(type: t, from: from, to: to, columns: cols, outgoing: out, incoming: inc))
            }
            return Graph(schema: schema, nodes: nodes, edges: edges, origin: origin)
        } catch {
            return nil
        }
    }

    // MARK: hashing

    /// A fast 64-bit hash of bytes, eight at a time (not cryptographic: it detects damage and change).
    static func checksum(_ p: UnsafeRawBufferPointer, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
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

    /// Changes whenever the schema (types, fields, field types, files) changes. Each text is
    /// hashed with a terminator, so that no two schemas run together into the same stream. (No
    /// interpolation or `joined`: this runs at every start, and their generic paths cost a
    /// runtime conformance lookup each.)
    static func fingerprint(_ s: Schema) -> UInt64 {
        var h = StreamHash()
        func add(_ text: String) {
            var t = text
            t.withUTF8 { h.add(UnsafeRawBufferPointer($0)) }
            withUnsafeBytes(of: UInt8(0)) { h.add($0) }
        }
        func add(_ n: Int) { withUnsafeBytes(of: UInt64(n).littleEndian) { h.add($0) } }
        for t in s.nodeTypes {
            add("n"); add(t.name); add(t.file); add(t.idColumn ?? "-"); add(t.fields.count)
            for f in t.fields { add(f.name); add(f.type.description) }
        }
        for t in s.edgeTypes {
            add("e"); add(t.name); add(t.file); add(t.fromType.index); add(t.toType.index); add(t.fields.count)
            for f in t.fields { add(f.name); add(f.type.description) }
        }
        return h.value
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
