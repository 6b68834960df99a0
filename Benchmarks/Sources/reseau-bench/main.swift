// reseau-bench --data DIR [--runs N] [--load-runs N] [--out FILE] [--only W2,W3,…]
//
// Measures Reseau in-process on a generated network (see reseau-gen):
//   W1  loading the CSV files (median of --load-runs loads)
//   mem resident memory after the first load, minus the resident memory before it
//   W2–W6, W6m queries in Reseau's language, run through Session.run into a CollectingWriter,
//       medians of --runs runs after one warm-up run
// (W0, the whole process, is timed by w0.py with the same harness as the sqlite3 CLI.)
// and writes every timing and every answer as JSON (the peers compare their answers to it).
import Foundation
import ReseauCore

func fail(_ msg: String) -> Never {
    FileHandle.standardError.write(Data("reseau-bench: \(msg)\n".utf8))
    exit(1)
}

var dataDir: String?
var runs = 7, loadRuns = 5
var outFile: String?
var only: Set<String>?
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--data": dataDir = args.popFirst()
    case "--runs": runs = args.popFirst().flatMap { Int($0) } ?? runs
    case "--load-runs": loadRuns = args.popFirst().flatMap { Int($0) } ?? loadRuns
    case "--out": outFile = args.popFirst()
    case "--only": only = Set((args.popFirst() ?? "").split(separator: ",").map(String.init))
    default: fail("unknown argument \(a)")
    }
}
guard let dataDir else { fail("usage: reseau-bench --data DIR [--runs N] [--load-runs N] [--out FILE] [--only W2,W3,…]") }

// MARK: parameters written by reseau-gen

guard let pdata = FileManager.default.contents(atPath: dataDir + "/bench-params.json"),
      let params = try? JSONSerialization.jsonObject(with: pdata) as? [String: Any] else {
    fail("cannot read \(dataDir)/bench-params.json (generate the folder with reseau-gen)")
}
func param(_ path: String...) -> Any? {
    var cur: Any? = params
    for k in path { cur = (cur as? [String: Any])?[k] }
    return cur
}
let country = param("country") as? String ?? "FR"
let bound = param("population_bound") as? Int ?? 100_000
let year = param("year") as? Int ?? 2015
let hubName = param("hub", "name") as? String ?? ""
let path4 = (param("path4", "from_name") as? String ?? "", param("path4", "to_name") as? String ?? "")
let path8 = (param("path8", "from_name") as? String ?? "", param("path8", "to_name") as? String ?? "")

// MARK: measuring

let clock = ContinuousClock()
func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15 }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    if s.isEmpty { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func stats(_ xs: [Double]) -> [String: Any] {
    ["median_ms": median(xs), "min_ms": xs.min() ?? .nan, "max_ms": xs.max() ?? .nan, "runs": xs.count, "all_ms": xs]
}

/// Resident set size in bytes, from /proc/self/statm.
func rss() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

var results: [String: Any] = [
    "engine": "reseau",
    "data": dataDir,
    "scale": param("scale") as? String ?? "?",
]
var timings: [String: Any] = [:]
var answers: [String: Any] = [:]
var queries: [String: String] = [:]

// MARK: W1 load and memory

func load() -> Graph {
    do { return try Loader.load(FolderSource(dataDir)) } catch { fail("the network does not load:\n\(error.description)") }
}
let before = rss()
var loadTimes: [Double] = []
let t0 = clock.now
let graph = load()
loadTimes.append(ms(clock.now - t0))
let after = rss()
results["memory_bytes"] = after - before
results["rss_before_bytes"] = before
results["rss_after_bytes"] = after
log("W1 load #1 \(String(format: "%.1f", loadTimes[0])) ms, memory \((after - before) >> 20) MiB")
for _ in 1..<max(1, loadRuns) {
    let t = clock.now
    let g = load()
    loadTimes.append(ms(clock.now - t))
    withExtendedLifetime(g) {}
}
timings["W1"] = stats(loadTimes)
log("W1 load median \(String(format: "%.1f", median(loadTimes))) ms")

// W1s: the second and later loads through the snapshot cache (the first writes the image).
let cacheDir = NSTemporaryDirectory() + "reseau-bench-cache-\(ProcessInfo.processInfo.processIdentifier)"
defer { try? FileManager.default.removeItem(atPath: cacheDir) }
do {
    let (_, first) = try CachedLoader.load(folder: dataDir, cacheDirectory: cacheDir)
    guard first == .csv else { fail("the snapshot cache was not empty") }
    var snapTimes: [Double] = []
    for _ in 0..<max(1, loadRuns) {
        let t = clock.now
        let (g, origin) = try CachedLoader.load(folder: dataDir, cacheDirectory: cacheDir)
        snapTimes.append(ms(clock.now - t))
        guard origin == .snapshot, (g.nodeCount, g.edgeCount) == (graph.nodeCount, graph.edgeCount) else { fail("the snapshot did not load") }
    }
    timings["W1s"] = stats(snapTimes)
    log("W1s snapshot load median \(String(format: "%.1f", median(snapTimes))) ms")
} catch {
    fail("snapshot: \(error)")
}

// MARK: W2–W6 queries

let session = Session(graph: graph)
session.limits.maxPathLength = 8

@MainActor func valueJSON(_ v: Value) -> Any {
    switch v {
    case .null: return NSNull()
    case .int(let i): return i
    case .decimal(let d): return d
    case .string(let s), .date(let s): return s
    case .bool(let b): return b
    case .list(let l): return l.map(valueJSON)
    case .node(let n): return graph.id(of: n)
    case .edge(let e): return "\(graph.name(of: e))"
    }
}

@MainActor func runQuery(_ text: String) -> ResultSet {
    let w = CollectingWriter()
    do { try session.run(SourceText(name: "bench", text: text), to: w) } catch { fail("query failed: \(text)\n\(error.rendered)") }
    return w.result
}

/// CPU time of this thread in ms: on a machine shared with other work, wall time also counts the
/// time the thread waited for a core; CPU time does not (it still counts cache misses caused by
/// the neighbours), so before/after comparisons of the engine read it too.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
}

