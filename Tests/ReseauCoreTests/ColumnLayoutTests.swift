import Foundation
import Testing
@testable import ReseauCore

/// The compact column layouts (issue 14, memory): 32-bit integer columns and constant string
/// columns read back, through a snapshot too, exactly what the wide layouts do.
@Suite("Column layout")
struct ColumnLayoutTests {
    /// `g` with every column in its wide layout (64-bit integers, a code per string row): the
    /// reference the compact layout is compared with.
    func widened(_ g: Graph) -> Graph {
        func wide(_ c: Column) -> Column {
            switch c {
            case .int32(let a): return .int(a.map { $0 == Column.nullInt32 ? Column.nullInt : Int($0) })
            case .int16(let a): return .int(a.map { $0 == Column.nullInt16 ? Column.nullInt : Int($0) })
            case .wholeDecimal(let a): return .decimal(a.map { $0 == Column.nullInt32 ? .nan : Double($0) })
            case .constant(let k):
                var s = StringColumn(codes: [Int32](repeating: k.string == nil ? -1 : 0, count: k.count), dictionary: k.string.map { [$0] } ?? [])
                s.isDate = k.isDate
                return .string(s)
            default: return c
            }
        }
        var nodes = g.nodes, edges = g.edges
        for t in nodes.indices { nodes[t].columns = nodes[t].columns.map(wide) }
        for t in edges.indices { edges[t].columns = edges[t].columns.map(wide) }
        return Graph(schema: g.schema, nodes: nodes, edges: edges, origin: g.origin)
    }

    @Test func integersNarrowOnlyWhenEveryValueFits() {
        let fits = [0, -5, Column.nullInt, Int(Int32.max), Int(Int32.min) + 1]
        guard case .int32(let a) = Column.int(fits).compacted(allowConstant: true) else { Issue.record("not narrowed"); return }
        #expect(a.count == 5)
        #expect((0..<5).map { Column.int32(a).value($0) } == [.int(0), .int(-5), .null, .int(Int(Int32.max)), .int(Int(Int32.min) + 1)])
        // Too big, too small, or the 32-bit null itself: the column stays 64-bit.
        for v in [Int(Int32.max) + 1, Int(Int32.min), Int(Int32.min) - 1, Int.max] {
            guard case .int = Column.int([1, v]).compacted(allowConstant: true) else { Issue.record("\(v) narrowed"); continue }
        }
    }

    @Test func yearsNarrowTo16BitsWhenEveryValueFits() {
        let years = [1990, -7, Column.nullInt, 32_767, -32_767]
        guard case .int16(let a) = Column.int(years).compacted(allowConstant: true) else { Issue.record("not 16 bits"); return }
        #expect((0..<5).map { Column.int16(a).value($0) } == [.int(1990), .int(-7), .null, .int(32_767), .int(-32_767)])
        // Beyond 16 bits, or the 16-bit null itself: 32 bits.
        for v in [32_768, -32_768, -40_000] {
            guard case .int32 = Column.int([1, v]).compacted(allowConstant: true) else { Issue.record("\(v) not 32 bits"); continue }
        }
    }

