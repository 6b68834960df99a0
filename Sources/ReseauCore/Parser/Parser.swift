/// A recursive-descent parser: one method per grammar rule (see docs/language.md, "Grammar").
/// It parses one statement's tokens (as split by `StatementSplitter`) and throws its first error.
struct Parser {
    let tokens: [Token]
    var pos = 0
    var depth = 0
    let maxDepth: Int

    /// The step keywords, for "unknown step" suggestions.
    static let stepNames = LanguageHelp.steps.map(\.name)
    /// Steps of SQL, Cypher, PRQL and dplyr, with the Reseau step that does the same.
    static let stepHabits: [String: (String, String)] = [
        "order": ("sort", "| sort population desc"), "orderby": ("sort", "| sort population desc"),
        "order_by": ("sort", "| sort population desc"), "arrange": ("sort", "| sort population desc"),
        "limit": ("take", "| take 10"), "head": ("take", "| take 10"), "top": ("sort … | take", "| sort population desc | take 10"),
        "offset": ("skip", "| skip 10"), "filter": ("where", "| where population > 100000"),
        "having": ("where", "| group by country: n = count() | where n > 2"),
        "return": ("select", "| select name, country"), "project": ("select", "| select name, country"),
        "with": ("derive", "| derive density = population / 2"), "mutate": ("derive", "| derive x = population * 2"),
        "extend": ("derive", "| derive x = population * 2"), "unique": ("distinct", "| distinct"),
        "uniq": ("distinct", "| distinct"), "groupby": ("group by", "| group by country: n = count()"),
        "group_by": ("group by", "| group by country: n = count()"),
        "left": ("join left", "| join left claims as c on c.subject == node"),
        "inner": ("join", "| join countries as co on country_code == co.code"),
    ]

    /// Words that cannot be a field name at the start of an expression.
    static let expressionKeywords: Set<String> = ["and", "or", "not", "if", "then", "else", "true", "false", "null", "exists", "as", "asc", "desc"]
    /// Node type names that introduce a lookup by name (`city "Oyem"`).

    init(_ tokens: [Token], maxDepth: Int = 100) { self.tokens = tokens; self.maxDepth = maxDepth }

    /// Parses one statement.
    static func parseStatement(_ tokens: [Token], maxDepth: Int = 100) throws(Diagnostic) -> Statement {
        var p = Parser(tokens, maxDepth: maxDepth)
        let s = try p.statement()
        try p.expectEnd()
        return s
    }

    // MARK: tokens

    var current: Token { tokens[pos] }
    var previous: Token { tokens[max(0, pos - 1)] }
    func peek(_ k: Int) -> Token { tokens[min(tokens.count - 1, pos + k)] }
    mutating func advance() -> Token { let t = tokens[pos]; if pos < tokens.count - 1 { pos += 1 }; return t }
    var atEnd: Bool { current.kind == .end }

    mutating func match(_ symbol: String) -> Bool {
        if current.isSymbol(symbol) { pos += 1; return true }
        return false
    }
    mutating func matchWord(_ word: String) -> Bool {
        if current.isWord(word) { pos += 1; return true }
        return false
    }

    func error(_ message: String, hint: String? = nil, notes: [String] = []) -> Diagnostic {
        Diagnostic(.parse, message, at: current.span.start == current.span.end && pos > 0 && atEnd ? Span(previous.span.end, previous.span.end + 1) : current.span, hint: hint, notes: notes)
    }

    /// "expected X after Y, found Z"
    func expected(_ what: String, after: String) -> Diagnostic {
        error("expected \(what) after \(after), found \(current.display)")
    }

    mutating func expect(_ symbol: String, after: String) throws(Diagnostic) -> Token {
        guard current.isSymbol(symbol) else { throw expected("'\(symbol)'", after: after) }
        return advance()
    }

    mutating func identifier(_ what: String, after: String) throws(Diagnostic) -> Name {
        guard let w = current.ident else { throw expected(what, after: after) }
        let t = advance()
        return Name(w, t.span)
    }

