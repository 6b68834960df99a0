import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ReseauCore

/// Loading a network for the command line, and describing what was loaded.
public enum Network {
    /// Loads `folder`, or the bundled network when nil (from its image compiled in, see
    /// `BundledImage`). A folder that does not exist is one
    /// error, not one "missing file" per CSV file.
    /// A folder goes through the snapshot cache unless `cache` is false.
    public static func load(_ folder: String?, cache: Bool = true) throws(CLIError) -> Graph {
        if let folder {
            var isDir = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) else {
                throw .data("error: \(folder): no such folder")
            }
            guard isDir else { throw .data("error: \(folder): not a folder") }
        }
        do {
            guard let folder else { return try BundledImage.load().0 }
            if !cache { return try Loader.load(FolderSource(folder)) }
            switch CachedLoader.cacheDirectory() {
            case .success(let dir):
                return try CachedLoader.load(folder: folder, cacheDirectory: dir, warn: warnOnce).0
            case .failure(let off):
                warnOnce(off.warning)
                return try Loader.load(FolderSource(folder))
            }
        } catch {
            throw .data(error.description)
        }
    }

    /// Whether the cache warning was printed (once per process).
    nonisolated(unsafe) static var warnedAboutCache = false

    static func warnOnce(_ line: String) {
        guard !warnedAboutCache else { return }
        warnedAboutCache = true
        Console.errorLine(line)
    }

    /// Total nodes and edges.
    public static func totals(_ g: Graph) -> (nodes: Int, edges: Int) {
        (g.nodeCount, g.edgeCount)
    }

    /// "1 node", "12 nodes".
    public static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// "241 nodes, 214 edges".
    public static func summary(_ g: Graph) -> String {
        let (n, e) = totals(g)
        return counted(n, "node") + ", " + counted(e, "edge")
    }

    /// "the bundled network" or "network /path".
    public static func describe(_ g: Graph) -> String {
        g.origin == "bundled" ? "the bundled network" : "the network in \(g.origin)"
    }

    /// The table of `reseau check`: one line per node type and edge type with its row count.
    ///
    /// ```
    /// kind  type     source        file              rows
    /// node  city     cities        cities.csv          61
    /// …
    /// edge  twin     twinnings     twinnings.csv       40
    /// ```
    public static func countTable(_ g: Graph) -> String {
        var rows: [[String]] = [["kind", "type", "source", "file", "rows"]]
        for (t, d) in g.schema.nodeTypes.withIDs { rows.append(["node", d.name, d.source, d.file, String(g.count(t))]) }
        for (t, d) in g.schema.edgeTypes.withIDs { rows.append(["edge", d.name, d.source, d.file, String(g.count(t))]) }
        return alignedTable(rows, rightAligned: [4])
    }

    /// Rows padded to the widest cell of each column (two spaces between columns).
    static func alignedTable(_ rows: [[String]], rightAligned: Set<Int> = [],
                             width: Int? = Terminal.isTerminal(1) ? Terminal.width() : nil) -> String {
        guard let n = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        // The last column wraps at word boundaries under itself when the terminal is narrower.
        let lastStart = widths.dropLast().reduce(0, +) + 2 * max(0, n - 1)
        let room = width.map { $0 - lastStart } ?? Int.max
        var out = ""
        for r in rows {
            var line = ""
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                if i > 0 { line += "  " }
                if i == n - 1 && !rightAligned.contains(i) && room >= 20 && c.count > room {
                    line += wrapWords(c, width: room).joined(separator: "\n" + String(repeating: " ", count: lastStart))
                } else {
                    line += rightAligned.contains(i) ? pad + c : (i == n - 1 ? c : c + pad)
                }
            }
            out += line + "\n"
        }
        return out
    }
}

/// `text` in lines of at most `width` terminal cells, broken at spaces (a longer word stays
/// whole): the table's own wrapping.
func wrapWords(_ text: String, width: Int) -> [String] { TableWriter.wrapped(text, width: width) }

/// `text`, each of its lines wrapped at the terminal's width (when stdout is one), continuation
/// lines indented like the line they continue.
func wrapForTerminal(_ text: String) -> String {
    guard Terminal.isTerminal(1), let width = Terminal.width() else { return text }
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let indent = String(line.prefix { $0 == " " })
        guard line.count > width, width - indent.count >= 20 else { out.append(String(line)); continue }
        out += wrapWords(String(line.dropFirst(indent.count)), width: width - indent.count).map { indent + $0 }
    }
    return out.joined(separator: "\n")
}
