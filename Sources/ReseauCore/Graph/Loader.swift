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
/// types); edge files are then read one after another, each looking its endpoints up in that
/// table. A big file is parsed in chunks on every core (`Chunks`).
public enum Loader {
    public static let maxErrors = 50

    /// Loads the network from `source`.
    public static func load(_ source: DataSource, schema: Schema = .shared) throws(LoadFailure) -> Graph {
        var run = NodePass(source: source, schema: schema)
        var nodes = run.run()
        for t in nodes.indices { compact(&nodes[t].columns, keep: schema.nodeTypes[t].nameField) }
        let ctx = EdgeContext(source: source, schema: schema, ids: run.ids, nodes: nodes, failedTypes: run.failedTypes)
        // One edge file after another, each big one on every core (`Chunks`): the text of only
        // one file is in memory at a time.
        var errors = run.errors
        var edges = TypeIndexed<EdgeTypeID, EdgeTable>([])
        for t in schema.edgeTypeIDs {
            var table: EdgeTable, errs: [DataError]
            (table, errs) = ctx.loadEdges(t)
            compact(&table.columns, keep: schema[t].kindField)
            edges.append(table)
            errors += errs
        }
        if !errors.isEmpty {
            throw LoadFailure(errors: Array(errors.prefix(maxErrors)), more: max(0, errors.count - maxErrors))
        }
        releaseFreedMemory()
        return Graph(schema: schema, nodes: nodes, edges: edges, origin: source.name)
    }

    /// Gives the pages the parse freed back to the system. The file texts, chunk arrays and
    /// builders of a big load are freed into the allocator's heaps (one per thread that parsed a
    /// chunk), which keep them: at L that was 210 MB more resident memory after a CSV load than
    /// after a snapshot load of the same network. `malloc_trim` returns every free page.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        // Looked up, not declared: Glibc's module map leaves out <malloc.h>.
        typealias Trim = @convention(c) (Int) -> Int32
        if let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {   // RTLD_DEFAULT
            _ = unsafeBitCast(f, to: Trim.self)(0)
        }
        #endif
    }

    /// Stores each column of a loaded table as compactly as its values allow (`Column.compacted`),
    /// once every derived column is filled: 32-bit integers, a constant string column without
    /// per-row codes. `keep` (the name or kind field) stays dictionary-encoded.
    static func compact(_ columns: inout [Column], keep: Int?) {
        for i in columns.indices {
            columns[i] = columns[i].compacted(allowConstant: i != keep)
        }
    }
}

/// The bytes of a file being parsed, shared by the tasks that parse its chunks (read only, and
/// alive until they all end: `concurrentPerform` returns after them).
struct SharedBytes: @unchecked Sendable {
    let data: UnsafeBufferPointer<UInt8>
}

/// Results written by parallel tasks, each to its own index.
final class ResultBox<T>: @unchecked Sendable {
    private var items: [T?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { items[i] = v }
    func get(_ i: Int) -> T { items[i]! }
    /// The result of task `i`, nil when it set none.
    func ifSet(_ i: Int) -> T? { items[i] }
}

/// Reads one CSV file: checks encoding and header, then hands each record to a closure.
struct FileReader {
    let source: DataSource
    let file: String
    var errors: [DataError] = []
    /// Set on a parse whose errors are never shown (a chunk parsed in parallel: on any error the
    /// whole file is read again in one piece, which words them): messages are not worth building.
    var quiet = false

    mutating func fail(_ line: Int, _ col: Int, _ msg: @autoclosure () -> String) {
        errors.append(DataError(file: quiet ? file : source.path(of: file), line: line, column: col, message: quiet ? "" : msg()))
    }

    /// Whether an error now is among those listed (so worth a suggestion, which compares names).
    var listsMore: Bool { !quiet && errors.count < Loader.maxErrors }

    /// The bytes of the file; nil (with the error) when it cannot be read.
    mutating func bytes(header: [String]) -> [UInt8]? {
        do {
            guard let b = try source.read(file) else {
                fail(0, 0, "missing file (expected columns: \(header.joined(separator: ",")))")
                return nil
            }
            return b
        } catch let e as DataError {
            errors.append(e); return nil
        } catch {
            fail(0, 0, "cannot read: \(error)"); return nil
        }
    }

