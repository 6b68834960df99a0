/// Where a query ends (language.md, "Where a query ends").
///
/// Splits the token stream into statements: `;` always ends one; a newline ends one unless a
/// bracket is open, the line ends with `|`, `,` or a binary operator, or the next line starts
/// with `|` (blank and comment lines in between are skipped).
enum StatementSplitter {
    /// Words and symbols after which a line continues.
    static let continuingSymbols: Set<String> = ["|", ",", "==", "!=", "<", "<=", ">", ">=", "~", "+", "-", "*", "/", "=", ":", "..", "(", "[", "{"]
    static let continuingWords: Set<String> = ["and", "or", "not", "in"]

    static func continues(after t: Token) -> Bool {
        switch t.kind {
        case .symbol(let s): continuingSymbols.contains(s)
        case .ident(let w): continuingWords.contains(w)
        default: false
        }
    }

    /// Token lists, one per statement, each ending with an `.end` token; empty statements dropped.
    public static func split(_ tokens: [Token]) -> [[Token]] {
        var out: [[Token]] = []
        var cur: [Token] = []
        var depth = 0
        func finish(at span: Span) {
            if !cur.isEmpty { cur.append(Token(kind: .end, span: Span(span.start, span.start))); out.append(cur) }
            cur = []
        }
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            switch t.kind {
            case .end:
                finish(at: t.span)
                return out
            case .newline:
                if depth > 0 || (cur.last.map(continues) ?? true) { i += 1; continue }
                var j = i + 1
                while j < tokens.count, tokens[j].kind == .newline { j += 1 }
                if j < tokens.count, tokens[j].isSymbol("|") { i = j; continue }
                finish(at: t.span)
            case .symbol(";") where depth == 0:
                finish(at: t.span)
            default:
                if case .symbol(let s) = t.kind {
                    if s == "(" || s == "[" || s == "{" { depth += 1 }
                    if s == ")" || s == "]" || s == "}" { depth = max(0, depth - 1) }
                }
                cur.append(t)
            }
            i += 1
        }
        finish(at: tokens.last?.span ?? .none)
        return out
    }

    /// True when `text` needs no more lines in the REPL: no open bracket or string, and the
    /// last line does not end with `|`, `,` or a binary operator. Lexical errors count as
    /// complete (running the text reports them).
    public static func isComplete(_ text: String) -> Bool {
        let tokens: [Token]
        do { tokens = try Lexer.tokenize(SourceText(name: "", text: text)) } catch {
            // A string still open at the end of the text keeps the query open.
            return error.message != "unterminated string"
        }
        var depth = 0
        var last: Token? = nil
        for t in tokens {
            switch t.kind {
            case .symbol(let s):
                if s == "(" || s == "[" || s == "{" { depth += 1 }
                if s == ")" || s == "]" || s == "}" { depth -= 1 }
                last = t
            case .newline, .end: break
            default: last = t
            }
        }
        if depth > 0 { return false }
        if let l = last, l.isSymbol(";") { return true }
        if let l = last, continues(after: l), !(l.isSymbol("(") || l.isSymbol("[") || l.isSymbol("{")) { return false }
        return true
    }
}
