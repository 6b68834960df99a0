/// A token of the query language. Keywords are identifiers: the parser decides, by position,
/// whether `from`, `count` or `in` is a keyword, a field name or an operator.
struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case ident(String)
        case string(String)
        case int(Int)
        case decimal(Double)
        case param(String)
        /// `@2021-10`: a date literal, its ISO text without the `@`.
        case date(String)
        /// Punctuation and operators: `| , ; ( ) [ ] { } : . .. == != < <= > >= ~ + - * / =`.
        case symbol(String)
        case newline
        case end
    }
    let kind: Kind
    let span: Span

    var ident: String? { if case .ident(let s) = kind { s } else { nil } }
    func isSymbol(_ s: String) -> Bool { if case .symbol(let x) = kind { x == s } else { false } }
    func isWord(_ s: String) -> Bool { if case .ident(let x) = kind { x == s } else { false } }

    /// How the token reads in "expected … after …" messages.
    var display: String {
        switch kind {
        case .ident(let s): "'\(s)'"
        case .string: "a string"
        case .int, .decimal: "a number"
        case .param(let p): "'$\(p)'"
        case .date(let d): "the date @\(d)"
        case .symbol(let s): "'\(s)'"
        case .newline: "the end of the line"
        case .end: "the end of the query"
        }
    }
}
