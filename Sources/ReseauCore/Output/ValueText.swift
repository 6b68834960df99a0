import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// How a decimal prints, in every output format (table, CSV, TSV, Markdown, JSON, DOT, GraphML).
///
/// - An integral value below 10¹⁸ in magnitude prints as an integer, with no fraction:
///   `500928.0` → `500928`, `-0.0` → `0`, `1e15` → `1000000000000000`.
/// - A non-integral value is rounded to 6 fraction digits and trailing zeros are trimmed:
///   `1234.5` → `1234.5`, `0.25` → `0.25`, `12.3456789` → `12.345679`; a value that rounds to
///   an integer prints as that integer (`2.9999999` → `3`).
/// - Integral values of 10¹⁸ or more in magnitude, and non-zero values that would round to
///   zero, print in Swift's shortest round-trip form, with an exponent (`1e+20`, `1e-07`).
///
/// Every result is a valid JSON number. NaN and infinities never reach output: writers treat
/// a non-finite decimal as null (`formatDecimal` itself returns `NaN`, `inf` or `-inf`).
func formatDecimal(_ d: Double) -> String {
    guard d.isFinite else { return d.isNaN ? "NaN" : (d < 0 ? "-inf" : "inf") }
    if d == d.rounded(.towardZero) { return abs(d) < 1e18 ? String(Int(d)) : "\(d)" }
    var s = fixedPoint(d, digits: 6)
    while s.last == "0" { s.removeLast() }
    if s.last == "." { s.removeLast() }
    if s == "0" || s == "-0" { return "\(d)" }
    return s
}

/// `d` with `digits` digits after the point, as C's `printf("%.*f")` in the C locale.
///
/// Not `String(format:)`: that one comes from FoundationInternationalization, which links ICU
/// into the binary — 50 MB more to map and 2 ms more for every run of `reseau` to start.
public func fixedPoint(_ d: Double, digits: Int) -> String {
    var size = 48
    while true {
        var buffer = [CChar](repeating: 0, count: size)
        let n = withVaList([Int32(digits), d]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, size, "%.*f", args) }
        }
        if n < 0 { return "\(d)" }
        if Int(n) < size { return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        size = Int(n) + 1
    }
}

/// True when `v` prints as null: `.null`, or a NaN or infinite decimal.
@inline(__always)
func isNullish(_ v: Value) -> Bool {
    switch v {
    case .null: true
    case .decimal(let d): !d.isFinite
    default: false
    }
}

extension Graph {
    /// A value as text in the text formats (table, CSV, TSV, Markdown):
    /// null → "" (the table shows `∅` itself), ints in decimal, decimals by `formatDecimal`,
    /// booleans `true`/`false`, lists joined by `"; "`, a node by its display name
    /// (`name(of:)`), an edge by `name(of:)` (`from → to`, or `from — to` when undirected).
    public func displayText(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .int(let i): String(i)
        case .decimal(let d): d.isFinite ? formatDecimal(d) : ""
        case .string(let s): s
        case .date(let d): d
        case .bool(let b): b ? "true" : "false"
        case .list(let l): l.map { displayText($0) }.joined(separator: "; ")
        case .node(let n): name(of: n)
        case .edge(let e): name(of: e)
        }
    }
}

/// True when a column is printed as numbers (right-aligned in the table, `---:` in Markdown):
/// its type is int or decimal, or its type is unknown (`any`/`null`) and every non-null value
/// in `rows` at `index` is a number, with at least one such value.
func isNumericColumn(_ column: ResultColumn, rows: [[Value]], index: Int) -> Bool {
    switch column.type {
    case .int, .decimal: return true
    case .any, .null:
        var seen = false
        for r in rows {
            switch r[index] {
            case .int, .decimal: seen = true
            case .null: continue
            default: return false
            }
        }
        return seen
    default: return false
    }
}
