/// A strict RFC 4180 reader over UTF-8 bytes that reports positions.
///
/// Accepts a UTF-8 byte-order mark and CRLF line endings. Fields are byte ranges into the
/// buffer, reused from record to record: nothing is allocated per field, and numbers are
/// parsed straight from the bytes. The buffer must outlive the reader (see `withReader`).
struct CSVReader {
    /// One field: its byte range, where it starts (1-based line and byte column: `column(_:)`
    /// gives the column in characters, for messages), and whether it was quoted with `""`
    /// inside (then `string` unescapes it).
    struct Field {
        var start: Int
        var end: Int
        var line: Int
        var byteColumn: Int
        var escaped: Bool
    }

    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    let data: UnsafeBufferPointer<UInt8>
    private var pos: Int
    private(set) var line = 1
    private var lineStart: Int
    /// Where reading stops: the end of the buffer, or of the chunk this reader parses.
    private let end: Int

    init(_ data: UnsafeBufferPointer<UInt8>) {
        self.data = data
        let bom = data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF
        pos = bom ? 3 : 0
        lineStart = pos
        end = data.count
    }

    /// A reader of the records in `range` of `data` only: `range` must start at the start of a
    /// record (and of a line: `line` is its number), so that fields keep their positions in the
    /// whole buffer and messages their line and column.
    init(_ data: UnsafeBufferPointer<UInt8>, range: Range<Int>, line: Int) {
        self.data = data
        pos = range.lowerBound
        lineStart = pos
        end = range.upperBound
        self.line = line
    }

    /// The offset of the next byte to read.
    var position: Int { pos }

    /// Calls `body` with a reader over `bytes`.
    static func withReader<R>(_ bytes: [UInt8], _ body: (inout CSVReader) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { buf in
            var r = CSVReader(buf)
            return try body(&r)
        }
    }

