import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ReseauCore

/// A command of the REPL that starts with a dot, in the style of sqlite3.
struct DotCommand: Sendable {
    let name: String
    let arguments: String
    let summary: String
    /// More for `.help NAME`.
    let details: String
    /// What its argument completes to.
    let argument: ArgumentKind

    enum ArgumentKind: Sendable { case none, file, format, onOff, type, topic, param }

    static let all: [DotCommand] = [
        DotCommand(name: "data", arguments: "[DIR]", summary: "reload the network from the CSV files of DIR; no DIR: what is loaded",
                   details: "On errors the network loaded before stays, and the errors are listed as file:line:column: message. Reloading drops `let` bindings.",
                   argument: .file),
        DotCommand(name: "cite", arguments: "[on|off]", summary: "add a last column `sources`: the seed lines (file:line) behind each row",
                   details: "The same as --cite. Each row cites the source field of every node and edge it holds (its own, a graph step's node, prev and edge, both sides of a join, the edge into each path step), a group every row of the group; only FILE.txt:LINE references, sorted and without repeats (named sources such as GeoNames stay in the source field). See docs/language.md, \"Citing sources\". Without on or off, shows the setting.",
                   argument: .onOff),
        DotCommand(name: "exit", arguments: "", summary: "leave (also .quit and Ctrl-D)", details: "", argument: .none),
        DotCommand(name: "format", arguments: "[FORMAT]", summary: "output format: " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "),
                   details: "Without FORMAT, shows the current one. The default is a table on a terminal and TSV elsewhere.",
                   argument: .format),
        DotCommand(name: "header", arguments: "[on|off]", summary: "print the header row of each result (also .headers)",
                   details: "The same as --no-header on the command line when off. Without on or off, shows the setting.", argument: .onOff),
        DotCommand(name: "headers", arguments: "[on|off]", summary: "the same as .header (sqlite3's spelling)", details: "", argument: .onOff),
        DotCommand(name: "maxrows", arguments: "[N]", summary: "rows a table shows on the terminal: the first and last ones (0: all)",
                   details: "The default is \(TableWriter.defaultMaxRows). A longer result shows its first and last rows with ⋮ between and a footer `N rows (M shown)`. Pipes and files always get every row.",
                   argument: .none),
        DotCommand(name: "help", arguments: "[TOPIC]", summary: "this list, or more about a command, a step (.help join), a function, an aggregate, a source, or a topic: " + helpTopics.keys.sorted().joined(separator: ", "),
                   details: "", argument: .topic),
        DotCommand(name: "map", arguments: "FILE [size COL] [color COL]", summary: "draw the last query's result as a map (SVG) in FILE",
                   details: "Runs the last query again and writes its result as --format svg would, atomically: its cities on a world map, links as arcs, a path as a numbered chain. size COL sizes the dots by a number column (or city field, such as population), color COL colours them (michelin); without them, those of --map-size and --map-color.",
                   argument: .file),
        DotCommand(name: "mode", arguments: "[FORMAT]", summary: "the same as .format (sqlite3's spelling)", details: "", argument: .format),
        DotCommand(name: "nullvalue", arguments: "[TEXT]", summary: "how tables and the line format show null (default ∅)",
                   details: "Without TEXT, shows the current one. CSV and TSV write null as an empty field, JSON as null.", argument: .none),
        DotCommand(name: "once", arguments: "FILE", summary: "send the next result only to FILE (its format from the extension)",
                   details: "FILE is written atomically when the query succeeds; then results go where they went before.", argument: .file),
        DotCommand(name: "output", arguments: "[FILE]", summary: "send results to FILE; no FILE: back to the terminal",
                   details: "FILE is written atomically (a temporary file, then rename) when you switch back with .output, switch to another file, or leave (also when the terminal closes: SIGHUP); until then any earlier FILE is untouched. Its format comes from its extension (.csv, .json, .jsonl, .md, .dot, .graphml, .svg) unless .format set one; other files get TSV.",
                   argument: .file),
        DotCommand(name: "pager", arguments: "[on|off|COMMAND]", summary: "show results taller than the screen through a pager (off by default)",
                   details: "on uses $PAGER, else less -FRSX (which quits at once when the result fits); COMMAND runs with sh -c. With the pager on, tables on the terminal show every row (no .maxrows cap); a result that fits the screen is printed as usual. Quitting the pager (q) stops the query quietly. Without an argument, shows the setting.",
                   argument: .none),
        DotCommand(name: "param", arguments: "NAME [VALUE]", summary: "bind $NAME to VALUE; no VALUE: unbind it",
                   details: "VALUE is an integer or a decimal when it parses as one, true/false a boolean, \"quoted\" or anything else a string. The same as --param NAME=VALUE.",
                   argument: .param),
        DotCommand(name: "params", arguments: "", summary: "list the bound parameters", details: "", argument: .none),
        DotCommand(name: "quit", arguments: "", summary: "leave (also .exit and Ctrl-D)", details: "", argument: .none),
        DotCommand(name: "read", arguments: "FILE", summary: "run the queries of FILE",
                   details: "The file runs as `reseau FILE` would run it: statement after statement, stopping at the first error.",
                   argument: .file),
        DotCommand(name: "show", arguments: "", summary: "the current settings, and the limits on one query (--max-memory, --max-rows, --timeout…)", details: "", argument: .none),
        DotCommand(name: "schema", arguments: "[TYPE]", summary: "node and edge types and their fields; with TYPE, its fields in detail",
                   details: "TYPE is a type name (city, twin) or a source name (cities, twinnings).", argument: .type),
        DotCommand(name: "tables", arguments: "", summary: "node and edge types with their row counts (.schema: their fields)", details: "", argument: .none),
        DotCommand(name: "timer", arguments: "[on|off]", summary: "print the time each query takes (on stderr)",
                   details: "Without on or off, shows the setting.", argument: .onOff),
        DotCommand(name: "width", arguments: "[N|auto]", summary: "the width tables fit into (auto: the terminal's; 0: never cut)",
                   details: "Numbers, dates, short codes and headers are never cut: text columns are cut with …, and when even that does not fit, whole columns are left out from the middle and named below the table. QUERY \\G shows one result in the line format.",
                   argument: .none),
    ]

