/// What the command line learns from query text without running it: the parameters it uses,
/// and list literals typed on the command line (`--param kinds=["network", "company"]`).
/// They read the language's tokens, which stay inside the engine.
public enum ParameterText {
    /// The parameters `source` uses, as `$NAME` or assigned by `param NAME = …` (`assigned`,
    /// in order); nil when the text does not lex.
    public static func scan(_ source: SourceText) -> (used: Set<String>, assigned: [String])? {
        guard let tokens = try? Lexer.tokenize(source) else { return nil }
        var used = Set<String>(), assigned: [String] = []
        for (i, t) in tokens.enumerated() {
            if case .param(let p) = t.kind { used.insert(p) }
            if t.isWord("param"), i + 2 < tokens.count, let n = tokens[i + 1].ident, tokens[i + 2].isSymbol("=") {
                used.insert(n)
                assigned.append(n)
            }
        }
        return (used, assigned)
    }

    /// `[…]` of literals (strings, dates, numbers, true, false, null, nested lists), read with the
    /// query language's lexer; nil when `text` is not one.
    public static func listLiteral(_ text: String) -> Value? {
        guard let tokens = try? Lexer.tokenize(SourceText(name: "--param", text: text)) else { return nil }
        var i = 0
        func literal() -> Value? {
            guard i < tokens.count else { return nil }
            let t = tokens[i]
            i += 1
            switch t.kind {
            case .string(let s): return .string(s)
            case .date(let d): return .date(d)
            case .int(let n): return .int(n)
            case .decimal(let d): return .decimal(d)
            case .ident("true"): return .bool(true)
            case .ident("false"): return .bool(false)
            case .ident("null"): return .null
            case .symbol("-"):
                switch literal() {
                case .int(let n)?: return .int(-n)
                case .decimal(let d)?: return .decimal(-d)
                default: return nil
                }
            case .symbol("["):
                var items: [Value] = []
                if i < tokens.count, tokens[i].isSymbol("]") { i += 1; return .list([]) }
                while true {
                    guard let v = literal() else { return nil }
                    items.append(v)
                    guard i < tokens.count else { return nil }
                    if tokens[i].isSymbol(",") { i += 1; continue }
                    if tokens[i].isSymbol("]") { i += 1; return .list(items) }
                    return nil
                }
            default: return nil
            }
        }
        guard let v = literal(), case .list = v else { return nil }
        while i < tokens.count {
            if case .end = tokens[i].kind { i += 1; continue }
            if case .newline = tokens[i].kind { i += 1; continue }
            return nil
        }
        return v
    }
}
