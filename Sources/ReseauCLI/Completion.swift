import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// What Tab does to the line: the completer's candidate words turned into an edit of the whole
/// line so far (the REPL hands libedit the whole line as the "word", so a candidate may replace
/// more than libedit's notion of a word: a quoted name with spaces, `"santiago de quer`).
public struct CompletionMatches: Equatable, Sendable {
    /// The line so far after completion: with the one candidate, or extended by the part all
    /// candidates share (unchanged when they share nothing more).
    public var line: String
    /// The candidates, for libedit to list on a second Tab (empty when there is only one).
    public var listed: [String]
    /// One candidate, completed: a space may follow.
    public var isUnique: Bool { listed.isEmpty }
}

public enum Completion {
    /// Applies `candidates`, full words for the word that ends `line`, to `line`.
    ///
    /// The word a candidate replaces starts at the earliest position (at a token boundary, not on a
    /// space) from which the rest of the line is a prefix of the candidate, ignoring case and
    /// accents (`"quere` is replaced by `"Querétaro"`). When no such position exists
    /// (`"quer` → `"Santiago de Querétaro"`), the word is the open string the cursor is in, or the
    /// identifier before the cursor. Returns nil when there are no candidates.
    public static func apply(_ candidates: [String], to line: String) -> CompletionMatches? {
        var seen = Set<String>()
        let cands = candidates.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !cands.isEmpty else { return nil }
        let chars = Array(line)
        // Folded suffixes of the line, one per start position.
        let foldedChars = chars.map { lightFold($0) }
        var suffixes = [String](repeating: "", count: chars.count + 1)
        if !chars.isEmpty {
            for s in stride(from: chars.count - 1, through: 0, by: -1) { suffixes[s] = foldedChars[s] + suffixes[s + 1] }
        }
        func start(for candidate: String) -> Int {
            let fc = lightFold(candidate)
            for s in 0..<chars.count where !chars[s].isWhitespace {
                if s > 0 && isWordChar(chars[s - 1]) && isWordChar(chars[s]) { continue }
                if fc.hasPrefix(suffixes[s]) { return s }
            }
            return fallbackStart(chars)
        }
        let full = cands.map { String(chars[0..<start(for: $0)]) + $0 }
        if full.count == 1 { return CompletionMatches(line: full[0], listed: []) }
        var common = Array(full[0])
        for f in full.dropFirst() {
            let a = Array(f)
            var k = 0
            while k < common.count && k < a.count && common[k] == a[k] { k += 1 }
            common.removeSubrange(k...)
        }
        let shared = String(common)
        // Only extend what was typed; never shorten it.
        let extends = shared.count >= line.count && lightFold(shared).hasPrefix(suffixes[0])
        return CompletionMatches(line: extends ? shared : line, listed: cands)
    }

    /// Matches for candidates that replace `line` from character offset `start` (the session
    /// knows where the word being completed begins: after an opening quote, after a `.`…).
    public static func apply(_ candidates: [String], replacingFrom start: Int, in line: String) -> CompletionMatches? {
        var seen = Set<String>()
        let cands = candidates.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !cands.isEmpty else { return nil }
        let prefix = String(Array(line).prefix(start))
        let full = cands.map { prefix + $0 }
        if full.count == 1 { return CompletionMatches(line: full[0], listed: []) }
        var common = Array(full[0])
        for f in full.dropFirst() {
            let a = Array(f)
            var k = 0
            while k < common.count && k < a.count && common[k] == a[k] { k += 1 }
            common.removeSubrange(k...)
        }
        let shared = String(common)
        // Only extend what was typed; never shorten it (a name matched in the middle of its
        // words, "quer" → "Santiago de Querétaro", replaces the typed text only when unique).
        let extends = shared.count >= line.count && lightFold(shared).hasPrefix(lightFold(line))
        return CompletionMatches(line: extends ? shared : line, listed: cands)
    }

    /// The start of the word at the end of `chars`: the opening quote of an unclosed string,
    /// else the identifier (letters, digits, `_`) before the end.
    static func fallbackStart(_ chars: [Character]) -> Int {
        var open: Int? = nil
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let o = open {
                if c == "\\" { i += 2; continue }
                if c == chars[o] { open = nil }
            } else if c == "\"" {
                open = i
            } else if c == "#" {
                return chars.count   // a comment: nothing to complete
            }
            i += 1
        }
        if let open { return open }
        var s = chars.count
        while s > 0 && isWordChar(chars[s - 1]) { s -= 1 }
        return s
    }

    static func isWordChar(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }

    /// Lowercased, without accents: `É` → `e`. Punctuation is kept as is.
    static func lightFold(_ c: Character) -> String {
        if c.isASCII { return c.lowercased() }
        var out = String.UnicodeScalarView()
        for s in Decompositions.nfd(String(c).unicodeScalars) {
            switch s.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: out.append(s)
            }
        }
        return String(out).lowercased()
    }

    static func lightFold(_ s: String) -> String { s.map(lightFold).joined() }
}
