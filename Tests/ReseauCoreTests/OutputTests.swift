import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ReseauCore

// MARK: - Fixture and helpers

/// Tests/ReseauCoreTests/Fixtures/mini: a small network with accents, a decomposed "é",
/// a CJK name, a field with a comma, a quote and a newline, and a null population.
let miniFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/mini").path

func miniGraph() throws -> Graph { try Loader.load(FolderSource(miniFolder)) }

extension Graph {
    func node(_ id: String) -> NodeRef { node(withID: id)! }
    /// Field `name` of node `id`.
    func value(_ id: String, _ name: String) -> Value {
        let n = node(id)
        return field(n, schema.nodeTypes[n.type].fieldIndex(name)!)
    }
}

struct Result {
    var columns: [ResultColumn]
    var rows: [[Value]]
}

func col(_ name: String, _ type: ValueType) -> ResultColumn { ResultColumn(name: name, type: type) }

/// Writes `results` in `format` and returns the text.
func render(_ format: OutputFormat, _ results: [Result], graph: Graph,
            _ configure: (inout OutputOptions) -> Void = { _ in }) throws -> String {
    var options = OutputOptions(format: format)
    configure(&options)
    let out = StringOutput()
    let w = makeWriter(options, graph: graph, output: out)
    for r in results {
        try w.begin(r.columns)
        for row in r.rows { try w.row(row) }
        try w.end()
    }
    return out.text
}

let cityIds = ["clermont-ferrand", "nyiregyhaza", "maebashi", "saint-remy", "oyem"]

/// name, population, lat, country of every city.
func citiesResult(_ g: Graph) -> Result {
    Result(columns: [col("name", .string), col("population", .int), col("lat", .decimal), col("country", .string)],
           rows: cityIds.map { id in ["name", "population", "lat", "country"].map { g.value(id, $0) } })
}

/// Runs `python3 -c script` with `input` on stdin; nil when python3 is not installed.
func python(_ script: String, input: String) throws -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    var env = ProcessInfo.processInfo.environment
    env["PYTHONIOENCODING"] = "utf-8"
    p.environment = env
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    p.standardInput = stdin
    p.standardOutput = stdout
    p.standardError = stderr
    try p.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus == 127 { return nil }
    guard p.terminationStatus == 0 else {
        Issue.record("python3 failed: \(String(decoding: err, as: UTF8.self))")
        return ""
    }
    return String(decoding: out, as: UTF8.self)
}

/// Python's answer parsed as JSON rows of strings.
func stringRows(_ json: String) throws -> [[String]] {
    try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]])
}

/// Exact byte comparison (Swift's `==` on strings treats "é" and "e\u{301}" as equal).
func expectBytes(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Array(actual.utf8) == Array(expected.utf8), "\n--- actual\n\(actual)--- expected\n\(expected)", sourceLocation: sourceLocation)
}

// MARK: - Fixture

@Test func fixtureLoads() throws {
    let g = try miniGraph()
    #expect(g.nodes[Schema.city].count == 5)
    #expect(g.value("saint-remy", "population") == .null)
    // The decomposed name really is decomposed in the file.
    if case .string(let s) = g.value("saint-remy", "name") {
        #expect(Array(s.unicodeScalars) == Array("Saint-Re\u{301}my".unicodeScalars))
    } else {
        Issue.record("no name")
    }
    #expect(g.value("saint-remy", "source") == .string("survey, \"2020\"\nsecond line"))
}

// MARK: - Widths and values

@Test func cellWidths() {
    let decomposed = "e\u{301}"
    #expect(decomposed.unicodeScalars.count == 2)
    #expect(displayWidth(decomposed) == 1)
    #expect(displayWidth("Saint-Re\u{301}my") == 10)
    #expect(displayWidth("Nyíregyháza") == 11)
    #expect(displayWidth("前橋市") == 6)
    #expect(displayWidth("abc") == 3)
    #expect(displayWidth("") == 0)
    #expect(displayWidth("한국") == 4)
    #expect(displayWidth("\u{1112}\u{1161}\u{11AB}") == 2)   // decomposed 한: one cluster
    #expect(displayWidth("Ａ") == 2)                           // fullwidth A
    #expect(displayWidth("ｶ") == 1)                            // halfwidth katakana
    #expect(displayWidth("👍") == 2)
    #expect(displayWidth("👍🏽") == 2)
    #expect(displayWidth("👨‍👩‍👧") == 2)
    #expect(displayWidth("❤️") == 2)                           // U+2764 U+FE0F
    #expect(displayWidth("a\u{200B}b") == 2)                   // zero width space
}

@Test func truncation() {
    #expect(truncated("Clermont-Ferrand", toWidth: 8) == "Clermon…")
    #expect(truncated("Clermont", toWidth: 8) == "Clermont")
    #expect(truncated("前橋市abc", toWidth: 5) == "前橋…")
    #expect(truncated("前橋市abc", toWidth: 4) == "前…")
    #expect(displayWidth(truncated("前橋市abc", toWidth: 4)) == 3)
    let cut = truncated("Re\u{301}my Re\u{301}my", toWidth: 4)
    #expect(Array(cut.unicodeScalars) == Array("Re\u{301}m…".unicodeScalars))
    #expect(truncated("abc", toWidth: 0) == "")
}