    @Test func wholeDecimalsNarrowOnlyWhenEveryValueIsAWholeNumberThatFits() {
        let fits: [Double] = [0, -3, .nan, 2_147_483_647, -2_147_483_647, 500_928]
        guard case .wholeDecimal(let a) = Column.decimal(fits).compacted(allowConstant: true) else { Issue.record("not narrowed"); return }
        #expect((0..<fits.count).map { Column.wholeDecimal(a).value($0) }
                == [.decimal(0), .decimal(-3), .null, .decimal(2_147_483_647), .decimal(-2_147_483_647), .decimal(500_928)])
        // A fraction, -0 (it prints as "-0"), out of range, infinite: the column stays 64-bit.
        for v in [0.5, -0.0, 2_147_483_648, -2_147_483_648, .infinity, 1e300] {
            guard case .decimal = Column.decimal([1, v]).compacted(allowConstant: true) else { Issue.record("\(v) narrowed"); continue }
        }
    }

    @Test func edgesInEndpointOrderShareTheEndArray() {
        let to: [Int32] = [5, 6, 7, 8]
        let sorted = Adjacency(count: 3, endpoints: [0, 0, 1, 2], otherEnds: to)
        #expect(sorted.offsets == [0, 2, 3, 4] && sorted.edges == [0, 1, 2, 3] && sorted.others == to)
        #expect(sorted.sharesOthers(to))
        let unsorted = Adjacency(count: 3, endpoints: [1, 0, 2, 0], otherEnds: to)
        #expect(unsorted.offsets == [0, 2, 3, 4] && unsorted.edges == [1, 3, 0, 2] && unsorted.others == [6, 8, 5, 7])
        #expect(!unsorted.sharesOthers(to))
    }

    @Test func aStringColumnWithOneValueIsConstant() {
        let one = Column.string(StringColumn(codes: [0, 0, 0], dictionary: ["x"]))
        guard case .constant(let c) = one.compacted(allowConstant: true) else { Issue.record("not constant"); return }
        #expect(c.count == 3 && c.string == "x")
        guard case .constant(let n) = Column.string(StringColumn(codes: [-1, -1], dictionary: [])).compacted(allowConstant: true) else {
            Issue.record("all-null not constant"); return
        }
        #expect(n.string == nil && Column.constant(n).value(1) == .null)
        // A null among the values, two values, or a kept (name, kind) column: dictionary codes.
        for (codes, dict) in [([0, -1, 0], ["x"]), ([0, 1], ["x", "y"])] as [([Int32], [String])] {
            guard case .string = Column.string(StringColumn(codes: codes, dictionary: dict)).compacted(allowConstant: true) else {
                Issue.record("\(codes) became constant"); continue
            }
        }
        guard case .string = one.compacted(allowConstant: false) else { Issue.record("kept column became constant"); return }
    }

    /// A copy of Data/ whose cities hold populations near 2^31 (sums overflow 32 bits), negative
    /// and missing ones, and whose twinnings all cite one source (a constant column).
    func fixture(bigPopulation: Int) throws -> String {
        let dir = try mutatedData("cities.csv") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in 1..<lines.count where !lines[i].isEmpty {
                var cells = lines[i].split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
                cells[5] = i == 1 ? String(bigPopulation) : i == 2 ? "-7" : i == 3 ? "" : String(2_000_000_000 - i)
                lines[i] = cells.joined(separator: ",")
            }
            return lines.joined(separator: "\n")
        }
        let p = dir + "/twinnings.csv"
        let rows = try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n").map { line -> String in
            let cells = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false)
            return cells.prefix(4).joined(separator: ",") + "," + (line.hasPrefix("from,") ? "source" : "one source")
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: p, atomically: true, encoding: .utf8)
        // Memberships in city order (the file sorted by its `from` end: the outgoing adjacency
        // shares the `to` array).
        let cityRow = Dictionary(uniqueKeysWithValues: try String(contentsOfFile: dir + "/cities.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().enumerated().map { (String($1.prefix { $0 != "," }), $0) })
        let m = dir + "/memberships.csv"
        var members = try String(contentsOfFile: m, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = members.removeFirst()
        members = members.enumerated().sorted { a, b in
            let x = cityRow[String(a.1.prefix { $0 != "," })]!, y = cityRow[String(b.1.prefix { $0 != "," })]!
            return (x, a.0) < (y, b.0)
        }.map(\.1)
        try ([header] + members + [""]).joined(separator: "\n").write(toFile: m, atomically: true, encoding: .utf8)
        return dir
    }

    let queries = [
        "cities | where population > 1999999000 | count",
        "cities | where population < 0 | select name, population",
        "cities | where population == -7 | count",
        "cities | where population != 1999999990 | count",
        "cities | where population >= 1999999990 | sort population | take 3 | select name, population",
        "cities | where population <= 2147483647 | count",
        "cities | where population > 3000000000 | count",
        "cities | where population < 3000000000.5 | count",
        "cities | where population == null | count",
        "cities | aggregate total = sum(population), least = min(population), most = max(population), n = count(population)",
        "cities | group by country_code: s = sum(population) | sort s desc | take 3",
        "twinnings | where source == \"one source\" | count",
        "twinnings | where source != \"one source\" | count",
        "twinnings | where source == \"other\" | count",
        "twinnings | take 2 | select from, to, source",
        "twinnings | group by source: n = count()",
        "twinnings | where since >= 1990 | group by from: n = count(), y = sum(since) | sort n desc | take 3",
        "twinnings | where since < 40000 and since != 1966 and since > -40000 | aggregate n = count(), s = sum(since), a = avg(since)",
        "twinnings | where since <= 1969.5 | select from, to, since",
        "fundings | where year == 2021 | group by from: s = sum(amount) | sort s desc | take 3",
        "fundings | where note == null | count",
        "fundings | where amount > 1000 and amount <= 500928 | aggregate s = sum(amount), n = count(), a = avg(amount)",
        "fundings | where amount == 1255 | count",
        "fundings | group by from: s = sum(amount) | sort s desc | take 3",
        "fundings | aggregate m = max(amount), l = min(amount)",
        "match (c:city)-[:member]->(o:org) | select o.name as org | group by org: n = count() | sort n desc, org",
        "orgs | where name == \"RIVM\" | follow member depth 1 | count",
    ]

    @Test(arguments: [1_999_999_999, 3_000_000_000])
    func compactColumnsAnswerAsTheWideOnesThroughTheSnapshot(bigPopulation: Int) throws {
        let data = try fixture(bigPopulation: bigPopulation)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-layout-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let (csv, o1) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        let (snap, o2) = try CachedLoader.load(folder: data, cacheDirectory: cache)
        #expect(o1 == .csv && o2 == .snapshot)

        let city = csv.schema.nodeTypes.firstIndex { $0.name == "city" }!
        let pop = csv.schema.nodeTypes[city].fieldIndex("population")!
        let twin = csv.schema.edgeTypes.firstIndex { $0.file == "twinnings.csv" }!
        let source = csv.schema.edgeTypes[twin].fieldIndex("source")!
        for g in [csv, snap] {
            // A population of 3 000 000 000 does not fit 32 bits: the column stays 64-bit.
            switch g.nodes[city].columns[pop] {
            case .int32: #expect(bigPopulation <= Int(Int32.max))
            case .int: #expect(bigPopulation > Int(Int32.max))
            default: Issue.record("population is not an integer column")
            }
            let since = g.schema.edgeTypes[twin].fieldIndex("since")!
            guard case .int16 = g.edges[twin].columns[since] else { Issue.record("since is not 16-bit"); continue }
            guard case .constant(let c) = g.edges[twin].columns[source] else { Issue.record("source is not constant"); continue }
            #expect(c.string == "one source" && c.count == g.edges[twin].count)
        }
        let member = csv.schema.edgeTypes.firstIndex { $0.file == "memberships.csv" }!
        for g in [csv, snap] {
            #expect(g.edges[member].outgoing.sharesOthers(g.edges[member].to))
            #expect(g.edges[member].outgoing.others == csv.edges[member].outgoing.others)
            #expect(g.edges[member].outgoing.edges == csv.edges[member].outgoing.edges)
        }
        let wide = widened(csv)
        for q in queries {
            let expected = runQuery(q, graph: wide)
            #expect(!expected.contains("error"), "\(q)")
            #expect(runQuery(q, graph: csv) == expected, "\(q)")
            #expect(runQuery(q, graph: snap) == expected, "\(q)")
        }
        // The sum overflows 32 bits and is computed in 64.
        let n = csv.nodes[city].count
        let expected = bigPopulation - 7 + (4...n).reduce(0) { $0 + 2_000_000_000 - $1 }
        #expect(runQuery("cities | aggregate total = sum(population)", graph: csv).contains(String(expected)))
    }
}
