// reseau-e0 'QUERY': what `reseau -e 'QUERY'` does, through ReseauCore alone — load the
// bundled network, run the query, print the result as a table on stdout. It stands in for
// W0 (the whole process) while the command line is being written, and shows what the
// engine itself costs in a cold process.
import Foundation
import ReseauCore

final class StandardOutput: TextOutput {
    func write(_ s: String) throws { FileHandle.standardOutput.write(Data(s.utf8)) }
    func flush() throws {}
}

let query = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "cities | count"
do {
    let graph = try Loader.load(BundledSource())
    let session = Session(graph: graph)
    let writer = makeWriter(OutputOptions(format: .table), graph: graph, output: StandardOutput())
    try session.run(SourceText(name: "-e", text: query), to: writer)
} catch let e as QueryError {
    FileHandle.standardError.write(Data(e.rendered.utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
