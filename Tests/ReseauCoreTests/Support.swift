import Foundation
import ReseauCore

/// Paths of the repository, found from this file.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ p: String) -> String { root.appendingPathComponent(p).path }
}

/// The bundled network, loaded once.
let bundledGraph: Graph = try! Loader.load(BundledSource())

/// Runs query text on a fresh session; returns what the CLI prints: results as plain tables,
/// then the rendered error, if any.
func runQuery(_ text: String, name: String = "-e", graph: Graph = bundledGraph, params: [String: Value] = [:],
              format: OutputFormat = .table, limits: Limits? = nil, cite: Bool = false) -> String {
    let session = Session(graph: graph)
    session.cite = cite
    let out = StringOutput()
    session.onWarning = { out.append($0) }
    for (k, v) in params { session.setParam(k, v) }
    if let limits { session.limits = limits }
    let writer = makeWriter(OutputOptions(format: format), graph: graph, output: out)
    do {
        try session.run(SourceText(name: name, text: text), to: writer)
        return out.text
    } catch {
        return out.text + error.rendered
    }
}