    /// sqlite3 and psql commands Reseau has no such thing as, with what to use instead.
    static let elsewhere: [String: String] = [
        "edit": "write the query in a file with your editor and run it with .read FILE",
        "shell": "Reseau runs no shell commands; use another terminal (or Ctrl-Z and fg)",
        "system": "Reseau runs no shell commands; use another terminal (or Ctrl-Z and fg)",
        "import": "a network is a folder of CSV files: .data DIR loads one (reseau check --data DIR checks it)",
        "open": "a network is a folder of CSV files: .data DIR loads one",
        "databases": ".data shows the network loaded",
        "dump": ".output FILE then a query writes its result; .format csv or json for the format",
        "indexes": ".schema TYPE shows a type's fields",
        "indices": ".schema TYPE shows a type's fields",
        "separator": ".format csv or .format tsv",
        "explain": "write explain QUERY (a statement, not a dot command)",
        "print": "a query's result is printed; .output FILE sends it to a file",
        "log": ".output FILE sends results to a file",
        "changes": "Reseau never changes the network: queries only read it",
        "bail": "the REPL goes on after a failed query; scripts stop unless --keep-going",
    ]

    static func named(_ name: String) -> DotCommand? { all.first { $0.name == name } }

    /// `.help TOPIC` for what is not a command.
    static let helpTopics: [String: String] = [
        "keys": """
            Enter       run the query, or continue it on the next line when it is unfinished
                        (a line ending with |, a comma or an operator, an open bracket or string)
            ;           ends a query wherever it is
            \\G          at the end of a query: show its result in the line format
            Paste       a saved query runs whole, even with lines starting with | (they
                        continue the entry above when they come with the paste)
            Tab         complete a keyword, step, field, function or "name"; twice: list the choices
            Up, Down    earlier entries, also from earlier sessions (a multi-line query is one entry)
            Ctrl-C      drop the line being typed; while a query runs or prints: cancel it
            Ctrl-D      leave (on an empty line)
            Ctrl-R      search the history
            Ctrl-Z      suspend to the shell; fg brings the prompt and the line back

            """,
        "formats": """
            table       aligned columns, sized to the terminal (the default on a terminal): numbers,
                        dates, codes and headers never cut, columns that do not fit left out
                        and named, long results capped to their first and last rows (.maxrows)
            line        one `field = value` per line, a blank line between rows (QUERY \\G
                        shows one result this way)
            csv         RFC 4180: quotes around cells with commas, quotes or newlines
            tsv         tab-separated, tabs and newlines in cells escaped (the default elsewhere)
            json        one array of objects per result
            jsonl       one object per line
            markdown    a pipe table
            dot         the nodes and edges of a result, for Graphviz
            graphml     the same, for Gephi and yEd
            svg         a map of the cities of a result, its links and paths (.map FILE draws
                        the last query's)

            .output FILE and .once FILE take the format from FILE's extension unless .format
            set one. Several results: a blank line between them (json: one array each).

            """,
        "query": """
            A query starts from a source and passes rows through steps joined by |:
              cities | where country == "Spain" | sort name | select name, population
              city "Clermont-Ferrand" | twins | sort edge.since | select name, edge.since as since
              fundings | where year == $year | group by from: total = sum(amount) | sort total desc
            Sources: \(Schema.shared.nodeTypes.map(\.source).joined(separator: ", ")); \
            \(Schema.shared.edgeTypes.map(\.source).joined(separator: ", "));
            city "NAME" (one node by name); path "A" to "B"; match (a:city)-[t:twin]-(b:city); a `let` name.
            Steps: where, select, derive, sort, take [per KEY], skip, distinct, count,
            group by [… with totals], aggregate, join, union, append, twins, follow, out, in, nearest.
              fundings | sort amount desc | take 1 per year          (the largest funding each year)
              fundings | group by year: total = sum(amount) with totals
            `let NAME = QUERY`, `param NAME = VALUE`, `explain [analyze] QUERY`.
            .schema lists the fields of each source.

            """,
    ]
}

