import Foundation
import Testing
@testable import ReseauCore

/// A copy of Data/ in a temporary folder, with one file changed.
func mutatedData(_ file: String, _ change: (String) -> String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-fixture-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for f in try FileManager.default.contentsOfDirectory(atPath: Repo.path("Data")) where f.hasSuffix(".csv") {
        try FileManager.default.copyItem(atPath: Repo.path("Data/\(f)"), toPath: dir + "/" + f)
    }
    let p = dir + "/" + file
    try change(try String(contentsOfFile: p, encoding: .utf8)).write(toFile: p, atomically: true, encoding: .utf8)
    return dir
}

/// Writes raw bytes over one file of a copy of Data/.
func mutatedDataBytes(_ file: String, _ bytes: [UInt8]) throws -> String {
    let dir = try mutatedData(file) { $0 }
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + file))
    return dir
}

/// The load errors of a fixture folder, as printed (paths shortened to the file name).
/// The folder is removed afterwards.
func loadErrors(_ dir: String) -> [String] {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    do {
        _ = try Loader.load(FolderSource(dir))
        return []
    } catch {
        return error.errors.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
    }
}

@Suite("Loader")
struct LoaderTests {
    @Test func bundledCounts() {
        let g = bundledGraph
        let nodes = Dictionary(uniqueKeysWithValues: g.nodes.map { (g.schema.nodeTypes[$0.type].source, $0.count) })
        let edges = Dictionary(uniqueKeysWithValues: g.edges.map { (g.schema.edgeTypes[$0.type].source, $0.count) })
        #expect(nodes == ["cities": 38, "countries": 20, "orgs": 29, "projects": 26, "events": 63, "claims": 104, "schedules": 10])
        #expect(edges == ["twinnings": 8, "memberships": 42, "partnerships": 66, "fundings": 34, "hostings": 32, "attendances": 37, "visits": 8,
                          "candidacies": 4, "adoptions": 13])
    }

    @Test func embeddedCopyEqualsDataFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.path("Data")).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files == EmbeddedData.files.keys.sorted(), "run `python3 scripts/embed-data.py` after adding a file to Data/")
        for f in files {
            let disk = try String(contentsOfFile: Repo.path("Data/\(f)"), encoding: .utf8)
            #expect(EmbeddedData.files[f] == disk, "\(f): the embedded copy differs from Data/ — run `python3 scripts/embed-data.py`")
        }
    }

    @Test func folderEqualsBundled() throws {
        let g = try Loader.load(FolderSource(Repo.path("Data")))
        #expect(g.nodes.map(\.ids) == bundledGraph.nodes.map(\.ids))
        #expect(g.edges.map(\.count) == bundledGraph.edges.map(\.count))
    }

    // Facts from the seeds that would break if a row were lost or misread.
    @Test func seedFacts() {
        #expect(runQuery("city \"Clermont-Ferrand\" | twins | sort edge.since | select name, edge.since as y", format: .csv) ==
            "name,y\nSalford,1966\nRegensburg,1969\nGomel,1977\nAberdeen,1983\nOviedo,1988\nNorman,1994\nBraga,1999\n")
        // Oyem is a solidarity partnership since 2006, not a twinning.
        #expect(runQuery("twinnings | where kind == \"solidarity\" | select to.name, since", format: .csv) == "name,since\nOyem,2006\n")
        // 31 foreign partner cities of the decentralised-cooperation record (seed 002).
        #expect(runQuery("project \"Pérennisation du Réseau International des Villes Michelin (RIVM)\" | in partner | where edge.role == \"partner\" | count", format: .csv) == "count\n31\n")
        // The 29 rows of the funding table, per year.
        #expect(runQuery("fundings | where to.kind == \"cooperation\" and source ~ \"002_\" | group by year: rows = count(), total = sum(amount) | sort year", format: .csv) ==
            "year,rows,total\n2020,14,473397\n2021,15,906997\n")
        // Both equal amounts of two funders in two years are kept.
        #expect(runQuery("fundings | where amount == 228917 or amount == 64747 | count", format: .csv) == "count\n4\n")
        // The ministry support restated as 129 000 is a claim, not a second funding.
        #expect(runQuery("claims | where field == \"meae_support\" | select value | sort value", format: .csv) == "value\n129000\n129494\n")
        // Trips: one cost per trip (the Querétaro–Norman trip counts once).
        #expect(runQuery("visits | aggregate trips = count_distinct(trip), total = sum(cost)", format: .csv) == "trips,total\n7,25680\n")
        // The new member named in seed 004.
        #expect(runQuery("city \"Magog\" | out member | select name", format: .csv) == "name\nRéseau international des villes Michelin\n")
        #expect(runQuery("cities | where michelin | count", format: .csv) == "count\n25\n")
        // The seeds disagree on the 2017 Rencontres: both figures are kept.
        #expect(runQuery("claims | where field == \"cities_count\" and year(subject.start) == 2017 | select value | distinct | sort value", format: .csv) == "value\n40\n44\n")
    }

    // Issue 15: what the events were about, how they were decided, how they moved (seeds 001, 002, 004).
    @Test func eventFacts() {
        // Eight labs in October 2021 (004:126-133), each with its theme, all hybrid, all sessions of the labs week.
        #expect(runQuery("events | where kind == \"lab\" and part_of.id == \"labs-thematiques-2021\" | aggregate n = count(), modes = count_distinct(mode)", format: .csv) == "n,modes\n8,1\n")
        // Anderson and Cuneo stood for 2024; an online vote of the members chose Anderson (004:205).
        #expect(runQuery("candidacies | where to.id == \"rencontres-2024\" | sort from.name | select from.name as city, result, decided", format: .csv) ==
            "city,result,decided\nAnderson,chosen,2022-05\nCuneo,not_chosen,2022-05\n")
        // The 3rd Rencontres: planned for February (002:92) or March 2021 (004:88), then September 2021, held March 2022.
        #expect(runQuery("schedules | where event.id == \"rencontres-2022\" | sort step, start | select step, start, outcome", format: .csv) ==
            "step,start,outcome\n1,2021-02,moved\n1,2021-03,moved\n2,2021-09,moved\n3,2022-03-15,held\n")
        // The Voeux de paix were adopted by the 2022 assembly (004:167).
        #expect(runQuery("project \"Voeux de paix et de solidarité\" | in adopts | select name, edge.outcome", format: .csv) ==
            "name,outcome\nAssemblée générale du RIVM 2022,adopted\n")
        // Cancelled events stay events, with their status; none has a host.
        #expect(runQuery("events | where status == \"cancelled\" | count", format: .csv) == "count\n4\n")
        #expect(runQuery("hostings | where to.status == \"cancelled\" | count", format: .csv) == "count\n0\n")
    }

    @Test func eventFilesAreChecked() throws {
        let bad = try mutatedData("schedules.csv") { $0 + "rencontres-2022,4,2023,,postponed,,,test\n" }
        #expect(loadErrors(bad) == ["schedules.csv:12:25: unknown outcome 'postponed'; allowed: moved, held, cancelled, planned"])
        let wrongType = try mutatedData("candidacies.csv") { $0 + "cuneo,declaration-de-queretaro,chosen,,,test\n" }
        #expect(loadErrors(wrongType) == ["candidacies.csv:6:7: 'declaration-de-queretaro' is a project, not a event"])
        let noStatus = try mutatedData("events.csv") { $0.replacingOccurrences(of: ",2017-12-01,completed,in_person,", with: ",2017-12-01,,in_person,") }
        #expect(loadErrors(noStatus) == ["events.csv:2:125: 'status' is required"])
    }

    @Test(arguments: ["clermont-ferrand", "CLERMONT FERRAND", "Clermont Ferrand", "queretaro", "Querétaro", "santiago de queretaro",
                      "Golem", "phrapradaeng", "nyiregyhaza", "bad-kreuznach", "BIALYSTOK"])
    func nameLookup(_ name: String) {
        #expect(bundledGraph.lookup(name, type: Schema.city).count == 1, "\(name)")
    }

    @Test func folding() {
        #expect(fold("Santiago de Querétaro") == "santiago de queretaro")
        #expect(fold("Białystok") == "bialystok")
        #expect(fold("Straße") == "strasse")
        #expect(fold("  Saint-Étienne’s  St. ") == "saint etienne s st")
        #expect(fold("Ø") == "o")
        #expect(fold("e\u{301}") == "e")
    }

    // MARK: errors, one fixture each

    @Test func wrongHeader() throws {
        let d = try mutatedData("cities.csv") { $0.replacingOccurrences(of: "id,name,country_code", with: "id,nom,country_code") }
        #expect(loadErrors(d) == ["cities.csv:1:4: expected column 'name' here, found 'nom' (the header must be 'id,name,country_code,lat,lon,population,michelin,aliases,geonames_id,source')"])
    }

    @Test func wrongColumnCount() throws {
        let d = try mutatedData("twinnings.csv") { $0 + "clermont-ferrand,cuneo,2020\n" }
        #expect(loadErrors(d) == ["twinnings.csv:10:1: expected 5 fields, found 3"])
    }

    @Test func unclosedQuote() throws {
        let d = try mutatedData("hostings.csv") { $0 + "clermont-ferrand,rencontres-2017,\"002_x.txt:1\n" }
        #expect(loadErrors(d).first == "hostings.csv:34:34: unclosed quote: the field never ends")
    }

    @Test func wrongType() throws {
        let d = try mutatedData("fundings.csv") { $0 + "michelin,perennisation-rivm,\"1,5\",2020,,test\nmichelin,perennisation-rivm,12 000,2020,,test\nmichelin,perennisation-rivm,12,20x0,,test\n" }
        #expect(loadErrors(d) == [
            "fundings.csv:36:29: '1,5' is not a decimal number (amount): use '.' for decimals and no thousands separators",
            "fundings.csv:37:29: '12 000' is not a decimal number (amount): write numbers without spaces",
            "fundings.csv:38:32: '20x0' is not an integer (year)",
        ])
    }

    @Test func duplicateId() throws {
        let d = try mutatedData("orgs.csv") { $0 + "oyem,Oyem Club,association,,,test\n" }
        #expect(loadErrors(d) == ["orgs.csv:31:1: duplicate id 'oyem' (first defined at cities.csv:5)"])
    }

    @Test func unknownEdgeId() throws {
        let d = try mutatedData("memberships.csv") { $0 + "clermont-ferand,rivm,2017,test\n" }
        #expect(loadErrors(d) == ["memberships.csv:44:1: unknown city id 'clermont-ferand' (did you mean 'clermont-ferrand'?)"])
    }

    @Test func unknownEnumValue() throws {
        let d = try mutatedData("twinnings.csv") { $0 + "clermont-ferrand,cuneo,2020,twining,test\n" }
        #expect(loadErrors(d) == ["twinnings.csv:10:29: unknown kind 'twining' (did you mean 'twinning'?); allowed: twinning, solidarity, partnership"])
    }

    @Test func missingFile() throws {
        let d = try mutatedData("visits.csv") { $0 }
        try FileManager.default.removeItem(atPath: d + "/visits.csv")
        #expect(loadErrors(d) == ["visits.csv: missing file (expected columns: from,to,trip,purpose,start,end,cost,note,source)"])
    }

    @Test func crlfAndByteOrderMark() throws {
        let d = try mutatedData("twinnings.csv") { "\u{FEFF}" + $0.replacingOccurrences(of: "\n", with: "\r\n") }
        #expect(try Loader.load(FolderSource(d)).edges[Schema.twin].count == 8)
        #expect(loadErrors(d) == [])
    }

    @Test func selfTwinAndPairTwice() throws {
        let d = try mutatedData("twinnings.csv") { $0 + "cuneo,cuneo,2020,twinning,test\nsalford,clermont-ferrand,1966,twinning,test\n" }
        #expect(loadErrors(d) == [
            "twinnings.csv:10:7: 'cuneo' is linked with itself",
            "twinnings.csv:11:1: duplicate edge 'salford' – 'clermont-ferrand' (already at line 2, in either order)",
        ])
    }

    @Test func encodings() throws {
        var latin1 = Array("id,name,country_code,lat,lon,population,michelin,aliases,geonames_id,source\n".utf8)
        latin1 += Array("x,Qu".utf8) + [0xE9] + Array("r,MX,,,,false,,,test\n".utf8)
        #expect(loadErrors(try mutatedDataBytes("cities.csv", latin1)) == ["cities.csv:2:5: invalid UTF-8 byte 0xE9 (Latin-1 or Windows-1252? save the file as UTF-8)"])
        #expect(loadErrors(try mutatedDataBytes("cities.csv", [0xFF, 0xFE, 0x69, 0x00])) == ["cities.csv:1:1: the file is UTF-16; save it as UTF-8"])
        #expect(loadErrors(try mutatedDataBytes("hostings.csv", Array("city,event,source\nclermont-ferrand,rencontres-2017,a\u{0}b\n".utf8))) ==
            ["hostings.csv:2:35: NUL byte in the file (is it a text file?)"])
    }

    @Test func emptyAndHeaderOnly() throws {
        #expect(loadErrors(try mutatedDataBytes("hostings.csv", [])) == ["hostings.csv:1:1: empty file: expected the header row 'city,event,source'"])
        let d = try mutatedDataBytes("hostings.csv", Array("city,event,source\n".utf8))
        #expect(try Loader.load(FolderSource(d)).edges[Schema.hosts].count == 0)
        #expect(loadErrors(d) == [])
    }

    @Test func latitudeOutOfRange() throws {
        let d = try mutatedData("cities.csv") { $0.replacingOccurrences(of: ",45.77", with: ",145.77") }
        let errors = loadErrors(d)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("lat 145.77") == true)
        #expect(errors.first?.contains("is out of range (-90…90)") == true)
    }

    @Test func allErrorsOfALoad() throws {
        let d = try mutatedData("twinnings.csv") { $0 + "a,b,1,twinning,x\nc,d,1,twinning,x\n" }
        #expect(loadErrors(d).count == 2)
    }

    @Test func errorsAreCappedAt50() throws {
        let bad = (0..<60).map { "nobody\($0),cuneo,2020,twinning,x\n" }.joined()
        let d = try mutatedData("twinnings.csv") { $0 + bad }
        defer { try? FileManager.default.removeItem(atPath: d) }
        do {
            _ = try Loader.load(FolderSource(d))
            Issue.record("loaded")
        } catch {
            #expect(error.errors.count == 50)
            #expect(error.more == 10)
            #expect(error.description.hasSuffix("error: … and 10 more"))
        }
    }

    @Test func bigField() throws {
        let big = String(repeating: "x", count: 10_000_000)
        let d = try mutatedData("hostings.csv") { $0 + "oyem,rencontres-2017,\(big)\n" }
        #expect(loadErrors(d) == [])
    }

    // MARK: issue 16 items 9 and 10: values and messages

    /// Impossible dates were loaded; now each is an error at its file:line:col.
    @Test func impossibleDatesAreErrors() throws {
        let d = try mutatedData("projects.csv") { $0 + "p1,P1,camp,,2023-02-31,,ongoing,,,test\np2,P2,camp,,+123,,ongoing,,,test\np3,P3,camp,,+999-01,,ongoing,,,test\np4,P4,camp,,2024-02-29,2023-13,ongoing,,,test\np5,P5,camp,,1900-02-29,,ongoing,,,test\n" }
        #expect(loadErrors(d) == [
            "projects.csv:28:13: '2023-02-31' is not a date (start): 2023-02 has 28 days",
            "projects.csv:29:13: '+123' is not a date (start): write YYYY, YYYY-MM or YYYY-MM-DD",
            "projects.csv:30:13: '+999-01' is not a date (start): write YYYY, YYYY-MM or YYYY-MM-DD",
            "projects.csv:31:24: '2023-13' is not a date (end): there is no month 13",
            "projects.csv:32:13: '1900-02-29' is not a date (start): 1900-02 has 28 days",
        ])
    }

    /// -2^63 is Reseau's null inside an integer column: a clear error, not "not an integer".
    @Test func theNullSentinelIsAnOutOfRangeError() throws {
        let d = try mutatedData("fundings.csv") { $0 + "michelin,perennisation-rivm,12,-9223372036854775808,,test\nmichelin,perennisation-rivm,12,99999999999999999999,,test\n" }
        #expect(loadErrors(d) == [
            "fundings.csv:36:32: '-9223372036854775808' is out of range (year): integers go from -9223372036854775807 to 9223372036854775807",
            "fundings.csv:37:32: '99999999999999999999' is out of range (year): integers go from -9223372036854775807 to 9223372036854775807",
        ])
        let ok = try mutatedData("fundings.csv") { $0 + "michelin,perennisation-rivm,12,-9223372036854775807,,test\n" }
        #expect(loadErrors(ok) == [])
    }

    /// Every column counts characters (it counted bytes, characters or fields depending on the error).
    @Test func columnsCountCharacters() throws {
        let d = try mutatedData("cities.csv") { $0 + "qx,Querétaro,MX,,,abc,false,,,test\nqy,Querétaro,MX,95,,,false,,,test\nqz,Querétaro,ZZ,,,,false,,,test\n\"é\"x,Q,MX,,,,false,,,test\n" }
        let errors = loadErrors(d)
        #expect(errors.contains { $0.hasPrefix("cities.csv:") && $0.hasSuffix(":19: 'abc' is not an integer (population)") }, "\(errors)")
        #expect(errors.contains { $0.hasSuffix(":17: lat 95 is out of range (-90…90)") }, "\(errors)")
        #expect(errors.contains { $0.hasSuffix(":14: unknown country code 'ZZ' (not in countries.csv)") || $0.contains(":14: unknown country code 'ZZ' (not in countries.csv)") }, "\(errors)")
        #expect(errors.contains { $0.hasSuffix(":4: unexpected text after a closing quote") }, "\(errors)")
    }

    /// A CR-only file is one error saying so, without a raw CR in it.
    @Test func carriageReturnOnlyLineEndings() throws {
        let d = try mutatedData("hostings.csv") { $0.replacingOccurrences(of: "\n", with: "\r") }
        #expect(loadErrors(d) == ["hostings.csv:1:18: the lines end with a carriage return (CR) alone; save the file with LF or CRLF line endings"])
    }

    /// A cell of a megabyte in an error is quoted cut short: one error is one short line.
    @Test func longCellsAreCutInMessages() throws {
        let big = String(repeating: "9x", count: 500_000)
        let d = try mutatedData("fundings.csv") { $0 + "michelin,perennisation-rivm,12,\(big),,test\n" }
        let errors = loadErrors(d)
        #expect(errors.count == 1 && errors[0].count < 200, "\(errors.first?.count ?? 0)")
        #expect(errors.first?.contains("'9x9x9x") == true && errors.first?.contains("…' is not an integer (year)") == true)
    }
}
