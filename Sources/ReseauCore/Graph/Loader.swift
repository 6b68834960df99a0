/// One problem in a data folder: `file:line:column: message`.
public struct DataError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    public var description: String {
        line == 0 ? "\(file): \(message)" : "\(file):\(line):\(column): \(message)"
    }
}

/// Every problem found while loading a network (up to `Loader.maxErrors`).
public struct LoadFailure: Error, Sendable, CustomStringConvertible {
    public let errors: [DataError]
    /// How many more errors were found beyond those listed.
    public let more: Int
    public var description: String {
        var lines = errors.map { "error: \($0)" }
        if more > 0 { lines.append("error: … and \(more) more") }
        return lines.joined(separator: "\n")
    }
}

/// Reads a network folder into a `Graph`, strictly: every error of the load is reported with
/// its file, line and column, and nothing half-loaded is returned.
public struct Loader {
    public static let maxErrors = 50

    let source: DataSource
    let schema: Schema
    var errors: [DataError] = []
    var more = 0
    /// Node types whose file could not be read at all: references to them are not reported again.
    var failedTypes = Set<Int>()

    /// Loads the network from `source`.
    public static func load(_ source: DataSource, schema: Schema = .shared) throws(LoadFailure) -> Graph {
        var l = Loader(source: source, schema: schema)
        return try l.run()
    }

    mutating func fail(_ file: String, _ line: Int, _ col: Int, _ msg: String) {
        if errors.count < Loader.maxErrors {
            errors.append(DataError(file: source.path(of: file), line: line, column: col, message: msg))
        } else {
            more += 1
        }
    }

    /// A cell's pending reference to a node, resolved once every node is known.
    struct PendingRef { var table: Int; var column: Int; var row: Int; var id: String; var line: Int; var col: Int; var type: Int? }

    mutating func run() throws(LoadFailure) -> Graph {
        var tables: [NodeTable] = []
        var pending: [PendingRef] = []
        var seenIds: [String: (file: String, line: Int)] = [:]

        for (t, def) in schema.nodeTypes.enumerated() {
            var table = NodeTable(type: t, ids: [], columns: [], lines: [])
            var builders = def.fields.map { ColumnBuilder(type: $0.type) }
            let header = (def.idColumn.map { [$0] } ?? []) + def.fields.filter(\.inFile).map(\.name)
            let readable = readFile(def.file, header: header) { loader, fields, line in
                var k = 0
                let id: String
                if def.idColumn != nil {
                    let f = fields[0]
                    id = f.string
                    k = 1
                    if id.isEmpty { loader.fail(def.file, f.line, f.column, "empty id"); return }
                    if let prev = seenIds[id] {
                        loader.fail(def.file, f.line, f.column, "duplicate id '\(id)' (first defined at \(prev.file):\(prev.line))")
                        return
                    }
                    seenIds[id] = (def.file, line)
                } else {
                    id = "\(def.name)-\(line)"
                }
                let row = table.ids.count
                for (fi, fd) in def.fields.enumerated() {
                    guard fd.inFile else { builders[fi].appendNull(); continue }
                    let f = fields[k]; k += 1
                    if case .node(let rt) = fd.type {
                        builders[fi].appendNull()
                        if !f.isEmpty { pending.append(PendingRef(table: t, column: fi, row: row, id: f.string, line: f.line, col: f.column, type: rt)) }
                        else if fd.required { loader.fail(def.file, f.line, f.column, "'\(fd.name)' is required") }
                        continue
                    }
                    if let msg = builders[fi].append(f, field: fd) { loader.fail(def.file, f.line, f.column, msg) }
                }
                table.ids.append(id)
                table.lines.append(Int32(line))
            }
            if !readable { failedTypes.insert(t) }
            table.columns = builders.map { $0.column }
            tables.append(table)
        }

        // Resolve node references (org.city, event.city, claim.subject).
        var ids: [String: NodeRef] = [:]
        for t in tables { for (i, id) in t.ids.enumerated() where ids[id] == nil { ids[id] = NodeRef(type: t.type, index: i) } }
        for p in pending {
            let def = schema.nodeTypes[p.table]
            if let ref = ids[p.id], p.type == nil || Int(ref.type) == p.type {
                if case .node(var a) = tables[p.table].columns[p.column] {
                    tables[p.table].columns[p.column] = .int([]) // release before mutating
                    a[p.row] = ref
                    tables[p.table].columns[p.column] = .node(a)
                }
            } else if !(p.type.map { failedTypes.contains($0) } ?? !failedTypes.isEmpty) {
                let what = p.type.map { schema.nodeTypes[$0].name } ?? "node"
                let cands = p.type.map { tables[$0].ids } ?? Array(ids.keys)
                fail(def.file, p.line, p.col, "unknown \(what) id '\(p.id)'" + suggestion(p.id, cands))
            }
        }

        // Computed city fields: country name and continent through country_code.
        fillCountries(&tables)

        // Coordinates in range.
        checkCoordinates(tables[Schema.city])

        var edgeTables: [EdgeTable] = []
        for (t, def) in schema.edgeTypes.enumerated() {
            edgeTables.append(loadEdges(t, def, tables))
        }

        if !errors.isEmpty { throw LoadFailure(errors: errors, more: more) }
        return Graph(schema: schema, nodes: tables, edges: edgeTables, origin: source.name)
    }