extension Repl {
    /// Runs a dot command line (`.schema city`); false to leave the REPL.
    func dotCommand(_ line: String) -> Bool {
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = trimmedBlanks(body.dropFirst(name.count))
        if let instead = DotCommand.elsewhere[name.lowercased()] {
            Console.errorLine("error: Reseau has no .\(name): \(instead)")
            return true
        }
        guard let command = DotCommand.named(name.lowercased()) else {
            let names = DotCommand.all.map { "." + $0.name }
            let close = closestNames(to: "." + name, in: names, limit: 1)
            Console.errorLine("error: unknown command '.\(name)'" + (close.isEmpty ? "" : " (did you mean '\(close[0])'?)")
                              + "; .help lists the commands")
            return true
        }
        switch command.name {
        case "quit", "exit": return false
        case "help": say(wrapForTerminal(helpText(argument)))
        case "schema": schema(argument)
        case "format", "mode": format(argument)
        case "header", "headers":
            if argument.isEmpty { say("header: \(runner.header ? "on" : "off")\n") }
            else if let on = onOff(argument, command) { runner.header = on }
        case "cite":
            if argument.isEmpty { say("cite: \(session.cite ? "on" : "off")\n") }
            else if let on = onOff(argument, command) { session.cite = on }
        case "timer":
            if argument.isEmpty { say("timer: \(runner.timer ? "on" : "off")\n") }
            else if let on = onOff(argument, command) { runner.timer = on }
        case "maxrows": maxRows(argument)
        case "pager": pager(argument)
        case "width": width(argument)
        case "nullvalue":
            if argument.isEmpty { say("nullvalue: \(runner.nullText)\n") } else { runner.nullText = argument }
        case "tables": tables()
        case "show": show()
        case "once": onceFile(argument)
        case "read": read(argument)
        case "output": output(argument)
        case "map": map(argument)
        case "param": param(argument)
        case "params": params()
        case "data": data(argument)
        default: break
        }
        return true
    }

    // MARK: .help

