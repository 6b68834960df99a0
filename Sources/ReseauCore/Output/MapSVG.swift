#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `--map-size` and `--map-color` (`.map-size`, `.map-color`) ask of the `svg` format.
public struct MapOptions: Sendable, Equatable {
    /// A numeric column (or city field): dot areas proportional to its values.
    public var sizeColumn: String?
    /// A column (or city field): dot colours by its values — one colour per boolean or text value
    /// (eight at most, the rest grey), a light-to-dark ramp for numbers.
    public var colorColumn: String?
    /// Width of the drawing in pixels.
    public var width = 1000
    public init() {}
}

/// The `svg` format: a map of the nodes and links a result holds (see `GraphCollector`).
///
/// - Nodes with coordinates (cities) are dots at their place; an org or event is a small square
///   beside the city of its `city` field; other nodes (projects, claims…) have no place and are
///   counted in the legend. A result with no node that has a place is an error.
/// - The Equal Earth projection, centred on the middle of the cities' longitudes (Greenwich
///   unless they lie far from it), the extent fitted to the cities with a margin; land from
///   Natural Earth 1:110m (`MapLand`), a 10° or 30° graticule.
/// - Links are great-circle arcs, one colour per edge type; `nearest` links are dashed; a
///   `path` result is a red chain with each node's step number on it.
/// - Labels (node names, cut at 30 characters) are placed greedily without overlap
///   (`LabelPlacer`); the legend says how many could not be placed.
/// - Title: the query; a legend below the map. The file is self-contained: no script, no
///   external font or image; every text XML-escaped.
///
/// One result per file: a second result is an error.
public final class SVGMapWriter: NetworkWriter {
    let graph: Graph
    let output: TextOutput
    let options: MapOptions
    var collector: GraphCollector
    var query: QueryText?
    /// Results begun (a second one is an error).
    public private(set) var results = 0
    var columns: [ResultColumn] = []
    var sizeIndex: Int?, colorIndex: Int?
    /// The size and colour values of each node that is a row's node (first row only).
    var sizeOf: [NodeRef: Value] = [:], colorOf: [NodeRef: Value] = [:]
    /// Whether a node's colour is compared as a number.
    var colorIsNumber = false

    public init(options: OutputOptions, graph: Graph, output: TextOutput) {
        self.graph = graph; self.output = output; self.options = options.map
        collector = GraphCollector(graph: graph)
    }

    public func begin(_ columns: [ResultColumn]) throws {
        try begin(columns, hidden: [], query: QueryText(source: SourceText(name: "-", text: ""), span: Span(0, 0)))
    }

    public func begin(_ columns: [ResultColumn], hidden: [ResultColumn], query: QueryText) throws {
        self.query = query
        results += 1
        if results > 1 {
            throw Diagnostic(.run, "--format svg draws one result, and this is a second one", at: query.span,
                             hint: "write each query's map to its own file (-o FILE)")
        }
        self.columns = columns
        collector.begin(columns, hidden: hidden)
        sizeIndex = try resolve(options.sizeColumn, flag: "--map-size", numeric: true)
        colorIndex = try resolve(options.colorColumn, flag: "--map-color", numeric: false)
        if let c = options.colorColumn {
            let t = colorIndex.map { columns[$0].type } ?? cityField(c)?.type
            colorIsNumber = t == .int || t == .decimal
        }
    }

    /// A field named `name` of the places a map shows (cities: the schema's place type).
    func cityField(_ name: String) -> (index: Int, type: ValueType)? {
        let def = graph.schema.nodeTypes[graph.schema.placeType]
        guard let i = def.fieldIndex(name) else { return nil }
        return (i, def.fields[i].type)
    }

    /// The column `name` of the result; nil when it is a city field instead; an error when it is
    /// neither (or not numeric where it must be).
    func resolve(_ name: String?, flag: String, numeric: Bool) throws -> Int? {
        guard let name, let query else { return nil }
        let index = columns.firstIndex { $0.name == name }
        let type = index.map { columns[$0].type } ?? cityField(name)?.type
        guard let type else {
            let names = columns.map(\.name) + graph.schema.nodeTypes[graph.schema.placeType].fields.map(\.name)
            var seen = Set<String>()
            throw Diagnostic(.run, "\(flag) \(name): the result has no column '\(name)', and cities have no such field", at: query.span,
                             hint: "columns and city fields: " + names.filter { seen.insert($0).inserted }.joined(separator: ", "))
        }
        if numeric && !(type == .int || type == .decimal || type == .null || type == .any) {
            throw Diagnostic(.run, "\(flag) \(name): '\(name)' is \(type), not a number", at: query.span,
                             hint: "dot sizes come from a numeric column, such as population")
        }
        return index
    }

