import Foundation

/// Folds a name for matching: Unicode NFKD, combining marks dropped, lowercased,
/// ł→l, ø→o, ß→ss, `-` `'` `’` `.` turned into spaces, runs of spaces collapsed, trimmed.
///
/// `fold("Santiago de Querétaro") == fold("santiago de queretaro")`.
public func fold(_ s: String) -> String {
    // Fast path: plain ASCII needs no Unicode decomposition.
    var ascii = true
    for b in s.utf8 where b >= 0x80 { ascii = false; break }
    let decomposed = ascii ? s : s.decomposedStringWithCompatibilityMapping
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    func emit(_ c: Unicode.Scalar) {
        if pendingSpace && !out.isEmpty { out.append(" ") }
        pendingSpace = false
        out.append(c)
    }
    for scalar in decomposed.unicodeScalars {
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

/// Levenshtein distance between two strings, by Unicode scalar.
public func editDistance(_ a: String, _ b: String) -> Int {
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

/// The candidates closest to `name` by edit distance (case-insensitive), best first:
/// those within a third of the name's length (at least 2), or that start with it.
public func closestNames(to name: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
    let target = fold(name)
    let threshold = max(2, target.count / 3)
    var scored: [(Int, String)] = []
    var seen = Set<String>()
    for c in candidates where seen.insert(c).inserted {
        let f = fold(c)
        var d = editDistance(target, f)
        if d > threshold, !target.isEmpty, f.hasPrefix(target) || f.split(separator: " ").contains(where: { $0.hasPrefix(target) }) {
            d = threshold
        }
        if d <= threshold { scored.append((d, c)) }
    }
    scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return scored.prefix(limit).map(\.1)
}
