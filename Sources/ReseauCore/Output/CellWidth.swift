/// The width in terminal cells of one grapheme cluster: a compact `wcwidth`.
///
/// A `Character` (grapheme cluster) is as wide as its widest scalar, capped at 2:
/// - 0 for combining marks (general categories Mn, Me), format characters (Cf: ZWJ, ZWNJ,
///   soft hyphen…), variation selectors and Hangul medial/final jamo (U+1160–11FF);
/// - 2 for East Asian Wide and Fullwidth characters and emoji (see `isWide`), and for any
///   cluster holding U+FE0F (emoji presentation selector), as modern terminals draw it;
/// - 1 otherwise (East Asian Ambiguous characters count 1).
///
/// So "e\u{301}" is 1 cell, "前橋市" 6, "👍🏽" 2 and a ZWJ family emoji 2.
/// Control characters count 1 (the table shows them as visible pictures).
func displayWidth(_ c: Character) -> Int {
    // Fast path: ASCII (control characters count 1 too).
    if c.isASCII { return 1 }
    var width = 0
    for s in c.unicodeScalars {
        if s.value == 0xFE0F { return 2 }
        let w = scalarWidth(s)
        if w > width { width = w }
    }
    return width
}

/// The width in terminal cells of a string (the sum of its grapheme clusters' widths).
func displayWidth<S: StringProtocol>(_ s: S) -> Int {
    var total = 0
    for b in s.utf8 where b >= 0x80 {
        // Non-ASCII: measure cluster by cluster.
        for c in s { total += displayWidth(c) }
        return total
    }
    return s.utf8.count
}

/// `s` cut to at most `width` cells, ending with `…` when it was cut.
/// A cut never splits a grapheme cluster; the result may be one cell narrower than `width`
/// when a wide character does not fit. Widths below 1 give "…" (or "" for width ≤ 0).
func truncated(_ s: String, toWidth width: Int) -> String {
    if width <= 0 { return "" }
    if displayWidth(s) <= width { return s }
    var out = ""
    var used = 0
    for c in s {
        let w = displayWidth(c)
        if used + w > width - 1 { break }
        out.append(c)
        used += w
    }
    return out + "…"
}

/// The width of a single scalar: 0, 1 or 2.
func scalarWidth(_ s: Unicode.Scalar) -> Int {
    let v = s.value
    if v < 0x300 { return 1 }
    if isWide(v) { return 2 }
    if (0x1160...0x11FF).contains(v) || (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) { return 0 }
    switch s.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: return 1
    }
}

/// East Asian Wide and Fullwidth ranges, and the emoji blocks terminals draw two cells wide.
func isWide(_ v: UInt32) -> Bool {
    if v < 0x1100 { return false }
    switch v {
    case 0x1100...0x115F,   // Hangul Jamo initial consonants
         0x231A...0x231B,   // watch, hourglass
         0x2329...0x232A,   // angle brackets
         0x2E80...0x303E,   // CJK radicals, Kangxi, CJK symbols and punctuation
         0x3041...0x33FF,   // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, CJK compatibility
         0x3400...0x4DBF,   // CJK Extension A
         0x4E00...0x9FFF,   // CJK Unified Ideographs
         0xA000...0xA4CF,   // Yi
         0xA960...0xA97F,   // Hangul Jamo Extended-A
         0xAC00...0xD7A3,   // Hangul syllables
         0xF900...0xFAFF,   // CJK compatibility ideographs
         0xFE10...0xFE19,   // vertical forms
         0xFE30...0xFE6F,   // CJK compatibility forms, small form variants
         0xFF00...0xFF60,   // fullwidth forms
         0xFFE0...0xFFE6,   // fullwidth signs
         0x16FE0...0x18AFF, // Tangut, ideographic symbols
         0x1B000...0x1B2FF, // Kana supplement and extensions, Nushu
         0x1F1E6...0x1F1FF, // regional indicators (flags)
         0x1F300...0x1F64F, // pictographs, emoticons
         0x1F680...0x1F6FF, // transport and map symbols
         0x1F900...0x1F9FF, // supplemental symbols and pictographs
         0x1FA70...0x1FAFF, // symbols and pictographs extended-A
         0x20000...0x3FFFD: // CJK Extensions B…
        return true
    default:
        return false
    }
}
