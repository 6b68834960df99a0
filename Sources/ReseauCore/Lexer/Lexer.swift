/// Turns UTF-8 query text into tokens with byte spans.
///
/// `#` starts a comment to the end of the line; a `#!` first line is skipped. Strings are in
/// `"…"` or `'…'` with `\n \t \\ \" \' \u{…}` escapes. Numbers allow `_` between digits
/// (`1_000`); `1..3` is an integer, `..`, an integer.
struct Lexer {
    let bytes: [UInt8]
    var pos = 0

    /// The symbols of the language (the fuzz dictionary is made from these lists too).
    static let twoCharSymbols = ["==", "!=", "<=", ">=", ".."]
    static let oneCharSymbols = "|,;()[]{}:.<>~+-*/="

    init(_ source: SourceText) { bytes = source.bytes }

    /// All tokens, ending with `.end`. Throws the first lexical error.
    static func tokenize(_ source: SourceText) throws(Diagnostic) -> [Token] {
        var lx = Lexer(source)
        return try lx.run()
    }

    func peek(_ k: Int = 0) -> UInt8 { pos + k < bytes.count ? bytes[pos + k] : 0 }
    var atEnd: Bool { pos >= bytes.count }

    static func isIdentStart(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80 }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func run() throws(Diagnostic) -> [Token] {
        if let bad = CSVReader.validate(bytes), bad.message.hasPrefix("invalid") || bad.message.contains("UTF-16") {
            var off = 0, line = 1, col = 1
            while off < bytes.count, line < bad.line || col < bad.column {
                if bytes[off] == 0x0A { line += 1; col = 1; off += 1; continue }
                let b = bytes[off]
                off += b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                col += 1
            }
            throw Diagnostic(.lex, "invalid UTF-8 in the query", at: Span(off, off + 1), hint: "the text must be UTF-8")
        }
        var tokens: [Token] = []
        if peek() == 0x23 && peek(1) == 0x21 { skipLine() }
        while true {
            // Spaces and comments.
            while !atEnd {
                let b = peek()
                if b == 0x20 || b == 0x09 || b == 0x0D { pos += 1 }
                else if b == 0x23 { skipLine() }
                else { break }
            }
            if atEnd { tokens.append(Token(kind: .end, span: Span(pos, pos))); return tokens }
            let start = pos
            let b = peek()
            if b == 0x0A { pos += 1; tokens.append(Token(kind: .newline, span: Span(start, pos))); continue }
            if b == 0x22 || b == 0x27 { tokens.append(try string(quote: b)); continue }
            if Lexer.isDigit(b) { tokens.append(try number()); continue }
            if b == 0x40 { tokens.append(try dateLiteral()); continue } // @2021-10-12
            if b == 0x24 { // $param
                pos += 1
                guard Lexer.isIdentStart(peek()) else {
                    throw Diagnostic(.lex, "expected a parameter name after '$'", at: Span(start, pos))
                }
                let name = identifier()
                tokens.append(Token(kind: .param(name), span: Span(start, pos)))
                continue
            }
            if Lexer.isIdentStart(b) {
                if b >= 0x80, !isLetterAt(pos) {
                    let len = scalarLength(b)
                    let ch = String(decoding: bytes[pos..<min(bytes.count, pos + len)], as: UTF8.self)
                    throw Diagnostic(.lex, "unexpected character '\(ch)'", at: Span(pos, pos + len))
                }
                let word = identifier()
                tokens.append(Token(kind: .ident(word), span: Span(start, pos)))
                continue
            }
            let two = pos + 1 < bytes.count ? String(decoding: bytes[pos...pos + 1], as: UTF8.self) : ""
            if Lexer.twoCharSymbols.contains(two) {
                pos += 2
                tokens.append(Token(kind: .symbol(two), span: Span(start, pos)))
                continue
            }
            let one = String(UnicodeScalar(b))
            if Lexer.oneCharSymbols.contains(one) {
                pos += 1
                tokens.append(Token(kind: .symbol(one), span: Span(start, pos)))
                continue
            }
            if b == 0x21 {
                throw Diagnostic(.lex, "unexpected character '!'", at: Span(pos, pos + 1), hint: "use 'not' or '!='")
            }
            if b == 0x26 || b == 0x7C {
                throw Diagnostic(.lex, "unexpected character '\(one)'", at: Span(pos, pos + 1), hint: "use 'and' / 'or'")
            }
            let len = scalarLength(b)
            let ch = String(decoding: bytes[pos..<min(bytes.count, pos + len)], as: UTF8.self)
            throw Diagnostic(.lex, "unexpected character '\(ch.unicodeScalars.first.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) } ?? "?")'", at: Span(pos, pos + len))
        }
    }