    func helpText(_ topic: String) -> String {
        let t = topic.hasPrefix(".") ? String(topic.dropFirst()) : topic
        if t.isEmpty {
            var rows: [[String]] = []
            for c in DotCommand.all {
                rows.append(["." + c.name + (c.arguments.isEmpty ? "" : " " + c.arguments), c.summary])
            }
            return """
                Type a query and press Enter. `.help query` shows what a query looks like,
                `.help keys` the keys, `.help formats` the output formats.

                """ + Network.alignedTable(rows)
        }
        if let c = DotCommand.named(t.lowercased()) {
            var s = "." + c.name + (c.arguments.isEmpty ? "" : " " + c.arguments) + "\n    " + c.summary + "\n"
            if !c.details.isEmpty { s += "    " + c.details + "\n" }
            return s
        }
        if let text = DotCommand.helpTopics[t.lowercased()] { return text }
        if let text = LanguageHelp.help(t, schema: session.graph.schema) { return text }
        let all = DotCommand.all.map(\.name) + DotCommand.helpTopics.keys.sorted() + LanguageHelp.words
        let close = closestNames(to: t, in: all, limit: 1)
        Console.errorLine("error: no help on '\(topic)'" + (close.isEmpty ? "" : " (did you mean '\(close[0])'?)"))
        return ""
    }

    // MARK: .schema

    func schema(_ argument: String) {
        let schema = session.graph.schema
        if argument.isEmpty {
            var s = "Node types (query all the nodes of a type by its source name):\n"
            var rows: [[String]] = []
            for (i, t) in schema.nodeTypes.withIDs {
                rows.append(["  " + t.name, t.source, "\(session.graph.count(i)) rows",
                             t.fields.map(\.name).joined(separator: ", ")])
            }
            s += Network.alignedTable(rows, rightAligned: [2])
            s += "Edge types (rows with from, to and the edge's fields):\n"
            rows = []
            for (i, t) in schema.edgeTypes.withIDs {
                let ends = schema.nodeTypes[t.fromType].name + (t.undirected ? " — " : " → ") + schema.nodeTypes[t.toType].name
                rows.append(["  " + t.name, t.source, "\(session.graph.count(i)) rows",
                             ends + ": " + t.fields.map(\.name).joined(separator: ", ")])
            }
            s += Network.alignedTable(rows, rightAligned: [2])
            s += ".schema TYPE shows the fields of a type with their types and meaning.\n"
            say(wrapForTerminal(s))
            return
        }
        let key = argument.lowercased()
        if let t = schema.nodeTypes.first(where: { $0.name == key || $0.source == key }) {
            var s = wrapForTerminal("\(t.name) — \(t.doc)") + "\n  source: \(t.source), from \(t.file)"
            s += (t.idColumn.map { ", id column '\($0)'" } ?? ", no id column (ids are TYPE-LINE)") + "\n"
            var rows: [[String]] = []
            if let id = t.idColumn, t.fieldIndex(id) == nil { rows.append(["  id", "string", "the node's id (\(id) column), a readable slug"]) }
            for f in t.fields { rows.append(fieldRow(f)) }
            say(s + Network.alignedTable(rows))
            return
        }
        if let t = schema.edgeTypes.first(where: { $0.name == key || $0.source == key }) {
            let from = schema.nodeTypes[t.fromType].name, to = schema.nodeTypes[t.toType].name
            var s = wrapForTerminal("\(t.name) — \(t.doc)") + "\n  source: \(t.source), from \(t.file)"
            s += t.undirected ? ", undirected (\(from) — \(to))\n" : " (\(from) → \(to))\n"
            var rows: [[String]] = [
                ["  from", from, "column '\(t.fromColumn)'"],
                ["  to", to, "column '\(t.toColumn)'"],
            ]
            for f in t.fields { rows.append(fieldRow(f)) }
            say(s + Network.alignedTable(rows))
            return
        }
        let names = schema.nodeTypes.flatMap { [$0.name, $0.source] } + schema.edgeTypes.flatMap { [$0.name, $0.source] }
        let close = closestNames(to: argument, in: names, limit: 1)
        Console.errorLine("error: unknown type '\(argument)'" + (close.isEmpty ? "" : " (did you mean '\(close[0])'?)")
                          + "; types: " + schema.nodeTypes.map(\.name).joined(separator: ", ") + ", "
                          + schema.edgeTypes.map(\.name).joined(separator: ", "))
    }

