import FoundationEssentials
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// Queries read from a pipe as they come (`producer | reseau`, a program talking to reseau
/// through a pipe): each piece runs as soon as it is known to be complete, not at end of input,
/// and the text being read is bounded by `--max-query-bytes` while it is read.
///
/// A piece is known to be complete when its last line ends with `;` (at depth 0, no string
/// open), or when the next line arrives and starts another statement (not blank, not a comment,
/// not `| …` — a line starting with `|` continues the query above, so a statement that ends at a
/// newline waits for the next line or the end of input), or at the end of input. A line starting
/// with `.` where no query is open is a dot command. Pieces run with their line numbers in the
/// stream. A program that needs each answer before sending the next query ends it with `;`.
struct StatementStream {
    let fd: Int32
    let name: String
    let maxBytes: Int

    /// True when `fd` is a regular file (read whole, as a file argument is).
    static func isRegularFile(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// What the stream gives next.
    enum Item {
        case piece(ScriptPiece)
        /// The text being read is over `maxBytes`, or is not UTF-8 or cannot be read (the message).
        case tooLong(String)
        case unreadable(String)
        case interrupted
        case end
    }

    /// Bytes read and not yet cut into lines.
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`, and how far it was searched for a newline.
    private var lineStart = 0
    private var scanned = 0
    private var atEnd = false
    private var started = false
    /// Lines of the open piece, and the stream line of its first line.
    private var pending: [String] = []
    private var pendingBytes = 0
    /// Some line of `pending` is not blank.
    private var pendingHasText = false
    private var pendingLine = 1
    /// Lines taken from the stream so far.
    private var lineCount = 0
    /// Pieces ready to be handed out.
    private var ready: [ScriptPiece] = []
    /// Lines of `pending` when its completeness was last asked (long statements are asked at
    /// doubling sizes, so that reading one costs linear time).
    private var checkedAt = 0

    init(fd: Int32, name: String, maxBytes: Int) { self.fd = fd; self.name = name; self.maxBytes = maxBytes }

    mutating func next() -> Item {
        while true {
            if !ready.isEmpty { return .piece(ready.removeFirst()) }
            if atEnd {
                if let last = takePending() { return .piece(last) }
                return .end
            }
            // A whole line in the buffer?
            if let nl = buffer[max(scanned, lineStart)...].firstIndex(of: 0x0A) {
                let bytes = buffer[lineStart..<nl]
                lineStart = nl + 1
                scanned = lineStart
                guard let line = String(validating: bytes, as: UTF8.self) else { return .unreadable("\(name): not UTF-8 text") }
                take(line)
                continue
            }
            // No whole line left: drop the lines taken (once per read, not once per line).
            buffer.removeFirst(lineStart)
            lineStart = 0
            scanned = buffer.count
            if pendingBytes + buffer.count > maxBytes { return .tooLong(tooLongMessage(name, maxBytes)) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { if SignalState.isInterrupted { return .interrupted } else { continue } }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Stdin left non-blocking by whoever opened it: wait for it (a signal ends the wait).
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, -1)
                if SignalState.isInterrupted { return .interrupted }
                continue
            }
            if n < 0 { return .unreadable("\(name): cannot read it (\(String(cString: strerror(errno))))") }
            if n == 0 {
                atEnd = true
                if !buffer.isEmpty {
                    guard let line = String(validating: buffer, as: UTF8.self) else { return .unreadable("\(name): not UTF-8 text") }
                    buffer = []
                    take(line)
                }
                continue
            }
            var got = chunk[0..<n]
            if !started {
                started = true
                // A UTF-8 byte order mark is not part of the query.
                if got.starts(with: [0xEF, 0xBB, 0xBF]) { got = got.dropFirst(3) }
            }
            buffer.append(contentsOf: got)
        }
    }

    /// The open piece as a query, if it holds more than blanks; it is closed.
    private mutating func takePending() -> ScriptPiece? {
        defer { pending = []; pendingBytes = 0; checkedAt = 0; pendingHasText = false }
        let text = pending.joined(separator: "\n")
        guard !trimmedWhitespace(text).isEmpty else { return nil }
        return .query(SourceText(name: name, text: text, firstLine: pendingLine))
    }

    private mutating func take(_ raw: String) {
        lineCount += 1
        let line = raw
        let t = trimmedBlanks(raw.hasSuffix("\r") ? String(raw.dropLast()) : raw)
        // (The open text is joined only when a line may end it: a long statement is not joined
        // again for every line.)
        if t.hasPrefix("."), !pendingHasText || Session.isComplete(pending.joined(separator: "\n")) {
            if let p = takePending() { ready.append(p) }
            ready.append(.dot(t))
            return
        }
        // A line that starts another statement closes the open piece when that is complete.
        if pendingHasText, !t.isEmpty, !t.hasPrefix("|"), !t.hasPrefix("#") {
            if pending.count <= 64 || pending.count >= 2 * checkedAt {
                checkedAt = pending.count
                if Session.isComplete(pending.joined(separator: "\n")), let p = takePending() { ready.append(p) }
            }
        }
        if pending.isEmpty { pendingLine = lineCount }
        pending.append(line)
        pendingBytes += line.utf8.count + 1
        if !t.isEmpty { pendingHasText = true }
        // A line ending with `;` closes the piece at once.
        if t.hasSuffix(";"), Session.isComplete(pending.joined(separator: "\n")), let p = takePending() { ready.append(p) }
    }
}

/// Runs the pieces of `stream` as they come. `params` are the `--param` names: one that no
/// query of the stream used is reported at its end (it cannot be known before).
func runStream(_ stream: StatementStream, runner: Runner, keepGoing: Bool, dataFolder: String?, params: [String]) -> ExitStatus {
    var stream = stream
    let script = ScriptRun(runner: runner, keepGoing: keepGoing, dataFolder: dataFolder)
    var used = Set<String>()
    while true {
        switch stream.next() {
        case .piece(let piece):
            if case .query(let s) = piece, !params.isEmpty { used.formUnion(ReseauCommand.usedParams(s) ?? []) }
            switch script.run(piece) {
            case .next: continue
            case .finish: return script.finish()
            case .exit(let status): return status
            }
        case .tooLong(let message):
            runner.file?.discard()
            Console.errorLine("error: " + message)
            return .queryFailed
        case .unreadable(let message):
            runner.file?.discard()
            Console.errorLine("error: " + message)
            return .usage
        case .interrupted:
            runner.file?.discard()
            return .interrupted
        case .end:
            if let message = ReseauCommand.unusedParamMessage(params, used: used) {
                runner.file?.discard()
                Console.errorLine(message)
                return .usage
            }
            return script.finish()
        }
    }
}
