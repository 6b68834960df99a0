import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// One problem in a data folder: `file:line:column: message`.
public struct DataError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    /// `file:line:column: message`, safe for a terminal (`TerminalText`): ids, names and cells
    /// quoted in messages come from the data.
    public var description: String {
        TerminalText.escape(line == 0 ? "\(file): \(message)" : "\(file):\(line):\(column): \(message)")
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
/// its file, line and column (up to `maxErrors`), and nothing half-loaded is returned.
///
/// Node files are read first, one after another (their ids go into one table shared by all
/// types); edge files are then read in parallel, each looking its endpoints up in that table.
public enum Loader {
    public static let maxErrors = 50

    /// Loads the network from `source`.
    public static func load(_ source: DataSource, schema: Schema = .shared) throws(LoadFailure) -> Graph {
        var run = NodePass(source: source, schema: schema)
        let nodes = run.run()
        let ctx = EdgeContext(source: source, schema: schema, ids: run.ids, nodes: nodes, failedTypes: run.failedTypes)
        let results = ResultBox<(EdgeTable, [DataError])>(count: schema.edgeTypes.count)
        DispatchQueue.concurrentPerform(iterations: schema.edgeTypes.count) { t in
            results.set(t, ctx.loadEdges(t))
        }
        var errors = run.errors
        var edges: [EdgeTable] = []
        for t in 0..<schema.edgeTypes.count {
            let (table, errs) = results.get(t)
            edges.append(table)
            errors += errs
        }
        if !errors.isEmpty {
            throw LoadFailure(errors: Array(errors.prefix(maxErrors)), more: max(0, errors.count - maxErrors))
        }
        return Graph(schema: schema, nodes: nodes, edges: edges, origin: source.name)
    }
}

/// Results written by parallel tasks, each to its own index.
final class ResultBox<T>: @unchecked Sendable {
    private var items: [T?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { items[i] = v }
    func get(_ i: Int) -> T { items[i]! }
}

/// Reads one CSV file: checks encoding and header, then hands each record to a closure.
struct FileReader {
    let source: DataSource
    let file: String
    var errors: [DataError] = []

    mutating func fail(_ line: Int, _ col: Int, _ msg: String) {
        errors.append(DataError(file: source.path(of: file), line: line, column: col, message: msg))
    }

    /// Calls `row` for each record that has the right number of fields. Returns false when the
    /// file could not be read at all (missing, unreadable, bad encoding or header).
    @discardableResult
    mutating func read(header: [String], row: (inout FileReader, CSVReader, [CSVReader.Field], Int) -> Void) -> Bool {
        let bytes: [UInt8]
        do {
            guard let b = try source.read(file) else {
                fail(0, 0, "missing file (expected columns: \(header.joined(separator: ",")))")
                return false
            }
            bytes = b
        } catch let e as DataError {
            errors.append(e); return false
        } catch {
            fail(0, 0, "cannot read: \(error)"); return false
        }
        if let bad = CSVReader.validate(bytes) { fail(bad.line, bad.column, bad.message); return false }
        return CSVReader.withReader(bytes) { reader -> Bool in
            var fields: [CSVReader.Field] = []
            fields.reserveCapacity(header.count + 2)
            do {
                guard try reader.nextRecord(into: &fields) else {
                    fail(1, 1, "empty file: expected the header row '\(header.joined(separator: ","))'")
                    return false
                }
                let names = fields.map { reader.string($0).trimmingSpaces }
                let expected = header.joined(separator: ",")
                if names != header {
                    for (i, h) in header.enumerated() {
                        if i >= names.count {
                            fail(1, fields.last.map { reader.column($0) } ?? 1, "missing column '\(h)' in the header (expected '\(expected)')")
                            return false
                        }
                        if names[i] != h {
                            fail(1, reader.column(fields[i]), "expected column '\(h)' here, found '\(shown(names[i]))' (the header must be '\(expected)')")
                            return false
                        }
                    }
                    fail(1, reader.column(fields[header.count]), "unexpected column '\(shown(names[header.count]))' (the header must be '\(expected)')")
                    return false
                }
                while try reader.nextRecord(into: &fields) {
                    let line = fields[0].line
                    if fields.count != header.count {
                        fail(line, fields.count > header.count ? reader.column(fields[header.count]) : 1,
                             "expected \(header.count) fields, found \(fields.count)")
                        continue
                    }
                    row(&self, reader, fields, line)
                }
            } catch let e as CSVReader.Failure {
                fail(e.line, e.column, e.message)
            } catch {
                fail(0, 0, "\(error)")
            }
            return true
        }
    }
}

/// The first pass: node files, the id table, references between nodes, computed fields.
struct NodePass {
    let source: DataSource
    let schema: Schema
    var errors: [DataError] = []
    /// Every node id → its node, packed by `packNode`.
    var ids = ByteTable(capacity: 1024)
    /// Where each id was defined, by node type and row, for "duplicate id" messages.
    var idLines: [[Int32]] = []
    /// Node types whose file could not be read at all: references to them are not reported again.
    var failedTypes = Set<Int>()
    /// The column (in characters) of each city's country code, for "unknown country code".
    var countryCodeColumns: [Int32] = []

    /// A cell's pending reference to a node, resolved once every node is known.
    struct PendingRef { var table: Int; var column: Int; var row: Int; var id: String; var line: Int; var col: Int; var type: Int? }

    init(source: DataSource, schema: Schema) { self.source = source; self.schema = schema }

    mutating func run() -> [NodeTable] {
        var tables: [NodeTable] = []
        var pending: [PendingRef] = []
        for (t, def) in schema.nodeTypes.enumerated() {
            var ids: [String] = [], lines: [Int32] = []
            var builders = def.fields.map { ColumnBuilder($0) }
            let inFile = def.fields.map(\.inFile)
            /// For node-valued fields, the referenced type (`type` nil: any).
            let refTypes: [(type: Int?, Void)?] = def.fields.map { if case .node(let t) = $0.type { (t, ()) } else { nil } }
            let header = (def.idColumn.map { [$0] } ?? []) + def.fields.filter(\.inFile).map(\.name)
            // Cities: lat and lon are checked as they are read (with their column), and the
            // column of each row's country code is kept for `fillCountries`' messages.
            let rangeLimits: [Double?] = def.fields.map { f in t == Schema.city ? (f.name == "lat" ? 90 : f.name == "lon" ? 180 : nil) : nil }
            let countryCodeField = t == Schema.city ? def.fieldIndex("country_code") ?? -1 : -1
            var reader = FileReader(source: source, file: def.file)
            let readable = reader.read(header: header) { fr, r, fields, line in
                var k = 0
                let id: String
                let row = ids.count
                if def.idColumn != nil {
                    let f = fields[0]
                    k = 1
                    if r.isEmpty(f) { fr.fail(f.line, r.column(f), "empty id"); return }
                    let key = r.raw(f)
                    if let prev = self.ids.find(key) {
                        let p = unpackNode(prev)
                        let firstLine = p.type == t ? lines[Int(p.index)] : self.idLines[Int(p.type)][Int(p.index)]
                        fr.fail(f.line, r.column(f), "duplicate id '\(shown(r.string(f)))' (first defined at \(self.schema.nodeTypes[Int(p.type)].file):\(firstLine))")
                        return
                    }
                    self.ids.insert(key, packNode(t, row))
                    id = r.string(f)
                } else {
                    id = "\(def.name)-\(line)"
                }
                for fi in 0..<builders.count {
                    guard inFile[fi] else { builders[fi].appendNull(); continue }
                    let f = fields[k]; k += 1
                    if let rt = refTypes[fi] {
                        let fd = def.fields[fi]
                        builders[fi].appendNull()
                        if !r.isEmpty(f) { pending.append(PendingRef(table: t, column: fi, row: row, id: r.string(f), line: f.line, col: r.column(f), type: rt.type)) }
                        else if fd.required { fr.fail(f.line, r.column(f), "'\(fd.name)' is required") }
                        continue
                    }
                    if let msg = builders[fi].append(r, f) { fr.fail(f.line, r.column(f), msg) }
                    else if let limit = rangeLimits[fi], case let v = builders[fi].decimals[builders[fi].decimals.count - 1], !v.isNaN, abs(v) > limit {
                        fr.fail(f.line, r.column(f), "\(def.fields[fi].name) \(formatDecimal(v)) is out of range (-\(Int(limit))…\(Int(limit)))")
                    }
                    if fi == countryCodeField { countryCodeColumns.append(Int32(truncatingIfNeeded: r.column(f))) }
                }
                ids.append(id)
                lines.append(Int32(truncatingIfNeeded: line))
            }
            if !readable { failedTypes.insert(t) }
            idLines.append(lines)
            errors += reader.errors
            tables.append(NodeTable(type: t, ids: ids, columns: builders.map { $0.column }, lines: lines))
        }
        resolve(pending, &tables)
        fillCountries(&tables)
        return tables
    }

    mutating func fail(_ file: String, _ line: Int, _ col: Int, _ msg: String) {
        errors.append(DataError(file: source.path(of: file), line: line, column: col, message: msg))
    }

    /// The node with id `id`, if any.
    func node(_ id: String) -> NodeRef? {
        var s = id
        return s.withUTF8 { p in ids.find(UnsafeRawBufferPointer(p)) }.map(unpackNode)
    }

    /// Resolves node references (org.city, event.city, claim.subject).
    mutating func resolve(_ pending: [PendingRef], _ tables: inout [NodeTable]) {
        var columns: [Int: [Int: [NodeRef?]]] = [:]
        for p in pending {
            if let ref = node(p.id), p.type == nil || Int(ref.type) == p.type {
                if columns[p.table]?[p.column] == nil, case .node(let a) = tables[p.table].columns[p.column] {
                    columns[p.table, default: [:]][p.column] = a
                }
                columns[p.table]![p.column]![p.row] = ref
            } else if !(p.type.map { failedTypes.contains($0) } ?? !failedTypes.isEmpty) {
                let what = p.type.map { schema.nodeTypes[$0].name } ?? "node"
                let cands = p.type.map { tables[$0].ids } ?? tables.flatMap(\.ids)
                fail(schema.nodeTypes[p.table].file, p.line, p.col, "unknown \(what) id '\(shown(p.id))'" + (errors.count < Loader.maxErrors ? suggestion(p.id, cands) : ""))
            }
        }
        for (t, cols) in columns { for (c, a) in cols { tables[t].columns[c] = .node(a) } }
    }

    /// Computed fields: `country.code` (the id), `city.country` and `city.continent` through `country_code`.
    mutating func fillCountries(_ tables: inout [NodeTable]) {
        let ct = tables[Schema.country], cdef = schema.nodeTypes[Schema.country]
        guard let nameF = cdef.fieldIndex("name"), let contF = cdef.fieldIndex("continent"), let codeF = cdef.fieldIndex("code") else { return }
        var code = StringColumnBuilder()
        for id in ct.ids { code.append(id) }
        tables[Schema.country].columns[codeF] = .string(code.column)
        var byCode: [String: Int] = [:]
        for (i, id) in ct.ids.enumerated() { byCode[id] = i }
        let def = schema.nodeTypes[Schema.city]
        guard let ccF = def.fieldIndex("country_code"), let countryF = def.fieldIndex("country"), let continentF = def.fieldIndex("continent"),
              case .string(let cc) = tables[Schema.city].columns[ccF],
              case .string(let names) = ct.columns[nameF], case .string(let conts) = ct.columns[contF] else { return }
        // One lookup per distinct code, then a code-to-code map per row.
        let countryRow = cc.dictionary.map { byCode[$0] }
        let nameDict = names.dictionary, contDict = conts.dictionary
        var country = [Int32](repeating: -1, count: cc.codes.count), continent = country
        for (i, c) in cc.codes.enumerated() where c >= 0 {
            if let r = countryRow[Int(c)] {
                country[i] = names.codes[r]; continent[i] = conts.codes[r]
            } else {
                fail(def.file, Int(tables[Schema.city].lines[i]), i < countryCodeColumns.count ? Int(countryCodeColumns[i]) : 1,
                     "unknown country code '\(shown(cc.dictionary[Int(c)]))' (not in \(cdef.file))"
                     + (errors.count < Loader.maxErrors ? suggestion(cc.dictionary[Int(c)], ct.ids) : ""))
            }
        }
        tables[Schema.city].columns[countryF] = .string(StringColumn(codes: country, dictionary: nameDict))
        tables[Schema.city].columns[continentF] = .string(StringColumn(codes: continent, dictionary: contDict))
    }
}

/// A node as a 32-bit payload: type in the top 5 bits, row in the low 27 (134 million rows).
@inline(__always) func packNode(_ type: Int, _ row: Int) -> UInt32 { UInt32(type) << 27 | UInt32(row) }
@inline(__always) func unpackNode(_ p: UInt32) -> NodeRef { NodeRef(type: Int(p >> 27), index: Int(p & 0x07FF_FFFF)) }

/// " (did you mean 'x'?)". Only errors that will be listed get one (callers check the count
/// against `Loader.maxErrors`): a truncated file can make every later row an unknown id, and
/// each search compares with every name.
func suggestion(_ id: String, _ candidates: [String]) -> String {
    let c = closestNames(to: id, in: candidates, limit: 1)
    return c.isEmpty ? "" : " (did you mean '\(shown(c[0]))'?)"
}

/// A value from the data as quoted in a message: at most 60 characters (then `…`), so that one
/// error about a 10 MB cell is one short line.
func shown(_ s: String) -> String {
    s.utf8.count <= 60 || s.count <= 60 ? s : String(s.prefix(60)) + "…"
}

/// The second pass, one task per edge file: endpoints through the id table, attributes, adjacency.
struct EdgeContext: Sendable {
    let source: DataSource
    let schema: Schema
    let ids: ByteTable
    let nodes: [NodeTable]
    let failedTypes: Set<Int>

    func loadEdges(_ t: Int) -> (EdgeTable, [DataError]) {
        let def = schema.edgeTypes[t]
        var from: [Int32] = [], to: [Int32] = []
        var builders = def.fields.map { ColumnBuilder($0) }
        let header = [def.fromColumn, def.toColumn] + def.fields.map(\.name)
        let checkDuplicates = def.undirected || !def.fields.contains { $0.name == "year" || $0.name == "trip" }
        var seenPairs = PairSet(capacity: checkDuplicates ? 1024 : 0)
        let fromName = schema.nodeTypes[def.fromType].name, toName = schema.nodeTypes[def.toType].name
        var reader = FileReader(source: source, file: def.file)
        reader.read(header: header) { fr, r, fields, line in
            func endpoint(_ f: CSVReader.Field, _ type: Int, _ what: String) -> Int32? {
                let found = ids.find(r.raw(f))
                if let k = found, Int(k >> 27) == type { return Int32(k & 0x07FF_FFFF) }
                if failedTypes.contains(type) { return nil }
                let id = r.string(f)
                if let k = found {
                    fr.fail(line, r.column(f), "'\(shown(id))' is a \(schema.nodeTypes[Int(k >> 27)].name), not a \(what)")
                } else {
                    fr.fail(line, r.column(f), "unknown \(what) id '\(shown(id))'" + (fr.errors.count < Loader.maxErrors ? suggestion(id, nodes[type].ids) : ""))
                }
                return nil
            }
            guard let a = endpoint(fields[0], def.fromType, fromName), let b = endpoint(fields[1], def.toType, toName) else { return }
            if def.undirected && a == b && def.fromType == def.toType {
                fr.fail(line, r.column(fields[1]), "'\(shown(r.string(fields[0])))' is linked with itself"); return
            }
            if checkDuplicates {
                let (x, y) = def.undirected ? (min(a, b), max(a, b)) : (a, b)
                let key = UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y))
                if let prev = seenPairs.insert(key, line: line) {
                    fr.fail(line, r.column(fields[0]), "duplicate edge '\(shown(r.string(fields[0])))' – '\(shown(r.string(fields[1])))' (already at line \(prev)\(def.undirected ? ", in either order" : ""))"); return
                }
            }
            var bad = false
            for fi in 0..<builders.count {
                if let msg = builders[fi].append(r, fields[2 + fi]) {
                    fr.fail(line, r.column(fields[2 + fi]), msg); bad = true
                }
            }
            if bad { for fi in builders.indices where builders[fi].count > from.count { builders[fi].removeLast() }; return }
            from.append(a); to.append(b)
        }
        let table = EdgeTable(type: t, from: from, to: to, columns: builders.map { $0.column },
                              outgoing: Adjacency(count: nodes[def.fromType].count, endpoints: from, otherEnds: to),
                              incoming: Adjacency(count: nodes[def.toType].count, endpoints: to, otherEnds: from))
        return (table, reader.errors)
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
    /// The field being read (kept here so that cells do not copy it).
    var field: FieldDef
    var ints: [Int] = []
    var decimals: [Double] = []
    var strings = StringColumnBuilder()
    /// For enumerated fields: whether each distinct value (by code) is allowed.
    var allowedCodes: [Bool] = []
    var bools: [UInt8] = []
    var lists: [[String]] = []
    var nodes: [NodeRef?] = []

    init(_ field: FieldDef) { self.type = field.type; self.field = field }

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
        default: .string(strings.column)
        }
    }

    mutating func appendNull() {
        switch type {
        case .int: ints.append(Column.nullInt)
        case .decimal: decimals.append(.nan)
        case .bool: bools.append(2)
        case .list: lists.append([])
        case .node: nodes.append(nil)
        default: strings.appendNull()
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
    mutating func append(_ r: CSVReader, _ f: CSVReader.Field) -> String? {
        if r.isEmpty(f) {
            appendNull()
            return field.required ? "'\(field.name)' is required" : nil
        }
        switch type {
        case .int:
            if !f.escaped, let v = parseInt(r.raw(f)) { ints.append(v); return nil }
            ints.append(Column.nullInt)
            let s = r.string(f)
            if !f.escaped, isIntegerSyntax(r.raw(f)) {
                // Digits that do not fit, or -2^63, which stands for null inside Reseau.
                return "'\(shown(s))' is out of range (\(field.name)): integers go from \(-Int.max) to \(Int.max)"
            }
            return "'\(shown(s))' is not an integer (\(field.name))" + numberHint(s)
        case .decimal:
            if !f.escaped, let v = parseDecimal(r.raw(f)) { decimals.append(v); return nil }
            decimals.append(.nan)
            let s = r.string(f)
            return "'\(shown(s))' is not a decimal number (\(field.name))" + numberHint(s)
        case .bool:
            let raw = r.raw(f)
            if raw.count == 4, raw[0] | 0x20 == 0x74, raw[1] | 0x20 == 0x72, raw[2] | 0x20 == 0x75, raw[3] | 0x20 == 0x65 { bools.append(1); return nil }
            if raw.count == 5, raw[0] | 0x20 == 0x66, raw[1] | 0x20 == 0x61, raw[2] | 0x20 == 0x6C, raw[3] | 0x20 == 0x73, raw[4] | 0x20 == 0x65 { bools.append(0); return nil }
            bools.append(2)
            return "'\(shown(r.string(f)))' is not a boolean (\(field.name)): write true or false"
        case .list:
            lists.append(r.string(f).split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty })
            return nil
        case .date:
            let s = r.string(f)
            guard let problem = dateProblem(s) else { strings.append(s); return nil }
            strings.appendNull()
            return "'\(shown(s))' is not a date (\(field.name)): \(problem)"
        default:
            if f.escaped {
                let s = r.string(f)
                var copy = s
                let (code, isNew) = copy.withUTF8 { p in strings.append(UnsafeRawBufferPointer(p), make: { s }) }
                return check(code, isNew)
            }
            let (code, isNew) = strings.append(r.raw(f), make: { r.string(f) })
            if !isNew && field.allowed == nil { return nil }
            return check(code, isNew)
        }
    }

    /// Checks an enumerated field's value once per distinct value.
    mutating func check(_ code: Int32, _ isNew: Bool) -> String? {
        guard let allowed = field.allowed else { return nil }
        if isNew { allowedCodes.append(allowed.contains(strings.dictionary[Int(code)])) }
        if allowedCodes[Int(code)] { return nil }
        let s = strings.dictionary[Int(code)]
        strings.codes[strings.codes.count - 1] = -1
        let c = closestNames(to: s, in: allowed, limit: 1)
        return "unknown \(field.name) '\(shown(s))'" + (c.isEmpty ? "" : " (did you mean '\(c[0])'?)") + "; allowed: \(allowed.joined(separator: ", "))"
    }

    func numberHint(_ s: String) -> String {
        if s.contains(",") { return ": use '.' for decimals and no thousands separators" }
        if s.contains(" ") || s.contains("\u{00A0}") || s.contains("\u{202F}") { return ": write numbers without spaces" }
        return ""
    }
}