    func fieldRow(_ f: FieldDef) -> [String] {
        var notes = f.doc
        var extra: [String] = []
        if f.required { extra.append("required") }
        if !f.inFile { extra.append("computed") }
        if let allowed = f.allowed { extra.append("one of: " + allowed.joined(separator: ", ")) }
        if !extra.isEmpty { notes += (notes.isEmpty ? "" : "; ") + extra.joined(separator: "; ") }
        return ["  " + f.name, f.type.description, notes]
    }

    // MARK: .format, .header, .timer

    func format(_ argument: String) {
        if argument.isEmpty {
            say(runner.effectiveFormat.rawValue + (runner.format == nil ? " (the default here)" : "") + "\n")
            return
        }
        guard let f = OutputFormat(rawValue: argument.lowercased()) else {
            Console.errorLine("error: " + unknownFormatMessage(argument))
            return
        }
        runner.format = f
    }

    func maxRows(_ argument: String) {
        if argument.isEmpty {
            say("maxrows: \(runner.maxRows == 0 ? "0 (all rows)" : String(runner.maxRows))\n")
            return
        }
        guard let n = Int(argument), n >= 0 else { Console.errorLine("error: .maxrows expects a number of rows (0: all)"); return }
        runner.maxRows = n
    }

    /// `.pager on|off|COMMAND`.
    func pager(_ argument: String) {
        switch argument.lowercased() {
        case "":
            say("pager: \(runner.pager.map { "on (\($0))" } ?? "off (tables are capped at .maxrows)")\n")
        case "off":
            runner.pager = nil
        default:
            let command = argument.lowercased() == "on" ? Pager.defaultCommand() : argument
            if let problem = Pager.problem(command) {
                Console.errorLine("error: .pager: \(TerminalText.escape(problem))")
                return
            }
            runner.pager = command
        }
    }

    func width(_ argument: String) {
        if argument.isEmpty {
            let w = runner.width.map { $0 == 0 ? "0 (never cut)" : String($0) } ?? "auto (the terminal's: \(Terminal.width().map(String.init) ?? "unknown"))"
            say("width: \(w)\n")
            return
        }
        if argument.lowercased() == "auto" { runner.width = nil; return }
        guard let n = Int(argument), n >= 0 else { Console.errorLine("error: .width expects a number of columns, 0 (never cut) or auto"); return }
        runner.width = n
    }

    /// `.tables`: the node and edge types, their sources and row counts.
    func tables() {
        let schema = session.graph.schema
        var rows: [[String]] = []
        for (i, t) in schema.nodeTypes.withIDs { rows.append(["node", t.name, t.source, "\(session.graph.count(i)) rows"]) }
        for (i, t) in schema.edgeTypes.withIDs { rows.append(["edge", t.name, t.source, "\(session.graph.count(i)) rows"]) }
        say(Network.alignedTable(rows, rightAligned: [3]))
    }

    /// `.show`: every setting.
    func show() {
        var rows: [[String]] = [
            ["format", runner.effectiveFormat.rawValue + (runner.format == nil ? " (the default here)" : "")],
            ["header", runner.header ? "on" : "off"],
            ["maxrows", runner.maxRows == 0 ? "0 (all rows)" : String(runner.maxRows)],
            ["pager", runner.pager ?? "off"],
            ["width", runner.width.map { $0 == 0 ? "0 (never cut)" : String($0) } ?? "auto"],
            ["nullvalue", runner.nullText],
            ["timer", runner.timer ? "on" : "off"],
            ["cite", session.cite ? "on" : "off"],
            ["limits", "max-memory \(Limits.describeBytes(session.limits.maxMemory)), max-rows \(session.limits.maxRows), "
                + "timeout \(runner.timeout.map { "\($0)s" } ?? "none"), max-path \(session.limits.maxPathLength), max-depth \(session.limits.maxFollowDepth)"],
            ["output", runner.file?.target ?? "the terminal"],
            ["data", Network.describe(session.graph)],
        ]
        rows.append(["params", session.params.isEmpty ? "none" : session.params.keys.sorted().map { "$" + $0 }.joined(separator: ", ")])
        say(Network.alignedTable(rows))
    }

