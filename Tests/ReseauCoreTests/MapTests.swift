import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ReseauCore

// `--format svg` (issue 12, item 1): each map is parsed as XML, then rendered to PNG with
// rsvg-convert (scripts/deps installs it) and its pixels counted by a small python3 script.

/// Runs `text` on the bundled network with the svg format and map options.
func mapSVG(_ text: String, size: String? = nil, color: String? = nil) -> String {
    let session = Session(graph: bundledGraph)
    var o = OutputOptions(format: .svg)
    o.map.sizeColumn = size
    o.map.colorColumn = color
    let out = StringOutput()
    let writer = makeWriter(o, graph: bundledGraph, output: out)
    do {
        try session.run(SourceText(name: "-e", text: text), to: writer)
        return out.text
    } catch {
        return out.text + error.rendered
    }
}

/// The elements of an SVG file: name, attributes and text, in document order.
final class SVGReader: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String], text: String)] = []
    var open: [Int] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append((name, attributes, ""))
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if let i = open.last { elements[i].text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }

    func all(_ name: String) -> [(name: String, attributes: [String: String], text: String)] { elements.filter { $0.name == name } }
    /// The texts of `<text>` elements.
    var texts: [String] { all("text").map(\.text) }
}

func parseSVG(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SVGReader {
    let reader = SVGReader()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = reader
    #expect(parser.parse(), "the SVG does not parse: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    return reader
}

/// Counts the pixels of a PNG (RGBA or RGB, 8 bits, as rsvg-convert writes) by colour; prints
/// JSON: width, height, distinct colours, and the share of pixels near each colour asked for.
let pngCounter = #"""
import json, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 4 if ctype == 6 else 3
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
rows, prev, i = [], bytearray(stride), 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
want = [tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in sys.argv[2:]]
counts, colours = [0] * len(want), set()
for line in rows:
    for x in range(0, stride, bpp):
        px = tuple(line[x:x + 3]); colours.add(px)
        for k, c in enumerate(want):
            if abs(px[0] - c[0]) + abs(px[1] - c[1]) + abs(px[2] - c[2]) <= 12: counts[k] += 1
print(json.dumps({"width": w, "height": h, "colours": len(colours), "shares": [n / (w * h) for n in counts]}))
"""#

struct PNGStats: Decodable { let width: Int; let height: Int; let colours: Int; let shares: [Double] }

/// Renders `svg` to PNG with rsvg-convert (at half size: fewer pixels for python to count) and counts its pixels near `colours` (`#rrggbb`).
func renderPNG(_ svg: String, name: String, colours: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> PNGStats? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reseau-maps-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let svgURL = dir.appendingPathComponent(name + ".svg"), pngURL = dir.appendingPathComponent(name + ".png")
    try svg.write(to: svgURL, atomically: true, encoding: .utf8)
    func run(_ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
    let (status, message) = try run(["rsvg-convert", "--zoom", "0.5", svgURL.path, "-o", pngURL.path])
    if status == 127 {
        Issue.record("rsvg-convert is missing: run scripts/deps (it installs librsvg2-bin)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(status == 0, "rsvg-convert failed: \(message)", sourceLocation: sourceLocation)
    guard status == 0 else { return nil }
    let (pyStatus, json) = try run(["python3", "-c", pngCounter, pngURL.path] + colours)
    #expect(pyStatus == 0, "\(json)", sourceLocation: sourceLocation)
    guard pyStatus == 0 else { return nil }
    return try JSONDecoder().decode(PNGStats.self, from: Data(json.utf8))
}

let landColour = "#f1ede1", oceanColour = "#dbe9f4", cityColour = "#1c7ed6"

@Test func twinsMapDrawsClermontAndItsSevenTwinsOnLand() throws {
    let text = mapSVG(#"city "Clermont-Ferrand" | twins"#)
    #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
    let svg = try parseSVG(text)
    let twins = ["Salford", "Regensburg", "Gomel", "Aberdeen", "Oviedo", "Norman", "Braga"]
    for name in ["Clermont-Ferrand"] + twins { #expect(svg.texts.contains(name), "no label \(name)") }
    #expect(svg.all("title").first?.text == #"city "Clermont-Ferrand" | twins"#)
    #expect(svg.all("desc").first?.text.contains("Natural Earth 1:110m") == true)
    #expect(svg.texts.contains("8 cities") && svg.texts.contains("twin (7)"))
    // Eight dots and seven arcs (land, graticule and sphere are paths too, and one legend line).
    let dots = svg.all("circle").filter { $0.attributes["fill"] == cityColour }
    #expect(dots.count == 8 + 1)  // + the legend's
    #expect(svg.all("path").filter { $0.attributes["stroke"] == "#7048e8" }.count == 7 + 1)
    // Self-contained: no script, no external reference.
    #expect(!text.contains("<script") && !text.contains("href") && !text.contains("url(http") && !text.contains("@import"))
    // Every city is on land in the outlines the map draws, or (Aberdeen, on a coast the 1:110m
    // outline simplifies) within 10 km of it: less than the dot's radius at this scale.
    for name in ["Clermont-Ferrand"] + twins {
        let n = try #require(bundledGraph.lookup(name, type: Schema.city).first)
        let p = try #require(MapDrawing.coordinates(n, bundledGraph))
        let onLand = MapLand.rings.contains { pointInRing(p, $0) }
        #expect(onLand || (name == "Aberdeen" && kilometresToLand(p) < 10), "\(name) is not on land (\(kilometresToLand(p)) km off)")
    }
    let stats = try #require(try renderPNG(text, name: "twins", colours: [landColour, oceanColour, cityColour]))
    #expect(stats.width == 500)  // the 1000-pixel map at half size
    #expect(stats.colours > 50)
    #expect(stats.shares[0] > 0.2, "land covers \(stats.shares[0])")
    #expect(stats.shares[1] > 0.2, "ocean covers \(stats.shares[1])")
    #expect(stats.shares[2] > 0.0003, "city dots cover \(stats.shares[2])")
}

/// Distance from `p` to the nearest land outline, in km (0 inside), along the outline's segments.
func kilometresToLand(_ p: LonLat) -> Double {
    if MapLand.rings.contains(where: { pointInRing(p, $0) }) { return 0 }
    let k = cos(p.lat * .pi / 180)
    var best = Double.infinity
    for ring in MapLand.rings {
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            let ax = (a.lon - p.lon) * k, ay = a.lat - p.lat, bx = (b.lon - p.lon) * k, by = b.lat - p.lat
            let dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy
            let t = len == 0 ? 0 : max(0, min(1, -(ax * dx + ay * dy) / len))
            let x = ax + t * dx, y = ay + t * dy
            best = min(best, (x * x + y * y).squareRoot() * 111.2)
        }
    }
    return best
}

func pointInRing(_ p: LonLat, _ ring: [LonLat]) -> Bool {
    var inside = false
    var j = ring.count - 1
    for i in ring.indices {
        let a = ring[i], b = ring[j]
        if (a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon { inside.toggle() }
        j = i
    }
    return inside
}

@Test func pathMapIsANumberedChain() throws {
    let text = mapSVG(#"path "Aberdeen" to "Chennai""#)
    let svg = try parseSVG(text)
    // Step badges 0, 1, 2 on the chain, the org (RIVM) beside its city.
    let badges = svg.all("text").filter { $0.attributes["fill"] == "#ffffff" }.map(\.text)
    #expect(badges.prefix(3).sorted() == ["0", "1", "2"])
    #expect(svg.texts.contains("Aberdeen") && svg.texts.contains("Chennai") && svg.texts.contains("RIVM"))
    #expect(svg.texts.contains("path, step by step"))
    #expect(svg.all("path").filter { $0.attributes["stroke"] == "#c92a2a" }.count == 2)
    let stats = try #require(try renderPNG(text, name: "path", colours: [landColour, "#c92a2a"]))
    #expect(stats.shares[0] > 0.2 && stats.shares[1] > 0.001, "\(stats)")
}

@Test func nearestMapLinksTheStartToEachCity() throws {
    let text = mapSVG(#"city "Clermont-Ferrand" | nearest cities take 5"#)
    let svg = try parseSVG(text)
    #expect(svg.texts.contains("nearest (5)"))
    // A small extent: the finer outline.
    #expect(svg.all("desc").first?.text.contains("Natural Earth 1:10m") == true)
    let dashed = svg.all("path").filter { $0.attributes["stroke-dasharray"] != nil }
    #expect(dashed.count == 5 + 1)
    for name in ["Clermont-Ferrand", "Lyon", "Turin", "Cuneo"] { #expect(svg.texts.contains(name)) }
    let stats = try #require(try renderPNG(text, name: "nearest", colours: [landColour, cityColour]))
    #expect(stats.shares[0] > 0.3 && stats.shares[1] > 0.0002, "\(stats)")
}

@Test func memberNetworkMapIsLegible() throws {
    let text = mapSVG(#"match (c:city)-[:member]->(o:org {name: "RIVM"})"#)
    let svg = try parseSVG(text)
    let members = Int(runQuery(#"match (c:city)-[:member]->(:org {name: "RIVM"}) | count"#, format: .csv).filter(\.isNumber))!
    #expect(svg.texts.contains("\(members) cities"))
    #expect(svg.texts.contains("member (\(members))"))
    #expect(svg.texts.contains("1 org at its city"))
    // Labels: no two overlap (their boxes as placed), and most cities have one.
    let labels = svg.all("text").filter { $0.attributes["text-anchor"] != nil && $0.attributes["fill"] == nil }
    #expect(labels.count >= members * 2 / 3, "\(labels.count) labels")
    let stats = try #require(try renderPNG(text, name: "rivm", colours: [landColour, oceanColour]))
    #expect(stats.shares[0] > 0.15 && stats.shares[1] > 0.3, "\(stats)")
}

@Test func labelsDoNotOverlap() {
    var placer = LabelPlacer(frame: Box(x0: 0, y0: 0, x1: 400, y1: 300), dots: [])
    var boxes: [Box] = []
    // Twelve cities on top of each other: eight positions, then no room.
    for i in 0..<12 {
        if let l = placer.place("City \(i)", x: 200, y: 150, r: 4, size: 12) { boxes.append(l.box) }
    }
    #expect(boxes.count >= 3)
    // Further out, with a leader line from the dot's edge to the label.
    for _ in 0..<3 {
        if let l = placer.place("Far", x: 200, y: 150, r: 4, size: 9.5, reach: 32) {
            boxes.append(l.box)
            #expect(l.leader != nil)
            if let d = l.leader { #expect(abs((d.x0 - 200) * (d.x0 - 200) + (d.y0 - 150) * (d.y0 - 150) - 16) < 0.01) }
        }
    }
    #expect(boxes.count >= 5)
    for i in boxes.indices { for j in boxes.indices where i < j { #expect(!boxes[i].overlaps(boxes[j])) } }
    // Near the right edge the label goes to the left.
    var edge = LabelPlacer(frame: Box(x0: 0, y0: 0, x1: 400, y1: 300), dots: [])
    #expect(edge.place("Clermont-Ferrand", x: 390, y: 150, r: 4, size: 12)?.anchor == "end")
}

@Test func sizeAndColourByColumn() throws {
    let text = mapSVG(#"city "Clermont-Ferrand" | twins"#, size: "population", color: "michelin")
    let svg = try parseSVG(text)
    // michelin: Clermont-Ferrand true (orange), its twins false (blue); sizes grow with population.
    #expect(svg.texts.contains("michelin: true") && svg.texts.contains("michelin: false"))
    let dots = svg.all("circle").filter { $0.attributes["fill"] == "#e8590c" || $0.attributes["fill"] == "#1c7ed6" }
    #expect(dots.filter { $0.attributes["fill"] == "#e8590c" }.count == 1 + 1)
    let radii = Set(dots.compactMap { $0.attributes["r"] })
    #expect(radii.count > 4, "\(radii)")
    #expect(svg.texts.contains { $0.hasPrefix("population ") })
    // A text column: one colour per value; an unknown column: an error that lists the names.
    let byCountry = try parseSVG(mapSVG(#"city "Clermont-Ferrand" | twins"#, color: "country"))
    #expect(byCountry.texts.contains("country: France") && byCountry.texts.contains("country: Belarus"))
    let bad = mapSVG(#"city "Clermont-Ferrand" | twins"#, size: "populaton")
    #expect(bad.contains("error: --map-size populaton: the result has no column 'populaton', and cities have no such field"), "\(bad)")
    #expect(bad.contains("population"))
    let notNumber = mapSVG(#"city "Clermont-Ferrand" | twins"#, size: "name")
    #expect(notNumber.contains("error: --map-size name: 'name' is string, not a number"), "\(notNumber)")
}

@Test func mapErrors() throws {
    // No coordinates: a clear error at the query, not an empty map.
    let none = mapSVG("fundings | group by year: total = sum(amount)")
    #expect(none.hasPrefix("error: --format svg draws cities, and this result holds none"), "\(none)")
    #expect(none.contains(" --> -e:1:1"))
    let empty = mapSVG(#"city "Oyem" | twins"#)
    #expect(empty.contains("error: --format svg draws cities, and this result is empty"), "\(empty)")
    let selected = mapSVG(#"city "Clermont-Ferrand" | twins | select name"#)
    #expect(selected.contains("after select, keep the node: select node, name"), "\(selected)")
    #expect(try parseSVG(mapSVG(#"city "Clermont-Ferrand" | twins | select node, name"#)).texts.contains("Salford"))
    let projects = mapSVG("projects")
    #expect(projects.contains("error: --format svg draws cities") && projects.contains("have no place"), "\(projects)")
    // Two results: the first map is not followed by a second document.
    let two = mapSVG(#"city "Cuneo"; city "Oyem""#)
    #expect(two.contains("error: --format svg draws one result, and this is a second one"), "\(two)")
}

/// Merge of maps with main: a result longer than the session's buffer streams, and main's
/// streaming path wraps a writer's error as an output failure ("cannot write the result"); a
/// map's own error from `begin` (a --map-size column the result lacks) must stay the query error
/// it is, located at the query.
@Test func aStreamedMapReportsItsColumnErrorAtTheQuery() throws {
    let session = Session(graph: bundledGraph)
    session.bufferRows = 2
    var o = OutputOptions(format: .svg)
    o.map.sizeColumn = "nope"
    let writer = makeWriter(o, graph: bundledGraph, output: StringOutput())
    do {
        try session.run(SourceText(name: "-e", text: "cities"), to: writer)
        Issue.record("no error")
    } catch {
        guard case .failed = error else { Issue.record("not a query error: \(error.rendered)"); return }
        #expect(error.rendered.hasPrefix("error: --map-size nope: the result has no column 'nope'"), "\(error.rendered)")
        #expect(error.rendered.contains(" --> -e:1:1"))
    }
}

@Test func mapTextIsEscaped() throws {
    let text = mapSVG(#"cities | where name == "<a & 'b'>" or name == "Cuneo""#)
    let svg = try parseSVG(text)
    #expect(svg.all("title").first?.text == #"cities | where name == "<a & 'b'>" or name == "Cuneo""#)
    #expect(text.contains("&lt;a &amp; &apos;b&apos;&gt;"))
    #expect(svg.texts.contains("Cuneo"))
}

@Test func landDataAndProjection() {
    #expect(MapLand.rings.count == MapLand.worldRingCount)
    #expect(MapLand.rings.map(\.count).reduce(0, +) == MapLand.worldPointCount)
    #expect(MapLand.fineRings.count == MapLand.fineRingCount)
    #expect(MapLand.fineRings.map(\.count).reduce(0, +) == MapLand.finePointCount)
    for rings in [MapLand.rings, MapLand.fineRings] {
        #expect(rings.allSatisfy { r in r.allSatisfy { abs($0.lon) <= 180 && abs($0.lat) <= 90 } })
        #expect(rings.contains { pointInRing(LonLat(lon: 2.35, lat: 48.85), $0) })      // Paris
        #expect(!rings.contains { pointInRing(LonLat(lon: -30, lat: 40), $0) })         // the Atlantic
    }
    // Every city of the network is on land in the 1:10m outline (1:110m puts Aberdeen 2 km out at sea).
    for n in (0..<bundledGraph.nodes[Schema.city].count).map({ NodeRef(type: Schema.city, index: $0) }) {
        let p = MapDrawing.coordinates(n, bundledGraph)!
        #expect(MapLand.fineRings.contains { pointInRing(p, $0) }, "\(bundledGraph.name(of: n)) is off the 1:10m land")
    }
    // Equal Earth: the equator ends at x = 2√3·π / (3·A1), the pole at y = θ(A1 + A2θ² + A3θ⁶ + A4θ⁸), θ = π/3.
    let e = EqualEarth.project(relativeLon: 180, lat: 0)
    #expect(abs(e.x - 2.70663) < 1e-4 && abs(e.y) < 1e-12)
    let pole = EqualEarth.project(relativeLon: 0, lat: 90)
    #expect(abs(pole.x) < 1e-12 && abs(pole.y - 1.31738) < 1e-4)
    // The centre meridian: Greenwich for Europe and the Americas, the Pacific for Japan and California.
    #expect(EqualEarth.centre(of: [3, -97, 139]) == 0)
    #expect(abs(EqualEarth.centre(of: [139, -122]) + 171.5) <= 1)
}

@Test func pacificMapIsCentredOnThePacific() throws {
    // Japan to Mexico: the map turns to the middle of the Pacific, land unwrapped across ±180°.
    let text = mapSVG(#"cities | where name in ["Maebashi", "Shanghai", "Bangkok", "Norman", "Montréal", "Santiago de Querétaro"]"#)
    let svg = try parseSVG(text)
    #expect(svg.texts.contains("6 cities"))
    let x = { (name: String) -> Double in
        Double(svg.all("text").first { $0.text == name }?.attributes["x"] ?? "") ?? .nan
    }
    // Asia on the left, the Americas on the right, the ocean between.
    #expect(x("Bangkok") < x("Maebashi") && x("Maebashi") < x("Norman") && x("Norman") < x("Montréal"))
    #expect(x("Norman") - x("Maebashi") > 300)
    let stats = try #require(try renderPNG(text, name: "pacific", colours: [landColour, oceanColour]))
    #expect(stats.shares[0] > 0.15 && stats.shares[1] > 0.3, "\(stats)")
}

@Test func ctrlCStopsAMapBeingDrawn() throws {
    // The flag Ctrl-C sets, set after the rows came and before the map is drawn: end() stops
    // with Interrupted (which Session reports as an interruption), and writes nothing.
    let flag = CancellationFlag()
    let out = StringOutput()
    let writer = SVGMapWriter(options: OutputOptions(format: .svg), graph: bundledGraph, output: out)
    let text = "cities"
    try writer.begin([ResultColumn(name: "id", type: .string)], hidden: [ResultColumn(name: "node", type: .node(Schema.city))],
                     query: QueryText(source: SourceText(name: "-e", text: text), span: Span(0, text.utf8.count), cancellation: flag))
    for i in 0..<bundledGraph.nodes[Schema.city].count {
        let n = NodeRef(type: Schema.city, index: i)
        try writer.row([.string(bundledGraph.id(of: n)), .node(n)])
    }
    flag.cancel()
    #expect(throws: Interrupted.self) { try writer.end() }
    #expect(out.text.isEmpty)
}
