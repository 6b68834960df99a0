import Foundation
import ReseauCore
#if canImport(Glibc)
import Glibc
#endif

/// The built `reseau` executable: `$RESEAU_BINARY`, else next to the test bundle (the build
/// products folder), else `.build/debug/reseau` under the package root.
enum Binary {
    static let path: String = {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let p = ProcessInfo.processInfo.environment["RESEAU_BINARY"], !p.isEmpty {
            candidates.append(URL(fileURLWithPath: p))
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(exe.deletingLastPathComponent().appendingPathComponent("reseau"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("reseau"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("reseau"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/reseau"))
        candidates.append(root.appendingPathComponent(".build/release/reseau"))
        return (candidates.first { fm.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 2]).path
    }()
}

/// What a run of the binary gave.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A temporary folder, deleted with its contents when the value goes away.
final class TemporaryFolder: Sendable {
    let path: String
    init() {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("reseau-test-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = p.map { String(cString: $0) } ?? NSTemporaryDirectory()
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func write(_ name: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
    }
    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: file(name)).map { String(decoding: $0, as: UTF8.self) }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `reseau` with `arguments`, stdin from `stdin` (never the terminal the tests run in),
/// and returns its status and output.
func reseau(_ arguments: [String], stdin: String = "", environment: [String: String] = [:],
            in folder: String? = nil, executable: String = Binary.path) throws -> RunResult {
    let tmp = TemporaryFolder()
    tmp.write("stdin", stdin)
    tmp.write("stdout", "")
    tmp.write("stderr", "")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = tmp.path
    env["XDG_STATE_HOME"] = tmp.file("state")
    env.removeValue(forKey: "NO_COLOR")
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let folder { p.currentDirectoryURL = URL(fileURLWithPath: folder) }
    p.standardInput = FileHandle(forReadingAtPath: tmp.file("stdin"))
    p.standardOutput = FileHandle(forWritingAtPath: tmp.file("stdout"))
    p.standardError = FileHandle(forWritingAtPath: tmp.file("stderr"))
    try p.run()
    p.waitUntilExit()
    let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    return RunResult(status: status, stdout: tmp.read("stdout") ?? "", stderr: tmp.read("stderr") ?? "")
}

/// A small valid network written from `Schema.shared` (so that it follows schema changes):
/// three countries, three cities (one with an accented name), one twinning; every other file
/// holds only its header.
final class FixtureNetwork: Sendable {
    static let shared = FixtureNetwork()
    let folder = TemporaryFolder()
    var path: String { folder.path }

    static let rows: [String: [[String: String]]] = [
        "countries": [
            ["code": "FR", "name": "France", "continent": "Europe", "source": "test"],
            ["code": "JP", "name": "Japan", "continent": "Asia", "source": "test"],
            ["code": "MX", "name": "Mexico", "continent": "North America", "source": "test"],
        ],
        "cities": [
            ["id": "clermont-ferrand", "name": "Clermont-Ferrand", "country_code": "FR", "michelin": "true", "source": "test"],
            ["id": "maebashi", "name": "Maebashi", "country_code": "JP", "michelin": "false", "source": "test"],
            ["id": "queretaro", "name": "Santiago de Querétaro", "country_code": "MX", "michelin": "true", "source": "test"],
        ],
        "twinnings": [
            ["from": "clermont-ferrand", "to": "maebashi", "since": "1999", "kind": "twinning", "source": "test"],
        ],
    ]

    private init() {
        // A static is never deinitialised: delete the folder when the test process ends.
        atexit { try? FileManager.default.removeItem(atPath: FixtureNetwork.shared.path) }
        let schema = Schema.shared
        for t in schema.nodeTypes {
            let header = (t.idColumn.map { [$0] } ?? []) + t.fields.filter(\.inFile).map(\.name)
            folder.write(t.file, csv(header, FixtureNetwork.rows[t.source] ?? []))
        }
        for t in schema.edgeTypes {
            let header = [t.fromColumn, t.toColumn] + t.fields.map(\.name)
            folder.write(t.file, csv(header, FixtureNetwork.rows[t.source] ?? []))
        }
    }

    private func csv(_ header: [String], _ rows: [[String: String]]) -> String {
        var s = header.joined(separator: ",") + "\n"
        for r in rows { s += header.map { r[$0] ?? "" }.joined(separator: ",") + "\n" }
        return s
    }

    /// Node and edge counts of the fixture, as `check` and the banner print them.
    static var nodeCount: Int { rows["countries"]!.count + rows["cities"]!.count }
    static var edgeCount: Int { rows["twinnings"]!.count }
}

/// `s` without ANSI escape sequences and carriage returns.
func stripANSI(_ s: String) -> String {
    var out = ""
    var it = s.unicodeScalars.makeIterator()
    while let c = it.next() {
        if c == "\u{1B}" {
            guard let n = it.next() else { break }
            if n == "[" {
                while let x = it.next(), !(("@"..."~").contains(x)) {}
            }
            continue
        }
        if c == "\r" || c == "\u{07}" { continue }
        out.unicodeScalars.append(c)
    }
    return out
}
