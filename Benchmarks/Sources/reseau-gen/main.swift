// reseau-gen --scale S|M|L [--seed 42] [--shape gen|chunglu] --out DIR [--verify]
//
// Writes a synthetic network (`--shape gen`, the default: the generator's own network;
// `--shape chunglu`: a Chung–Lu power-law graph, γ = 2.6, hubs capped near 2 000 twins, and
// fundings skewed by funder) in the Data/ format (13 CSV files) and bench-params.json (the
// hub, the path pairs and the other workload parameters) into DIR. With --verify, loads the
// folder back with Reseau's strict loader and checks the counts.
import Foundation
import ReseauCore
import ReseauGen

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: reseau-gen --scale S|M|L|FACTOR [--seed N] [--shape gen|chunglu] --out DIR [--verify]\n".utf8))
    exit(2)
}

var scale: Scale?
var seed: UInt64 = 42
var out: String?
var verify = false
var shape = DataShape.gen
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--scale":
        guard let v = args.popFirst() else { usage() }
        if let s = Scale.named(v) { scale = s } else if let f = Double(v), f > 0 { scale = Scale(name: v, factor: f) } else { usage() }
    case "--seed":
        guard let v = args.popFirst(), let s = UInt64(v) else { usage() }
        seed = s
    case "--out":
        guard let v = args.popFirst() else { usage() }
        out = v
    case "--shape":
        guard let v = args.popFirst(), let s = DataShape(rawValue: v) else { usage() }
        shape = s
    case "--verify": verify = true
    default: usage()
    }
}
guard let scale, let out else { usage() }

do {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
} catch {
    FileHandle.standardError.write(Data("reseau-gen: cannot create \(out): \(error)\n".utf8))
    exit(1)
}

let clock = ContinuousClock()
let t0 = clock.now
let params: WorkloadParams
do {
    params = try Generator(scale: scale, seed: seed, shape: shape).write(to: out)
} catch {
    FileHandle.standardError.write(Data("reseau-gen: \(error)\n".utf8))
    exit(1)
}
let genTime = clock.now - t0
func seconds(_ d: Duration) -> String { String(format: "%.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) }
print("scale \(scale.name) seed \(seed) shape \(shape.rawValue): \(scale.cities) cities, \(scale.twinnings) twinnings, \(scale.projects) projects, \(scale.fundings) fundings in \(seconds(genTime)) → \(out)")
print("hub \(params.hubName) (\(params.hubDegree) twins); \(params.isolatedCities) cities without twins, \(params.citiesWithAtMost5Twins) with at most 5; the 1 % biggest funders hold \(Int((params.topFunderShare * 100).rounded())) % of the fundings")
print("path pairs: \(params.path4.from)–\(params.path4.to) (\(params.path4.hops) hops), \(params.path8.from)–\(params.path8.to) (\(params.path8.hops) hops)")

if verify {
    let t1 = clock.now
    let graph: Graph
    do {
        graph = try Loader.load(FolderSource(out))
    } catch {
        print(error.description)
        FileHandle.standardError.write(Data("reseau-gen: the generated network does not load\n".utf8))
        exit(1)
    }
    var ok = true
    func check(_ what: String, _ got: Int, _ want: Int) {
        if got != want { print("mismatch: \(what) \(got), expected \(want)"); ok = false }
    }
    check("cities", graph.count(Schema.city), scale.cities)
    check("countries", graph.count(Schema.country), 40)
    check("orgs", graph.count(Schema.org), scale.orgs)
    check("projects", graph.count(Schema.project), scale.projects)
    check("events", graph.count(Schema.event), scale.events)
    check("twinnings", graph.count(Schema.twin), scale.twinnings)
    check("fundings", graph.count(Schema.funds), scale.fundings)
    check("visits", graph.count(Schema.visit), scale.visits)
    if let hub = graph.lookup(params.hubName, type: Schema.city).first {
        check("hub degree", graph.degree(hub, Schema.twin), params.hubDegree)
    } else { print("hub \(params.hubName) not found"); ok = false }
    if shape == .chunglu {
        // The shape's own promises: no hub far above the cap, a heavy tail (some hub well above
        // the mean degree of 6), and a skew by funder.
        if Double(params.hubDegree) > DataShape.chungLuCap * 1.1 { print("mismatch: hub degree \(params.hubDegree) above the cap \(Int(DataShape.chungLuCap))"); ok = false }
        if params.hubDegree < 20 * 2 * scale.twinnings / scale.cities { print("mismatch: hub degree \(params.hubDegree): no heavy tail"); ok = false }
        if params.topFunderShare < 0.2 { print("mismatch: the 1 % biggest funders hold only \(params.topFunderShare) of the fundings"); ok = false }
    }
    let counts = graph.schema.edgeTypes.withIDs.map { "\($0.1.source) \(graph.count($0.0))" }
    print("verified: loads in \(seconds(clock.now - t1)); " + counts.joined(separator: ", "))
    if !ok { exit(1) }
}