    /// Calls `row` for each record that has the right number of fields. Returns false when the
    /// file could not be read at all (missing, unreadable, bad encoding or header).
    @discardableResult
    mutating func read(header: [String], row: (inout FileReader, CSVReader, [CSVReader.Field], Int) -> Void) -> Bool {
        guard let bytes = bytes(header: header) else { return false }
        return parse(bytes, header: header, row: row)
    }

    /// `read` on bytes already read.
    mutating func parse(_ bytes: [UInt8], header: [String], row: (inout FileReader, CSVReader, [CSVReader.Field], Int) -> Void) -> Bool {
        if let bad = CSVReader.validate(bytes) { fail(bad.line, bad.column, bad.message); return false }
        return CSVReader.withReader(bytes) { reader -> Bool in
            var fields: [CSVReader.Field] = []
            fields.reserveCapacity(header.count + 2)
            do {
                guard try checkHeader(&reader, &fields, header) else { return false }
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

    /// Reads the header row; false (with the error) when it is not `header`.
    mutating func checkHeader(_ reader: inout CSVReader, _ fields: inout [CSVReader.Field], _ header: [String]) throws(CSVReader.Failure) -> Bool {
        guard try reader.nextRecord(into: &fields) else {
            fail(1, 1, "empty file: expected the header row '\(header.joined(separator: ","))'")
            return false
        }
        let names = fields.map { reader.string($0).trimmingSpaces }
        if names == header { return true }
        let expected = header.joined(separator: ",")
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
}

/// How a big file is parsed on every core: cut into chunks at record boundaries, each chunk
/// parsed on its own, the results joined in file order.
///
/// A cut is made only after a line feed with an even number of quotes before it: in a file
/// that parses, that line feed ends a record (each quote opens or closes a quoted field, or is
/// half of a doubled quote inside one). A file that does not parse fails in one of its chunks
/// too; then, and on any other error, the file is read again in one piece by the sequential
/// reader, so that every message, its order and its `file:line:col` are those of one pass.
enum Chunks {
    /// Files of fewer bytes are read in one piece (`RESEAU_TEST_CHUNK_BYTES` lowers it in tests).
    static let minimumBytes: Int = ProcessInfo.processInfo.environment["RESEAU_TEST_CHUNK_BYTES"].flatMap { Int($0) }.map { max(1, $0) } ?? (1 << 20)
    /// At most this many chunks per file: a few per core, so that a core slowed by another
    /// program does not hold up the others.
    static let maximumCount = max(1, ProcessInfo.processInfo.activeProcessorCount * 4)

    /// The chunks of `data` after its header (which ends at `start`, before line `startLine`):
    /// ranges in file order with the line each starts at. nil when a byte is not valid UTF-8 or
    /// is NUL (the sequential reader then reports it), or the file is too small to split.
    static func split(_ data: UnsafeBufferPointer<UInt8>, start: Int, startLine: Int) -> [(range: Range<Int>, line: Int)]? {
        let n = data.count
        let k = min(maximumCount, (n - start) / minimumBytes)
        guard k >= 2 else { return nil }
        var cuts: [Int] = [0]
        for j in 1..<k {
            var p = max(start + j * (n - start) / k, cuts[cuts.count - 1])
            while p < n, data[p] != 0x0A { p += 1 }
            if p + 1 < n, p + 1 > cuts[cuts.count - 1] { cuts.append(p + 1) }
        }
        cuts.append(n)
        guard cuts.count > 2 else { return nil }
        let counts = ResultBox<(quotes: Int, newlines: Int)?>(count: cuts.count - 1)
        let shared = SharedBytes(data: data), bounds = cuts
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { i in
            counts.set(i, CSVReader.scan(shared.data, bounds[i]..<bounds[i + 1]))
        }
        var chunks: [(range: Range<Int>, line: Int)] = []
        var quotes = 0, newlines = 0, chunkStart = start, chunkLine = startLine
        for i in 0..<(cuts.count - 1) {
            guard let c = counts.get(i) else { return nil }
            quotes += c.quotes; newlines += c.newlines
            let cut = cuts[i + 1]
            // Outside quotes (in a file that parses): the cut is a record boundary.
            if quotes % 2 == 0, cut > chunkStart, cut < n {
                chunks.append((chunkStart..<cut, chunkLine))
                chunkStart = cut; chunkLine = newlines + 1
            }
        }
        if chunkStart < n { chunks.append((chunkStart..<n, chunkLine)) }
        return chunks
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
    var failedTypes = Set<NodeTypeID>()
    /// By node type, the column (in characters) of each row's reference field (a city's
    /// country code), for "unknown country code".
    var referenceColumns: [NodeTypeID: [Int32]] = [:]

    /// A cell's pending reference to a node, resolved once every node is known.
    struct PendingRef { var table: NodeTypeID; var column: Int; var row: Int; var id: String; var line: Int; var col: Int; var type: NodeTypeID? }

    init(source: DataSource, schema: Schema) { self.source = source; self.schema = schema }

    /// What reading the file of node type `t` needs to know of it.
    struct Shape {
        let t: NodeTypeID
        let def: NodeTypeDef
        let header: [String]
        let inFile: [Bool]
        /// For node-valued fields, the referenced type (`type` nil: any).
        let refTypes: [(type: NodeTypeID?, Void)?]
        /// Coordinates (the schema's roles) are checked as they are read (with their column).
        let rangeLimits: [Double?]
        /// The column of each row's reference (a city's country code) is kept for
        /// `fillComputed`'s messages.
        let referenceField: Int

        init(_ t: NodeTypeID, _ def: NodeTypeDef) {
            self.t = t; self.def = def
            header = (def.idColumn.map { [$0] } ?? []) + def.fields.filter(\.inFile).map(\.name)
            inFile = def.fields.map(\.inFile)
            refTypes = def.fields.map { if case .node(let t) = $0.type { (t, ()) } else { nil } }
            var limits = [Double?](repeating: nil, count: def.fields.count)
            if let c = def.coordinates { limits[c.lat] = 90; limits[c.lon] = 180 }
            rangeLimits = limits
            referenceField = def.roles.reference.flatMap { def.fieldIndex($0.field) } ?? -1
        }
    }

    /// The rows of a node file (or of one chunk of it) as they are read.
    struct Rows {
        var ids: [String] = []
        var lines: [Int32] = []
        var builders: [ColumnBuilder]
        var pending: [PendingRef] = []
        var referenceColumns: [Int32] = []
        /// Where each row's id is in the file (a chunk's rows: ids go into the id table
        /// afterwards, in file order).
        var idRanges: [Range<Int>] = []
        init(_ def: NodeTypeDef) { builders = def.fields.map { ColumnBuilder($0) } }

        /// Makes room for `n` rows in all.
        mutating func reserve(_ n: Int) {
            ids.reserveCapacity(n); lines.reserveCapacity(n)
            for i in builders.indices { builders[i].reserve(n) }
        }

        /// Appends the rows of `o`, read after these.
        mutating func append(_ o: Rows) {
            let offset = ids.count
            ids += o.ids; lines += o.lines; idRanges += o.idRanges; referenceColumns += o.referenceColumns
            pending.reserveCapacity(pending.count + o.pending.count)
            for var p in o.pending { p.row += offset; pending.append(p) }
            for i in builders.indices { builders[i].append(contentsOf: o.builders[i]) }
        }
    }

    mutating func run() -> TypeIndexed<NodeTypeID, NodeTable> {
        var tables = TypeIndexed<NodeTypeID, NodeTable>([])
        var pending: [PendingRef] = []
        for (t, def) in schema.nodeTypes.withIDs {
            let shape = Shape(t, def)
            var reader = FileReader(source: source, file: def.file)
            var rows = Rows(def)
            var readable = false
            if var bytes = reader.bytes(header: shape.header) {
                if bytes.count >= 2 * Chunks.minimumBytes, var parts = loadChunked(shape, bytes) {
                    bytes = []  // the text is no longer needed: its memory goes before the merge
                    rows = parts[0]
                    parts[0] = Rows(def)
                    rows.reserve(rows.ids.count + parts.dropFirst().reduce(0) { $0 + $1.ids.count })
                    for i in 1..<parts.count { rows.append(parts[i]); parts[i] = Rows(def) }
                    readable = true
                } else {
                    var table: ByteTable? = ids
                    ids = ByteTable()
                    let idLines = self.idLines, schema = self.schema
                    readable = reader.parse(bytes, header: shape.header) { fr, r, fields, line in
                        NodePass.row(shape, &rows, &fr, r, fields, line, &table, idLines: idLines, schema: schema)
                    }
                    ids = table!
                }
            }
            if !readable { failedTypes.insert(t) }
            idLines.append(rows.lines)
            errors += reader.errors
            pending += rows.pending
            if shape.referenceField >= 0 { referenceColumns[t] = rows.referenceColumns }
            tables.append(NodeTable(type: t, ids: rows.ids, columns: rows.builders.map { $0.column }, lines: rows.lines))
        }
        resolve(pending, &tables)
        fillComputed(&tables)
        return tables
    }

    /// A big node file parsed in chunks on every core, then its ids put into the id table in
    /// file order; the chunks' rows in file order, or nil (the id table unchanged) when the file
    /// cannot be split, is not valid, a row has an error or an id is taken (the sequential
    /// reader then says where).
    mutating func loadChunked(_ shape: Shape, _ bytes: [UInt8]) -> [Rows]? {
        let source = self.source, schema = self.schema
        return bytes.withUnsafeBufferPointer { data -> [Rows]? in
            var reader = CSVReader(data)
            var fields: [CSVReader.Field] = []
            var fr = FileReader(source: source, file: shape.def.file)
            fr.quiet = true
            // A header that does not parse or match is not lost: the sequential reader reports it.
            let headerMatches: Bool
            do { headerMatches = try fr.checkHeader(&reader, &fields, shape.header) } catch { headerMatches = false }
            guard headerMatches,
                  let chunks = Chunks.split(data, start: reader.position, startLine: reader.line) else { return nil }
            let results = ResultBox<Rows?>(count: chunks.count)
            let shared = SharedBytes(data: data)
            /// One chunk's rows; nil at the first error.
            @Sendable func parse(_ c: Int) -> Rows? {
                var reader = CSVReader(shared.data, range: chunks[c].range, line: chunks[c].line)
                var rows = Rows(shape.def)
                var fr = FileReader(source: source, file: shape.def.file)
                fr.quiet = true
                var fields: [CSVReader.Field] = []
                fields.reserveCapacity(shape.header.count + 2)
                var noTable: ByteTable? = nil
                do {
                    while try reader.nextRecord(into: &fields) {
                        guard fields.count == shape.header.count else { return nil }
                        NodePass.row(shape, &rows, &fr, reader, fields, fields[0].line, &noTable, idLines: [], schema: schema)
                        if !fr.errors.isEmpty { return nil }
                    }
                } catch {
                    return nil
                }
                return rows
            }
            DispatchQueue.concurrentPerform(iterations: chunks.count) { c in results.set(c, parse(c)) }
            var parts: [Rows] = []
            for c in chunks.indices {
                guard let r = results.get(c) else { return nil }
                parts.append(r)
                results.set(c, nil)
            }
            // The ids, in file order: the first taken id sends the file to the sequential reader.
            if shape.def.idColumn != nil {
                let saved = ids
                ids.reserve(ids.count + parts.reduce(0) { $0 + $1.idRanges.count })
                let raw = UnsafeRawBufferPointer(data)
                var row = 0
                for p in parts.indices {
                    for range in parts[p].idRanges {
                        if ids.insert(UnsafeRawBufferPointer(rebasing: raw[range]), packNode(shape.t, row)) != nil {
                            ids = saved
                            return nil
                        }
                        row += 1
                    }
                    parts[p].idRanges = []
                }
            }
            return parts
        }
    }

    /// Reads one record of a node file into `rows`, or reports why it cannot. `table` is the
    /// id table to check the id against and add it to (nil in a chunk: the id's place is kept).
    static func row(_ s: Shape, _ rows: inout Rows, _ fr: inout FileReader, _ r: CSVReader, _ fields: [CSVReader.Field], _ line: Int,
                    _ table: inout ByteTable?, idLines: [[Int32]], schema: Schema) {
        let def = s.def, t = s.t
        var k = 0
        let id: String
        let row = rows.ids.count
        if def.idColumn != nil {
            let f = fields[0]
            k = 1
            if r.isEmpty(f) { fr.fail(f.line, r.column(f), "empty id"); return }
            if table != nil {
                let key = r.raw(f)
                if let prev = table!.find(key) {
                    let p = unpackNode(prev)
                    let firstLine = p.type == t ? rows.lines[Int(p.index)] : idLines[p.type.index][Int(p.index)]
                    fr.fail(f.line, r.column(f), "duplicate id '\(shown(r.string(f)))' (first defined at \(schema[p.type].file):\(firstLine))")
                    return
                }
                table!.insert(key, packNode(t, row))
            } else {
                rows.idRanges.append(f.start..<f.end)
            }
            id = r.string(f)
        } else {
            id = "\(def.name)-\(line)"
        }
        for fi in 0..<rows.builders.count {
            guard s.inFile[fi] else { rows.builders[fi].appendNull(); continue }
            let f = fields[k]; k += 1
            if let rt = s.refTypes[fi] {
                let fd = def.fields[fi]
                rows.builders[fi].appendNull()
                if !r.isEmpty(f) { rows.pending.append(PendingRef(table: t, column: fi, row: row, id: r.string(f), line: f.line, col: r.column(f), type: rt.type)) }
                else if fd.required { fr.fail(f.line, r.column(f), "'\(fd.name)' is required") }
                continue
            }
            if let msg = rows.builders[fi].append(r, f) { fr.fail(f.line, r.column(f), msg) }
            else if let limit = s.rangeLimits[fi], case let v = rows.builders[fi].decimals[rows.builders[fi].decimals.count - 1], !v.isNaN, abs(v) > limit {
                fr.fail(f.line, r.column(f), "\(def.fields[fi].name) \(formatDecimal(v)) is out of range (-\(Int(limit))…\(Int(limit)))")
            }
            if fi == s.referenceField { rows.referenceColumns.append(Int32(truncatingIfNeeded: r.column(f))) }
        }
        rows.ids.append(id)
        rows.lines.append(Int32(truncatingIfNeeded: line))
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
    mutating func resolve(_ pending: [PendingRef], _ tables: inout TypeIndexed<NodeTypeID, NodeTable>) {
        var columns: [NodeTypeID: [Int: [NodeRef?]]] = [:]
        for p in pending {
            if let ref = node(p.id), p.type == nil || ref.type == p.type {
                if columns[p.table]?[p.column] == nil, case .node(let a) = tables[p.table].columns[p.column] {
                    columns[p.table, default: [:]][p.column] = a
                }
                columns[p.table]![p.column]![p.row] = ref
            } else if !(p.type.map { failedTypes.contains($0) } ?? !failedTypes.isEmpty) {
                let what = p.type.map { schema[$0].name } ?? "node"
                let cands = p.type.map { tables[$0].ids } ?? tables.flatMap(\.ids)
                fail(schema[p.table].file, p.line, p.col, "unknown \(what) id '\(shown(p.id))'" + (errors.count < Loader.maxErrors ? suggestion(p.id, cands) : ""))
            }
        }
        for (t, cols) in columns { for (c, a) in cols { tables[t].columns[c] = .node(a) } }
    }

    /// Computed fields, from the schema's roles: an id repeated as a field (`country.code`),
    /// and fields copied through a reference (`city.country` and `city.continent` from the
    /// country whose code is in `city.country_code`). Copied fields are string columns that
    /// share the referenced column's dictionary.
    mutating func fillComputed(_ tables: inout TypeIndexed<NodeTypeID, NodeTable>) {
        for (t, def) in schema.nodeTypes.withIDs {
            guard let idF = def.idField.flatMap(def.fieldIndex) else { continue }
            var code = StringColumnBuilder()
            for id in tables[t].ids { code.append(id) }
            tables[t].columns[idF] = .string(code.column)
        }
        for (t, def) in schema.nodeTypes.withIDs {
            guard let ref = def.roles.reference, let refF = def.fieldIndex(ref.field),
                  case .string(let cc) = tables[t].columns[refF] else { continue }
            let target = tables[ref.type], tdef = schema[ref.type]
            var byID: [String: Int] = [:]
            for (i, id) in target.ids.enumerated() { byID[id] = i }
            // One lookup per distinct code, then a code-to-code map per row.
            let targetRow = cc.dictionary.map { byID[$0] }
            let copies: [(into: Int, from: StringColumn)] = ref.copies.compactMap { c in
                guard let i = def.fieldIndex(c.into), let f = tdef.fieldIndex(c.from), case .string(let col) = target.columns[f] else { return nil }
                return (i, col)
            }
            var codes = [[Int32]](repeating: [Int32](repeating: -1, count: cc.codes.count), count: copies.count)
            let columns = referenceColumns[t] ?? []
            for (i, c) in cc.codes.enumerated() where c >= 0 {
                if let r = targetRow[Int(c)] {
                    for k in copies.indices { codes[k][i] = copies[k].from.codes[r] }
                } else {
                    fail(def.file, Int(tables[t].lines[i]), i < columns.count ? Int(columns[i]) : 1,
                         "unknown \(String(ref.field.map { $0 == "_" ? " " : $0 })) '\(shown(cc.dictionary[Int(c)]))' (not in \(tdef.file))"
                         + (errors.count < Loader.maxErrors ? suggestion(cc.dictionary[Int(c)], target.ids) : ""))
                }
            }
            for k in copies.indices {
                tables[t].columns[copies[k].into] = .string(StringColumn(codes: codes[k], dictionary: copies[k].from.dictionary))
            }
        }
    }
}

/// A node as a 32-bit payload: type in the top 5 bits, row in the low 27 (134 million rows).
@inline(__always) func packNode(_ type: NodeTypeID, _ row: Int) -> UInt32 { UInt32(type.index) << 27 | UInt32(row) }
@inline(__always) func unpackNode(_ p: UInt32) -> NodeRef { NodeRef(type: packedType(p), index: Int(p & 0x07FF_FFFF)) }
/// The type of a node packed by `packNode`.
@inline(__always) func packedType(_ p: UInt32) -> NodeTypeID { NodeTypeID(Int(p >> 27)) }

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

/// The rows of an edge file (or of one chunk of it) as they are read.
struct EdgeRows {
    var from: [Int32] = []
    var to: [Int32] = []
    var builders: [ColumnBuilder]
    init(_ def: EdgeTypeDef) { builders = def.fields.map { ColumnBuilder($0) } }

    /// Makes room for `n` rows in all.
    mutating func reserve(_ n: Int) {
        from.reserveCapacity(n); to.reserveCapacity(n)
        for i in builders.indices { builders[i].reserve(n) }
    }

    /// Appends the rows of `o`, read after these.
    mutating func append(_ o: EdgeRows) {
        from += o.from; to += o.to
        for i in builders.indices { builders[i].append(contentsOf: o.builders[i]) }
    }
}

/// The second pass, one task per edge file: endpoints through the id table, attributes, adjacency.
struct EdgeContext: Sendable {
    let source: DataSource
    let schema: Schema
    let ids: ByteTable
    let nodes: TypeIndexed<NodeTypeID, NodeTable>
    let failedTypes: Set<NodeTypeID>

    func header(_ def: EdgeTypeDef) -> [String] { [def.fromColumn, def.toColumn] + def.fields.map(\.name) }

    /// Whether two edges of the type may not join the same two nodes.
    func checksDuplicates(_ def: EdgeTypeDef) -> Bool { def.forbidsParallelEdges }

    /// Loads edge type `t`: a big file on every core (`Chunks`), else, and on any error, in one pass.
    func loadEdges(_ t: EdgeTypeID) -> (EdgeTable, [DataError]) {
        let def = schema[t]
        var reader = FileReader(source: source, file: def.file)
        guard var bytes = reader.bytes(header: header(def)) else { return (table(t, EdgeRows(def)), reader.errors) }
        if bytes.count >= 2 * Chunks.minimumBytes, var parts = loadChunked(t, bytes) {
            bytes = []  // the text is no longer needed: its memory goes before the table is built
            var rows = parts[0]
            parts[0] = EdgeRows(def)
            rows.reserve(rows.from.count + parts.dropFirst().reduce(0) { $0 + $1.from.count })
            for i in 1..<parts.count { rows.append(parts[i]); parts[i] = EdgeRows(def) }
            let table = table(t, rows)
            if !checksDuplicates(def) || !hasDuplicatePairs(table, def) { return (table, []) }
            // Read again, in one piece, to say where.
            var again = FileReader(source: source, file: def.file)
            guard let b = again.bytes(header: header(def)) else { return (self.table(t, EdgeRows(def)), again.errors) }
            bytes = b
        }
        return loadEdges(t, bytes)
    }

    /// Whether two edges of `e` join the same two nodes (in either order when undirected): one
    /// pass over the adjacency, marking each node's neighbours with the node.
    func hasDuplicatePairs(_ e: EdgeTable, _ def: EdgeTypeDef) -> Bool {
        var mark = [Int32](repeating: -1, count: nodes[def.toType].count)
        return mark.withUnsafeMutableBufferPointer { mark in
            func seenTwice(_ a: Adjacency, _ u: Int32) -> Bool {
                a.others.withUnsafeBufferPointer { others in
                    for k in a.range(u) {
                        let v = Int(others[k])
                        if mark[v] == u { return true }
                        mark[v] = u
                    }
                    return false
                }
            }
            for u in 0..<Int32(nodes[def.fromType].count) {
                if seenTwice(e.outgoing, u) || (def.undirected && seenTwice(e.incoming, u)) { return true }
            }
            return false
        }
    }

    /// The sequential reader: every error of the file, with its `file:line:col`.
    func loadEdges(_ t: EdgeTypeID, _ bytes: [UInt8]) -> (EdgeTable, [DataError]) {
        let def = schema[t]
        var rows = EdgeRows(def)
        let checkDuplicates = checksDuplicates(def)
        var seenPairs = PairSet(capacity: checkDuplicates ? 1024 : 0)
        var reader = FileReader(source: source, file: def.file)
        _ = reader.parse(bytes, header: header(def)) { fr, r, fields, line in
            row(def, &rows, &fr, r, fields, line, checkDuplicates ? { key in seenPairs.insert(key, line: line) } : nil)
        }
        return (table(t, rows), reader.errors)
    }

    /// The file parsed in chunks on every core, each chunk's rows in file order; nil when the
    /// file cannot be split, is not valid or a row has an error (the sequential reader then says where).
    func loadChunked(_ t: EdgeTypeID, _ bytes: [UInt8]) -> [EdgeRows]? {
        let def = schema[t], header = header(def)
        if checksDuplicates(def), def.undirected, def.fromType != def.toType { return nil }
        let parts = bytes.withUnsafeBufferPointer { data -> [EdgeRows]? in
            var reader = CSVReader(data)
            var fields: [CSVReader.Field] = []
            var fr = FileReader(source: source, file: def.file)
            fr.quiet = true
            // A header that does not parse or match is not lost: the sequential reader reports it.
            let headerMatches: Bool
            do { headerMatches = try fr.checkHeader(&reader, &fields, header) } catch { headerMatches = false }
            guard headerMatches,
                  let chunks = Chunks.split(data, start: reader.position, startLine: reader.line) else { return nil }
            let results = ResultBox<EdgeRows?>(count: chunks.count)
            let shared = SharedBytes(data: data)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { c in
                results.set(c, parseChunk(def, shared.data, chunks[c].range, line: chunks[c].line, columns: header.count))
            }
            var parts: [EdgeRows] = []
            for c in chunks.indices { guard let p = results.get(c) else { return nil }; parts.append(p) }
            return parts
        }
        return parts
    }

    /// One chunk's rows; nil at the first error.
    func parseChunk(_ def: EdgeTypeDef, _ data: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int, columns: Int) -> EdgeRows? {
        var reader = CSVReader(data, range: range, line: line)
        var rows = EdgeRows(def)
        var fields: [CSVReader.Field] = []
        fields.reserveCapacity(columns + 2)
        // Endpoints are looked up a batch at a time, in a loop of lookups alone: their cache
        // misses in the id table then overlap instead of waiting one by one between rows.
        let batch = 256
        var ends = [Int](repeating: 0, count: 4 * batch)
        var starts = [(hash: UInt64, first: ByteTable.Slot)](repeating: (0, ByteTable.Slot()), count: 2 * batch)
        var pending = 0
        let selfLoops = def.undirected && def.fromType == def.toType
        let raw = UnsafeRawBufferPointer(data)
        func resolve() -> Bool {
            ends.withUnsafeBufferPointer { ends in
                starts.withUnsafeMutableBufferPointer { starts in
                    // First every probe's first slot (independent reads, in flight together)…
                    for k in 0..<(2 * pending) { starts[k] = ids.start(UnsafeRawBufferPointer(rebasing: raw[ends[2 * k]..<ends[2 * k + 1]])) }
                    // …then the lookups, mostly on cached lines.
                    for i in 0..<pending {
                        guard let a = ids.find(UnsafeRawBufferPointer(rebasing: raw[ends[4 * i]..<ends[4 * i + 1]]), hash: starts[2 * i].hash, first: starts[2 * i].first),
                              let b = ids.find(UnsafeRawBufferPointer(rebasing: raw[ends[4 * i + 2]..<ends[4 * i + 3]]), hash: starts[2 * i + 1].hash, first: starts[2 * i + 1].first),
                              packedType(a) == def.fromType, packedType(b) == def.toType, !(selfLoops && a == b) else { return false }
                        rows.from.append(Int32(a & 0x07FF_FFFF)); rows.to.append(Int32(b & 0x07FF_FFFF))
                    }
                    pending = 0
                    return true
                }
            }
        }
        do {
            while try reader.nextRecord(into: &fields) {
                guard fields.count == columns else { return nil }
                for fi in 0..<rows.builders.count where rows.builders[fi].append(reader, fields[2 + fi]) != nil { return nil }
                ends[4 * pending] = fields[0].start; ends[4 * pending + 1] = fields[0].end
                ends[4 * pending + 2] = fields[1].start; ends[4 * pending + 3] = fields[1].end
                pending += 1
                if pending == batch, !resolve() { return nil }
            }
        } catch {
            return nil
        }
        return resolve() ? rows : nil
    }

    /// Reads one record into `rows`, or reports why it cannot. `seen` (the sequential reader's,
    /// when the type has no duplicate pairs) records the pair's key and returns the line of an
    /// earlier edge with the same one.
    @inline(__always)
    func row(_ def: EdgeTypeDef, _ rows: inout EdgeRows, _ fr: inout FileReader, _ r: CSVReader, _ fields: [CSVReader.Field], _ line: Int,
             _ seen: ((UInt64) -> Int?)?) {
        func endpoint(_ f: CSVReader.Field, _ type: NodeTypeID) -> Int32? {
            let found = ids.find(r.raw(f))
            if let k = found, packedType(k) == type { return Int32(k & 0x07FF_FFFF) }
            if failedTypes.contains(type) { return nil }
            let id = r.string(f), what = schema[type].name
            if let k = found {
                fr.fail(line, r.column(f), "'\(shown(id))' is a \(schema[packedType(k)].name), not a \(what)")
            } else {
                let suggest = fr.listsMore
                fr.fail(line, r.column(f), "unknown \(what) id '\(shown(id))'" + (suggest ? suggestion(id, nodes[type].ids) : ""))
            }
            return nil
        }
        guard let a = endpoint(fields[0], def.fromType), let b = endpoint(fields[1], def.toType) else { return }
        if def.undirected && a == b && def.fromType == def.toType {
            fr.fail(line, r.column(fields[1]), "'\(shown(r.string(fields[0])))' is linked with itself"); return
        }
        if let seen {
            let (x, y) = def.undirected ? (min(a, b), max(a, b)) : (a, b)
            let key = UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y))
            if let prev = seen(key) {
                fr.fail(line, r.column(fields[0]), "duplicate edge '\(shown(r.string(fields[0])))' – '\(shown(r.string(fields[1])))' (already at line \(prev)\(def.undirected ? ", in either order" : ""))"); return
            }
        }
        var bad = false
        for fi in 0..<rows.builders.count {
            if let msg = rows.builders[fi].append(r, fields[2 + fi]) {
                fr.fail(line, r.column(fields[2 + fi]), msg); bad = true
            }
        }
        if bad { for fi in rows.builders.indices where rows.builders[fi].count > rows.from.count { rows.builders[fi].removeLast() }; return }
        rows.from.append(a); rows.to.append(b)
    }

    /// The table of `rows`, with its adjacency both ways (built at once on two cores).
    func table(_ t: EdgeTypeID, _ rows: EdgeRows) -> EdgeTable {
        let def = schema[t]
        let built = ResultBox<Adjacency>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            built.set(k, k == 0 ? Adjacency(count: nodes[def.fromType].count, endpoints: rows.from, otherEnds: rows.to)
                                : Adjacency(count: nodes[def.toType].count, endpoints: rows.to, otherEnds: rows.from))
        }
        return EdgeTable(type: t, from: rows.from, to: rows.to, columns: rows.builders.map { $0.column },
                         outgoing: built.get(0), incoming: built.get(1))
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

    /// Makes room for `n` cells in all.
    mutating func reserve(_ n: Int) {
        switch type {
        case .int: ints.reserveCapacity(n)
        case .decimal: decimals.reserveCapacity(n)
        case .bool: bools.reserveCapacity(n)
        case .list: lists.reserveCapacity(n)
        case .node: nodes.reserveCapacity(n)
        default: strings.codes.reserveCapacity(n)
        }
    }

    /// Appends the cells of `o`, read after these (string codes mapped to this dictionary, which
    /// grows in first-seen order, as if one builder had read both).
    mutating func append(contentsOf o: ColumnBuilder) {
        switch type {
        case .int: ints += o.ints
        case .decimal: decimals += o.decimals
        case .bool: bools += o.bools
        case .list: lists += o.lists
        case .node: nodes += o.nodes
        default: strings.append(contentsOf: o.strings)
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
