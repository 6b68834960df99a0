/// Tab completion by context, for the REPL: keywords, sources and steps where a step may stand,
/// fields of the rows at that point (after `.` and in expressions), functions, and node names
/// inside quotes (matched without accents at the start of any word, inserted canonically).
public struct Completion {
    let session: Session

    public init(session: Session) { self.session = session }

    static let statementWords = ["let", "param", "explain", "path", "match"]
    static let expressionWords = ["and", "or", "not", "in", "if", "then", "else", "true", "false", "null", "exists", "as", "asc", "desc"]

    /// The byte offset where the completed word starts, and the candidates that replace
    /// `text[start..<cursor]`.
    public func complete(_ text: String, cursor: Int) -> (start: Int, candidates: [String]) {
        let bytes = Array(text.utf8.prefix(cursor))
        let before = String(decoding: bytes, as: UTF8.self)
        // Inside a string: node names.
        if let q = openQuote(bytes) {
            let typed = String(decoding: bytes[(q + 1)...], as: UTF8.self)
            let quote = bytes[q] == 0x22 ? "\"" : "'"
            let wordBefore = lastWord(String(decoding: bytes[..<q], as: UTF8.self))
            let type = session.graph.schema.nodeType(named: wordBefore)
            return (q + 1, nodeNames(matching: typed, type: type).map { $0 + quote })
        }
        var start = bytes.count
        while start > 0, isWordByte(bytes[start - 1]) { start -= 1 }
        let prefix = String(decoding: bytes[start...], as: UTF8.self)
        var candidates: [String]
        if start > 0, bytes[start - 1] == 0x2E { // after '.'
            var s = start - 1
            while s > 0, isWordByte(bytes[s - 1]) { s -= 1 }
            let base = String(decoding: bytes[s..<(start - 1)], as: UTF8.self)
            candidates = fieldsAfterDot(base, in: String(decoding: bytes[..<s], as: UTF8.self))
        } else {
            let head = String(decoding: bytes[..<start], as: UTF8.self)
            let trimmed = trimmedWhitespace(head)
            if trimmed.isEmpty || trimmed.hasSuffix(";") {
                let g = session.graph.schema
                candidates = g.nodeTypes.map(\.source) + g.edgeTypes.map(\.source) + session.bindings.keys.sorted()
                    + Completion.statementWords + g.nodeTypes.map(\.name)
            } else if trimmed.hasSuffix("|") || trimmed.hasSuffix("(") && lastWord(String(trimmed.dropLast())) == "exists" {
                candidates = Parser.stepNames
            } else if ["follow", "out", "in", "via"].contains(lastWord(trimmed)) || trimmed.hasSuffix(",") && stepOf(trimmed) == "follow" {
                candidates = session.graph.schema.edgeTypes.map(\.name)
            } else if ["nearest", "join", "union", "append"].contains(lastWord(trimmed)) {
                candidates = session.graph.schema.nodeTypes.map(\.source) + session.graph.schema.edgeTypes.map(\.source)
            } else if isWholeLookup(trimmed) {
                // `city "Oyem" ` is a whole source: only '|' may follow.
                candidates = []
            } else {
                // Aggregates only where one may stand: after `aggregate` or the ':' of `group by`.
                let step = stepOf(trimmed), part = trimmed.split(separator: "|").last.map(String.init) ?? trimmed
                let aggregates = step == "aggregate" || (step == "group" && part.contains(":")) ? Checker.aggregateNames : []
                candidates = fieldsAt(head) + Checker.functionNames + aggregates + Completion.expressionWords
            }
        }
        let p = fold(prefix)
        var seen = Set<String>()
        let out = candidates.filter { fold($0).hasPrefix(p) && seen.insert($0).inserted }
        _ = before
        return (start, out)
    }

    public func candidates(_ text: String, cursor: Int) -> [String] { complete(text, cursor: cursor).candidates }

    func isWordByte(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80 }

