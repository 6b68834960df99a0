import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Folds a name for matching: Unicode NFKD (our own table, no ICU), combining marks dropped, lowercased,
/// ł→l, ø→o, ß→ss, `-` `'` `’` `.` turned into spaces, runs of spaces collapsed, trimmed.
///
/// `fold("Santiago de Querétaro") == fold("santiago de queretaro")`.
public func fold(_ s: String) -> String {
    // Fast path: plain ASCII is folded byte by byte.
    var ascii = true
    for b in s.utf8 where b >= 0x80 { ascii = false; break }
    if ascii { return foldASCII(s) }
    // Unicode NFKD, scalar by scalar (`Decompositions`): the canonical reordering NFKD adds
    // only moves combining marks (canonical combining class > 0), and all of them are dropped.
    return foldDecomposed(Decompositions.nfkd(s.unicodeScalars))
}

/// `fold`'s work on text already in NFKD: marks dropped, lowercased, the letters NFKD keeps
/// whole mapped (ł→l, ø→o, ß→ss…), separators to one space. (The tests run it on Foundation's
/// NFKD too, to check `Decompositions` against it.)
func foldDecomposed(_ scalars: [Unicode.Scalar]) -> String {
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    func emit(_ c: Unicode.Scalar) {
        if pendingSpace && !out.isEmpty { out.append(" ") }
        pendingSpace = false
        out.append(c)
    }
    for scalar in scalars {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: continue
        default: break
        }
        switch scalar {
        case " ", "\t", "\n", "\r", "-", "'", "\u{2019}", ".", "\u{00A0}":
            pendingSpace = true
        case "ł", "Ł": emit("l")
        case "ø", "Ø": emit("o")
        case "ß": emit("s"); out.append("s")
        case "đ", "Đ": emit("d")
        case "æ", "Æ": emit("a"); out.append("e")
        case "œ", "Œ": emit("o"); out.append("e")
        default:
            if scalar.isASCII {
                let v = scalar.value
                emit((v >= 65 && v <= 90) ? Unicode.Scalar(v + 32)! : scalar)
            } else {
                for l in scalar.properties.lowercaseMapping.unicodeScalars { emit(l) }
            }
        }
    }
    return String(out)
}

/// `fold` for ASCII text: lowercase, `-` `'` `.` and blanks to one space, trimmed.
func foldASCII(_ s: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count)
    var pendingSpace = false
    for b in s.utf8 {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2D, 0x27, 0x2E:
            pendingSpace = true
        default:
            if pendingSpace && !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// True when `fold(s)` equals `key` (itself folded), without building the folded string when
/// `s` is ASCII: most names differ from the key in their first bytes.
func foldedEquals(_ s: String, _ key: [UInt8]) -> Bool {
    var i = 0
    var pendingSpace = false
    let result: Bool?? = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
        // Most names differ from the key at once.
        if let first = bytes.first, !key.isEmpty, first < 0x80, (first >= 0x41 && first <= 0x5A ? first + 32 : first) != key[0],
           first != 0x20, first != 0x2D, first != 0x27, first != 0x2E, first != 0x09 { return false }
        for b in bytes {
            if b >= 0x80 { return nil }
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2D, 0x27, 0x2E:
                pendingSpace = true
            default:
                if pendingSpace && i > 0 {
                    guard i < key.count, key[i] == 0x20 else { return false }
                    i += 1
                }
                pendingSpace = false
                let c = b >= 0x41 && b <= 0x5A ? b + 32 : b
                guard i < key.count, key[i] == c else { return false }
                i += 1
            }
        }
        return i == key.count
    }
    if let r = result, let r { return r }
    return Array(fold(s).utf8) == key
}

/// Levenshtein distance between two strings, by Unicode scalar.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}

/// Bounds of the "did you mean" search.
enum Suggestions {
    /// Names longer than this (in characters, folded) are neither searched for nor compared.
    static let longestName = 64
}

/// The candidates closest to `name` by edit distance (case-insensitive), best first:
/// those within a third of the name's length (at least 2), or that start with it.
public func closestNames(to name: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
    closestNamesCounted(to: name, in: candidates, limit: limit).names
}

/// `closestNames` and the number of edit distances it computed (tests check the bounds with it).
func closestNamesCounted(to name: String, in candidates: some Sequence<String>, limit: Int = 3,
                                stop: (() -> Bool)? = nil) -> (names: [String], comparisons: Int) {
    let target = fold(name)
    var comparisons = 0, seenCount = 0
    // A name this long is no typo of a name: no search (it cost names × length, seconds on a
    // large network and minutes for a pasted paragraph).
    guard target.count <= Suggestions.longestName else { return ([], 0) }
    let threshold = max(2, target.count / 3)
    let targetLength = target.unicodeScalars.count
    var scored: [(Int, String)] = []
    var seen = Set<String>()
    for c in candidates where seen.insert(c).inserted {
        // Ctrl-C and --timeout reach a search over a large network every 1 024 names.
        seenCount += 1
        if seenCount & 1023 == 0, let stop, stop() { return ([], comparisons) }
        let f = fold(c)
        let isPrefix = !target.isEmpty && (f.hasPrefix(target) || f.split(separator: " ").contains(where: { $0.hasPrefix(target) }))
        // The edit distance is at least the difference in length: skip it when that alone is
        // too far, and for names too long to be compared.
        let length = f.unicodeScalars.count
        if abs(length - targetLength) > threshold || length > Suggestions.longestName {
            if isPrefix { scored.append((threshold, c)) }
            continue
        }
        comparisons += 1
        var d = editDistance(target, f)
        if d > threshold, isPrefix { d = threshold }
        if d <= threshold { scored.append((d, c)) }
    }
    scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return (scored.prefix(limit).map(\.1), comparisons)
}
