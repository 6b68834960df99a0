import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The value semantics of language.md ("Semantics that answers depend on").
enum Semantics {
    /// `==`: null when either side is null; numbers compare by value (1 == 1.0); strings exactly;
    /// nodes and edges by id; lists item by item.
    @inline(__always)
    static func equal(_ a: Value, _ b: Value) -> Bool? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.int(let x), .int(let y)): return x == y
        case (.int, .decimal), (.decimal, .int), (.decimal, .decimal): return a.number! == b.number!
        case (.string(let x), .string(let y)): return x == y
        case (.date(let x), .date(let y)): return Dates.compare(.eq, x, y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.node(let x), .node(let y)): return x == y
        case (.edge(let x), .edge(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) { if equal(p, q) != true { return false } }
            return true
        default: return false
        }
    }

    /// Ordering for `<` and `sort`: numbers by value, strings by their folded form (then exactly),
    /// false before true, nodes and edges by id. nil when either is null or they do not compare.
    @inline(__always)
    static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.int(let x), .int(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.int, .decimal), (.decimal, .int), (.decimal, .decimal):
            let x = a.number!, y = b.number!
            return x < y ? -1 : x > y ? 1 : 0
        case (.string(let x), .string(let y)):
            if x == y { return 0 }
            let fx = fold(x), fy = fold(y)
            if fx != fy { return fx < fy ? -1 : 1 }
            return x < y ? -1 : 1
        // A total order for sorting: by the ISO text, so a year sorts before its months.
        case (.date(let x), .date(let y)): return x == y ? 0 : x < y ? -1 : 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.node(let x), .node(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.edge(let x), .edge(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        default: return nil
        }
    }

    /// Great-circle distance in km (haversine, R = 6371.0 km).
    static func haversine(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = 6371.0, rad = Double.pi / 180
        let dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad
        let h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }

    /// Text of a value for `string(x)` and `+` on strings.
    static func text(_ v: Value, _ graph: Graph) -> String {
        switch v {
        case .null: ""
        case .int(let i): String(i)
        case .decimal(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s), .date(let s): s
        case .bool(let b): b ? "true" : "false"
        case .list(let l): l.map { text($0, graph) }.joined(separator: "; ")
        case .node(let n): graph.name(of: n)
        case .edge(let e): graph.name(of: e)
        }
    }
}