@Test func decimals() {
    #expect(formatDecimal(500928.0) == "500928")
    #expect(formatDecimal(1234.5) == "1234.5")
    #expect(formatDecimal(0.25) == "0.25")
    #expect(formatDecimal(12.345678) == "12.345678")
    #expect(formatDecimal(12.3456789) == "12.345679")
    #expect(formatDecimal(-3.5) == "-3.5")
    #expect(formatDecimal(-0.0) == "0")
    #expect(formatDecimal(2.9999999) == "3")
    #expect(formatDecimal(0.1 + 0.2) == "0.3")
    #expect(formatDecimal(1e-7) == "1e-07")
    #expect(formatDecimal(1e15) == "1000000000000000")
    #expect(formatDecimal(1e20) == "1e+20")
    #expect(formatDecimal(-1e-7) == "-1e-07")
    #expect(formatDecimal(-42.0) == "-42")
}

/// printf's %.Nf without Foundation's String(format:); long results grow the buffer.
@Test func fixedPointFormatting() {
    #expect(fixedPoint(3.14159, digits: 2) == "3.14")
    #expect(fixedPoint(-0.5, digits: 0) == "-0")
    #expect(fixedPoint(12.3456789, digits: 6) == "12.345679")
    #expect(fixedPoint(1e-7, digits: 17) == "0.00000010000000000")
    let big = fixedPoint(1e300, digits: 17)
    #expect(big == "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.00000000000000000")
}

@Test func displayTextOfValues() throws {
    let g = try miniGraph()
    #expect(g.displayText(.null) == "")
    #expect(g.displayText(.bool(true)) == "true")
    #expect(g.displayText(.decimal(500928)) == "500928")
    #expect(g.displayText(.list([.string("a"), .int(2), .decimal(0.5)])) == "a; 2; 0.5")
    #expect(g.displayText(.node(g.node("nyiregyhaza"))) == "Nyíregyháza")
    #expect(g.displayText(.edge(EdgeRef(type: Schema.twin, index: 0))) == "Clermont-Ferrand — Nyíregyháza")
    #expect(g.displayText(.edge(EdgeRef(type: Schema.member, index: 1))) == "Oyem → Réseau international des villes Michelin")
}

// MARK: - Table

@Test func tableAlignsAccentsWideCharactersAndNumbers() throws {
    let g = try miniGraph()
    let text = try render(.table, [citiesResult(g)], graph: g)
    let expected = """
    name              population       lat  country
    ────────────────  ──────────  ────────  ───────
    Clermont-Ferrand      147284   45.7772  France
    Nyíregyháza           116799  47.95539  Hungary
    前橋市                332149  36.39111  Japan
    Saint-Re\u{301}my                 ∅  43.78848  France
    Oyem                   30000   1.59927  Gabon

    """
    expectBytes(text, expected)
    // The last column starts 40 cells in on every line, and no line ends with a space.
    for line in text.split(separator: "\n") {
        #expect(displayWidth(line) - displayWidth(line.split(separator: " ").last!) == 40)
        #expect(line.last != " ")
    }
}

@Test func tableFooterOnlyOnTerminal() throws {
    let g = try miniGraph()
    let one = Result(columns: [col("name", .string)], rows: [[g.value("oyem", "name")]])
    let none = Result(columns: [col("name", .string), col("population", .int)], rows: [])
    let plain = try render(.table, [one], graph: g)
    expectBytes(plain, "name\n────\nOyem\n")
    let term = try render(.table, [one], graph: g) { $0.isTerminal = true }
    expectBytes(term, "name\n────\nOyem\n(1 row)\n")
    let many = try render(.table, [citiesResult(g)], graph: g) { $0.isTerminal = true }
    #expect(many.hasSuffix("  Gabon\n(5 rows)\n"))
    let empty = try render(.table, [none], graph: g) { $0.isTerminal = true }
    expectBytes(empty, "name  population\n────  ──────────\n(0 rows)\n")
    let emptyPlain = try render(.table, [none], graph: g)
    expectBytes(emptyPlain, "name  population\n────  ──────────\n")
}

