import ArgumentParser
import ReseauCore
@preconcurrency import CEditLine
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `reseau check [--data DIR]`: loads a network and prints the rows of each node and edge type.
struct CheckCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "reseau check",
        abstract: "Check a network's CSV files and count the rows of each node and edge type.",
        discussion: """
            Loads the bundled network, or the folder given with --data, as a query would. On success \
            prints one line per node type and edge type with its file and row count, and exits 0. \
            Otherwise prints every error found as file:line:column: message on stderr and exits 3.
            """
    )

    @Option(help: ArgumentHelp("The folder of CSV files to check (default: the bundled network).", valueName: "DIR"))
    var data: String?

    init() {}

    func execute() -> ExitStatus {
        _ = reseau_ignore_signal(SIGPIPE)
        let graph: Graph
        do { graph = try Network.load(data) } catch {
            Console.errorLine(error.description)
            return error.status
        }
        let out = StdoutOutput()
        out.print(TerminalText.escape(Network.countTable(graph) + "ok: \(Network.describe(graph)): \(Network.summary(graph))\n",
                                      .message(keepNewlines: true)))
        return .success
    }
}