/// Parses an optional `-` and ASCII digits.
func parseInt(_ b: UnsafeRawBufferPointer) -> Int? {
    var i = 0, neg = false
    if i < b.count, b[i] == 0x2D { neg = true; i += 1 }
    if i == b.count { return nil }
    var v = 0
    while i < b.count {
        let d = b[i] &- 0x30
        if d > 9 { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(Int(d))
        if o1 || o2 { return nil }
        v = s; i += 1
    }
    return neg ? -v : v
}

private let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }

/// Parses a decimal written with `.` (digits, optional sign, fraction and exponent).
/// Plain `-123.4567` forms take an exact fast path (mantissa below 2^53, at most 22 decimals).
func parseDecimal(_ b: UnsafeRawBufferPointer) -> Double? {
    var i = 0, neg = false
    if i < b.count, b[i] == 0x2D || b[i] == 0x2B { neg = b[i] == 0x2D; i += 1 }
    var mantissa: UInt64 = 0, digits = 0, frac = 0, seenDot = false
    while i < b.count {
        let c = b[i]
        if c >= 0x30 && c <= 0x39 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(c - 0x30) } else { return parseDecimal(String(decoding: b, as: UTF8.self)) }
            digits += 1
            if seenDot { frac += 1 }
        } else if c == 0x2E && !seenDot {
            seenDot = true
        } else {
            return parseDecimal(String(decoding: b, as: UTF8.self))
        }
        i += 1
    }
    guard digits > 0 else { return nil }
    guard mantissa < (1 << 53), frac <= 22 else { return parseDecimal(String(decoding: b, as: UTF8.self)) }
    let v = Double(mantissa) / powersOfTen[frac]
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

/// nil for a real date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ASCII digits only, the
/// day within its month, 29 February only in leap years); else what is wrong, for the message.
func dateProblem(_ s: String) -> String? {
    switch Dates.check(s) {
    case .valid: nil
    case .badFormat: "write YYYY, YYYY-MM or YYYY-MM-DD"
    case .noMonth(let m): "there is no month \(m)"
    case .noDay(_, _, let last): "\(s.prefix(7)) has \(last) days"
    }
}

/// True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real day.
func isValidDate(_ s: String) -> Bool { dateProblem(s) == nil }

/// An optional `-` then ASCII digits (whether or not the value fits in an integer).
func isIntegerSyntax(_ b: UnsafeRawBufferPointer) -> Bool {
    let digits = b.first == 0x2D ? b.dropFirst() : b[...]
    return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
}