    func suggestion(_ id: String, _ candidates: [String]) -> String {
        let c = closestNames(to: id, in: candidates, limit: 1)
        return c.isEmpty ? "" : " (did you mean '\(c[0])'?)"
    }

    /// Reads `file`, checks its header, and calls `row` for each record with the right field count.
    /// Returns false when the file could not be read at all (missing, unreadable, bad encoding or header).
    @discardableResult
    mutating func readFile(_ file: String, header: [String], row: (inout Loader, [CSVReader.Field], Int) -> Void) -> Bool {
        let bytes: [UInt8]
        do {
            guard let b = try source.read(file) else {
                fail(file, 0, 0, "missing file (expected columns: \(header.joined(separator: ",")))")
                return false
            }
            bytes = b
        } catch let e as DataError {
            errors.append(e); return false
        } catch {
            fail(file, 0, 0, "cannot read: \(error)"); return false
        }
        if let bad = CSVReader.validate(bytes) { fail(file, bad.line, bad.column, bad.message); return false }
        var reader = CSVReader(bytes)
        do {
            guard let head = try reader.nextRecord() else {
                fail(file, 1, 1, "empty file: expected the header row '\(header.joined(separator: ","))'")
                return false
            }
            let names = head.map { $0.string.trimmingSpaces }
            if names != header {
                for (i, h) in header.enumerated() {
                    if i >= names.count {
                        fail(file, 1, (head.last?.column ?? 1), "missing column '\(h)' in the header (expected '\(header.joined(separator: ","))')")
                        return false
                    }
                    if names[i] != h {
                        fail(file, 1, head[i].column, "expected column '\(h)' here, found '\(names[i])' (the header must be '\(header.joined(separator: ","))')")
                        return false
                    }
                }
                fail(file, 1, head[header.count].column, "unexpected column '\(names[header.count])' (the header must be '\(header.joined(separator: ","))')")
                return false
            }
            while let rec = try reader.nextRecord() {
                let line = rec[0].line
                if rec.count != header.count {
                    fail(file, line, rec.count > header.count ? rec[header.count].column : 1,
                         "expected \(header.count) fields, found \(rec.count)")
                    continue
                }
                row(&self, rec, line)
            }
        } catch {
            fail(file, error.line, error.column, error.message)
        }
        return true
    }

    mutating func fillCountries(_ tables: inout [NodeTable]) {
        let ct = tables[Schema.country], cdef = schema.nodeTypes[Schema.country]
        guard let nameF = cdef.fieldIndex("name"), let contF = cdef.fieldIndex("continent"), let codeF = cdef.fieldIndex("code") else { return }
        var code = StringColumn()
        for id in ct.ids { code.append(id) }
        tables[Schema.country].columns[codeF] = .string(code)
        var byCode: [String: Int] = [:]
        for (i, id) in ct.ids.enumerated() { byCode[id] = i }
        let def = schema.nodeTypes[Schema.city]
        guard let ccF = def.fieldIndex("country_code"), let countryF = def.fieldIndex("country"), let continentF = def.fieldIndex("continent"),
              case .string(let cc) = tables[Schema.city].columns[ccF],
              case .string(let names) = ct.columns[nameF], case .string(let conts) = ct.columns[contF] else { return }
        var country = StringColumn(), continent = StringColumn()
        for i in 0..<tables[Schema.city].count {
            if let c = cc.string(i), let r = byCode[c] {
                country.append(names.string(r)); continent.append(conts.string(r))
            } else {
                country.append(nil); continent.append(nil)
                if let c = cc.string(i) {
                    fail(def.file, Int(tables[Schema.city].lines[i]), 3, "unknown country code '\(c)' (not in \(cdef.file))" + suggestion(c, ct.ids))
                }
            }
        }
        tables[Schema.city].columns[countryF] = .string(country)
        tables[Schema.city].columns[continentF] = .string(continent)
    }