    func scalarLength(_ b: UInt8) -> Int { b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2 }

    func isLetterAt(_ p: Int) -> Bool {
        let len = scalarLength(bytes[p])
        guard let s = String(decoding: bytes[p..<min(bytes.count, p + len)], as: UTF8.self).unicodeScalars.first else { return false }
        return s.properties.isAlphabetic
    }

    mutating func skipLine() { while !atEnd && peek() != 0x0A { pos += 1 } }

    mutating func identifier() -> String {
        let start = pos
        while !atEnd {
            let b = peek()
            if Lexer.isIdentStart(b) || Lexer.isDigit(b) {
                if b >= 0x80 { if !isLetterAt(pos) { break }; pos += scalarLength(b) } else { pos += 1 }
            } else { break }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    /// `@YYYY`, `@YYYY-MM` or `@YYYY-MM-DD`: a date literal of that precision.
    mutating func dateLiteral() throws(Diagnostic) -> Token {
        let start = pos
        pos += 1
        while !atEnd, Lexer.isDigit(peek()) || peek() == 0x2D { pos += 1 }
        let text = String(decoding: bytes[(start + 1)..<pos], as: UTF8.self)
        if let problem = Dates.problem(text) {
            throw Diagnostic(.lex, "invalid date '@\(text)': \(problem)", at: Span(start, max(pos, start + 1)),
                             hint: "write @YYYY, @YYYY-MM or @YYYY-MM-DD, e.g. @2022-03-11")
        }
        return Token(kind: .date(text), span: Span(start, pos))
    }

    mutating func number() throws(Diagnostic) -> Token {
        let start = pos
        var text = ""
        func digits(_ lx: inout Lexer) {
            while !lx.atEnd {
                let b = lx.peek()
                if Lexer.isDigit(b) { text.append(Character(UnicodeScalar(b))); lx.pos += 1 }
                else if b == 0x5F && Lexer.isDigit(lx.peek(1)) && !text.isEmpty { lx.pos += 1 }
                else { break }
            }
        }
        digits(&self)
        var isDecimal = false
        if peek() == 0x2E && Lexer.isDigit(peek(1)) {
            isDecimal = true
            text.append("."); pos += 1
            digits(&self)
        }
        if Lexer.isIdentStart(peek()) {
            let s = pos
            _ = identifier()
            throw Diagnostic(.lex, "unexpected letters after a number", at: Span(start, pos), hint: s == pos ? nil : "separate the number from the word")
        }
        if isDecimal {
            return Token(kind: .decimal(Double(text) ?? 0), span: Span(start, pos))
        }
        guard let v = Int(text) else {
            throw Diagnostic(.lex, "integer too large", at: Span(start, pos))
        }
        return Token(kind: .int(v), span: Span(start, pos))
    }

    mutating func string(quote: UInt8) throws(Diagnostic) -> Token {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            if atEnd {
                var lineEnd = start
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                throw Diagnostic(.lex, "unterminated string", at: Span(start, lineEnd), hint: "add the closing \(quote == 0x22 ? "\"" : "'")")
            }
            let b = peek()
            if b == quote { pos += 1; break }
            if b == 0x5C {
                let e = peek(1)
                switch e {
                case 0x6E: out.append(0x0A); pos += 2
                case 0x74: out.append(0x09); pos += 2
                case 0x72: out.append(0x0D); pos += 2
                case 0x5C, 0x22, 0x27: out.append(e); pos += 2
                case 0x75 where peek(2) == 0x7B:
                    let escStart = pos
                    pos += 3
                    var hex = ""
                    while !atEnd, peek() != 0x7D, hex.count < 8 { hex.append(Character(UnicodeScalar(peek()))); pos += 1 }
                    guard peek() == 0x7D, let v = UInt32(hex, radix: 16), let sc = UnicodeScalar(v) else {
                        throw Diagnostic(.lex, "invalid unicode escape", at: Span(escStart, pos), hint: "write \\u{E9}")
                    }
                    pos += 1
                    out.append(contentsOf: Array(String(sc).utf8))
                default:
                    throw Diagnostic(.lex, "unknown escape in a string", at: Span(pos, pos + 2), hint: "use \\n \\t \\\\ \\\" \\' or \\u{…}")
                }
                continue
            }
            out.append(b); pos += 1
        }
        return Token(kind: .string(String(decoding: out, as: UTF8.self)), span: Span(start, pos))
    }
}
