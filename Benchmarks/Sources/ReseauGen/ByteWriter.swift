#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer of bytes to a file: fields are appended as bytes (integers and fixed-point
/// decimals formatted by hand), and the buffer goes to the file in blocks of a few megabytes.
public final class ByteWriter {
    var buffer: [UInt8] = []
    let file: UnsafeMutablePointer<FILE>
    let path: String
    static let blockSize = 4 << 20

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "cannot write \(path)" }
    }

    public init(path: String) throws(OpenError) {
        guard let f = fopen(path, "wb") else { throw OpenError(path: path) }
        file = f
        self.path = path
        buffer.reserveCapacity(ByteWriter.blockSize + 4096)
    }

    deinit { fclose(file) }

    @inline(__always)
    func flushIfFull() { if buffer.count >= ByteWriter.blockSize { flush() } }

    public func flush() {
        if buffer.isEmpty { return }
        _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; the writer must not be used afterwards.
    public func close() { flush(); fflush(file) }

    @inline(__always)
    public func byte(_ b: UInt8) { buffer.append(b) }

    @inline(__always)
    public func comma() { buffer.append(0x2C) }

    /// Ends a record and flushes when the buffer is full.
    @inline(__always)
    public func newline() { buffer.append(0x0A); flushIfFull() }

    @inline(__always)
    public func text(_ s: StaticString) {
        s.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    @inline(__always)
    public func text(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append(contentsOf: $0) }
    }

    /// A decimal integer.
    @inline(__always)
    public func int(_ v: Int) {
        if v < 0 { buffer.append(0x2D); uint(UInt(v.magnitude)) } else { uint(UInt(v)) }
    }

    @inline(__always)
    public func uint(_ v: UInt) {
        if v < 10 { buffer.append(0x30 + UInt8(v)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0, x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 { d[n] = 0x30 + UInt8(x % 10); x /= 10; n += 1 }
            while n > 0 { n -= 1; buffer.append(d[n]) }
        }
    }

    /// `prefix` followed by a number: ids (`c123`) and names (`City 123`).
    @inline(__always)
    public func tagged(_ prefix: StaticString, _ v: Int) { text(prefix); int(v) }

    /// A decimal number with exactly `places` digits after the point (rounded half away from zero).
    public func fixed(_ v: Double, places: Int) {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(v) * scale).rounded()
        var whole = UInt(scaled)
        let p = UInt(scale)
        if v < 0 && whole > 0 { buffer.append(0x2D) }
        let intPart = whole / p
        whole %= p
        uint(intPart)
        if places == 0 { return }
        buffer.append(0x2E)
        var div = p / 10
        while div > 0 { buffer.append(0x30 + UInt8(whole / div % 10)); div /= 10 }
    }

    /// A date `YYYY-MM-DD`.
    public func date(_ y: Int, _ m: Int, _ d: Int) {
        int(y); buffer.append(0x2D)
        if m < 10 { buffer.append(0x30) }
        int(m); buffer.append(0x2D)
        if d < 10 { buffer.append(0x30) }
        int(d)
    }
}