    /// Rows received.
    var rowCount = 0

    public func row(_ values: [Value]) throws {
        rowCount += 1
        collector.row(values)
        guard sizeIndex != nil || colorIndex != nil else { return }
        var node: NodeRef? = nil
        if let h = collector.hiddenNode, h < values.count, case .node(let n) = values[h] { node = n }
        if node == nil {
            for v in values.prefix(columns.count) { if case .node(let n) = v { node = n; break } }
        }
        guard let node else { return }
        if let s = sizeIndex, sizeOf[node] == nil { sizeOf[node] = values[s] }
        if let c = colorIndex, colorOf[node] == nil { colorOf[node] = values[c] }
    }

    /// The value of `--map-size`/`--map-color` for `n`: its row's, else its city field.
    func value(_ n: NodeRef, _ table: [NodeRef: Value], _ name: String?) -> Value {
        if let v = table[n] { return v }
        guard let name, n.type == graph.schema.placeType, let f = cityField(name) else { return .null }
        return graph.field(n, f.index)
    }

    public func end() throws {
        guard let query else { return }
        let map = try MapDrawing(writer: self, query: query)
        try output.write(try map.svg())
        try output.flush()
    }
}

/// The drawing of one result: places, projection, extent, then the SVG text.
struct MapDrawing {
    struct Place {
        var node: NodeRef
        var at: LonLat
        /// Screen position.
        var x = 0.0, y = 0.0
        var r = 5.0
        var isCity: Bool
        var fill = "#1c7ed6"
        var label: String
        var degree = 0
        var step: Int?
    }

    let writer: SVGMapWriter
    let graph: Graph
    let query: QueryText
    var places: [Place] = []
    var index: [NodeRef: Int] = [:]
    var unplaced = 0
    var projection: EqualEarth
    let width: Double
    var height = 0.0
    /// Projected extent shown: x0…x1, y0…y1 (y north).
    var ex0 = 0.0, ex1 = 0.0, ey0 = 0.0, ey1 = 0.0
    var legendColors: [(String, String)] = []
    /// The labels placed (index into `places`, position).
    var labels: [(Int, PlacedLabel)] = []
    /// Labels tried at most: beyond, a map is a cloud of dots anyway.
    static let maxLabels = 1000
    var sizeLegend: (min: Double, max: Double, rMin: Double, rMax: Double)?

    static let titleHeight = 40.0
    static let palette = ["#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d"]
    static let edgePalette = ["#7048e8", "#e67700", "#2b8a3e", "#c2255c", "#0b7285", "#862e9c", "#d9480f", "#5c940d"]

    init(writer: SVGMapWriter, query: QueryText) throws {
        self.writer = writer
        self.graph = writer.graph
        self.query = query
        width = Double(max(300, writer.options.width))
        let c = writer.collector
        // 1. Places.
        var cityAt: [NodeRef: LonLat] = [:]
        for (k, n) in c.nodes.enumerated() {
            if k & 4095 == 0 { try query.cancellation?.check() }
            if let p = MapDrawing.coordinates(n, graph) {
                cityAt[n] = p
                index[n] = places.count
                places.append(Place(node: n, at: p, isCity: true, label: MapDrawing.label(graph.name(of: n))))
            }
        }
        for n in c.nodes where index[n] == nil {
            let def = graph.schema[n.type]
            if let f = def.placeField, case .node(let city) = graph.field(n, f), let p = MapDrawing.coordinates(city, graph) {
                index[n] = places.count
                places.append(Place(node: n, at: p, isCity: false, label: MapDrawing.label(MapDrawing.shortName(n, graph))))
            } else {
                unplaced += 1
            }
        }
        guard writer.rowCount > 0 else {
            throw Diagnostic(.run, "--format svg draws cities, and this result is empty", at: query.span,
                             hint: "there is nothing to map; the table format shows it with its header")
        }
        guard !places.isEmpty else {
            throw Diagnostic(.run, "--format svg draws cities, and this result holds none (nor an org or event with a city)", at: query.span,
                             hint: c.nodes.isEmpty ? "return cities (cities | …, city \"…\" | twins); after select, keep the node: select node, name"
                                                   : "its \(c.nodes.count) node\(c.nodes.count == 1 ? "" : "s") have no place; try --format dot or table")
        }
        for l in c.links {
            if let a = index[l.from], let b = index[l.to] { places[a].degree += 1; places[b].degree += 1 }
        }
        for (s, n) in c.pathSteps { if let i = index[n], places[i].step == nil { places[i].step = s } }
        projection = EqualEarth(centre: EqualEarth.centre(of: places.map(\.at.lon)))
        styleDots()
        fitExtent()
        // Screen positions; nodes placed at a city go round it.
        var byCity: [String: [Int]] = [:]
        for i in places.indices {
            let (x, y) = screen(places[i].at)
            places[i].x = x; places[i].y = y
            if !places[i].isCity { byCity["\(places[i].at.lon),\(places[i].at.lat)", default: []].append(i) }
        }
        for (_, group) in byCity.sorted(by: { $0.value[0] < $1.value[0] }) {
            let hasCity = places.contains { $0.isCity && abs($0.x - places[group[0]].x) < 0.5 && abs($0.y - places[group[0]].y) < 0.5 }
            if group.count == 1 && !hasCity { continue }
            let radius = 14.0 + Double(group.count) * 1.5
            for (k, i) in group.enumerated() {
                let angle = -Double.pi / 2 + 2 * Double.pi * Double(k) / Double(group.count)
                places[i].x += radius * cos(angle); places[i].y += radius * sin(angle)
            }
        }
        labels = try placeLabels()
    }

