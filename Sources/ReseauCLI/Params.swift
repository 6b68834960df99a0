import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ReseauCore

/// A `--param NAME=VALUE` (or `.param NAME VALUE`) binding of `$NAME`.
public struct ParamBinding: Equatable, Sendable {
    public let name: String
    public let value: Value

    public init(name: String, value: Value) { self.name = name; self.value = value }

    /// Parses `NAME=VALUE`; a leading `$` on NAME is allowed.
    public init(parsing argument: String) throws(CLIError) {
        guard let eq = argument.firstIndex(of: "=") else {
            throw .usage("--param expects NAME=VALUE, got '\(argument)'")
        }
        try self.init(name: String(argument[..<eq]), text: String(argument[argument.index(after: eq)...]))
    }

    /// Checks NAME and types VALUE with `ParamBinding.value(of:)`.
    public init(name: String, text: String) throws(CLIError) {
        var n = Substring(name)
        if n.first == "$" { n = n.dropFirst() }
        guard ParamBinding.isIdentifier(n) else {
            throw .usage("invalid parameter name '\(name)': use letters, digits and '_', not starting with a digit")
        }
        self.name = String(n)
        if text.hasPrefix("[") {
            guard let list = ParamBinding.list(text) else {
                throw .usage("--param \(n): a list is written [\"a\", \"b\"] or [1, 2] (strings in double quotes), got '\(text)'")
            }
            self.value = list
        } else {
            self.value = ParamBinding.value(of: text)
        }
    }

    /// `[…]` of literals, read with the query language's lexer; nil when it is not one.
    static func list(_ text: String) -> Value? { ParameterText.listLiteral(text) }

    /// Types a parameter's text: an integer when it parses as one (`2021`, `-3`, `1_000_000`), a
    /// decimal when it parses as one (`0.5`, `1e6`), `true`/`false` as booleans, `[…]` a list of
    /// literals (`["network", "company"]`), else a string. Double quotes around the text keep it
    /// a string (`"2021"`); `@2021-10` is a date.
    public static func value(of text: String) -> Value {
        if text.count >= 2, text.first == "\"", text.last == "\"" {
            return .string(String(text.dropFirst().dropLast()))
        }
        if text.hasPrefix("["), let l = list(text) { return l }
        // `_` between digits, as in the language (`1_000_000`).
        var plain = text
        if text.contains("_"), looksNumeric(text.replacingScalar("_", with: "")) {
            let u = Array(text.utf8)
            let between = u.indices.allSatisfy { k in
                u[k] != UInt8(ascii: "_") || (k > 0 && k + 1 < u.count && (0x30...0x39).contains(u[k - 1]) && (0x30...0x39).contains(u[k + 1]))
            }
            if between { plain = text.replacingScalar("_", with: "") }
        }
        if looksNumeric(plain) {
            if let i = Int(plain) { return .int(i) }
            if let d = Double(plain), d.isFinite { return .decimal(d) }
        }
        if text.hasPrefix("@"), Dates.problem(String(text.dropFirst())) == nil { return .date(String(text.dropFirst())) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .string(text)
        }
    }

    /// Digits with an optional sign, fraction and exponent (rejects `nan`, `inf`, `0x10`, ` 1`).
    static func looksNumeric(_ s: String) -> Bool {
        var digits = false
        for (k, c) in s.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if k != 0 {
                    let prev = s.utf8[s.utf8.index(s.utf8.startIndex, offsetBy: k - 1)]
                    if prev != UInt8(ascii: "e") && prev != UInt8(ascii: "E") { return false }
                }
            default: return false
            }
        }
        return digits
    }

    static func isIdentifier(_ s: Substring) -> Bool {
        guard let f = s.first, f == "_" || (f.isASCII && f.isLetter) else { return false }
        return s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}

/// Shows a value as a literal of the language (`.params`).
func literal(_ v: Value) -> String {
    switch v {
    case .null: "null"
    case .int(let i): String(i)
    case .decimal(let d): String(d)
    case .string(let s): "\"" + s.replacingScalar("\\", with: "\\\\").replacingScalar("\"", with: "\\\"") + "\""
    case .date(let d): "@" + d
    case .bool(let b): b ? "true" : "false"
    case .list(let l): "[" + l.map(literal).joined(separator: ", ") + "]"
    case .node(let n): "node(\(n.type):\(n.index))"
    case .edge(let e): "edge(\(e.type):\(e.index))"
    }
}

func typeName(_ v: Value) -> String {
    switch v {
    case .null: "null"
    case .int: "integer"
    case .decimal: "decimal"
    case .string: "string"
    case .date: "date"
    case .bool: "boolean"
    case .list: "list"
    case .node: "node"
    case .edge: "edge"
    }
}
