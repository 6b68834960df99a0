import Foundation
import Testing
import PropertyBased
@testable import ReseauCore

/// Builds a query from a stream of numbers: each number picks the next fragment, so that the
/// generator's shrinking shrinks queries too.
struct QueryBuilder {
    var picks: [Int]
    var i = 0
    mutating func pick(_ n: Int) -> Int { defer { i += 1 }; return picks.isEmpty ? 0 : picks[i % picks.count] % n }

    static let fields = ["name", "population", "country", "michelin", "lat", "since", "amount", "from", "to", "count", "type", "end", "edge.since", "prev.name", "b.name"]
    static let literals = ["12", "3.5", "\"Oyem\"", "'é\\n\"x'", "true", "null", "[1, 2]", "-7", "1_000", "$year", "0.25"]
    static let binary = ["==", "!=", "<", "<=", ">", ">=", "~", "+", "-", "*", "/", "and", "or", "in"]

    mutating func expr(_ depth: Int = 0) -> String {
        switch depth > 3 ? pick(3) : pick(9) {
        case 0: return Self.fields[pick(Self.fields.count)]
        case 1: return Self.literals[pick(Self.literals.count)]
        case 2: return "\(Self.fields[pick(Self.fields.count)]) == \(Self.literals[pick(Self.literals.count)])"
        case 3: return "(\(expr(depth + 1)) \(Self.binary[pick(Self.binary.count)]) \(expr(depth + 1)))"
        case 4: return "not \(expr(depth + 1))"
        case 5: return ["lower", "round", "coalesce", "len", "distance"][pick(5)] + "(\(expr(depth + 1)))"
        case 6: return "if \(expr(depth + 1)) then \(expr(depth + 1)) else \(expr(depth + 1))"
        case 7: return "exists(out partner | where \(expr(depth + 1)))"
        default: return "\(expr(depth + 1)) in (visits | select to.name)"
        }
    }

    mutating func step() -> String {
        switch pick(14) {
        case 0: return "where \(expr())"
        case 1: return "select \(expr()) as a, \(expr())"
        case 2: return "derive x = \(expr())"
        case 3: return "sort \(expr()) desc, \(expr())"
        case 4: return "take \(pick(20))"
        case 5: return "skip \(pick(5))"
        case 6: return "distinct"
        case 7: return "count"
        case 8: return "group by \(expr()): n = count(), s = sum(\(expr()))"
        case 9: return "aggregate t = max(\(expr()))"
        case 10: return "follow twin, member depth 1..\(1 + pick(3))"
        case 11: return "nearest cities where \(expr()) take \(1 + pick(3))"
        case 12: return ["twins", "out member", "in partner"][pick(3)]
        default: return "join countries on country_code == right.code"
        }
    }

    mutating func query() -> String {
        let sources = ["cities", "twinnings", "fundings", "city \"Oyem\"", "path \"Oyem\" to \"Maebashi\" via twin, member max 4",
                       "match (a:city {name: \"Oyem\"})-[t:twin]-(b:city), (b)<-[:member]-(c)", "claims", "org 'RIVM'"]
        var q = sources[pick(sources.count)]
        for _ in 0..<pick(4) { q += " | " + step() }
        return ["", "let z = ", "explain "][pick(3)] + q
    }
}

func parseOne(_ text: String) -> Statement? {
    let src = SourceText(name: "p", text: text)
    guard let tokens = try? Lexer.tokenize(src), let st = StatementSplitter.split(tokens).first else { return nil }
    return try? Parser.parseStatement(st)
}