    static func coordinates(_ n: NodeRef, _ graph: Graph) -> LonLat? {
        guard let (lat, lon) = graph.position(of: n, graph.schema.nodeTypes.mapByID(\.coordinates)),
              lat.isFinite, lon.isFinite, abs(lat) <= 90, abs(lon) <= 360 else { return nil }
        return LonLat(lon: lon, lat: lat)
    }

    /// A node's name, or for a name over 24 characters its shortest alias ("RIVM"), when it has one.
    static func shortName(_ n: NodeRef, _ graph: Graph) -> String {
        let name = graph.name(of: n)
        guard name.count > 24, let f = graph.schema[n.type].aliasField,
              case .list(let aliases) = graph.field(n, f) else { return name }
        let short = aliases.compactMap { v -> String? in if case .string(let a) = v, a.count >= 2 { a } else { nil } }
            .min { $0.count < $1.count || ($0.count == $1.count && $0 < $1) }
        return short.map { $0.count < name.count ? $0 : name } ?? name
    }

    static func label(_ s: String) -> String {
        let one = s.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        return one.count > 30 ? String(one.prefix(29)) + "…" : one
    }

    // MARK: dots

    mutating func styleDots() {
        let opt = writer.options
        if let name = opt.sizeColumn {
            let values = places.map { writer.value($0.node, writer.sizeOf, name).number.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
            let maxV = values.compactMap { $0 }.max() ?? 0
            let minV = values.compactMap { $0 }.min() ?? 0
            for i in places.indices {
                if let v = values[i], maxV > 0 { places[i].r = 3 + 11 * (v / maxV).squareRoot() } else { places[i].r = 2.5 }
            }
            if maxV > 0 { sizeLegend = (minV, maxV, 3 + 11 * (minV / maxV).squareRoot(), 14) }
        }
        if let name = opt.colorColumn {
            let values = places.map { writer.value($0.node, writer.colorOf, name) }
            if writer.colorIsNumber {
                let nums = values.compactMap { $0.number.flatMap { $0.isFinite ? $0 : nil } }
                let lo = nums.min() ?? 0, hi = nums.max() ?? 0
                for i in places.indices where places[i].isCity || writer.colorOf[places[i].node] != nil {
                    if let v = values[i].number, v.isFinite {
                        places[i].fill = MapDrawing.ramp(hi > lo ? (v - lo) / (hi - lo) : 1)
                    } else { places[i].fill = "#adb5bd" }
                }
                if !nums.isEmpty {
                    legendColors = [("\(name): " + formatDecimal(lo), MapDrawing.ramp(0)), (formatDecimal(hi), MapDrawing.ramp(1))]
                }
            } else {
                var order: [String] = []
                var colour: [String: String] = [:]
                var hasOther = false, hasNull = false
                for (i, v) in values.enumerated() {
                    // An org or event beside its city keeps its own look unless it is a row of the result.
                    if !places[i].isCity && writer.colorOf[places[i].node] == nil { continue }
                    if isNullish(v) { places[i].fill = "#adb5bd"; hasNull = true; continue }
                    let key = graph.displayText(v)
                    if colour[key] == nil {
                        if case .bool(let b) = v { colour[key] = b ? "#e8590c" : "#1c7ed6" }
                        else if order.filter({ colour[$0] != "#868e96" }).count < MapDrawing.palette.count {
                            colour[key] = MapDrawing.palette[order.filter({ colour[$0] != "#868e96" }).count]
                        } else { colour[key] = "#868e96"; hasOther = true }
                        order.append(key)
                    }
                    places[i].fill = colour[key]!
                }
                for key in order.sorted() where colour[key] != "#868e96" { legendColors.append(("\(name): \(MapDrawing.label(key))", colour[key]!)) }
                if hasOther { legendColors.append(("\(name): other", "#868e96")) }
                if hasNull { legendColors.append(("\(name): null", "#adb5bd")) }
            }
        }
        for i in places.indices where !places[i].isCity {
            if opt.colorColumn == nil || writer.colorOf[places[i].node] == nil { places[i].fill = "#495057" }
            if opt.sizeColumn == nil || writer.sizeOf[places[i].node] == nil { places[i].r = 4.5 }
        }
    }

    /// Light blue (0) to dark blue (1).
    static func ramp(_ t: Double) -> String {
        let t = max(0, min(1, t))
        let a = (165.0, 216.0, 255.0), b = (16.0, 60.0, 120.0)
        func hex(_ v: Double) -> String {
            let n = Int(v.rounded()), d = Array("0123456789abcdef")
            return String([d[n / 16], d[n % 16]])
        }
        return "#" + hex(a.0 + (b.0 - a.0) * t) + hex(a.1 + (b.1 - a.1) * t) + hex(a.2 + (b.2 - a.2) * t)
    }

    // MARK: extent

    mutating func fitExtent() {
        var xs: [Double] = [], ys: [Double] = []
        for p in places {
            let (x, y) = projection.project(p.at)
            xs.append(x); ys.append(y)
        }
        for l in writer.collector.links {
            guard let a = index[l.from], let b = index[l.to] else { continue }
            for q in greatCircle(places[a].at, places[b].at, stepDegrees: 5) {
                let (x, y) = projection.project(q)
                xs.append(x); ys.append(y)
            }
        }
        var x0 = xs.min()!, x1 = xs.max()!, y0 = ys.min()!, y1 = ys.max()!
        // A margin, and at least about 6° of latitude for one city.
        let minSpan = 0.12
        if x1 - x0 < minSpan { let m = (x0 + x1) / 2; x0 = m - minSpan / 2; x1 = m + minSpan / 2 }
        if y1 - y0 < minSpan * 0.6 { let m = (y0 + y1) / 2; y0 = m - minSpan * 0.3; y1 = m + minSpan * 0.3 }
        let mx = (x1 - x0) * 0.12, my = (y1 - y0) * 0.14
        x0 -= mx; x1 += mx; y0 -= my; y1 += my
        // Not (much) beyond the world.
        x0 = max(x0, -2.78); x1 = min(x1, 2.78); y0 = max(y0, -1.36); y1 = min(y1, 1.36)
        // Aspect between 0.45 and 0.8 (height / width).
        var aspect = (y1 - y0) / (x1 - x0)
        if aspect > 0.8 {
            let w = (y1 - y0) / 0.8, m = (x0 + x1) / 2
            x0 = m - w / 2; x1 = m + w / 2
            aspect = 0.8
        } else if aspect < 0.45 {
            let h = (x1 - x0) * 0.45, m = (y0 + y1) / 2
            y0 = m - h / 2; y1 = m + h / 2
            aspect = 0.45
        }
        // Slide the window back over the sphere where it sticks out on one side only.
        let top = EqualEarth.project(relativeLon: 0, lat: 90).y, side = EqualEarth.project(relativeLon: 180, lat: 0).x
        if y1 > top && y0 > -top { let d = min(y1 - top, y0 + top); y0 -= d; y1 -= d }
        if y0 < -top && y1 < top { let d = min(-top - y0, top - y1); y0 += d; y1 += d }
        if x1 > side && x0 > -side { let d = min(x1 - side, x0 + side); x0 -= d; x1 -= d }
        if x0 < -side && x1 < side { let d = min(-side - x0, side - x1); x0 += d; x1 += d }
        ex0 = x0; ex1 = x1; ey0 = y0; ey1 = y1
        height = (width * aspect).rounded()
    }

    func screen(_ p: LonLat) -> (Double, Double) {
        let (x, y) = projection.project(p)
        return screen(x, y)
    }

    func screen(_ x: Double, _ y: Double) -> (Double, Double) {
        ((x - ex0) / (ex1 - ex0) * width, (ey1 - y) / (ey1 - ey0) * height)
    }

    // MARK: SVG

    func svg() throws -> String {
        try query.cancellation?.check()
        let legend = legendItems()
        let legendHeight = legendLayout(legend).height
        let total = MapDrawing.titleHeight + height + legendHeight
        let w = num(width), h = num(height)
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(num(total))" viewBox="0 0 \(w) \(num(total))" font-family="DejaVu Sans, Verdana, Arial, sans-serif">
        <title>\(esc(query.text))</title>
        <desc>Made by reseau --format svg. Equal Earth projection; land: \(landCredit) (public domain).</desc>
        <defs><clipPath id="frame"><rect width="\(w)" height="\(h)"/></clipPath><clipPath id="sphere"><path d="\(spherePath())"/></clipPath></defs>
        <rect width="\(w)" height="\(num(total))" fill="#ffffff"/>
        <text x="14" y="26" font-size="16" font-weight="bold" fill="#212529">\(esc(titleText()))</text>
        <g transform="translate(0,\(num(MapDrawing.titleHeight)))">
        <g clip-path="url(#frame)">
        <rect width="\(w)" height="\(h)" fill="#f8f9fa"/>
        <path d="\(spherePath())" fill="#dbe9f4"/>
        <g clip-path="url(#sphere)">
        <path d="\(graticulePath())" fill="none" stroke="#c5d7e6" stroke-width="0.6"/>
        <path d="\(landPath())" fill="#f1ede1" stroke="#b5ad98" stroke-width="0.5" stroke-linejoin="round"/>
        </g>

        """
        s += try linksSVG()
        s += dotsSVG()
        s += "</g>\n<rect x=\"0.5\" y=\"0.5\" width=\"\(num(width - 1))\" height=\"\(num(height - 1))\" fill=\"none\" stroke=\"#adb5bd\"/>\n</g>\n"
        s += legendSVG(legend, top: MapDrawing.titleHeight + height)
        s += "</svg>\n"
        return s
    }

    func titleText() -> String {
        let t = query.text
        let maxChars = Int((width - 28) / (16 * 0.62))
        return t.count > maxChars ? String(t.prefix(maxChars - 1)) + "…" : t
    }

    func num(_ v: Double) -> String {
        let t = (v * 10).rounded()
        guard t.isFinite, abs(t) < 1e12 else { return "0" }
        let i = Int(t)
        let sign = i < 0 ? "-" : ""
        let a = abs(i)
        return a % 10 == 0 ? sign + String(a / 10) : sign + String(a / 10) + "." + String(a % 10)
    }

    func esc(_ s: String) -> String { GraphMLWriter.escape(s) }

    func spherePath() -> String {
        var d = ""
        for (i, p) in EqualEarth.outline().enumerated() {
            let (x, y) = screen(p.x, p.y)
            d += (i == 0 ? "M" : "L") + num(x) + "," + num(y)
        }
        return d + "Z"
    }

    /// Points of a line of longitudes relative to the centre, projected and joined.
    func polyline(_ pts: [(Double, Double)], close: Bool) -> String {
        var d = ""
        var last = ""
        for (i, (lon, lat)) in pts.enumerated() {
            let (px, py) = EqualEarth.project(relativeLon: lon, lat: lat)
            let (x, y) = screen(px, py)
            let p = num(x) + "," + num(y)
            if p == last { continue }
            d += (i == 0 ? "M" : "L") + p
            last = p
        }
        return close ? d + "Z" : d
    }

    func graticulePath() -> String {
        let spanDeg = (ex1 - ex0) / 0.015
        let step = spanDeg < 50 ? 5 : spanDeg < 120 ? 10 : 30
        var d = ""
        for lon in stride(from: -180, through: 180, by: step) {
            let rel = projection.relative(Double(lon))
            d += polyline(stride(from: -90.0, through: 90, by: 2).map { (rel, $0) }, close: false)
        }
        for lat in stride(from: -90 + step, to: 90, by: step) {
            d += polyline(stride(from: -180.0, through: 180, by: 2).map { ($0, Double(lat)) }, close: false)
        }
        return d
    }

    /// Under about 40° of longitude across, the 1:10m outline; else 1:110m.
    var usesFineLand: Bool { ex1 - ex0 < 0.6 }

    var landCredit: String { "Natural Earth 1:\(usesFineLand ? "10m" : "110m")" }

    func landPath() -> String {
        let frame = Box(x0: -20, y0: -20, x1: width + 20, y1: height + 20)
        var d = ""
        for ring in usesFineLand ? MapLand.fineRings : MapLand.rings {
            var rel: [(Double, Double)] = []
            rel.reserveCapacity(ring.count)
            if projection.centre == 0 {
                for p in ring { rel.append((p.lon, p.lat)) }
            } else {
                var prev = projection.relative(ring[0].lon)
                rel.append((prev, ring[0].lat))
                for p in ring.dropFirst() {
                    var r = projection.relative(p.lon)
                    while r - prev > 180 { r -= 360 }
                    while r - prev < -180 { r += 360 }
                    rel.append((r, p.lat)); prev = r
                }
                // A ring round a pole cannot be unwrapped: left out away from Greenwich.
                if abs(rel[rel.count - 1].0 - rel[0].0) > 180 { continue }
            }
            var shifts: [Double] = [0]
            if rel.contains(where: { $0.0 > 180 }) { shifts.append(-360) }
            if rel.contains(where: { $0.0 < -180 }) { shifts.append(360) }
            for shift in shifts {
                var bx0 = Double.infinity, bx1 = -Double.infinity, by0 = Double.infinity, by1 = -Double.infinity
                var pts: [(Double, Double)] = []
                pts.reserveCapacity(rel.count)
                for (lon, lat) in rel {
                    let (px, py) = EqualEarth.project(relativeLon: lon + shift, lat: lat)
                    let (x, y) = screen(px, py)
                    pts.append((x, y))
                    bx0 = min(bx0, x); bx1 = max(bx1, x); by0 = min(by0, y); by1 = max(by1, y)
                }
                guard Box(x0: bx0, y0: by0, x1: bx1, y1: by1).overlaps(frame) else { continue }
                var last = ""
                for (i, (x, y)) in pts.enumerated() {
                    let p = num(x) + "," + num(y)
                    if p == last { continue }
                    d += (i == 0 ? "M" : "L") + p
                    last = p
                }
                d += "Z"
            }
        }
        return d
    }

    /// The colour of links labelled `label` (edge types in order of first appearance).
    func linkStyles() -> [String: String] {
        var out: [String: String] = [:]
        var k = 0
        for l in writer.collector.links where l.type != nil && out[l.label] == nil {
            out[l.label] = MapDrawing.edgePalette[k % MapDrawing.edgePalette.count]
            k += 1
        }
        return out
    }

    func isPathLink(_ l: GraphCollector.Link) -> Bool {
        guard let a = index[l.from], let b = index[l.to], let sa = places[a].step, let sb = places[b].step else { return false }
        return abs(sa - sb) == 1
    }

    func arcPath(_ a: Place, _ b: Place) -> String {
        let pts = greatCircle(a.at, b.at, stepDegrees: 1.5)
        var d = ""
        var prevRel: Double? = nil
        for (i, q) in pts.enumerated() {
            let rel = projection.relative(q.lon)
            var (x, y) = screen(EqualEarth.project(relativeLon: rel, lat: q.lat).x, EqualEarth.project(relativeLon: rel, lat: q.lat).y)
            if i == 0 { x = a.x; y = a.y }
            if i == pts.count - 1 { x = b.x; y = b.y }
            let jump = prevRel.map { abs(rel - $0) > 180 } ?? true
            d += (jump ? "M" : "L") + num(x) + "," + num(y)
            prevRel = rel
        }
        return d
    }

    func linksSVG() throws -> String {
        let styles = linkStyles()
        var normal = "", path = ""
        for (k, l) in writer.collector.links.enumerated() {
            if k & 1023 == 0 { try query.cancellation?.check() }
            guard let a = index[l.from], let b = index[l.to], a != b else { continue }
            let d = arcPath(places[a], places[b])
            if !writer.collector.pathSteps.isEmpty && isPathLink(l) {
                path += "<path d=\"\(d)\" fill=\"none\" stroke=\"#c92a2a\" stroke-width=\"2.6\" stroke-linecap=\"round\"/>\n"
            } else if let colour = styles[l.label] {
                normal += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-opacity=\"0.85\"/>\n"
            } else {
                normal += "<path d=\"\(d)\" fill=\"none\" stroke=\"#495057\" stroke-width=\"1.3\" stroke-dasharray=\"5,3\"/>\n"
            }
        }
        return normal + path
    }

    func dotsSVG() -> String {
        var s = ""
        // Big dots first, so that small ones stay visible on top.
        let order = places.indices.sorted { places[$0].r > places[$1].r || (places[$0].r == places[$1].r && $0 < $1) }
        for i in order {
            let p = places[i]
            if let step = p.step {
                s += "<circle cx=\"\(num(p.x))\" cy=\"\(num(p.y))\" r=\"9\" fill=\"#c92a2a\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
                s += "<text x=\"\(num(p.x))\" y=\"\(num(p.y + 3.6))\" font-size=\"10\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">\(step)</text>\n"
            } else if p.isCity {
                s += "<circle cx=\"\(num(p.x))\" cy=\"\(num(p.y))\" r=\"\(num(p.r))\" fill=\"\(p.fill)\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n"
            } else {
                s += "<rect x=\"\(num(p.x - p.r))\" y=\"\(num(p.y - p.r))\" width=\"\(num(2 * p.r))\" height=\"\(num(2 * p.r))\" fill=\"\(p.fill)\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n"
            }
        }
        var leaders = ""
        for (_, l) in labels { if let d = l.leader { leaders += "M\(num(d.x0)),\(num(d.y0))L\(num(d.x1)),\(num(d.y1))" } }
        if !leaders.isEmpty { s += "<path d=\"\(leaders)\" fill=\"none\" stroke=\"#495057\" stroke-width=\"0.7\"/>\n" }
        s += "<g font-size=\"12\" fill=\"#212529\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n"
        for (i, l) in labels {
            let size = l.size == 12 ? "" : " font-size=\"\(num(l.size))\""
            s += "<text x=\"\(num(l.x))\" y=\"\(num(l.y))\" text-anchor=\"\(l.anchor)\"\(size)>\(esc(places[i].label))</text>\n"
        }
        return s + "</g>\n"
    }

    /// Labels for as many places as fit: path steps first, then the most linked, then the biggest, then in result order.
    func placeLabels() throws -> [(Int, PlacedLabel)] {
        let dots = places.map { p -> Box in
            let r = p.step != nil ? 9 : p.r
            return Box(x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r)
        }
        var placer = LabelPlacer(frame: Box(x0: 2, y0: 2, x1: width - 2, y1: height - 2), dots: dots)
        let order = places.indices.sorted { a, b in
            let pa = places[a], pb = places[b]
            if (pa.step != nil) != (pb.step != nil) { return pa.step != nil }
            if pa.isCity != pb.isCity { return pa.isCity }
            if pa.degree != pb.degree { return pa.degree > pb.degree }
            if pa.r != pb.r { return pa.r > pb.r }
            return a < b
        }
        var out: [(Int, PlacedLabel)] = []
        var left: [Int] = []
        for (k, i) in order.prefix(MapDrawing.maxLabels).enumerated() {
            if k & 255 == 0 { try query.cancellation?.check() }
            let p = places[i]
            if let l = placer.place(p.label, x: p.x, y: p.y, r: p.step != nil ? 9 : p.r, size: 12) { out.append((i, l)) } else { left.append(i) }
        }
        // A second chance in a smaller type, then further out with a leader line.
        for reach in [0.0, 16, 32] {
            var still: [Int] = []
            for i in left {
                let p = places[i]
                if let l = placer.place(p.label, x: p.x, y: p.y, r: p.step != nil ? 9 : p.r, size: 9.5, reach: reach) { out.append((i, l)) } else { still.append(i) }
            }
            left = still
        }
        return out
    }

    var hiddenLabels: Int { places.count - labels.count }

    // MARK: legend

    enum LegendMark { case dot(String, Double), square(String), line(String, dashed: Bool), step, none }

    func legendItems() -> [(LegendMark, String)] {
        var items: [(LegendMark, String)] = []
        let cities = places.filter(\.isCity).count, others = places.count - cities
        if legendColors.isEmpty {
            items.append((.dot("#1c7ed6", 5), "\(cities) cit\(cities == 1 ? "y" : "ies")"))
        } else {
            for (label, colour) in legendColors { items.append((.dot(colour, 5), label)) }
        }
        if others > 0 {
            let kinds = typeNames(places.filter { !$0.isCity }.map(\.node))
            items.append((.square("#495057"), "\(others) \(kinds) at \(others == 1 ? "its" : "their") city"))
        }
        if let s = sizeLegend, let name = writer.options.sizeColumn {
            items.append((.dot("#868e96", s.rMin), "\(name) \(MapDrawing.grouped(s.min))"))
            items.append((.dot("#868e96", s.rMax), MapDrawing.grouped(s.max)))
        }
        if !writer.collector.pathSteps.isEmpty { items.append((.step, "path, step by step")) }
        let styles = linkStyles()
        var counts: [String: Int] = [:], order: [String] = []
        var dashed: [String: Bool] = [:]
        for l in writer.collector.links where index[l.from] != nil && index[l.to] != nil {
            if !writer.collector.pathSteps.isEmpty && isPathLink(l) { continue }
            let key = styles[l.label] != nil ? l.label : (l.label.hasPrefix("nearest") ? "nearest" : (l.label.isEmpty ? "link" : l.label))
            if counts[key] == nil { order.append(key); dashed[key] = styles[l.label] == nil }
            counts[key, default: 0] += 1
        }
        for key in order {
            items.append((.line(styles[key] ?? "#495057", dashed: dashed[key] ?? false), "\(key) (\(counts[key]!))"))
        }
        if unplaced > 0 {
            let kinds = typeNames(writer.collector.nodes.filter { index[$0] == nil })
            items.append((.none, "not drawn (no place): \(unplaced) \(kinds)"))
        }
        let hidden = hiddenLabels
        if hidden > 0 { items.append((.none, "\(hidden) label\(hidden == 1 ? "" : "s") left out (no room)")) }
        return items
    }

    /// A number with its thousands grouped by commas (`1,255,000`); fractions as `formatDecimal`.
    static func grouped(_ v: Double) -> String {
        guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else { return formatDecimal(v) }
        let digits = String(Int(abs(v)))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }

    /// "org", "orgs", "org/event" for these nodes.
    func typeNames(_ nodes: [NodeRef]) -> String {
        var names: [String] = []
        for n in nodes {
            let t = graph.schema[n.type].name
            if !names.contains(t) { names.append(t) }
        }
        return names.joined(separator: "/") + (nodes.count == 1 || names.count > 1 ? "" : "s")
    }

    func legendLayout(_ items: [(LegendMark, String)]) -> (positions: [(Double, Double)], height: Double) {
        var x = 14.0, y = 22.0
        var out: [(Double, Double)] = []
        for (mark, text) in items {
            let markWidth: Double
            switch mark {
            case .dot(_, let r): markWidth = 2 * max(r, 5) + 6
            case .line: markWidth = 30
            case .square, .step: markWidth = 22
            case .none: markWidth = 0
            }
            let w = markWidth + LabelPlacer.width(text, size: 12) + 18
            if x + w > width - 10 && x > 14 { x = 14; y += 26 }
            out.append((x, y))
            x += w
        }
        let creditY = y + 24
        return (out, creditY + 12)
    }

    func legendSVG(_ items: [(LegendMark, String)], top: Double) -> String {
        let layout = legendLayout(items)
        var s = "<g transform=\"translate(0,\(num(top)))\" font-size=\"12\" fill=\"#343a40\">\n"
        for ((mark, text), (x, y)) in zip(items, layout.positions) {
            var tx = x
            switch mark {
            case .dot(let colour, let r):
                let rr = max(r, 5)
                s += "<circle cx=\"\(num(x + rr))\" cy=\"\(num(y - 4))\" r=\"\(num(r))\" fill=\"\(colour)\" stroke=\"#ffffff\"/>"
                tx += 2 * rr + 6
            case .square(let colour):
                s += "<rect x=\"\(num(x))\" y=\"\(num(y - 9))\" width=\"9\" height=\"9\" fill=\"\(colour)\"/>"
                tx += 22
            case .line(let colour, let dashed):
                s += "<path d=\"M\(num(x)),\(num(y - 4))L\(num(x + 24)),\(num(y - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"5,3\"" : "")/>"
                tx += 30
            case .step:
                s += "<circle cx=\"\(num(x + 8))\" cy=\"\(num(y - 4))\" r=\"8\" fill=\"#c92a2a\"/><text x=\"\(num(x + 8))\" y=\"\(num(y - 0.5))\" font-size=\"9\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">1</text>"
                tx += 22
            case .none:
                break
            }
            s += "<text x=\"\(num(tx))\" y=\"\(num(y))\">\(esc(text))</text>\n"
        }
        let creditY = layout.height - 12
        s += "<text x=\"\(num(width - 14))\" y=\"\(num(creditY))\" font-size=\"10\" fill=\"#868e96\" text-anchor=\"end\">Equal Earth projection · land: \(landCredit) (public domain) · reseau</text>\n"
        return s + "</g>\n"
    }
}