@Test func tableCutsOnlyWhenTerminalWidthIsSet() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("name", .string), col("source", .string)],
                   rows: ["clermont-ferrand", "saint-remy"].map { [g.value($0, "name"), g.value($0, "source")] })
    // Too wide for 30 cells: both columns shrink to 14, the widest first.
    let cut = try render(.table, [r], graph: g) { $0.isTerminal = true; $0.terminalWidth = 30 }
    expectBytes(cut, """
    name            source
    ──────────────  ──────────────
    Clermont-Ferr…  test
    Saint-Re\u{301}my      survey, "2020…
    (2 rows)

    """)
    // The newline inside the cell shows as ↵; nothing is cut without a terminal width.
    let full = try render(.table, [r], graph: g) { $0.isTerminal = true }
    expectBytes(full, """
    name              source
    ────────────────  ──────────────────────────
    Clermont-Ferrand  test
    Saint-Re\u{301}my        survey, "2020"↵second line
    (2 rows)

    """)
    // Wide enough: nothing is cut either.
    let wide = try render(.table, [r], graph: g) { $0.terminalWidth = 45 }
    #expect(!wide.contains("…"))
    // Columns never go below 6 cells, even when the terminal is narrower.
    #expect(TableWriter.fit([16, 27, 3], into: 10) == [6, 6, 3])
    #expect(TableWriter.fit([16, 27], into: 30) == [14, 14])
    #expect(TableWriter.fit([16, 27], into: 100) == [16, 27])
}

@Test func tableColorsNullAndHeader() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("name", .string), col("population", .int)],
                   rows: ["saint-remy", "oyem"].map { [g.value($0, "name"), g.value($0, "population")] })
    let text = try render(.table, [r], graph: g) { $0.color = true }
    let bold = "\u{1B}[1m", dim = "\u{1B}[2m", reset = "\u{1B}[0m"
    expectBytes(text, """
    \(bold)name\(reset)        \(bold)population\(reset)
    ──────────  ──────────
    Saint-Re\u{301}my           \(dim)∅\(reset)
    Oyem             30000

    """)
    let plain = try render(.table, [r], graph: g)
    #expect(!plain.contains("\u{1B}"))
}

@Test func tableWithoutHeaderAndSeveralResults() throws {
    let g = try miniGraph()
    let a = Result(columns: [col("city", .node(Schema.city)), col("aliases", .list), col("value", .any)],
                   rows: [[.node(g.node("clermont-ferrand")), g.value("clermont-ferrand", "aliases"), .int(7)],
                          [.node(g.node("maebashi")), g.value("maebashi", "aliases"), .null],
                          [.node(g.node("oyem")), g.value("oyem", "aliases"), .decimal(0.25)]])
    let b = Result(columns: [col("empty", .string), col("n", .int)], rows: [[.string(""), .int(1)]])
    let noHeader = try render(.table, [a], graph: g) { $0.header = false }
    expectBytes(noHeader, """
    Clermont-Ferrand  Clermont; Clermont-Fd     7
    前橋市            Maebashi                  ∅
    Oyem                                     0.25

    """)
    let two = try render(.table, [a, b], graph: g) { $0.isTerminal = true }
    expectBytes(two, """
    city              aliases                value
    ────────────────  ─────────────────────  ─────
    Clermont-Ferrand  Clermont; Clermont-Fd      7
    前橋市            Maebashi                   ∅
    Oyem                                      0.25
    (3 rows)

    empty  n
    ─────  ─
           1
    (1 row)

    """)
}

// MARK: - CSV

@Test func csvExactText() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("name", .string), col("population", .int), col("lat", .decimal),
                             col("michelin", .bool), col("aliases", .list), col("source", .string)],
                   rows: cityIds.map { id in ["name", "population", "lat", "michelin", "aliases", "source"].map { g.value(id, $0) } })
    let text = try render(.csv, [r], graph: g)
    expectBytes(text, """
    name,population,lat,michelin,aliases,source
    Clermont-Ferrand,147284,45.7772,true,Clermont; Clermont-Fd,test
    Nyíregyháza,116799,47.95539,true,,test
    前橋市,332149,36.39111,false,Maebashi,test
    Saint-Re\u{301}my,,43.78848,false,,"survey, ""2020""
    second line"
    Oyem,30000,1.59927,false,,test

    """)
    let noHeader = try render(.csv, [r], graph: g) { $0.header = false }
    #expect(noHeader.hasPrefix("Clermont-Ferrand,"))
}

/// Odd values for the round trips: spaces at the ends, empty string vs null, separators,
/// quotes, line breaks, backslashes, tabs, decimals, lists, nodes and edges.
func oddResult(_ g: Graph) -> Result {
    Result(columns: [col("text", .string), col("n", .any), col("thing", .any)],
           rows: [[.string(" lead"), .decimal(500928.0), .node(g.node("maebashi"))],
                  [.string("trail "), .decimal(0.25), .edge(EdgeRef(type: Schema.funds, index: 0))],
                  [.string(""), .null, .list([.string("x"), .int(2)])],
                  [.null, .int(-3), .bool(false)],
                  [.string("a,b;\"c\"\r\nd"), .decimal(12.3456789), .string("tab\there \\ back\\slash")],
                  [g.value("saint-remy", "source"), .int(0), g.value("fonds", "name")]])
}

/// What a text format should give back for `v`.
func expectedText(_ v: Value, _ g: Graph) -> String {
    switch v {
    case .null: ""
    default: g.displayText(v)
    }
}