    mutating func checkCoordinates(_ t: NodeTable) {
        let def = schema.nodeTypes[t.type]
        for (name, limit) in [("lat", 90.0), ("lon", 180.0)] {
            guard let f = def.fieldIndex(name), case .decimal(let a) = t.columns[f] else { continue }
            let col = (def.idColumn == nil ? 0 : 1) + def.fields.prefix(f).filter(\.inFile).count + 1
            for (i, v) in a.enumerated() where !v.isNaN && abs(v) > limit {
                fail(def.file, Int(t.lines[i]), col, "\(name) \(v) is out of range (-\(Int(limit))…\(Int(limit)))")
            }
        }
    }

    mutating func loadEdges(_ t: Int, _ def: EdgeTypeDef, _ nodes: [NodeTable]) -> EdgeTable {
        var from: [Int32] = [], to: [Int32] = []
        var builders = def.fields.map { ColumnBuilder(type: $0.type) }
        let header = [def.fromColumn, def.toColumn] + def.fields.map(\.name)
        var fromIds: [String: Int32] = [:], toIds: [String: Int32] = [:]
        for (i, id) in nodes[def.fromType].ids.enumerated() { fromIds[id] = Int32(i) }
        for (i, id) in nodes[def.toType].ids.enumerated() { toIds[id] = Int32(i) }
        var seenPairs: [UInt64: Int] = [:]
        let checkDuplicates = def.undirected || !def.fields.contains { $0.name == "year" || $0.name == "trip" }
        readFile(def.file, header: header) { loader, fields, line in
            let fs = fields[0].string, ts = fields[1].string
            let fromName = loader.schema.nodeTypes[def.fromType].name, toName = loader.schema.nodeTypes[def.toType].name
            guard let a = fromIds[fs] else {
                if loader.failedTypes.contains(def.fromType) { return }
                loader.fail(def.file, line, fields[0].column, "unknown \(fromName) id '\(fs)'" + loader.suggestion(fs, nodes[def.fromType].ids)); return
            }
            guard let b = toIds[ts] else {
                if loader.failedTypes.contains(def.toType) { return }
                loader.fail(def.file, line, fields[1].column, "unknown \(toName) id '\(ts)'" + loader.suggestion(ts, nodes[def.toType].ids)); return
            }
            if def.undirected && a == b && def.fromType == def.toType {
                loader.fail(def.file, line, fields[1].column, "'\(fs)' is linked with itself"); return
            }
            if checkDuplicates {
                let (x, y) = def.undirected ? (min(a, b), max(a, b)) : (a, b)
                let key = UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y))
                if let prev = seenPairs[key] {
                    loader.fail(def.file, line, fields[0].column, "duplicate edge '\(fs)' – '\(ts)' (already at line \(prev)\(def.undirected ? ", in either order" : ""))"); return
                }
                seenPairs[key] = line
            }
            var bad = false
            for (fi, fd) in def.fields.enumerated() {
                if let msg = builders[fi].append(fields[2 + fi], field: fd) {
                    loader.fail(def.file, line, fields[2 + fi].column, msg); bad = true
                }
            }
            if bad { for fi in builders.indices where builders[fi].count > from.count { builders[fi].removeLast() } ; return }
            from.append(a); to.append(b)
        }
        return EdgeTable(type: t, from: from, to: to, columns: builders.map { $0.column },
                         outgoing: Adjacency(count: nodes[def.fromType].count, endpoints: from),
                         incoming: Adjacency(count: nodes[def.toType].count, endpoints: to))
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Accumulates one column while reading a file, parsing each cell by its field type.
struct ColumnBuilder {
    let type: ValueType
    var ints: [Int] = []
    var decimals: [Double] = []
    var strings = StringColumn()
    var bools: [UInt8] = []
    var lists: [[String]] = []
    var nodes: [NodeRef?] = []

    init(type: ValueType) { self.type = type }

    var count: Int {
        switch type {
        case .int: ints.count
        case .decimal: decimals.count
        case .bool: bools.count
        case .list: lists.count
        case .node: nodes.count
        default: strings.codes.count
        }
    }

