/// Prints a syntax tree back as query text, canonically: every operation in parentheses, one
/// space around operators, strings re-escaped. Parsing the printed text gives the same tree
/// (spans aside), which the property tests check.
enum ASTPrinter {
    static func print(_ s: Statement) -> String {
        switch s {
        case .query(let q): query(q)
        case .let(let n, let q, _): "let \(n.text) = \(query(q))"
        case .param(let n, let e, _): "param \(n.text) = \(expr(e))"
        case .explain(let q, let analyze, _): "explain \(analyze ? "analyze " : "")\(query(q))"
        }
    }

    static func query(_ q: Query) -> String {
        ([source(q.source)] + q.steps.map(step)).joined(separator: " | ")
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F { out += "\\u{\(String(c.value, radix: 16))}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    static func value(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .int(let i): i < 0 ? "(\(i))" : String(i)
        case .decimal(let d):
            d < 0 ? "(-\(decimalText(-d)))" : decimalText(d)
        case .string(let s): string(s)
        case .date(let d): "@" + d
        case .bool(let b): b ? "true" : "false"
        case .list(let l): "[" + l.map(value).joined(separator: ", ") + "]"
        case .node, .edge: "null"
        }
    }

    /// A decimal that reads back as the same Double and stays a decimal (`3.0`, never `3`).
    static func decimalText(_ d: Double) -> String {
        var t = "\(d)"
        if t.contains("e") || t.contains("E") {
            // Plain digits: the lexer has no exponents.
            t = fixedPoint(d, digits: 17)
            while t.hasSuffix("0") && !t.hasSuffix(".0") { t.removeLast() }
        }
        if !t.contains(".") { t += ".0" }
        return t
    }

    static func source(_ s: Source) -> String {
        switch s {
        case .named(let n): n.text
        case .lookup(let t, let e, _): "\(t.text) \(expr(e))"
        case .path(let a, let b, let via, let max, _):
            "path \(endpoint(a)) to \(endpoint(b))" + (via.isEmpty ? "" : " via " + via.map(\.text).joined(separator: ", "))
                + (max.map { " max \(expr($0))" } ?? "")
        case .match(let ps, _): "match " + ps.map(pattern).joined(separator: ", ")
        case .subquery(let q, _): "(\(query(q)))"
        }
    }

    static func endpoint(_ e: Endpoint) -> String { (e.type.map { $0.text + " " } ?? "") + expr(e.name) }

    static func props(_ p: [(Name, Expr)]) -> String {
        p.isEmpty ? "" : " {" + p.map { "\($0.0.text): \(expr($0.1))" }.joined(separator: ", ") + "}"
    }

    static func node(_ n: NodePattern) -> String {
        "(" + (n.variable?.text ?? "") + (n.label.map { ":" + $0.text } ?? "") + props(n.properties) + ")"
    }

    static func pattern(_ p: PathPattern) -> String {
        var out = node(p.start)
        for (e, n) in p.hops {
            let inner = (e.variable?.text ?? "") + (e.labels.isEmpty ? "" : ":" + e.labels.map(\.text).joined(separator: "|")) + props(e.properties)
            switch e.direction {
            case .right: out += "-[\(inner)]->"
            case .left: out += "<-[\(inner)]-"
            case .both: out += "-[\(inner)]-"
            }
            out += node(n)
        }
        return out
    }

    static func items(_ items: [SelectItem]) -> String {
        items.map { expr($0.expr) + ($0.alias.map { " as \($0.text)" } ?? "") }.joined(separator: ", ")
    }

    static func bindings(_ b: [Binding]) -> String { b.map { "\($0.name.text) = \(expr($0.expr))" }.joined(separator: ", ") }

    static func step(_ s: Step) -> String {
        switch s.kind {
        case .filter(let e): "where \(expr(e))"
        case .select(let i): "select \(items(i))"
        case .derive(let b): "derive \(bindings(b))"
        case .sort(let k): "sort " + k.map { expr($0.expr) + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .take(let e): "take \(expr(e))"
        case .takePer(let e, let keys): "take \(expr(e)) per " + keys.map(expr).joined(separator: ", ")
        case .skip(let e): "skip \(expr(e))"
        case .distinct: "distinct"
        case .count: "count"
        case .group(let k, let a, let totals): "group by \(items(k))" + (a.isEmpty ? "" : ": \(bindings(a))") + (totals ? " with totals" : "")
        case .union(let src, let distinct): (distinct ? "union " : "append ") + source(src)
        case .aggregate(let a): "aggregate \(bindings(a))"
        case .join(let src, let on, let outer, let alias):
            "join \(outer ? "left " : "")\(source(src))\(alias.map { " as \($0.text)" } ?? "") on \(expr(on))"
        case .twins: "twins"
        case .follow(let names, let lo, let hi):
            "follow " + names.map(\.text).joined(separator: ", ") + (lo.map { " depth \(expr($0))..\(expr(hi ?? $0))" } ?? "")
        case .out(let n): "out \(n.text)"
        case .in(let n): "in \(n.text)"
        case .nearest(let n, let f, let k): "nearest \(n.text)" + (f.map { " where \(expr($0))" } ?? "") + (k.map { " take \(expr($0))" } ?? "")
        }
    }

    static func expr(_ e: Expr) -> String {
        switch e {
        case .literal(let v, _): value(v)
        case .list(let items, _): "[" + items.map(expr).joined(separator: ", ") + "]"
        case .name(let n): n.text
        case .member(let b, let n): "\(expr(b)).\(n.text)"
        case .param(let n): "$\(n.text)"
        case .unary(.not, let x, _): "(not \(expr(x)))"
        case .unary(.neg, let x, _): "(- \(expr(x)))"
        case .binary(let op, let a, let b, _): "(\(expr(a)) \(op.rawValue) \(expr(b)))"
        case .inQuery(let x, let q, _): "(\(expr(x)) in (\(query(q))))"
        case .exists(let steps, _): "exists(" + steps.map(step).joined(separator: " | ") + ")"
        case .call(let f, let args, _): "\(f.text)(" + args.map(expr).joined(separator: ", ") + ")"
        case .lookup(let t, let n, _): "\(t.text) \(expr(n))"
        case .ifThen(let c, let a, let b, _): "(if \(expr(c)) then \(expr(a)) else \(expr(b)))"
        }
    }
}

import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