@Test func csvRoundTripsThroughPython() throws {
    let g = try miniGraph()
    let r = oddResult(g)
    let text = try render(.csv, [r], graph: g)
    #expect(text.hasPrefix("text,n,thing\n\" lead\",500928,前橋市\n\"trail \",0.25,\"Fonds \"\"Michelin\"\", Clermont → Échanges scolaires\"\n"))
    #expect(text.contains("\n\"\",,x; 2\n,-3,false\n"))
    let script = "import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8'), newline='')))))"
    guard let out = try python(script, input: text) else {
        Issue.record("python3 not found: CSV round trip skipped")
        return
    }
    let rows = try stringRows(out)
    #expect(rows.first == ["text", "n", "thing"])
    let expected = r.rows.map { $0.map { expectedText($0, g) } }
    #expect(Array(rows.dropFirst()) == expected)
    #expect(expected[4][0] == "a,b;\"c\"\r\nd")
    // A one-column result of nulls keeps its rows.
    let nulls = Result(columns: [col("x", .string)], rows: [[.null], [.string("y")], [.null]])
    let nt = try render(.csv, [nulls], graph: g)
    expectBytes(nt, "x\n\"\"\ny\n\"\"\n")
    if let back = try python(script, input: nt) { #expect(try stringRows(back) == [["x"], [""], ["y"], [""]]) }
}

// MARK: - TSV

@Test func tsvEscapesAndRoundTrips() throws {
    let g = try miniGraph()
    let r = oddResult(g)
    let text = try render(.tsv, [r], graph: g)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == r.rows.count + 2)   // header, rows, and the final empty piece
    #expect(lines[0] == "text\tn\tthing")
    expectBytes(String(lines[5]), "a,b;\"c\"\\r\\nd\t12.345679\ttab\\there \\\\ back\\\\slash")
    expectBytes(String(lines[6]), "survey, \"2020\"\\nsecond line\t0\tFonds \"Michelin\", Clermont")
    expectBytes(String(lines[3]), "\t\tx; 2")
    let script = """
    import json, re, sys
    un = lambda s: re.sub(r'\\\\(.)', lambda m: {'\\\\': '\\\\', 't': '\\t', 'n': '\\n', 'r': '\\r'}[m.group(1)], s)
    lines = sys.stdin.buffer.read().decode('utf-8').split('\\n')
    assert lines[-1] == ''
    print(json.dumps([[un(f) for f in l.split('\\t')] for l in lines[:-1]]))
    """
    guard let out = try python(script, input: text) else {
        Issue.record("python3 not found: TSV round trip skipped")
        return
    }
    let rows = try stringRows(out)
    #expect(rows.first == ["text", "n", "thing"])
    #expect(Array(rows.dropFirst()) == r.rows.map { $0.map { expectedText($0, g) } })
    let noHeader = try render(.tsv, [r], graph: g) { $0.header = false }
    #expect(noHeader.hasPrefix(" lead\t500928\t前橋市\n"))
}

// MARK: - JSON