    mutating func expectEnd() throws(Diagnostic) {
        guard atEnd else {
            if current.isSymbol(")") || current.isSymbol("]") || current.isSymbol("}") {
                throw error("unmatched \(current.display)")
            }
            let what: String = if case .ident = current.kind { current.display } else if case .symbol = current.kind { current.display } else { describe(current) }
            throw error("unexpected \(what) after \(describe(previous))", hint: "steps are joined with '|'")
        }
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .ident(let s): "'\(s)'"
        case .string(let s): "\"\(s)\""
        case .int(let i): "\(i)"
        case .decimal(let d): "\(d)"
        default: t.display
        }
    }

    mutating func enter() throws(Diagnostic) {
        depth += 1
        if depth > maxDepth {
            throw error("the query is nested too deeply (limit \(maxDepth))",
                        hint: "each bracket, step and chained operator adds a level; --max-nesting raises the limit")
        }
    }

    // MARK: statements

    /// statement = "let" NAME "=" query | "param" NAME "=" literal | "explain" ["analyze"] query | query
    mutating func statement() throws(Diagnostic) -> Statement {
        let start = current.span
        if current.isWord("let"), peek(1).ident != nil, peek(2).isSymbol("=") {
            _ = advance()
            let name = try identifier("a name", after: "'let'")
            _ = try expect("=", after: "'let \(name.text)'")
            let q = try query()
            return .let(name, q, start.to(q.span))
        }
        if current.isWord("param"), peek(1).ident != nil {
            _ = advance()
            let name = try identifier("a parameter name", after: "'param'")
            _ = try expect("=", after: "'param \(name.text)'")
            let v = try expression()
            return .param(name, v, start.to(v.span))
        }
        if current.isWord("explain"), peek(1).kind != .end, !peek(1).isSymbol("|") {
            _ = advance()
            // `explain analyze QUERY` (a source named `analyze` stays one: `explain analyze | …`).
            var analyze = false
            if current.isWord("analyze"), peek(1).kind != .end, !peek(1).isSymbol("|") { _ = advance(); analyze = true }
            let q = try query()
            return .explain(q, analyze: analyze, start.to(q.span))
        }
        return .query(try query())
    }

    /// query = source { "|" step }
    mutating func query() throws(Diagnostic) -> Query {
        let base = depth; defer { depth = base }
        try enter()
        let src = try source()
        var steps: [Step] = []
        // Each step wraps the plan of the steps before it, so it counts as a level.
        while match("|") {
            try enter()
            steps.append(try step())
        }
        return Query(source: src, steps: steps, span: src.span.to(steps.last?.span ?? src.span))
    }

    // MARK: sources

    /// source = TYPE (STRING | PARAM) | "path" … | "match" … | "(" query ")" | NAME
    mutating func source() throws(Diagnostic) -> Source {
        let t = current
        if t.isSymbol("(") {
            _ = advance()
            let q = try query()
            let close = try expect(")", after: "the query in parentheses")
            return .subquery(q, t.span.to(close.span))
        }
        guard let word = t.ident else {
            if case .string = t.kind {
                throw error("expected a source, found a string", hint: "write city \(describe(t)) to look a city up by name")
            }
            throw error("expected a source (cities, twinnings, city \"…\", path, match…), found \(t.display)")
        }
        if word == "path" && !(peek(1).isSymbol("|") || peek(1).kind == .end) { return try pathSource() }
        if word == "match" && peek(1).isSymbol("(") { return try matchSource() }
        _ = advance()
        // A word and a string (or parameter): a lookup by name — the checker knows the types.
        if isLookupArgument(current) {
            let nameExpr = try primary()
            return .lookup(Name(word, t.span), nameExpr, t.span.to(nameExpr.span))
        }
        return .named(Name(word, t.span))
    }

    func isLookupArgument(_ t: Token) -> Bool {
        switch t.kind { case .string, .param: true; default: false }
    }

    /// path = "path" endpoint "to" endpoint [ "via" NAME { "," NAME } ] [ "max" expr ]
    mutating func pathSource() throws(Diagnostic) -> Source {
        let start = advance().span
        let from = try endpoint(after: "'path'")
        guard matchWord("to") else {
            throw expected("'to'", after: "the start of the path")
        }
        let to = try endpoint(after: "'to'")
        var via: [Name] = []
        var maxExpr: Expr? = nil
        var end = to.name.span
        if matchWord("via") {
            repeat { via.append(try identifier("an edge type", after: "'via'")) } while match(",")
            end = via.last!.span
        }
        if matchWord("max") {
            maxExpr = try additive()
            end = maxExpr!.span
        }
        return .path(from, to, via: via, max: maxExpr, start.to(end))
    }

    mutating func endpoint(after: String) throws(Diagnostic) -> Endpoint {
        var type: Name? = nil
        if let w = current.ident, isLookupArgument(peek(1)) { type = Name(w, advance().span) }
        guard isLookupArgument(current) else { throw expected("a name in quotes", after: after) }
        return Endpoint(type: type, name: try primary())
    }

    /// match = "match" pattern { "," pattern }
    mutating func matchSource() throws(Diagnostic) -> Source {
        let start = advance().span
        var patterns: [PathPattern] = []
        repeat { patterns.append(try pathPattern()) } while match(",")
        return .match(patterns, start.to(previous.span))
    }

    /// pattern = node { edge node }
    mutating func pathPattern() throws(Diagnostic) -> PathPattern {
        let first = try nodePattern()
        var hops: [(EdgePattern, NodePattern)] = []
        while current.isSymbol("-") || (current.isSymbol("<") && peek(1).isSymbol("-")) {
            let e = try edgePattern()
            let n = try nodePattern()
            hops.append((e, n))
        }
        return PathPattern(start: first, hops: hops)
    }

    /// node = "(" [NAME] [":" TYPE] [properties] ")"
    mutating func nodePattern() throws(Diagnostic) -> NodePattern {
        let open = try expect("(", after: previous.isSymbol("-") || previous.isSymbol(">") ? "an edge pattern" : "'match'")
        var v: Name? = nil, label: Name? = nil
        if let w = current.ident { v = Name(w, advance().span) }
        if match(":") { label = try identifier("a node type", after: "':'") }
        let props = current.isSymbol("{") ? try properties() : []
        let close = try expect(")", after: "the node pattern")
        return NodePattern(variable: v, label: label, properties: props, span: open.span.to(close.span))
    }

    /// edge = "-[" … "]-" | "-[" … "]->" | "<-[" … "]-"
    mutating func edgePattern() throws(Diagnostic) -> EdgePattern {
        let start = current.span
        var left = false
        if match("<") { left = true }
        _ = try expect("-", after: "'<'")
        _ = try expect("[", after: "'-' in a pattern")
        var v: Name? = nil
        var labels: [Name] = []
        if let w = current.ident { v = Name(w, advance().span) }
        if match(":") {
            repeat { labels.append(try identifier("an edge type", after: "':'")) } while match("|")
        }
        let props = current.isSymbol("{") ? try properties() : []
        _ = try expect("]", after: "the edge pattern")
        _ = try expect("-", after: "']'")
        var right = false
        if current.isSymbol(">") && current.span.start == previous.span.end { _ = advance(); right = true }
        if left && right { throw Diagnostic(.parse, "an edge pattern cannot point both ways", at: start.to(previous.span)) }
        return EdgePattern(variable: v, labels: labels, properties: props, direction: left ? .left : right ? .right : .both, span: start.to(previous.span))
    }

    /// properties = "{" NAME ":" expr { "," NAME ":" expr } "}"
    mutating func properties() throws(Diagnostic) -> [(Name, Expr)] {
        _ = advance()
        var out: [(Name, Expr)] = []
        if match("}") { return out }
        repeat {
            let n = try identifier("a field name", after: "'{'")
            _ = try expect(":", after: "'\(n.text)'")
            out.append((n, try expression()))
        } while match(",")
        _ = try expect("}", after: "the properties")
        return out
    }

    // MARK: steps

    mutating func step() throws(Diagnostic) -> Step {
        guard let word = current.ident else {
            throw expected("a step (where, select, sort…)", after: "'|'")
        }
        let kw = advance()
        let keyword = Name(word, kw.span)
        let kind: StepKind
        switch word {
        case "where": kind = .filter(try expression())
        case "select": kind = .select(try selectItems(after: "'select'"))
        case "derive": kind = .derive(try bindings(after: "'derive'"))
        case "sort": kind = .sort(try sortKeys())
        case "take":
            if current.isWord("per") {
                throw Diagnostic(.parse, "'take' needs a number before 'per'", at: current.span, hint: "write the number of rows to keep in each group: take 1 per year")
            }
            let n = try expression()
            if matchWord("per") {
                var keys: [Expr] = []
                repeat {
                    if atEnd || current.isSymbol("|") { throw expected("a key to group by (take 1 per year)", after: keys.isEmpty ? "'per'" : "','") }
                    keys.append(try expression())
                } while match(",")
                kind = .takePer(n, keys)
            } else {
                kind = .take(n)
            }
        case "skip": kind = .skip(try expression())
        case "distinct": kind = .distinct
        case "count": kind = .count
        case "group":
            guard matchWord("by") else { throw expected("'by'", after: "'group'") }
            let keys = try selectItems(after: "'group by'")
            var aggs: [Binding] = []
            if match(":") { aggs = try bindings(after: "':'") }
            var totals = false
            if current.isWord("with") {
                let w = advance()
                guard matchWord("totals") else {
                    throw Diagnostic(.parse, "expected 'totals' after 'with'", at: current.kind == .end ? w.span : current.span,
                                     hint: "write 'with totals' to add a last row with the aggregates over all rows")
                }
                if aggs.isEmpty {
                    throw Diagnostic(.parse, "'with totals' needs aggregates to total", at: w.span.to(previous.span),
                                     hint: "name them after ':': group by \(ASTPrinter.items(keys)): n = count() with totals")
                }
                totals = true
            }
            kind = .group(keys, aggs, totals: totals)
        case "aggregate":
            kind = .aggregate(try bindings(after: "'aggregate'"))
            if current.isWord("with"), peek(1).isWord("totals") {
                throw Diagnostic(.parse, "'aggregate' has no 'with totals'", at: current.span.to(peek(1).span),
                                 hint: "'aggregate' already gives one row over all rows; 'with totals' adds that row to a 'group by'")
            }
        case "union", "append":
            if atEnd || current.isSymbol("|") {
                throw expected("a query in parentheses (\(word) (cities | select name))", after: "'\(word)'")
            }
            kind = .union(try source(), distinct: word == "union")
        case "join":
            // `join left SRC`: an outer join (unless `left` is itself the source: `join left on …`).
            let outer = current.isWord("left") && !peek(1).isWord("on") && !peek(1).isWord("as") && peek(1).kind != .end
            if outer { _ = advance() }
            let src = try source()
            var alias: Name? = nil
            if matchWord("as") { alias = try identifier("a name for the joined side", after: "'as'") }
            guard matchWord("on") else { throw expected("'on'", after: "the joined source") }
            kind = .join(src, try expression(), outer: outer, alias: alias)
        case "twins": kind = .twins
        case "follow":
            var names: [Name] = []
            repeat { names.append(try identifier("an edge type", after: names.isEmpty ? "'follow'" : "','")) } while match(",")
            var lo: Expr? = nil, hi: Expr? = nil
            if matchWord("depth") {
                let a = try additive()
                if match("..") { lo = a; hi = try additive() } else { lo = a; hi = a }
            }
            kind = .follow(names, min: lo, max: hi)
        case "out": kind = .out(try identifier("an edge type", after: "'out'"))
        case "in": kind = .in(try identifier("an edge type", after: "'in'"))
        case "nearest":
            let src = try identifier("a node set (cities)", after: "'nearest'")
            var f: Expr? = nil, k: Expr? = nil
            if matchWord("where") { f = try expression() }
            if matchWord("take") { k = try expression() }
            kind = .nearest(src, filter: f, take: k)
        default:
            if let (right, example) = Parser.stepHabits[word.lowercased()] {
                throw Diagnostic(.parse, "unknown step '\(word)'", at: kw.span, hint: "Reseau writes '\(right)': \(example)")
            }
            if AggregateFunction(rawValue: word) != nil {
                throw Diagnostic(.parse, "'\(word)' is an aggregate, not a step", at: kw.span,
                                 hint: "write '| aggregate total = \(word)(…)' for one row, or '| group by KEY: total = \(word)(…)' per group")
            }
            let close = closestNames(to: word, in: Parser.stepNames, limit: 1)
            throw Diagnostic(.parse, "unknown step '\(word)'", at: kw.span,
                             hint: close.first.map { "did you mean '\($0)'?" },
                             notes: close.isEmpty ? ["steps: " + Parser.stepNames.joined(separator: ", ")] : [])
        }
        return Step(kind: kind, keyword: keyword, span: kw.span.to(previous.span))
    }

    mutating func selectItems(after: String) throws(Diagnostic) -> [SelectItem] {
        var items: [SelectItem] = []
        if after == "'select'", current.isSymbol("*") {
            throw Diagnostic(.parse, "'select *' is not needed", at: current.span,
                             hint: "rows keep every field until a 'select': leave the step out, or name the fields (select name, country)")
        }
        repeat {
            if atEnd || current.isSymbol("|") || current.isSymbol(":") { throw expected("an expression", after: items.isEmpty ? after : "','") }
            let e = try expression()
            var alias: Name? = nil
            if matchWord("as") { alias = try identifier("a column name", after: "'as'") }
            items.append(SelectItem(expr: e, alias: alias))
        } while match(",")
        return items
    }

    mutating func bindings(after: String) throws(Diagnostic) -> [Binding] {
        var out: [Binding] = []
        repeat {
            let n = try identifier("a column name", after: out.isEmpty ? after : "','")
            _ = try expect("=", after: "'\(n.text)'")
            out.append(Binding(name: n, expr: try expression()))
        } while match(",")
        return out
    }

    mutating func sortKeys() throws(Diagnostic) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            let e = try expression()
            var desc = false
            if matchWord("desc") { desc = true } else { _ = matchWord("asc") }
            if let w = current.ident, ["descending", "ascending", "DESC", "ASC", "Desc", "Asc"].contains(w) {
                let right = w.lowercased().hasPrefix("desc") ? "desc" : "asc"
                throw Diagnostic(.parse, "'\(w)' is not a sort direction", at: current.span, hint: "write '\(right)'")
            }
            keys.append(SortKey(expr: e, descending: desc))
        } while match(",")
        return keys
    }

    // MARK: expressions (lowest precedence first)

    public mutating func expression() throws(Diagnostic) -> Expr {
        try enter(); defer { depth -= 1 }
        return try orExpr()
    }

    mutating func orExpr() throws(Diagnostic) -> Expr {
        var l = try andExpr()
        let base = depth; defer { depth = base }
        while current.isWord("or") {
            _ = advance()
            try enter()
            let r = try andExpr()
            l = .binary(.or, l, r, l.span.to(r.span))
        }
        return l
    }

    mutating func andExpr() throws(Diagnostic) -> Expr {
        var l = try notExpr()
        let base = depth; defer { depth = base }
        while current.isWord("and") {
            _ = advance()
            try enter()
            let r = try notExpr()
            l = .binary(.and, l, r, l.span.to(r.span))
        }
        return l
    }

    mutating func notExpr() throws(Diagnostic) -> Expr {
        if current.isWord("not") {
            let t = advance()
            try enter(); defer { depth -= 1 }
            let e = try notExpr()
            return .unary(.not, e, t.span.to(e.span))
        }
        return try comparison()
    }

    static let comparisonOps: [String: BinaryOp] = ["==": .eq, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge, "~": .match]

    func comparisonOp() -> BinaryOp? {
        if case .symbol(let s) = current.kind { return Parser.comparisonOps[s] }
        if current.isWord("in") { return .in }
        return nil
    }

    /// comparison = additive [ op additive | ["not"] "in" … | ["not"] "between" additive "and" additive
    ///              | "is" ["not"] "null" ]   (non-associative)
    mutating func comparison() throws(Diagnostic) -> Expr {
        let l = try additive()
        try rejectHabit(after: l)
        if current.isWord("is") {
            let isTok = advance()
            let negate = matchWord("not")
            guard current.isWord("null") else { throw expected("'null'", after: negate ? "'is not'" : "'is'") }
            let n = advance()
            return .binary(negate ? .ne : .eq, l, .literal(.null, n.span), l.span.to(n.span.to(isTok.span)))
        }
        if current.isWord("not"), peek(1).isWord("in") || peek(1).isWord("between") || peek(1).isWord("like") {
            let notTok = advance()
            if current.isWord("like") { try rejectHabit(after: l) }
            let inner = try comparisonTail(l)
            return .unary(.not, inner, notTok.span.to(inner.span))
        }
        return try comparisonTail(l)
    }

    /// The operator and right side of a comparison whose left side is `l`.
    mutating func comparisonTail(_ l: Expr) throws(Diagnostic) -> Expr {
        if current.isWord("between") {
            _ = advance()
            let lo = try additive()
            guard matchWord("and") else { throw expected("'and'", after: "'between …'") }
            let hi = try additive()
            let span = l.span.to(hi.span)
            return .binary(.and, .binary(.ge, l, lo, span), .binary(.le, l, hi, span), span)
        }
        guard let op = comparisonOp() else { return l }
        let opTok = advance()
        if op == .in, current.isSymbol("("), startsQuery(peek(1)) {
            let open = advance()
            let q = try query()
            let close = try expect(")", after: "the query after 'in'")
            return .inQuery(l, q, l.span.to(close.span.to(open.span)))
        }
        if atEnd || current.isSymbol("|") { throw expected("an expression", after: "'\(opTok.display.dropFirst().dropLast())'") }
        let r = try additive()
        if comparisonOp() != nil {
            throw error("comparisons cannot be chained", hint: "use 'and' between two comparisons")
        }
        return .binary(op, l, r, l.span.to(r.span))
    }

    /// Habits from SQL and Cypher that are not Reseau, met where they are typed with the
    /// Reseau spelling (docs/language.md, "Coming from SQL or Cypher").
    func rejectHabit(after l: Expr) throws(Diagnostic) {
        let t = current
        if t.isSymbol("=") {
            if peek(1).isSymbol("~") && peek(1).span.start == t.span.end {
                throw Diagnostic(.parse, "'=~' is not an operator here", at: t.span.to(peek(1).span),
                                 hint: "for a regular expression write matches(\(ASTPrinter.expr(l)), \"…\"); '~' alone tests a substring ignoring case and accents")
            }
            throw Diagnostic(.parse, "'=' does not compare", at: t.span, hint: "write '==' to compare: \(ASTPrinter.expr(l)) == …")
        }
        if t.isSymbol("<") && peek(1).isSymbol(">") && peek(1).span.start == t.span.end {
            throw Diagnostic(.parse, "'<>' is not an operator here", at: t.span.to(peek(1).span), hint: "write '!=' for 'not equal'")
        }
        if t.isWord("like") || t.isWord("ilike") {
            var hint = "write starts_with(s, \"…\"), ends_with(s, \"…\"), contains(s, \"…\"), s ~ \"…\" (ignores case and accents) or matches(s, \"regex\")"
            if case .string(let pattern) = peek(1).kind {
                let x = ASTPrinter.expr(l)
                let lead = pattern.hasPrefix("%"), trail = pattern.hasSuffix("%")
                let core = String(pattern.drop(while: { $0 == "%" }).reversed().drop(while: { $0 == "%" }).reversed())
                if !core.contains("%") && !core.contains("_") && !core.isEmpty {
                    let lit = ASTPrinter.expr(Expr.literal(.string(core), t.span))
                    hint = lead && trail ? "write contains(\(x), \(lit)), or \(x) ~ \(lit) to ignore case and accents"
                        : trail ? "write starts_with(\(x), \(lit))"
                        : lead ? "write ends_with(\(x), \(lit))"
                        : "write \(x) == \(lit)"
                }
            }
            throw Diagnostic(.parse, "'\(t.ident!)' is SQL, not Reseau", at: t.span, hint: hint)
        }
    }

    /// Whether a token after `in (` starts a query (a source name, `path`, `match`, a lookup)
    /// rather than an expression (a literal, `if`, `not`, a bracket…).
    func startsQuery(_ t: Token) -> Bool {
        guard let w = t.ident else { return false }
        return !Parser.expressionKeywords.contains(w)
    }

    mutating func additive() throws(Diagnostic) -> Expr {
        var l = try multiplicative()
        let base = depth; defer { depth = base }
        while current.isSymbol("+") || current.isSymbol("-") {
            let op: BinaryOp = advance().isSymbol("+") ? .add : .sub
            try enter()
            let r = try multiplicative()
            l = .binary(op, l, r, l.span.to(r.span))
        }
        return l
    }

    mutating func multiplicative() throws(Diagnostic) -> Expr {
        var l = try unary()
        let base = depth; defer { depth = base }
        while current.isSymbol("*") || current.isSymbol("/") {
            let op: BinaryOp = advance().isSymbol("*") ? .mul : .div
            try enter()
            let r = try unary()
            l = .binary(op, l, r, l.span.to(r.span))
        }
        return l
    }

    mutating func unary() throws(Diagnostic) -> Expr {
        if current.isSymbol("-") {
            let t = advance()
            try enter(); defer { depth -= 1 }
            let e = try unary()
            if case .literal(.int(let i), let s) = e { return .literal(.int(-i), t.span.to(s)) }
            if case .literal(.decimal(let d), let s) = e { return .literal(.decimal(-d), t.span.to(s)) }
            return .unary(.neg, e, t.span.to(e.span))
        }
        return try postfix()
    }

    /// postfix = primary { "." NAME }
    mutating func postfix() throws(Diagnostic) -> Expr {
        var e = try primary()
        let base = depth; defer { depth = base }
        while current.isSymbol(".") {
            _ = advance()
            try enter()
            let n = try identifier("a field name", after: "'.'")
            e = .member(e, n)
        }
        return e
    }

    mutating func primary() throws(Diagnostic) -> Expr {
        let t = current
        switch t.kind {
        case .int(let i): _ = advance(); return .literal(.int(i), t.span)
        case .decimal(let d): _ = advance(); return .literal(.decimal(d), t.span)
        case .string(let s): _ = advance(); return .literal(.string(s), t.span)
        case .date(let d): _ = advance(); return .literal(.date(d), t.span)
        case .param(let p): _ = advance(); return .param(Name(p, t.span))
        case .symbol("("):
            _ = advance()
            let e = try expression()
            _ = try expect(")", after: "the expression")
            return e
        case .symbol("["):
            _ = advance()
            var items: [Expr] = []
            if !current.isSymbol("]") {
                repeat { items.append(try expression()) } while match(",")
            }
            let close = try expect("]", after: "the list")
            return .list(items, t.span.to(close.span))
        case .ident(let w):
            switch w {
            case "true": _ = advance(); return .literal(.bool(true), t.span)
            case "false": _ = advance(); return .literal(.bool(false), t.span)
            case "null": _ = advance(); return .literal(.null, t.span)
            case "if":
                _ = advance()
                let c = try expression()
                guard matchWord("then") else { throw expected("'then'", after: "the condition of 'if'") }
                let a = try expression()
                guard matchWord("else") else { throw expected("'else'", after: "'then …'") }
                let b = try expression()
                return .ifThen(c, a, b, t.span.to(b.span))
            case "exists" where peek(1).isSymbol("("):
                _ = advance(); _ = advance()
                var steps: [Step] = []
                repeat { steps.append(try step()) } while match("|")
                let close = try expect(")", after: "the steps of 'exists'")
                return .exists(steps, t.span.to(close.span))
            // `TYPE "name"` inside an expression: any word but a keyword, as in source position.
            case _ where !Parser.expressionKeywords.contains(w) && isLookupArgument(peek(1)):
                _ = advance()
                let nameExpr = try primary()
                return .lookup(Name(w, t.span), nameExpr, t.span.to(nameExpr.span))
            default:
                if Parser.expressionKeywords.contains(w) {
                    throw error("expected an expression, found '\(w)'")
                }
                _ = advance()
                if current.isSymbol("(") && current.span.start == t.span.end || current.isSymbol("(") && w != "in" {
                    _ = advance()
                    var args: [Expr] = []
                    if !current.isSymbol(")") {
                        repeat { args.append(try expression()) } while match(",")
                    }
                    let close = try expect(")", after: "the arguments of '\(w)'")
                    return .call(Name(w, t.span), args, t.span.to(close.span))
                }
                return .name(Name(w, t.span))
            }
        default:
            if atEnd, pos > 0 { throw expected("an expression", after: describe(previous)) }
            throw error("expected an expression, found \(t.display)")
        }
    }
}
