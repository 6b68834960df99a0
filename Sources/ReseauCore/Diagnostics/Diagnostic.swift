/// A range of bytes in a query's source text.
public struct Span: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    public static let none = Span(0, 0)
    /// The smallest span covering both.
    public func to(_ other: Span) -> Span { Span(Swift.min(start, other.start), Swift.max(end, other.end)) }
}

/// A query's source text and the name to show for it (a file path, `-e`, `<stdin>`).
public struct SourceText: Sendable {
    public let name: String
    public let text: String
    public let bytes: [UInt8]
    /// The line number of the text's first line (a statement read from a stream starts where
    /// the stream was).
    public var firstLine = 1
    public init(name: String, text: String, firstLine: Int = 1) { self.name = name; self.text = text; self.bytes = Array(text.utf8); self.firstLine = firstLine }

    /// 1-based line and column (in characters) of byte offset `offset`.
    public func location(of offset: Int) -> (line: Int, column: Int, lineStart: Int, lineEnd: Int) {
        let o = Swift.min(Swift.max(offset, 0), bytes.count)
        var line = firstLine, start = 0
        for i in 0..<o where bytes[i] == 0x0A { line += 1; start = i + 1 }
        var end = start
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        let col = String(decoding: bytes[start..<o], as: UTF8.self).count + 1
        return (line, col, start, end)
    }
}

/// Warnings found while checking a statement (the checker is a value; this collects for it).
final class WarningSink {
    var items: [Diagnostic] = []
    init() {}
}

/// What went wrong in a query, and where. Every lex, parse, check and run error is one of these;
/// `render` is the one place that turns it into text.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Stage: String, Sendable { case lex, parse, check, run }
    public var stage: Stage
    public var message: String
    public var span: Span
    /// Shown after the caret: "did you mean 'population'?"
    public var hint: String?
    /// Extra lines after the snippet ("valid fields: …").
    public var notes: [String]
    /// A warning: the query runs, but probably not as meant (rendered `warning: …`).
    public var isWarning = false
    /// A note: the answer is right but may surprise (rendered `note: …`).
    public var isNote = false
    /// Not a mistake in the query: the check was stopped by Ctrl-C or the time limit (the
    /// compiler turns it into `QueryError.interrupted`, or the time-limit error).
    public var interruption: Interrupted? = nil

    public init(_ stage: Stage, _ message: String, at span: Span, hint: String? = nil, notes: [String] = []) {
        self.stage = stage; self.message = message; self.span = span; self.hint = hint; self.notes = notes
    }

    /// Renders as:
    /// ```
    /// error: unknown field 'popluation' on city
    ///  --> weekly.rql:3:9
    ///   |
    /// 3 | | where popluation > 100000
    ///   |         ^^^^^^^^^^ did you mean 'population'?
    /// ```
    ///
    /// Every text from the query or the data (message, snippet, hint, notes) goes through
    /// `TerminalText.escape`; a source line longer than `snippetWidth` characters is cut to a
    /// window around the caret, with `…` where it was cut.
    public func render(_ source: SourceText) -> String {
        let loc = source.location(of: span.start)
        let line = Array(String(decoding: source.bytes[loc.lineStart..<loc.lineEnd], as: UTF8.self))
        let gutter = String(loc.line)
        let pad = String(repeating: " ", count: gutter.count)
        let endOffset = Swift.min(Swift.max(span.end, span.start), loc.lineEnd)
        let start = Swift.min(loc.column - 1, line.count)
        let spanLength = String(decoding: source.bytes[Swift.min(span.start, loc.lineEnd)..<endOffset], as: UTF8.self).count
        // The window: the whole line when it fits, else from a little before the caret.
        var from = 0, to = line.count
        if line.count > Diagnostic.snippetWidth {
            from = Swift.max(0, start - Diagnostic.snippetWidth / 3)
            to = Swift.min(line.count, from + Diagnostic.snippetWidth)
            from = Swift.max(0, Swift.min(from, to - Diagnostic.snippetWidth))
        }
        let spanEnd = Swift.min(start + spanLength, to)
        func shown(_ a: Int, _ b: Int) -> String { TerminalText.escape(String(line[a..<b]).replacingTabs) }
        let lead = from > 0 ? "…" : "", trail = to < line.count ? "…" : ""
        let before = lead + shown(from, start), marked = shown(start, spanEnd)
        var out = "\(isNote ? "note" : isWarning ? "warning" : "error"): \(TerminalText.escape(message, .message(keepNewlines: true)))\n"
        out += "\(pad)--> \(TerminalText.escape(source.name)):\(loc.line):\(loc.column)\n"
        out += "\(pad) |\n"
        out += "\(gutter) | \(before)\(marked)\(shown(spanEnd, to))\(trail)\n"
        out += "\(pad) | \(String(repeating: " ", count: before.count))\(String(repeating: "^", count: Swift.max(1, marked.count)))"
        if let hint { out += " \(TerminalText.escape(hint, .message(keepNewlines: true)))" }
        out += "\n"
        for n in notes { out += "\(pad) = \(TerminalText.escape(n, .message(keepNewlines: true)))\n" }
        return out
    }

    /// The widest source line an error shows whole (in characters); longer ones are cut.
    public static let snippetWidth = 160
}

extension String {
    var replacingTabs: String { String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 })) }
}

import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