@Suite("Properties")
struct PropertyTests {
    /// Printing a parsed query and parsing it again gives the same tree.
    @Test func printThenParseIsIdentity() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...1000).array(of: 1...40)) { picks in
            var b = QueryBuilder(picks: picks)
            let q = b.query()
            guard let ast = parseOne(q) else { return }
            let printed = ASTPrinter.print(ast)
            let again = parseOne(printed)
            #expect(again != nil, "\(q)\n→ \(printed)")
            if let again { #expect(ASTPrinter.print(again) == printed, "\(q)") }
        }
    }

    /// Every query the builder makes either runs or fails with a rendered error: nothing crashes.
    @Test func generatedQueriesNeverCrash() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1000).array(of: 1...40)) { picks in
            var b = QueryBuilder(picks: picks)
            let q = b.query()
            let out = runQuery(q, name: "gen", params: ["year": .int(2021)])
            // A failure is a located message with a caret; a success prints a result (or nothing, for let).
            if out.contains("error: ") {
                #expect(out.contains(" --> gen:1:") && out.contains("^"), "\(q)\n\(out)")
            } else {
                #expect(!out.isEmpty || q.hasPrefix("let "), "\(q)")
            }
        }
    }

    static let cellText = Gen.oneOf(Gen.letterOrNumber.string(of: 0...8), Gen.always(","), Gen.always("\""), Gen.always("\n"),
                                    Gen.always("\t"), Gen.always("é"), Gen.always("前橋"), Gen.always("\\"), Gen.always(" "), Gen.always("\r\n"))
        .array(of: 0...6).map { $0.joined() }

    /// CSV, TSV and JSON written by Reseau read back to the same strings.
    @Test func outputFormatsRoundTrip() async throws {
        await propertyCheck(count: 300, input: Self.cellText.array(of: 1...5)) { cells in
            let columns = cells.indices.map { ResultColumn(name: "c\($0)", type: .string) }
            let values = cells.map { Value.string($0) }
            func write(_ f: OutputFormat) -> String {
                let out = StringOutput()
                let w = makeWriter(OutputOptions(format: f), graph: bundledGraph, output: out)
                try? w.begin(columns); try? w.row(values); try? w.end()
                return out.text
            }
            // CSV: read back with the loader's own RFC 4180 reader.
            let csv = Array(write(.csv).utf8)
            let back: [[String]] = CSVReader.withReader(csv) { r in
                var rows: [[String]] = [], fields: [CSVReader.Field] = []
                while (try? r.nextRecord(into: &fields)) == true { rows.append(fields.map { r.string($0) }) }
                return rows
            }
            #expect(back.last == cells || (cells.allSatisfy(\.isEmpty) && back.count == 1), "csv \(cells)")
            // TSV: split on tabs, undo the escapes.
            let tsvLine = write(.tsv).split(separator: "\n", omittingEmptySubsequences: false)[1]
            let tsv = tsvLine.split(separator: "\t", omittingEmptySubsequences: false).map { field -> String in
                var out = "", esc = false
                for c in field {
                    if esc { out.append(c == "t" ? "\t" : c == "n" ? "\n" : c == "r" ? "\r" : c); esc = false }
                    else if c == "\\" { esc = true } else { out.append(c) }
                }
                return out
            }
            #expect(tsv == cells, "tsv \(cells)")
            // JSON
            let json = try? JSONSerialization.jsonObject(with: Data(write(.json).utf8)) as? [[String: String]]
            #expect(json?.first.map { d in cells.indices.map { d["c\($0)"] ?? "?" } } == cells, "json \(cells)")
        }
    }

    /// Name lookup finds every city of Data/ whatever the case and accents, and through its aliases.
    @Test func nameLookupIgnoresCaseAndAccents() async {
        let g = bundledGraph
        let nameF = g.schema.nodeTypes[Schema.city].fieldIndex("name")!, aliasF = g.schema.nodeTypes[Schema.city].fieldIndex("aliases")!
        await propertyCheck(count: 200, input: Gen.int(in: 0..<g.nodes[Schema.city].count), Gen.int(in: 0...3)) { row, variant in
            let n = NodeRef(type: Schema.city, index: row)
            guard case .string(let name) = g.field(n, nameF), case .list(let aliases) = g.field(n, aliasF) else { return }
            let spellings = [name] + aliases.compactMap { if case .string(let s) = $0 { s } else { nil } }
            for s in spellings {
                let forms = [s.uppercased(), s.lowercased(), s.decomposedStringWithCanonicalMapping, fold(s)]
                #expect(g.lookup(forms[variant], type: Schema.city) == [n], "\(forms[variant]) → \(name)")
            }
        }
    }
}
