/// The one escaping function for text that reaches a terminal: error messages, hints ("did you
/// mean" candidates), notes, source snippets, `reseau check` and load errors, table cells and
/// completion lists. Text from data or a query could otherwise carry escape sequences (an OSC
/// that sets the window title, a CSI that moves the cursor, C1 controls that some terminals
/// obey, bidirectional overrides that reorder what is shown).
///
/// Shown visibly, in the query language's own escape syntax so they can be pasted back into a
/// query: C0 controls (U+0000–U+001F), DEL (U+007F), C1 controls (U+0080–U+009F) and the
/// bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), as
/// `\u{1B}`, `\u{9B}`, `\u{202E}`…; everything else, including every printable non-ASCII
/// character, is kept.
public enum TerminalText {
    public enum Style: Sendable {
        /// Messages: controls as `\u{…}`; a newline kept when `keepNewlines`, a tab kept.
        case message(keepNewlines: Bool)
        /// Table cells, on one line: a line break (LF, CR or CRLF) as `↵`, a tab as a space,
        /// other C0 controls and DEL as their Unicode control pictures (`␛`, `␡`), the rest as
        /// `\u{…}`.
        case cell
    }

    /// `s` safe to write to a terminal (see the type's description).
    public static func escape(_ s: String, _ style: Style = .message(keepNewlines: false)) -> String {
        if !mayNeedEscaping(s) { return s }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for u in s.unicodeScalars {
            let v = u.value
            defer { previousCR = v == 0x0D }
            guard isUnsafe(v) else { out.append(u); continue }
            switch style {
            case .message(let keepNewlines):
                if v == 0x09 || (v == 0x0A && keepNewlines) { out.append(u); continue }
            case .cell:
                if v == 0x0A && previousCR { continue }   // CRLF: one ↵
                if v == 0x0A || v == 0x0D { out.append("↵"); continue }
                if v == 0x09 { out.append(" "); continue }
                if v < 0x20 { out.append(Unicode.Scalar(0x2400 + v)!); continue }
                if v == 0x7F { out.append("\u{2421}"); continue }
            }
            out.append(contentsOf: "\\u{\(String(v, radix: 16, uppercase: true))}".unicodeScalars)
        }
        return String(out)
    }

    /// Whether `v` must not reach a terminal as is.
    @inline(__always)
    public static func isUnsafe(_ v: UInt32) -> Bool {
        v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x061C || v == 0x200E || v == 0x200F
            || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    /// False when no byte of `s` can start an unsafe scalar (the common case, checked fast):
    /// C0 and DEL bytes, 0xC2 (U+0080–U+00BF), 0xD8 (U+0600–U+063F), 0xE2 (U+2000–U+2FFF).
    @inline(__always)
    static func mayNeedEscaping(_ s: String) -> Bool {
        for b in s.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 { return true }
        return false
    }
}