@MainActor func measure(_ name: String, _ text: String, answer: @MainActor (ResultSet) -> Any) {
    if let only, !only.contains(name) { return }
    queries[name] = text
    let first = runQuery(text)   // warm-up
    answers[name] = answer(first)
    var xs: [Double] = [], cpu: [Double] = []
    for _ in 0..<runs {
        let c = threadCPU()
        let t = clock.now
        let r = runQuery(text)
        xs.append(ms(clock.now - t))
        cpu.append(threadCPU() - c)
        withExtendedLifetime(r) {}
    }
    var st = stats(xs)
    st["cpu_median_ms"] = median(cpu)
    st["cpu_min_ms"] = cpu.min() ?? .nan
    timings[name] = st
    log("\(name) median \(String(format: "%.3f", median(xs))) ms (CPU \(String(format: "%.3f", median(cpu))) ms) — \(text)")
}

let rowsAnswer: @MainActor (ResultSet) -> Any = { r in r.rows.map { $0.map(valueJSON) } }
let countAnswer: @MainActor (ResultSet) -> Any = { r in r.rows.first.flatMap { $0.first }.map(valueJSON) ?? NSNull() }
let pathAnswer: @MainActor (ResultSet) -> Any = { r in
    ["hops": max(0, r.rows.count - 1), "nodes": r.rows.map { valueJSON($0[1]) }] as [String: Any]
}

measure("W2", "cities | where country_code == \"\(country)\" and population > \(bound) | sort population desc | take 10 | select name, population", answer: rowsAnswer)
measure("W3", "fundings | where year == \(year) | group by from: total = sum(amount) | sort total desc | take 10", answer: rowsAnswer)
measure("W4", "city \"\(hubName)\" | follow twin depth 1..2 | count", answer: countAnswer)
measure("W5a", "path \"\(path4.0)\" to \"\(path4.1)\" via twin max 8", answer: pathAnswer)
measure("W5b", "path \"\(path8.0)\" to \"\(path8.1)\" via twin max 8", answer: pathAnswer)
measure("W6", "twinnings | where from.michelin and to.michelin and from.country_code != to.country_code | count", answer: countAnswer)
// W6 asked as a graph pattern: the planner runs it as the same walk of the twinnings table.
measure("W6m", "match (a:city)-[:twin]->(b:city) | where a.michelin and b.michelin and a.country_code != b.country_code | count", answer: countAnswer)

results["timings"] = timings
results["answers"] = answers
results["queries"] = queries
let json = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
if let outFile {
    if !FileManager.default.createFile(atPath: outFile, contents: json) { fail("cannot write \(outFile)") }
} else {
    print(String(decoding: json, as: UTF8.self))
}