    var column: Column {
        switch type {
        case .int: .int(ints)
        case .decimal: .decimal(decimals)
        case .bool: .bool(bools)
        case .list: .list(lists)
        case .node: .node(nodes)
        default: .string(strings)
        }
    }

    mutating func appendNull() {
        switch type {
        case .int: ints.append(Column.nullInt)
        case .decimal: decimals.append(.nan)
        case .bool: bools.append(2)
        case .list: lists.append([])
        case .node: nodes.append(nil)
        default: strings.append(nil)
        }
    }

    mutating func removeLast() {
        switch type {
        case .int: ints.removeLast()
        case .decimal: decimals.removeLast()
        case .bool: bools.removeLast()
        case .list: lists.removeLast()
        case .node: nodes.removeLast()
        default: strings.codes.removeLast()
        }
    }

    /// Parses and appends one cell; returns an error message (and appends null) when it is invalid.
    mutating func append(_ f: CSVReader.Field, field: FieldDef) -> String? {
        if f.isEmpty {
            appendNull()
            return field.required ? "'\(field.name)' is required" : nil
        }
        switch type {
        case .int:
            if let v = parseInt(f.unescaped.map { $0[...] } ?? f.bytes) { ints.append(v); return nil }
            ints.append(Column.nullInt)
            return "'\(f.string)' is not an integer (\(field.name))" + numberHint(f.string)
        case .decimal:
            if let v = parseDecimal(f.string) { decimals.append(v); return nil }
            decimals.append(.nan)
            return "'\(f.string)' is not a decimal number (\(field.name))" + numberHint(f.string)
        case .bool:
            switch f.string.lowercased() {
            case "true": bools.append(1); return nil
            case "false": bools.append(0); return nil
            default: bools.append(2); return "'\(f.string)' is not a boolean (\(field.name)): write true or false"
            }
        case .list:
            lists.append(f.string.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty })
            return nil
        case .date:
            let s = f.string
            if isValidDate(s) { strings.append(s); return nil }
            strings.append(nil)
            return "'\(s)' is not a date (\(field.name)): write YYYY, YYYY-MM or YYYY-MM-DD"
        default:
            let s = f.string
            if let allowed = field.allowed, !allowed.contains(s) {
                strings.append(nil)
                let c = closestNames(to: s, in: allowed, limit: 1)
                return "unknown \(field.name) '\(s)'" + (c.isEmpty ? "" : " (did you mean '\(c[0])'?)") + "; allowed: \(allowed.joined(separator: ", "))"
            }
            strings.append(s)
            return nil
        }
    }

    func numberHint(_ s: String) -> String {
        if s.contains(",") { return ": use '.' for decimals and no thousands separators" }
        if s.contains(" ") || s.contains("\u{00A0}") || s.contains("\u{202F}") { return ": write numbers without spaces" }
        return ""
    }
}

/// Parses an optional `-` and ASCII digits.
func parseInt(_ b: ArraySlice<UInt8>) -> Int? {
    var i = b.startIndex, neg = false
    if i < b.endIndex, b[i] == 0x2D { neg = true; i += 1 }
    if i == b.endIndex { return nil }
    var v = 0
    while i < b.endIndex {
        let d = b[i] &- 0x30
        if d > 9 { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(Int(d))
        if o1 || o2 { return nil }
        v = s; i += 1
    }
    return neg ? -v : v
}

/// Parses a decimal written with `.` (digits, optional sign, optional fraction and exponent).
func parseDecimal(_ s: String) -> Double? {
    var sawDigit = false
    for (k, c) in s.utf8.enumerated() {
        switch c {
        case 0x30...0x39: sawDigit = true
        case 0x2E, 0x65, 0x45: break
        case 0x2D, 0x2B: if k != 0, !(s.utf8.dropFirst(k - 1).first.map { $0 == 0x65 || $0 == 0x45 } ?? false) { return nil }
        default: return nil
        }
    }
    guard sawDigit, let v = Double(s), v.isFinite else { return nil }
    return v
}

/// True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a valid month and day.
func isValidDate(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count), parts[0].count == 4, Int(parts[0]) != nil else { return false }
    if parts.count >= 2 { guard parts[1].count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return false } }
    if parts.count == 3 { guard parts[2].count == 2, let d = Int(parts[2]), (1...31).contains(d) else { return false } }
    return true
}