    func lastWord(_ s: String) -> String {
        String(s.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\t" }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
    }

    /// True when `s` is a lookup source and nothing else: `TYPE "NAME"` (or with a `$param`).
    func isWholeLookup(_ s: String) -> Bool {
        guard let tokens = try? Lexer.tokenize(SourceText(name: "", text: s)) else { return false }
        let ts = tokens.filter { $0.kind != .end && $0.kind != .newline }
        guard ts.count == 2, let w = ts[0].ident, session.graph.schema.nodeType(named: w) != nil else { return false }
        switch ts[1].kind { case .string, .param: return true; default: return false }
    }

    /// The keyword of the step being typed.
    func stepOf(_ s: String) -> String {
        let part = s.split(separator: "|").last.map(String.init) ?? s
        return part.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
    }

    /// The offset of a quote left open in `bytes`, if any.
    func openQuote(_ bytes: [UInt8]) -> Int? {
        var open: Int? = nil, quote: UInt8 = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if let _ = open {
                if b == 0x5C { i += 2; continue }
                if b == quote { open = nil }
            } else if b == 0x22 || b == 0x27 {
                open = i; quote = b
            } else if b == 0x23 { // comment
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            }
            i += 1
        }
        return open
    }

    /// Canonical names whose folded form, or one of whose words, starts with folded `typed`.
    public func nodeNames(matching typed: String, type: NodeTypeID?) -> [String] {
        let p = fold(typed)
        let g = session.graph
        var out: [String] = []
        var seen = Set<String>()
        for t in type.map({ [$0] }) ?? Array(g.nodes.indices) {
            guard let f = g.schema.nodeTypes[t].nameField, case .string(let names) = g.nodes[t].columns[f] else { continue }
            let aliases: [[String]]? = g.schema.nodeTypes[t].aliasField.flatMap { if case .list(let l) = g.nodes[t].columns[$0] { l } else { nil } }
            for i in 0..<g.nodes[t].count {
                guard let name = names.string(i) else { continue }
                let keys = [name] + (aliases?[i] ?? [])
                let hit = keys.contains { k in
                    let fk = fold(k)
                    return fk.hasPrefix(p) || fk.split(separator: " ").contains { $0.hasPrefix(p) }
                }
                if hit, seen.insert(name).inserted { out.append(name) }
            }
        }
        return out.sorted { fold($0) < fold($1) }
    }

    /// Names valid in an expression of the step being typed: the columns of the rows that reach it.
    func fieldsAt(_ head: String) -> [String] {
        guard let shape = shapeBeforeCurrentStep(head) else { return [] }
        return shape.knownNames
    }

    func fieldsAfterDot(_ base: String, in head: String) -> [String] {
        let schema = session.graph.schema
        guard let shape = shapeBeforeCurrentStep(head) else {
            return Array(Set(schema.nodeTypes.flatMap { $0.fields.map(\.name) })).sorted()
        }
        if let ns = shape.namespaces[base] { return ns.map(\.name) }
        guard let c = shape.column(named: base) else { return [] }
        switch c.type {
        case .node(let t?): return ["id", "type"] + schema.nodeTypes[t].fields.map(\.name)
        case .edge(let t?): return ["from", "to", "type"] + schema.edgeTypes[t].fields.map(\.name)
        case .node(nil): return Array(Set(schema.nodeTypes.flatMap { $0.fields.map(\.name) })).sorted()
        default: return []
        }
    }

    /// The shape of rows entering the step being typed: the query up to its last `|`, checked.
    func shapeBeforeCurrentStep(_ head: String) -> Shape? {
        // The current statement: after the last ';' or blank-line break.
        var text = head
        if let semi = text.lastIndex(of: ";") { text = String(text[text.index(after: semi)...]) }
        guard let bar = lastTopLevelBar(text) else {
            // In a `match` pattern or a source: nothing to offer.
            return nil
        }
        return session.compiler.shapeOfLastStatement(SourceText(name: "", text: String(text[..<bar])))
    }

    func lastTopLevelBar(_ s: String) -> String.Index? {
        var depth = 0
        var result: String.Index? = nil
        var inString: Character? = nil
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = inString { if c == q { inString = nil } }
            else if c == "\"" || c == "'" { inString = c }
            else if c == "(" || c == "[" || c == "{" { depth += 1 }
            else if c == ")" || c == "]" || c == "}" { depth -= 1 }
            else if c == "|" && depth == 0 { result = i }
            i = s.index(after: i)
        }
        return result
    }
}

import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