    /// `.once FILE`: the next query's result goes to FILE.
    func onceFile(_ argument: String) {
        guard !argument.isEmpty else { Console.errorLine("error: .once expects a FILE"); return }
        do {
            let file = try AtomicFileOutput(target: expandTilde(argument))
            once = (file, runner.file, runner.fileFormat)
            runner.file = file
            runner.fileFormat = OutputFormat(fileExtension: argument)
            runner.resetWriter()
        } catch {
            Console.errorLine("\(error)")
        }
    }

    func onOff(_ argument: String, _ command: DotCommand) -> Bool? {
        switch argument.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default:
            Console.errorLine("error: .\(command.name) expects on or off")
            return nil
        }
    }

    // MARK: .read, .output, .data

    func read(_ argument: String) {
        guard !argument.isEmpty else { Console.errorLine("error: .read expects a FILE"); return }
        do {
            let source = try readSource(expandTilde(argument), maxBytes: session.limits.maxQueryBytes)
            runQuery(source)
        } catch {
            Console.errorLine("\(error)")
        }
    }

    func output(_ argument: String) {
        if let file = runner.file {
            runner.file = nil
            do {
                try file.commit()
                if argument.isEmpty { say("wrote \(file.target); results go to the terminal again\n") }
            } catch {
                Console.errorLine("error: \(error)")
            }
        } else if argument.isEmpty {
            say("results go to the terminal\n")
        }
        runner.resetWriter()
        guard !argument.isEmpty else { return }
        do {
            runner.file = try AtomicFileOutput(target: expandTilde(argument))
            runner.fileFormat = OutputFormat(fileExtension: argument)
            say("results go to \(argument) as \(runner.effectiveFormat.rawValue) (written when you switch back with .output, or leave)\n")
        } catch {
            Console.errorLine("\(error)")
        }
    }

    /// `.map FILE [size COL] [color COL]`: the last query again, as an SVG map in FILE.
    func map(_ argument: String) {
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !words.isEmpty else { Console.errorLine("error: .map expects a FILE (.map FILE [size COL] [color COL])"); return }
        let path = words.removeFirst()
        var options = runner.options()
        options.format = .svg
        while !words.isEmpty {
            guard words.count >= 2, words[0] == "size" || words[0] == "color" else {
                Console.errorLine("error: .map FILE [size COL] [color COL]: unexpected '\(words[0])'")
                return
            }
            if words[0] == "size" { options.map.sizeColumn = words[1] } else { options.map.colorColumn = words[1] }
            words.removeFirst(2)
        }
        guard let query = lastQuery else { Console.errorLine("error: no query to map yet: run one, then .map FILE"); return }
        let file: AtomicFileOutput
        do { file = try AtomicFileOutput(target: expandTilde(path)) } catch { Console.errorLine("\(error)"); return }
        let writer = SVGMapWriter(options: options, graph: session.graph, output: file)
        SignalState.clear()
        session.cancellation.reset()
        if let t = runner.timeout { session.cancellation.setTimeout(t) }
        defer { SignalState.clear(); session.cancellation.reset() }
        do {
            try session.run(query, to: writer)
        } catch {
            file.discard()
            _ = runner.report(error)
            return
        }
        guard writer.results > 0 else {
            file.discard()
            Console.errorLine("error: the last query gave no result to map")
            return
        }
        do { try file.commit() } catch { Console.errorLine("error: \(error)"); return }
        say("wrote \(path)\n")
    }

    func data(_ argument: String) {
        if argument.isEmpty {
            say("\(Network.describe(session.graph)): \(Network.summary(session.graph))\n")
            return
        }
        let folder = expandTilde(argument)
        do {
            let graph = try Network.load(folder)
            session.reload(graph)
            dataFolder = folder
            say("loaded \(Network.describe(graph)): \(Network.summary(graph))\n")
        } catch {
            Console.errorLine(error.description)
            Console.errorLine("the network loaded before is still in use")
        }
    }

    // MARK: .param, .params

    func param(_ argument: String) {
        let name = String(argument.prefix { !$0.isWhitespace })
        guard !name.isEmpty else { Console.errorLine("error: .param expects NAME [VALUE]"); return }
        let value = trimmedBlanks(argument.dropFirst(name.count))
        do {
            let b = try ParamBinding(name: name, text: value)
            if value.isEmpty { session.params[b.name] = nil; session.overriddenParams.remove(b.name) } else { session.setParam(b.name, b.value) }
        } catch {
            Console.errorLine(error.description)
        }
    }

    func params() {
        if session.params.isEmpty { say("no parameters (.param NAME VALUE binds $NAME)\n"); return }
        let rows = session.params.keys.sorted().map { k in ["$" + k, literal(session.params[k]!), typeName(session.params[k]!)] }
        say(Network.alignedTable(rows))
    }

    // MARK: completion

    /// Completes a dot command's name, or its argument (formats, types, topics, on/off, files).
    func completeDotCommand(_ line: String) -> CompletionMatches? {
        let body = line.drop(while: { $0 == " " })
        guard let space = body.firstIndex(where: { $0.isWhitespace }) else {
            return Completion.apply(DotCommand.all.map { "." + $0.name }.filter { $0.hasPrefix(body.lowercased()) }, to: line)
        }
        guard let command = DotCommand.named(String(body[body.index(after: body.startIndex)..<space]).lowercased()) else { return nil }
        let word = String(body[space...].drop(while: { $0.isWhitespace }))
        let choices: [String]
        switch command.argument {
        case .none, .param: return nil
        case .format: choices = OutputFormat.allCases.map(\.rawValue)
        case .onOff: choices = ["on", "off"]
        case .topic: choices = DotCommand.all.map(\.name) + DotCommand.helpTopics.keys.sorted()
        case .type:
            let s = session.graph.schema
            choices = s.nodeTypes.flatMap { [$0.name, $0.source] } + s.edgeTypes.flatMap { [$0.name, $0.source] }
        case .file: choices = fileNames(completing: word)
        }
        let matching = choices.filter { $0.lowercased().hasPrefix(word.lowercased()) }.sorted()
        if matching.isEmpty { return nil }
        return Completion.apply(matching, to: line)
    }

    /// Paths that start with `word`: its folder's entries (hidden ones when `word` asks for them),
    /// folders with a trailing `/`.
    func fileNames(completing word: String) -> [String] {
        let expanded = expandTilde(word)
        let slash = word.lastIndex(of: "/")
        let prefix = slash.map { String(word[...$0]) } ?? ""
        // The folder is everything up to the last slash (`dir/` lists dir, not its parent).
        let folder = expanded.lastIndex(of: "/").map { String(expanded[...$0]) } ?? "."
        let start = slash.map { String(word[word.index(after: $0)...]) } ?? word
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "/" : folder) else { return [] }
        var out: [String] = []
        for n in names where n.hasPrefix(start) && (start.hasPrefix(".") || !n.hasPrefix(".")) {
            var isDir = false
            let exists = FileManager.default.fileExists(atPath: Paths.join(folder, n), isDirectory: &isDir)
            out.append(prefix + n + (exists && isDir ? "/" : ""))
        }
        return out
    }
}

/// `path` with a leading `~` or `~user` replaced by that home folder (as NSString's
/// `expandingTildeInPath`); unchanged when there is no such user or no HOME.
func expandTilde(_ path: String) -> String {
    guard path.hasPrefix("~") else { return path }
    let end = path.firstIndex(of: "/") ?? path.endIndex
    let user = path[path.index(after: path.startIndex)..<end]
    let home: String?
    if user.isEmpty {
        home = ProcessInfo.processInfo.environment["HOME"] ?? getpwuid(getuid()).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    } else {
        home = getpwnam(String(user)).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    }
    guard let home, !home.isEmpty else { return path }
    let rest = path[end...]
    return rest.isEmpty || rest == "/" ? home : Paths.join(home, String(rest.drop { $0 == "/" }))
}
