/// The one catalogue of the language's steps, with what `.help WORD` says of a step, a function,
/// an aggregate, a source or a statement. The parser's step list (suggestions, completion) comes
/// from `steps`; functions come from `Builtin.doc`; sources from the schema.
public enum LanguageHelp {
    public struct Step: Sendable {
        public let name: String
        public let syntax: String
        public let summary: String
        public let example: String
    }

    public static let steps: [Step] = [
        Step(name: "where", syntax: "where COND", summary: "keeps the rows for which COND is true (null counts as false)", example: "cities | where michelin and population > 100000"),
        Step(name: "select", syntax: "select EXPR [as NAME], …", summary: "new rows made of these columns", example: "cities | select name, country, population / 1000 as k"),
        Step(name: "derive", syntax: "derive NAME = EXPR, …", summary: "adds columns to each row", example: "visits | derive days = days(start, end)"),
        Step(name: "sort", syntax: "sort EXPR [asc|desc], …", summary: "orders the rows (stable; nulls last)", example: "cities | sort population desc"),
        Step(name: "take", syntax: "take N [per KEY, …]", summary: "the first N rows (of each group of equal KEYs)", example: "cities | sort population desc | take 3"),
        Step(name: "skip", syntax: "skip N", summary: "drops the first N rows", example: "cities | sort name | skip 10 | take 10"),
        Step(name: "distinct", syntax: "distinct", summary: "keeps the first of equal rows", example: "cities | select country | distinct"),
        Step(name: "count", syntax: "count", summary: "one row: the number of rows", example: "cities | where michelin | count"),
        Step(name: "group", syntax: "group by KEY [as NAME], … [: NAME = AGG, …] [with totals]", summary: "one row per distinct key, with aggregates", example: "fundings | group by year: total = sum(amount) | sort year"),
        Step(name: "aggregate", syntax: "aggregate NAME = AGG, …", summary: "one row of aggregates over all rows", example: "fundings | aggregate total = sum(amount), n = count()"),
        Step(name: "join", syntax: "join [left] SOURCE [as NAME] on COND", summary: "pairs each row with the rows of SOURCE where COND holds (left: unmatched rows kept)", example: "cities | join countries as c on country_code == c.code | select name, c.continent"),
        Step(name: "union", syntax: "union (QUERY)", summary: "the rows, then those of QUERY not already written (same columns)", example: "cities | where michelin | select name | union (orgs | select name)"),
        Step(name: "append", syntax: "append (QUERY)", summary: "the rows, then every row of QUERY (same columns)", example: "cities | select name | append (countries | select name)"),
        Step(name: "twins", syntax: "twins", summary: "the twin cities of each city row", example: "city \"Clermont-Ferrand\" | twins"),
        Step(name: "follow", syntax: "follow EDGE, … [depth A..B]", summary: "nodes reached through these edges, breadth first", example: "city \"Clermont-Ferrand\" | follow twin, member depth 1..2"),
        Step(name: "out", syntax: "out EDGE", summary: "nodes reached by EDGE edges leaving each node", example: "city \"Oyem\" | out member"),
        Step(name: "in", syntax: "in EDGE", summary: "nodes whose EDGE edges reach each node", example: "org \"RIVM\" | in member"),
        Step(name: "nearest", syntax: "nearest SET [where COND] [take K]", summary: "the K closest nodes of SET (great-circle km)", example: "city \"Oyem\" | nearest cities where michelin take 3"),
    ]

    /// The words `.help WORD` knows besides sources: the steps, then the functions.
    public static var words: [String] { steps.map(\.name) + Builtin.allCases.map(\.rawValue) }

    /// What `.help WORD` shows for a step, function, aggregate, source or statement; nil if none.
    public static func help(_ word: String, schema: Schema) -> String? {
        let w = word.lowercased()
        if let s = steps.first(where: { $0.name == w }) {
            return "step  | \(s.syntax)\n    \(s.summary)\n    e.g. \(s.example)\n"
        }
        if let b = Builtin(rawValue: w) { return "function  \(b.doc)\n" }
        if let a = AggregateFunction(rawValue: w) { return "aggregate  \(a.rawValue)(…) inside '| group by … :' or '| aggregate': \(aggregateDoc(a))\n" }
        if let t = schema.nodeTypes.firstIndex(where: { $0.source == w || $0.name == w }) {
            let d = schema.nodeTypes[t]
            return "source  \(d.source): every \(d.name) node; \(d.name) \"NAME\" looks one up by name or alias\n    fields: id, " + d.fields.map(\.name).joined(separator: ", ") + "\n    .schema \(d.name) describes them\n"
        }
        if let t = schema.edgeTypes.firstIndex(where: { $0.source == w || $0.name == w }) {
            let d = schema.edgeTypes[t]
            return "source  \(d.source): every \(d.name) edge, \(schema.nodeTypes[d.fromType].name) → \(schema.nodeTypes[d.toType].name); graph steps walk them by the name \(d.name)\n    fields: from, to, " + d.fields.map(\.name).joined(separator: ", ") + "\n"
        }
        switch w {
        case "path": return "source  path A to B [via EDGE, …] [max N]: a shortest path, one row per step\n    e.g. path \"Aberdeen\" to \"Chennai\"\n"
        case "match": return "source  match (a:TYPE {field: value})-[e:EDGE]->(b), …: every binding of a graph pattern\n    e.g. match (c:city)-[:member]->(:org {name: \"RIVM\"})\n"
        case "let": return "statement  let NAME = QUERY: keeps a result; NAME is then a source\n"
        case "param": return "statement  param NAME = VALUE: a default for $NAME (--param and .param win)\n"
        case "explain": return "statement  explain [analyze] QUERY: the plan that runs (analyze: run it, rows and time per operator)\n"
        default: return nil
        }
    }

    static func aggregateDoc(_ a: AggregateFunction) -> String {
        switch a {
        case .count: "count() the rows, count(x) the non-null values"
        case .sum: "the sum of the non-null numbers"
        case .avg: "the mean of the non-null numbers"
        case .min: "the smallest non-null value"
        case .max: "the largest non-null value"
        case .list: "the values, in row order"
        case .count_distinct: "the number of distinct non-null values"
        }
    }
}