@Test func jsonNodesAndEdgesAreObjects() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("city", .node(Schema.city)), col("org", .node(Schema.org)), col("funding", .edge(Schema.funds))],
                   rows: [[.node(g.node("oyem")), .node(g.node("fonds")), .edge(EdgeRef(type: Schema.funds, index: 0))]])
    let text = try render(.json, [r], graph: g)
    expectBytes(text, #"""
    [
      {"city": {"type": "city", "id": "oyem", "name": "Oyem", "country_code": "GA", "country": "Gabon", "continent": "Africa", "lat": 1.59927, "lon": 11.57933, "population": 30000, "michelin": false, "aliases": [], "geonames_id": 2396518, "source": "test"}, "org": {"type": "org", "id": "fonds", "name": "Fonds \"Michelin\", Clermont", "kind": "association", "city": "clermont-ferrand", "aliases": [], "source": "test"}, "funding": {"type": "funds", "from": "fonds", "to": "echanges", "amount": 500928, "year": 2019, "note": "note with \"quote\", comma\nand newline", "source": "test"}}
    ]

    """#)
}

@Test func jsonExactTextAndSeveralResults() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("name", .string), col("population", .int), col("lat", .decimal), col("aliases", .list), col("michelin", .bool)],
                   rows: ["clermont-ferrand", "saint-remy"].map { id in ["name", "population", "lat", "aliases", "michelin"].map { g.value(id, $0) } })
    let empty = Result(columns: [col("count", .int)], rows: [])
    let count = Result(columns: [col("count", .int)], rows: [[.int(29)]])
    let text = try render(.json, [r, empty, count], graph: g)
    expectBytes(text, #"""
    [
      {"name": "Clermont-Ferrand", "population": 147284, "lat": 45.7772, "aliases": ["Clermont", "Clermont-Fd"], "michelin": true},
      {"name": "Saint-Re\#u{301}my", "population": null, "lat": 43.78848, "aliases": [], "michelin": false}
    ]
    []
    [
      {"count": 29}
    ]

    """#)
    #expect(try render(.json, [Result(columns: [col("x", .decimal)], rows: [[.decimal(.nan)], [.decimal(.infinity)]])], graph: g)
            == "[\n  {\"x\": null},\n  {\"x\": null}\n]\n")
}

@Test func jsonRoundTripsThroughPythonAndFoundation() throws {
    let g = try miniGraph()
    let r = oddResult(g)
    let json = try render(.json, [r], graph: g)
    let jsonl = try render(.jsonl, [r], graph: g)
    #expect(jsonl.split(separator: "\n").count == r.rows.count)
    // Foundation reads the array, with numbers as numbers and null as null.
    let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    #expect(parsed.count == r.rows.count)
    #expect(parsed[0]["text"] as? String == " lead")
    #expect((parsed[0]["n"] as? NSNumber)?.doubleValue == 500928)
    #expect((parsed[1]["n"] as? NSNumber)?.doubleValue == 0.25)
    #expect(parsed[2]["n"] is NSNull)
    #expect(parsed[3]["text"] is NSNull)
    #expect(parsed[2]["text"] as? String == "")
    #expect(parsed[4]["text"] as? String == "a,b;\"c\"\r\nd")
    #expect(parsed[5]["text"] as? String == "survey, \"2020\"\nsecond line")
    #expect((parsed[0]["thing"] as? [String: Any])?["name"] as? String == "前橋市")
    #expect((parsed[1]["thing"] as? [String: Any])?["to"] as? String == "echanges")
    // Python reads both; each array element dumped back by Python is exactly our JSONL line
    // (same key order, separators, numbers and escapes).
    let script = """
    import json, sys
    a, l = sys.stdin.buffer.read().decode('utf-8').split('\\u0000')
    rows = json.loads(a)
    lines = [json.loads(x) for x in l.split('\\n') if x]
    assert rows == lines, (rows, lines)
    for o in rows: print(json.dumps(o, ensure_ascii=False))
    """
    guard let out = try python(script, input: json + "\u{0}" + jsonl) else {
        Issue.record("python3 not found: JSON round trip checked with Foundation only")
        return
    }
    expectBytes(out, jsonl)
}

@Test func jsonlWritesOneLinePerRow() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("name", .string), col("population", .int)],
                   rows: ["oyem", "saint-remy"].map { [g.value($0, "name"), g.value($0, "population")] })
    let text = try render(.jsonl, [r, Result(columns: r.columns, rows: []), r], graph: g)
    let line1 = #"{"name": "Oyem", "population": 30000}"#
    let line2 = #"{"name": "Saint-Re\#u{301}my", "population": null}"#
    expectBytes(text, [line1, line2, line1, line2].map { $0 + "\n" }.joined())
    #expect(JSONText.string("a\u{1}\u{2028}\\") == #""a\u0001\u2028\\""#)
}

// MARK: - Markdown

@Test func markdownExactText() throws {
    let g = try miniGraph()
    let r = Result(columns: [col("city", .node(Schema.city)), col("population", .int), col("aliases", .list), col("source", .string), col("note", .string)],
                   rows: [[.node(g.node("clermont-ferrand")), g.value("clermont-ferrand", "population"), g.value("clermont-ferrand", "aliases"), .string("test"), .string("a|b")],
                          [.node(g.node("saint-remy")), g.value("saint-remy", "population"), g.value("saint-remy", "aliases"), g.value("saint-remy", "source"), .null]])
    let any = Result(columns: [col("value", .any), col("kind", .any)], rows: [[.int(1), .string("x")], [.null, .null]])
    let text = try render(.markdown, [r, any], graph: g) { $0.header = false }
    expectBytes(text, """
    | city | population | aliases | source | note |
    |---|---:|---|---|---|
    | Clermont-Ferrand | 147284 | Clermont; Clermont-Fd | test | a\\|b |
    | Saint-Re\u{301}my |  |  | survey, "2020"<br>second line |  |

    | value | kind |
    |---:|---|
    | 1 | x |
    |  |  |

    """)
}

// MARK: - DOT

@Test func dotFromNodePairsPathsAndEdges() throws {
    let g = try miniGraph()
    let cf = Value.node(g.node("clermont-ferrand")), ny = Value.node(g.node("nyiregyhaza")), rivm = Value.node(g.node("rivm"))
    // match (a)-[]-(b): the twinning twice (deduplicated), a membership (directed).
    let pairs = Result(columns: [col("a", .node(nil)), col("b", .node(nil))], rows: [[cf, ny], [ny, cf], [cf, rivm]])
    expectBytes(try render(.dot, [pairs], graph: g), """
    digraph reseau {
      "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
      "nyiregyhaza" [label="Nyíregyháza", type="city"];
      "rivm" [label="Réseau international des villes Michelin", type="org"];
      "clermont-ferrand" -> "nyiregyhaza" [label="twin", type="twin", dir=none];
      "clermont-ferrand" -> "rivm" [label="member", type="member"];
    }

    """)
    // Only undirected links: an undirected graph. Two nodes with no edge between them get a bare link.
    let twins = Result(columns: [col("from", .node(Schema.city)), col("to", .node(Schema.city)), col("since", .int)],
                       rows: [[cf, ny, .int(1990)], [.node(g.node("maebashi")), cf, .int(2003)], [ny, .node(g.node("oyem")), .null]])
    expectBytes(try render(.dot, [twins], graph: g), """
    graph reseau {
      "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
      "nyiregyhaza" [label="Nyíregyháza", type="city"];
      "maebashi" [label="前橋市", type="city"];
      "oyem" [label="Oyem", type="city"];
      "clermont-ferrand" -- "nyiregyhaza" [label="twin", type="twin"];
      "maebashi" -- "clermont-ferrand" [label="twin", type="twin"];
      "nyiregyhaza" -- "oyem";
    }

    """)
    // A path: step, node, type, edge (the edge type's name).
    let path = Result(columns: [col("step", .int), col("node", .node(nil)), col("type", .string), col("edge", .string)],
                      rows: [[.int(0), .node(g.node("maebashi")), .string("city"), .null],
                             [.int(1), cf, .string("city"), .string("twin")],
                             [.int(2), .node(g.node("echanges")), .string("project"), .string("partner")]])
    expectBytes(try render(.dot, [path], graph: g), """
    digraph reseau {
      "maebashi" [label="前橋市", type="city"];
      "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
      "echanges" [label="Échanges scolaires", type="project"];
      "maebashi" -> "clermont-ferrand" [label="twin", type="twin", dir=none];
      "clermont-ferrand" -> "echanges" [label="partner", type="partner"];
    }

    """)
    // Edge values bring their endpoints; labels are escaped. No node at all: an empty graph.
    let edges = Result(columns: [col("e", .edge(nil)), col("amount", .decimal)],
                       rows: [[.edge(EdgeRef(type: Schema.funds, index: 0)), .decimal(500928)]])
    let empty = Result(columns: [col("count", .int)], rows: [[.int(0)]])
    expectBytes(try render(.dot, [edges, empty], graph: g), """
    digraph reseau {
      "fonds" [label="Fonds \\"Michelin\\", Clermont", type="org"];
      "echanges" [label="Échanges scolaires", type="project"];
      "fonds" -> "echanges" [label="funds", type="funds"];
    }

    graph reseau {
    }

    """)
}

/// Issue 12, item 2: the rows of graph steps carry their edge (hidden `edge`, `prev`), which
/// `dot` and `graphml` drew as bare nodes: `twins` and `nearest` gave an empty graph, `follow`
/// nodes with no link.
@Test func dotAndGraphMLCarryTheEdgesOfGraphSteps() throws {
    let twins = runQuery(#"city "Clermont-Ferrand" | twins | where name < "N""#, format: .dot)
    expectBytes(twins, """
    graph reseau {
      "gomel" [label="Gomel", type="city"];
      "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
      "aberdeen" [label="Aberdeen", type="city"];
      "braga" [label="Braga", type="city"];
      "clermont-ferrand" -- "gomel" [label="twin", type="twin"];
      "clermont-ferrand" -- "aberdeen" [label="twin", type="twin"];
      "clermont-ferrand" -- "braga" [label="twin", type="twin"];
    }

    """)
    // nearest: no edge, a link from the start labelled with the distance.
    expectBytes(runQuery(#"city "Clermont-Ferrand" | nearest cities take 2"#, format: .dot), """
    graph reseau {
      "lyon" [label="Lyon", type="city"];
      "clermont-ferrand" [label="Clermont-Ferrand", type="city"];
      "turin" [label="Turin", type="city"];
      "clermont-ferrand" -- "lyon" [label="nearest (137 km)"];
      "clermont-ferrand" -- "turin" [label="nearest (367 km)"];
    }

    """)
    // out: directed edges, from the start to each org.
    let out = runQuery(#"city "Clermont-Ferrand" | out member | where id == "rivm" or id == "enut""#, format: .dot)
    #expect(out.contains(#"  "clermont-ferrand" -> "rivm" [label="member", type="member"];"#), "\(out)")
    #expect(out.contains(#"  "clermont-ferrand" -> "enut" [label="member", type="member"];"#), "\(out)")
    // follow at depth 1..2: every row's edge, from its `prev`; each link ends at a node of the result.
    let follow = try parseGraphML(runQuery(#"city "Clermont-Ferrand" | follow twin, member depth 1..2"#, format: .graphml))
    let rows = runQuery(#"city "Clermont-Ferrand" | follow twin, member depth 1..2 | count"#, format: .csv)
    #expect(rows.contains("42"), "\(rows)")
    #expect(follow.edges.count == 42)
    let ids = Set(follow.nodes.map(\.id))
    #expect(follow.edges.allSatisfy { ids.contains($0.source) && ids.contains($0.target) })
    #expect(follow.edges.contains { $0.source == "clermont-ferrand" && $0.target == "rivm" && $0.data["e_type"] == "member" })
    #expect(follow.edges.contains { $0.source == "clermont-ferrand" && $0.target == "salford" && $0.data["e_type"] == "twin" })
    // A node scan: its rows' nodes, which no visible column holds.
    let scan = try parseGraphML(runQuery(#"cities | where name == "Cuneo" or name == "Oyem""#, format: .graphml))
    #expect(Set(scan.nodes.map(\.id)) == ["cuneo", "oyem"])
    #expect(scan.edges.isEmpty)
}

// MARK: - GraphML

/// Collects GraphML keys, nodes and edges with their data.
final class GraphMLReader: NSObject, XMLParserDelegate {
    var keys: [(id: String, for: String, name: String)] = []
    var nodes: [(id: String, data: [String: String])] = []
    var edges: [(source: String, target: String, directed: String?, data: [String: String])] = []
    var edgeDefault: String?
    var dataKey: String?
    var text = ""
    var inNode = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "key": keys.append((attributes["id"] ?? "", attributes["for"] ?? "", attributes["attr.name"] ?? ""))
        case "graph": edgeDefault = attributes["edgedefault"]
        case "node": nodes.append((attributes["id"] ?? "", [:])); inNode = true
        case "edge": edges.append((attributes["source"] ?? "", attributes["target"] ?? "", attributes["directed"], [:])); inNode = false
        case "data": dataKey = attributes["key"]; text = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if dataKey != nil { text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard name == "data", let k = dataKey else { return }
        if inNode { nodes[nodes.count - 1].data[k] = text } else { edges[edges.count - 1].data[k] = text }
        dataKey = nil
    }
}

func parseGraphML(_ text: String) throws -> GraphMLReader {
    let reader = GraphMLReader()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = reader
    let ok = parser.parse()
    #expect(ok, "GraphML does not parse: \(String(describing: parser.parserError))")
    return reader
}

@Test func graphmlIsValidXMLWithNodesAndEdges() throws {
    let g = try miniGraph()
    let cf = Value.node(g.node("clermont-ferrand")), ny = Value.node(g.node("nyiregyhaza"))
    let r = Result(columns: [col("a", .node(nil)), col("b", .node(nil)), col("e", .edge(nil))],
                   rows: [[cf, ny, .null], [ny, cf, .null], [.null, .null, .edge(EdgeRef(type: Schema.funds, index: 0))],
                          [.node(g.node("saint-remy")), .null, .null]])
    let text = try render(.graphml, [r], graph: g)
    #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml "))
    #expect(text.contains("Fonds &quot;Michelin&quot;, Clermont"))
    let x = try parseGraphML(text)
    #expect(x.keys.map { "\($0.for).\($0.name)" } == ["node.label", "node.type", "edge.label", "edge.type"])
    #expect(x.edgeDefault == "directed")
    #expect(x.nodes.map(\.id) == ["clermont-ferrand", "nyiregyhaza", "fonds", "echanges", "saint-remy"])
    #expect(x.nodes.map { $0.data["n_label"] ?? "?" } == ["Clermont-Ferrand", "Nyíregyháza", "Fonds \"Michelin\", Clermont", "Échanges scolaires", "Saint-Re\u{301}my"])
    #expect(x.nodes.map { $0.data["n_type"] ?? "?" } == ["city", "city", "org", "project", "city"])
    #expect(x.edges.count == 2)
    #expect(x.edges.first?.source == "clermont-ferrand")
    #expect(x.edges.first?.target == "nyiregyhaza")
    #expect(x.edges.first?.directed == "false")
    #expect(x.edges.first?.data == ["e_label": "twin", "e_type": "twin"])
    #expect(x.edges.last?.source == "fonds")
    #expect(x.edges.last?.directed == nil)
    #expect(x.edges.last?.data["e_type"] == "funds")
    // No node: still a valid, empty graph.
    let empty = try parseGraphML(try render(.graphml, [Result(columns: [col("n", .int)], rows: [[.int(1)]])], graph: g))
    #expect(empty.nodes.isEmpty && empty.edges.isEmpty && empty.edgeDefault == "undirected")
    #expect(GraphMLWriter.escape("a&b<c>\"'\n\u{1}") == "a&amp;b&lt;c&gt;&quot;&apos;&#10;\u{FFFD}")
    // No terminal control reaches stdout raw (graphml, svg and dot go to a terminal too): DEL and
    // the C1 controls (U+009B is CSI) become character references in XML, U+FFFD in DOT.
    #expect(GraphMLWriter.escape("\u{1B}[31m\u{7F}\u{9B}2J\u{85}é") == "\u{FFFD}[31m&#x7F;&#x9B;2J&#x85;é")
    #expect(DOTWriter.quoted("\u{1B}[31m\u{7F}\u{9B}2J\tx") == "\"\u{FFFD}[31m\u{FFFD}\u{FFFD}2J\tx\"")
}

// MARK: - makeWriter

@Test func makeWriterPicksTheFormat() throws {
    let g = try miniGraph()
    let out = StringOutput()
    let kinds: [OutputFormat: any ResultWriter.Type] = [
        .table: TableWriter.self, .line: LineWriter.self, .csv: CSVWriter.self, .tsv: TSVWriter.self, .json: JSONWriter.self,
        .jsonl: JSONLinesWriter.self, .markdown: MarkdownWriter.self, .dot: DOTWriter.self, .graphml: GraphMLWriter.self, .svg: SVGMapWriter.self,
    ]
    for f in OutputFormat.allCases {
        let w = makeWriter(OutputOptions(format: f), graph: g, output: out)
        #expect(type(of: w) == kinds[f], "\(f)")
    }
}

/// Issue 16 item 3: table and markdown held every row until the end of a result written to a
/// pipe or file. Past the first batch (`streamAfter`, 1 000 rows by default) rows go out as they
/// come; the batch decides widths and alignment, and a later, wider cell is written whole.
@Test func tableAndMarkdownStreamAfterTheFirstBatch() throws {
    let g = try miniGraph()
    let expected: [OutputFormat: String] = [
        .table: "name    n\n─────  ──\nOyem    1\nCuneo  22\nClermont-Ferrand  333\n",
        .markdown: "| name | n |\n|---|---:|\n| Oyem | 1 |\n| Cuneo | 22 |\n| Clermont-Ferrand | 333 |\n",
    ]
    for format in [OutputFormat.table, .markdown] {
        let out = StringOutput()
        let w = makeWriter(OutputOptions(format: format), graph: g, output: out)
        (w as? TableWriter)?.streamAfter = 2
        (w as? MarkdownWriter)?.streamAfter = 2
        try w.begin([col("name", .string), col("n", .int)])
        try w.row([.string("Oyem"), .int(1)])
        #expect(out.text.isEmpty)
        try w.row([.string("Cuneo"), .int(22)])
        #expect(out.text.contains("Cuneo"), "\(format): the first batch is written before the end")
        try w.row([.string("Clermont-Ferrand"), .int(333)])
        #expect(out.text.contains("Clermont-Ferrand"))
        try w.end()
        expectBytes(out.text, expected[format]!)
    }
    // A result no longer than the batch is written as before, byte for byte.
    for format in [OutputFormat.table, .markdown] {
        let whole = try render(format, [citiesResult(g), citiesResult(g)], graph: g)
        let out = StringOutput()
        let w = makeWriter(OutputOptions(format: format), graph: g, output: out)
        (w as? TableWriter)?.streamAfter = 5
        (w as? MarkdownWriter)?.streamAfter = 5
        for r in [citiesResult(g), citiesResult(g)] {
            try w.begin(r.columns)
            for row in r.rows { try w.row(row) }
            try w.end()
        }
        expectBytes(out.text, whole)
    }
    // On a terminal with every row shown (.maxrows 0), a later cell too wide for a column fitted
    // to the width is cut with …, as the first rows are.
    let out = StringOutput()
    var options = OutputOptions(format: .table)
    options.isTerminal = true
    options.terminalWidth = 24
    let w = makeWriter(options, graph: g, output: out)
    (w as? TableWriter)?.streamAfter = 1
    try w.begin([col("name", .string), col("country", .string)])
    try w.row([.string("Santiago de Querétaro"), .string("Mexico")])
    try w.row([.string("Clermont-Ferrand, Puy-de-Dôme"), .string("France")])
    try w.end()
    expectBytes(out.text, "name             country\n───────────────  ───────\nSantiago de Qu…  Mexico\nClermont-Ferra…  France\n(2 rows)\n")
}

/// Issue 10 item 5: the session's held rows are the result's one buffer — they reach the
/// writer as one batch (`ResultWriter.rows`), from which table and markdown take their layout
/// instead of copying them. A batch must write exactly what the same rows written one by one
/// write: shorter than the layout sample, longer (a later, wider cell pushed right), on a
/// terminal with a row cap, and for every other format through the default `rows`.
@Test func aBatchIsWrittenAsItsRowsOneByOne() throws {
    let g = try miniGraph()
    let columns = [col("name", .string), col("n", .int)]
    let names = ["Oyem", "Cuneo", "Clermont-Ferrand", "Ise", "Salford", "Xi'an", "Oyem", "Querétaro"]
    for count in [0, 1, 2, 3, 8] {
        let rows = (0..<count).map { [Value.string(names[$0]), .int($0 * $0 * 37)] }
        for format in OutputFormat.allCases where ![.svg].contains(format) {
            for terminal in [false, true] {
                var options = OutputOptions(format: format)
                if terminal { options.isTerminal = true; options.maxRows = 4; options.terminalWidth = 30 }
                func written(batch: Bool) throws -> String {
                    let out = StringOutput()
                    let w = makeWriter(options, graph: g, output: out)
                    (w as? TableWriter)?.streamAfter = 3
                    (w as? MarkdownWriter)?.streamAfter = 3
                    try w.begin(columns)
                    if batch { try w.rows(rows) } else { for r in rows { try w.row(r) } }
                    try w.end()
                    return out.text
                }
                let one = try written(batch: false), all = try written(batch: true)
                #expect(one == all, "\(format), \(count) rows, terminal \(terminal):\n\(one)\n--- batch:\n\(all)")
            }
        }
    }
}
