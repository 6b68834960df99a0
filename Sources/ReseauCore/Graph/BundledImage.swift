/// The bundled network, ready: a `Snapshot` image of it compiled into the binary
/// (EmbeddedImage.swift), so that a run does not parse the CSV text at each start.
///
/// The image is used only when it was built from exactly the CSV bytes compiled in beside it,
/// with this schema and this snapshot format: its key is `CachedLoader`'s key of those bytes and
/// `Snapshot.decode` checks key, format version, schema and checksum. Any mismatch (Data/ edited
/// and re-embedded without regenerating the image, a new snapshot format) falls back to parsing
/// the embedded CSV, never to other data. A test fails while the image is stale; regenerate it
/// with `RESEAU_REGENERATE=1 swift test --filter BundledImageTests` (scripts/embed-data.py runs it).
public enum BundledImage {
    /// How the bundled network was loaded, for `--timer` and tests.
    public enum Origin: Sendable, Equatable { case image, csv }

    /// Loads the bundled network: from the image when it matches, else from the CSV text.
    public static func load(schema: Schema = .shared) throws(LoadFailure) -> (Graph, Origin) {
        if let g = decode(EmbeddedImage.base64, files: EmbeddedData.files, schema: schema) { return (g, .image) }
        return (try Loader.load(BundledSource(), schema: schema), .csv)
    }

    /// The key of the CSV text in `files` (what `CachedLoader` computes for a folder of them).
    static func key(files: [String: String], schema: Schema) -> UInt64? {
        CachedLoader.key(schema: schema) { file in files[file].map { CachedLoader.digest(file, Array($0.utf8)) } }?.hash
    }

    /// The network in the image `base64`, when it was built from `files` with `schema`; else nil.
    static func decode(_ base64: String, files: [String: String], schema: Schema) -> Graph? {
        guard let key = key(files: files, schema: schema), let bytes = decodeBase64(base64) else { return nil }
        return bytes.withUnsafeBytes { Snapshot.decode($0, key: key, schema: schema, origin: "bundled") }
    }

    /// The image of the network loaded from `files`' CSV text, as base64 lines (the generator).
    static func encode(_ graph: Graph, files: [String: String], schema: Schema) -> String? {
        guard let key = key(files: files, schema: schema) else { return nil }
        return encodeBase64(Snapshot.encode(graph, key: key))
    }

    // MARK: base64 (line breaks ignored)

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encodeBase64(_ bytes: [UInt8], lineLength: Int = 120) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 3 * 4 + bytes.count / 90 + 8)
        var i = 0, column = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : 0x3D); out.append(n > 2 ? alphabet[Int(v & 63)] : 0x3D)
            i += 3; column += 4
            if column >= lineLength && i < bytes.count { out.append(0x0A); column = 0 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 digit values (0xFF: not a digit).
    static let digits: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// The bytes of `text`, or nil when it is not base64 (line breaks are skipped; `=` only at
    /// the end). Read through the string's UTF-8 buffer: it runs at every start.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { src -> [UInt8]? in
            digits.withUnsafeBufferPointer { table -> [UInt8]? in
                var out = [UInt8](repeating: 0, count: src.count / 4 * 3 + 3)
                var n = 0, acc: UInt32 = 0, k = 0, i = 0
                var padding = 0
                while i < src.count {
                    // Whole groups of four digits first (all but the last group of a line).
                    while k == 0, padding == 0, i + 4 <= src.count {
                        let a = table[Int(src[i])], b = table[Int(src[i + 1])], c = table[Int(src[i + 2])], d = table[Int(src[i + 3])]
                        if a | b | c | d == 0xFF || (a | b | c | d) & 0xC0 != 0 { break }
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[n] = UInt8(truncatingIfNeeded: v >> 16)
                        out[n + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        out[n + 2] = UInt8(truncatingIfNeeded: v)
                        n += 3; i += 4
                    }
                    if i >= src.count { break }
                    let c = src[i]
                    i += 1
                    if c == 0x0A { continue }
                    if c == 0x3D { padding += 1; acc <<= 6; k += 1 } else {
                        let v = table[Int(c)]
                        if v == 0xFF || padding > 0 { return nil }
                        acc = acc << 6 | UInt32(v); k += 1
                    }
                    if k == 4 {
                        if padding > 2 { return nil }
                        out[n] = UInt8(truncatingIfNeeded: acc >> 16)
                        out[n + 1] = UInt8(truncatingIfNeeded: acc >> 8)
                        out[n + 2] = UInt8(truncatingIfNeeded: acc)
                        n += 3 - padding
                        acc = 0; k = 0
                        if padding > 0 { break }
                    }
                }
                // Nothing may follow the padding but line breaks.
                while i < src.count { if src[i] != 0x0A { return nil }; i += 1 }
                guard k == 0 else { return nil }
                out.removeLast(out.count - n)
                return out
            }
        }
    }
}