    @inline(__always)
    func raw(_ f: Field) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(data)[f.start..<f.end])
    }

    /// The field's text, with `""` turned back into `"`.
    func string(_ f: Field) -> String {
        let r = raw(f)
        guard f.escaped else { return String(decoding: r, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var i = 0
        while i < r.count {
            out.append(r[i])
            i += r[i] == 0x22 && i + 1 < r.count && r[i + 1] == 0x22 ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    func isEmpty(_ f: Field) -> Bool { f.start == f.end }

    /// The 1-based column, in characters, where field `f` starts (its opening quote if quoted):
    /// every column in a message counts characters, like the query errors' columns.
    func column(_ f: Field) -> Int {
        let first = f.start > 0 && data[f.start - 1] == 0x22 ? f.start - 1 : f.start
        return characters(from: first - (f.byteColumn - 1), to: first) + 1
    }

    /// The number of UTF-8 characters in bytes `a..<b`.
    func characters(from a: Int, to b: Int) -> Int {
        var n = 0
        for i in Swift.max(0, a)..<Swift.max(Swift.max(0, a), b) where data[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Checks the whole buffer once: valid UTF-8, no NUL byte, not UTF-16.
    static func validate(_ data: [UInt8]) -> Failure? {
        if data.count >= 2, (data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF) {
            return Failure(line: 1, column: 1, message: "the file is UTF-16; save it as UTF-8")
        }
        // Lines ended by CR alone (classic Mac OS): the whole file would read as one line.
        if !data.contains(0x0A), let cr = data.firstIndex(of: 0x0D) {
            let col = String(decoding: data[(data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)..<cr], as: UTF8.self).count + 1
            return Failure(line: 1, column: col, message: "the lines end with a carriage return (CR) alone; save the file with LF or CRLF line endings")
        }
        return data.withUnsafeBufferPointer { data -> Failure? in
            var line = 1, col = 1, i = 0
            let n = data.count
            while i < n {
                let b = data[i]
                if b >= 0x80 {
                    var len = 0
                    if b & 0xE0 == 0xC0, b >= 0xC2 { len = 2 } else if b & 0xF0 == 0xE0 { len = 3 } else if b & 0xF8 == 0xF0, b <= 0xF4 { len = 4 }
                    var ok = len > 0 && i + len <= n
                    if ok { for k in 1..<len where data[i + k] & 0xC0 != 0x80 { ok = false } }
                    if ok, len == 3 {
                        let cp = (UInt32(b & 0x0F) << 12) | (UInt32(data[i + 1] & 0x3F) << 6)
                        if cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) { ok = false }
                    }
                    if ok, len == 4 {
                        let cp = (UInt32(b & 0x07) << 18) | (UInt32(data[i + 1] & 0x3F) << 12)
                        if cp < 0x10000 || cp > 0x10FFFF { ok = false }
                    }
                    if !ok {
                        let hint = b >= 0xC0 ? " (Latin-1 or Windows-1252? save the file as UTF-8)" : ""
                        return Failure(line: line, column: col, message: "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))\(hint)")
                    }
                    i += len; col += 1
                    continue
                }
                if b == 0x0A { line += 1; col = 1 }
                else if b == 0 { return Failure(line: line, column: col, message: "NUL byte in the file (is it a text file?)") }
                else { col += 1 }
                i += 1
            }
            return nil
        }
    }

    /// Checks `range` of `data` as `validate` does (valid UTF-8, no NUL byte), eight bytes at a
    /// time while they are ASCII, and counts its quotes and line feeds; nil when a byte is wrong
    /// (`validate` on the whole file then says which). `range` must start and end at line
    /// boundaries, so that no UTF-8 sequence is cut.
    static func scan(_ data: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (quotes: Int, newlines: Int)? {
        guard let base = data.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// 0x80 in each byte of `x` that is zero, exactly (no borrow between bytes).
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { ~(((x & low7) &+ low7) | x | low7) }
        var i = range.lowerBound, quotes = 0, newlines = 0
        let n = range.upperBound
        while i < n {
            if i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & high == 0 {
                    if zeros(w) != 0 { return nil }
                    quotes &+= zeros(w ^ (0x22 &* ones)).nonzeroBitCount
                    newlines &+= zeros(w ^ (0x0A &* ones)).nonzeroBitCount
                    i += 8
                    continue
                }
            }
            let b = data[i]
            if b < 0x80 {
                if b == 0 { return nil }
                if b == 0x22 { quotes += 1 } else if b == 0x0A { newlines += 1 }
                i += 1
                continue
            }
            var len = 0
            if b & 0xE0 == 0xC0, b >= 0xC2 { len = 2 } else if b & 0xF0 == 0xE0 { len = 3 } else if b & 0xF8 == 0xF0, b <= 0xF4 { len = 4 }
            guard len > 0, i + len <= n else { return nil }
            for k in 1..<len where data[i + k] & 0xC0 != 0x80 { return nil }
            if len == 3 {
                let cp = (UInt32(b & 0x0F) << 12) | (UInt32(data[i + 1] & 0x3F) << 6)
                if cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) { return nil }
            }
            if len == 4 {
                let cp = (UInt32(b & 0x07) << 18) | (UInt32(data[i + 1] & 0x3F) << 12)
                if cp < 0x10000 || cp > 0x10FFFF { return nil }
            }
            i += len
        }
        return (quotes, newlines)
    }

    /// Reads the next record into `fields` (reused); false at the end of the input.
    /// Blank lines are skipped.
    mutating func nextRecord(into fields: inout [Field]) throws(Failure) -> Bool {
        let data = self.data
        let n = end
        while pos < n, data[pos] == 0x0A || (data[pos] == 0x0D && pos + 1 < n && data[pos + 1] == 0x0A) {
            pos += data[pos] == 0x0D ? 2 : 1
            line += 1
            lineStart = pos
        }
        if pos >= n { return false }
        fields.removeAll(keepingCapacity: true)
        while true {
            let startLine = line, startCol = pos - lineStart + 1, startLineStart = lineStart
            if pos < n, data[pos] == 0x22 {
                pos += 1
                let begin = pos
                var escaped = false, closed = false
                while pos < n {
                    let b = data[pos]
                    if b == 0x22 {
                        if pos + 1 < n, data[pos + 1] == 0x22 { escaped = true; pos += 2; continue }
                        closed = true
                        break
                    }
                    if b == 0x0A { line += 1; lineStart = pos + 1 }
                    pos += 1
                }
                if !closed {
                    throw Failure(line: startLine, column: characters(from: startLineStart, to: startLineStart + startCol - 1) + 1,
                                  message: "unclosed quote: the field never ends")
                }
                fields.append(Field(start: begin, end: pos, line: startLine, byteColumn: startCol, escaped: escaped))
                pos += 1
                if pos < n, data[pos] != 0x2C, data[pos] != 0x0A, data[pos] != 0x0D {
                    throw Failure(line: line, column: characters(from: lineStart, to: pos) + 1, message: "unexpected text after a closing quote")
                }
            } else {
                let begin = pos
                while pos < n {
                    let b = data[pos]
                    if b == 0x2C || b == 0x0A { break }
                    if b == 0x0D, pos + 1 < n, data[pos + 1] == 0x0A { break }
                    if b == 0x22 {
                        throw Failure(line: line, column: characters(from: lineStart, to: pos) + 1, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    pos += 1
                }
                fields.append(Field(start: begin, end: pos, line: startLine, byteColumn: startCol, escaped: false))
            }
            if pos >= n { return true }
            let b = data[pos]
            if b == 0x2C { pos += 1; continue }
            pos += b == 0x0D ? 2 : 1
            line += 1
            lineStart = pos
            return true
        }
    }
}
