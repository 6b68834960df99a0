#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How big a generated network is. S is the reference; M is 10× S and L 100× S.
public struct Scale: Sendable, Equatable {
    public let name: String
    public let cities: Int
    public let twinnings: Int
    public let projects: Int
    public let fundings: Int

    /// S scaled by `factor` (tests use a small fraction of S).
    public init(name: String, factor: Double) {
        self.name = name
        cities = max(50, Int((10_000 * factor).rounded()))
        twinnings = max(100, Int((30_000 * factor).rounded()))
        projects = max(10, Int((2_000 * factor).rounded()))
        fundings = max(50, Int((50_000 * factor).rounded()))
    }

    public static let s = Scale(name: "S", factor: 1)
    public static let m = Scale(name: "M", factor: 10)
    public static let l = Scale(name: "L", factor: 100)

    public static func named(_ n: String) -> Scale? {
        switch n.uppercased() {
        case "S": .s
        case "M": .m
        case "L": .l
        default: nil
        }
    }

    public var orgs: Int { max(20, cities / 20) }
    public var events: Int { max(5, cities / 100) }
    public var visits: Int { max(5, cities / 10) }
}

/// One of the 40 countries: real codes and names, a made-up centre for the coordinates.
struct Country {
    let code: StaticString, name: StaticString, nameFr: StaticString, continent: StaticString
    let lat: Double, lon: Double
}

/// Countries in order of size: the i-th holds a share of cities ∝ 1 / (i + 1)^1.2 (Zipf-like).
let countries: [Country] = [
    Country(code: "FR", name: "France", nameFr: "France", continent: "Europe", lat: 46.6, lon: 2.4),
    Country(code: "DE", name: "Germany", nameFr: "Allemagne", continent: "Europe", lat: 51.2, lon: 10.4),
    Country(code: "US", name: "United States", nameFr: "États-Unis d'Amérique", continent: "North America", lat: 39.8, lon: -98.6),
    Country(code: "CN", name: "China", nameFr: "Chine", continent: "Asia", lat: 35.9, lon: 104.2),
    Country(code: "IT", name: "Italy", nameFr: "Italie", continent: "Europe", lat: 42.8, lon: 12.6),
    Country(code: "ES", name: "Spain", nameFr: "Espagne", continent: "Europe", lat: 40.2, lon: -3.6),
    Country(code: "IN", name: "India", nameFr: "Inde", continent: "Asia", lat: 21.0, lon: 78.0),
    Country(code: "BR", name: "Brazil", nameFr: "Brésil", continent: "South America", lat: -10.8, lon: -52.9),
    Country(code: "JP", name: "Japan", nameFr: "Japon", continent: "Asia", lat: 36.2, lon: 138.3),
    Country(code: "GB", name: "United Kingdom", nameFr: "Royaume-Uni", continent: "Europe", lat: 54.0, lon: -2.5),
    Country(code: "MX", name: "Mexico", nameFr: "Mexique", continent: "North America", lat: 23.6, lon: -102.5),
    Country(code: "PL", name: "Poland", nameFr: "Pologne", continent: "Europe", lat: 52.0, lon: 19.4),
    Country(code: "RU", name: "Russia", nameFr: "Russie", continent: "Europe", lat: 56.0, lon: 45.0),
    Country(code: "CA", name: "Canada", nameFr: "Canada", continent: "North America", lat: 52.1, lon: -96.3),
    Country(code: "TH", name: "Thailand", nameFr: "Thaïlande", continent: "Asia", lat: 15.9, lon: 101.0),
    Country(code: "HU", name: "Hungary", nameFr: "Hongrie", continent: "Europe", lat: 47.2, lon: 19.5),
    Country(code: "RO", name: "Romania", nameFr: "Roumanie", continent: "Europe", lat: 45.9, lon: 24.97),
    Country(code: "BY", name: "Belarus", nameFr: "Bélarus", continent: "Europe", lat: 53.7, lon: 27.95),
    Country(code: "CZ", name: "Czechia", nameFr: "Tchéquie", continent: "Europe", lat: 49.8, lon: 15.5),
    Country(code: "SK", name: "Slovakia", nameFr: "Slovaquie", continent: "Europe", lat: 48.7, lon: 19.7),
    Country(code: "RS", name: "Serbia", nameFr: "Serbie", continent: "Europe", lat: 44.0, lon: 21.0),
    Country(code: "DZ", name: "Algeria", nameFr: "Algérie", continent: "Africa", lat: 28.0, lon: 1.7),
    Country(code: "MA", name: "Morocco", nameFr: "Maroc", continent: "Africa", lat: 31.8, lon: -7.1),
    Country(code: "TN", name: "Tunisia", nameFr: "Tunisie", continent: "Africa", lat: 33.9, lon: 9.5),
    Country(code: "SN", name: "Senegal", nameFr: "Sénégal", continent: "Africa", lat: 14.5, lon: -14.5),
    Country(code: "GA", name: "Gabon", nameFr: "Gabon", continent: "Africa", lat: -0.8, lon: 11.6),
    Country(code: "CI", name: "Ivory Coast", nameFr: "Côte d'Ivoire", continent: "Africa", lat: 7.5, lon: -5.5),
    Country(code: "ZA", name: "South Africa", nameFr: "Afrique du Sud", continent: "Africa", lat: -30.6, lon: 22.9),
    Country(code: "NG", name: "Nigeria", nameFr: "Nigeria", continent: "Africa", lat: 9.1, lon: 8.7),
    Country(code: "AR", name: "Argentina", nameFr: "Argentine", continent: "South America", lat: -38.4, lon: -63.6),
    Country(code: "CL", name: "Chile", nameFr: "Chili", continent: "South America", lat: -35.7, lon: -71.5),
    Country(code: "CO", name: "Colombia", nameFr: "Colombie", continent: "South America", lat: 4.6, lon: -74.3),
    Country(code: "PE", name: "Peru", nameFr: "Pérou", continent: "South America", lat: -9.2, lon: -75.0),
    Country(code: "AU", name: "Australia", nameFr: "Australie", continent: "Oceania", lat: -25.3, lon: 133.8),
    Country(code: "NZ", name: "New Zealand", nameFr: "Nouvelle-Zélande", continent: "Oceania", lat: -40.9, lon: 174.9),
    Country(code: "VN", name: "Vietnam", nameFr: "Viêt Nam", continent: "Asia", lat: 14.1, lon: 108.3),
    Country(code: "KR", name: "South Korea", nameFr: "Corée du Sud", continent: "Asia", lat: 35.9, lon: 127.8),
    Country(code: "TR", name: "Turkey", nameFr: "Turquie", continent: "Asia", lat: 38.96, lon: 35.2),
    Country(code: "PT", name: "Portugal", nameFr: "Portugal", continent: "Europe", lat: 39.4, lon: -8.2),
    Country(code: "BE", name: "Belgium", nameFr: "Belgique", continent: "Europe", lat: 50.5, lon: 4.5),
]

/// Which network `Generator` draws. Both write the same 16 files with the same headers; they
/// differ in how twinnings and fundings are drawn, so that a result that holds on one and not the
/// other points at one generator's quirk rather than at the engine.
public enum DataShape: String, Sendable, CaseIterable {
    /// The generator's own network: Pareto endpoint weights capped at 5 000, half the twinnings
    /// inside one country; funders ∝ 1 / rank, log-normal amounts.
    case gen
    /// A Chung–Lu random graph: city i has an expected twin degree w_i ∝ (i + i0)^(-1/(γ-1)) with
    /// γ = 2.6 (a power-law tail P(deg = k) ∝ k^-2.6), capped at 2 000, the weights dealt to the
    /// cities in a random order; endpoints drawn ∝ w, no country locality. Fundings: each funder's
    /// share drawn from a Pareto law (tail index 0.8, so a handful of funders hold most rows),
    /// Pareto-tailed amounts, more rows in later years.
    case chunglu

    /// The power-law exponent of the Chung–Lu degree distribution, and the cap on a hub's
    /// expected degree.
    public static let chungLuExponent = 2.6
    public static let chungLuCap = 2_000.0
}

/// Chung–Lu expected degrees for `n` cities and `m` edges: w_i ∝ (i + 1)^(-1/(γ-1)), scaled to
/// sum 2m, the ones above `cap` set to it and the rest scaled up again to keep the sum (a few
/// rounds settle it). Largest first; the caller deals them out in a random order.
public func chungLuWeights(count n: Int, edges m: Int, exponent gamma: Double, cap: Double) -> [Double] {
    let e = -1 / (gamma - 1)
    var w = (0..<n).map { pow(Double($0 + 1), e) }
    let target = 2 * Double(m)
    for _ in 0..<8 {
        var capped = 0.0, free = 0.0
        for x in w { if x >= cap { capped += cap } else { free += x } }
        guard free > 0 else { break }
        let k = (target - capped) / free
        var changed = false
        for i in w.indices where w[i] < cap {
            w[i] *= k
            if w[i] > cap { w[i] = cap; changed = true }
        }
        if !changed { break }
    }
    return w
}

/// The parameters the benchmarks need, chosen from the generated network.
public struct WorkloadParams: Sendable {
    public var country = "FR"
    public var populationBound = 100_000
    public var year = 2015
    public var hubId = "", hubName = "", hubDegree = 0
    /// Pairs of cities at the stated breadth-first distance over twinnings.
    public var path4 = (from: "", to: "", hops: 0)
    public var path8 = (from: "", to: "", hops: 0)
    public var maxDegree = 0
    public var isolatedCities = 0
    public var citiesWithAtMost5Twins = 0
    public var shape = DataShape.gen
    /// Share of the fundings rows held by the 1 % biggest funders (at least one funder).
    public var topFunderShare = 0.0

    public func json(scale: Scale, seed: UInt64) -> String {
        func q(_ s: String) -> String { "\"" + s + "\"" }
        return """
        {
          "scale": \(q(scale.name)), "seed": \(seed), "shape": \(q(shape.rawValue)),
          "cities": \(scale.cities), "twinnings": \(scale.twinnings), "projects": \(scale.projects), "fundings": \(scale.fundings),
          "orgs": \(scale.orgs), "events": \(scale.events), "visits": \(scale.visits),
          "country": \(q(country)), "population_bound": \(populationBound), "year": \(year),
          "hub": {"id": \(q(hubId)), "name": \(q(hubName)), "degree": \(hubDegree)},
          "path4": {"from": \(q(path4.from)), "to": \(q(path4.to)), "hops": \(path4.hops), "from_name": \(q(cityName(path4.from))), "to_name": \(q(cityName(path4.to)))},
          "path8": {"from": \(q(path8.from)), "to": \(q(path8.to)), "hops": \(path8.hops), "from_name": \(q(cityName(path8.from))), "to_name": \(q(cityName(path8.to)))},
          "degree": {"max": \(maxDegree), "isolated_cities": \(isolatedCities), "cities_with_at_most_5": \(citiesWithAtMost5Twins)},
          "top_funder_share": \((topFunderShare * 1000).rounded() / 1000)
        }

        """
    }

    func cityName(_ id: String) -> String { id.isEmpty ? "" : "City " + id.dropFirst() }
}

/// Writes a synthetic network in the exact format of `Data/` (all 13 files), deterministic
/// from the seed.
///
/// Shape: 40 countries of Zipf-like sizes; Pareto populations; ~4 % Michelin cities;
/// twinnings drawn between cities with probability ∝ a Pareto weight (a heavy-tailed degree:
/// most cities have 0–5 twins, hubs have thousands), half of them inside one country; about
/// five partner cities per project; funders of Zipf-like sizes; log-normal amounts in whole
/// euros over 2005–2024.
///
/// With `shape: .chunglu` the twinnings and fundings are drawn another way (see `DataShape`), from
/// a random sequence of their own (the seed mixed with the shape), so the two shapes share no
/// draw even under one seed.
public struct Generator {
    public let scale: Scale
    public let seed: UInt64
    public let shape: DataShape

    public init(scale: Scale, seed: UInt64, shape: DataShape = .gen) { self.scale = scale; self.seed = seed; self.shape = shape }

    static let orgKinds: [(StaticString, Double)] = [
        ("municipality", 30), ("public_agency", 15), ("ministry", 5), ("eu_institution", 2), ("company", 15),
        ("university", 10), ("association", 13), ("network", 5), ("cluster", 3), ("school", 2),
    ]
    static let projectKinds: [StaticString] = ["cooperation", "cooperation", "cooperation", "programme", "festival", "residency", "contest", "camp", "network", "subsidy"]
    static let themes: [StaticString] = ["Economie durable", "Jeunesse", "Culture", "Mobilité", "Santé", "Education", "Environnement", "Gouvernance locale"]
    static let statuses: [StaticString] = ["ongoing", "completed", "completed", "planned", "cancelled", "unknown"]
    static let eventKinds: [StaticString] = ["rencontres", "general_assembly", "conference", "lab", "meeting", "festival", "camp", "other"]
    static let eventModes: [StaticString] = ["in_person", "in_person", "in_person", "online", "hybrid", "unknown"]
    static let adoptionOutcomes: [StaticString] = ["adopted", "signed", "decided", "prepared"]

    /// Writes the 16 files and `bench-params.json` into `dir` (which must exist).
    @discardableResult
    public func write(to dir: String) throws(ByteWriter.OpenError) -> WorkloadParams {
        var rng = Xoshiro256(seed: shape == .gen ? seed : seed ^ 0xC4C1_0026_2600_2000)
        func open(_ name: String) throws(ByteWriter.OpenError) -> ByteWriter { try ByteWriter(path: dir + "/" + name) }
        let n = scale.cities
        var params = WorkloadParams()

        // countries.csv
        do {
            let w = try open("countries.csv")
            w.text("code,name,name_fr,continent,source\n")
            for c in countries {
                w.text(c.code); w.comma(); w.text(c.name); w.comma(); w.text(c.nameFr); w.comma()
                w.text(c.continent); w.text(",reseau-gen"); w.newline()
            }
            w.close()
        }

        // cities.csv
        let countrySampler = WeightedSampler((0..<countries.count).map { 1 / pow(Double($0 + 1), 1.2) })
        var cityCountry = [UInt8](repeating: 0, count: n)
        var michelin = [Bool](repeating: false, count: n)
        do {
            let w = try open("cities.csv")
            w.text("id,name,country_code,lat,lon,population,michelin,aliases,geonames_id,source\n")
            for i in 0..<n {
                let c = countrySampler.sample(&rng)
                cityCountry[i] = UInt8(c)
                let country = countries[c]
                let lat = min(89.9, max(-89.9, country.lat + 2.5 * rng.normal()))
                var lon = country.lon + 3.5 * rng.normal()
                if lon > 180 { lon -= 360 } else if lon < -180 { lon += 360 }
                let pop = Int(min(30_000_000, rng.pareto(xm: 500, alpha: 1.05)))
                michelin[i] = rng.chance(0.04)
                w.tagged("c", i); w.comma(); w.tagged("City ", i); w.comma(); w.text(country.code); w.comma()
                w.fixed(lat, places: 5); w.comma(); w.fixed(lon, places: 5); w.comma(); w.int(pop); w.comma()
                w.text(michelin[i] ? "true," : "false,")
                if i % 97 == 0 { w.tagged("Ville ", i) }
                w.comma(); w.int(3_000_000 + i); w.text(",reseau-gen"); w.newline()
            }
            w.close()
        }

        // twinnings.csv, by shape. `global` (endpoint weights) also picks project partners,
        // event hosts and visited cities below.
        var twinFrom = [Int32](), twinTo = [Int32]()
        twinFrom.reserveCapacity(scale.twinnings); twinTo.reserveCapacity(scale.twinnings)
        let global: WeightedSampler
        switch shape {
        case .gen:
            global = try writeGenTwinnings(open, &rng, cityCountry, &twinFrom, &twinTo)
        case .chunglu:
            global = try writeChungLuTwinnings(open, &rng, &twinFrom, &twinTo)
        }

        // orgs.csv: funders, networks, companies… Network orgs receive memberships.
        let kindSampler = WeightedSampler(Generator.orgKinds.map(\.1))
        var networks: [Int] = []
        do {
            let w = try open("orgs.csv")
            w.text("id,name,kind,city,aliases,source\n")
            for i in 0..<scale.orgs {
                let k = i % 20 == 1 ? 7 : kindSampler.sample(&rng)
                if k == 7 { networks.append(i) }
                w.tagged("o", i); w.comma(); w.tagged("Org ", i); w.comma(); w.text(Generator.orgKinds[k].0); w.comma()
                if !rng.chance(0.1) { w.tagged("c", rng.below(n)) }
                w.text(",,reseau-gen"); w.newline()
            }
            w.close()
        }

        // projects.csv
        do {
            let w = try open("projects.csv")
            w.text("id,name,kind,theme,start,end,status,signed,aliases,source\n")
            for i in 0..<scale.projects {
                let start = 2005 + rng.below(20)
                w.tagged("p", i); w.comma(); w.tagged("Project ", i); w.comma()
                w.text(Generator.projectKinds[rng.below(Generator.projectKinds.count)]); w.comma()
                w.text(Generator.themes[rng.below(Generator.themes.count)]); w.comma()
                w.int(start); w.comma()
                if rng.chance(0.8) { w.date(start + 1 + rng.below(5), 12, 31) }
                w.comma(); w.text(Generator.statuses[rng.below(Generator.statuses.count)]); w.comma()
                if rng.chance(0.5) { w.int(start - 1) }
                w.text(",,reseau-gen"); w.newline()
            }
            w.close()
        }

        // partnerships.csv: 1–9 cities per project (mean 5), the first one leads.
        do {
            let w = try open("partnerships.csv")
            w.text("city,project,role,source\n")
            var chosen: [Int] = []
            for p in 0..<scale.projects {
                var k = 1
                for _ in 0..<8 where rng.chance(0.5) { k += 1 }
                chosen.removeAll(keepingCapacity: true)
                while chosen.count < k {
                    let c = global.sample(&rng)   // well-twinned cities take part more often
                    if !chosen.contains(c) { chosen.append(c) }
                }
                for (j, c) in chosen.enumerated() {
                    w.tagged("c", c); w.comma(); w.tagged("p", p); w.comma()
                    let r = rng.unit()
                    w.text(j == 0 ? "lead" : r < 0.8 ? "partner" : r < 0.9 ? "participant" : "host")
                    w.text(",reseau-gen"); w.newline()
                }
            }
            w.close()
        }

        // fundings.csv, by shape. gen: funder ∝ 1 / rank, amounts log-normal (median 15 000 €)
        // in whole euros, years uniform. chunglu: each funder's weight a Pareto draw (tail index
        // 0.9: a few funders hold most rows), amounts Pareto-tailed (from 1 000 €, index 1.6,
        // at most 20 M€), later years more frequent (density ∝ the year's rank).
        var rowsPerFunder = [Int](repeating: 0, count: scale.orgs)
        do {
            let w = try open("fundings.csv")
            w.text("org,project,amount,year,note,source\n")
            switch shape {
            case .gen:
                let funderSampler = WeightedSampler((0..<scale.orgs).map { 1 / Double($0 + 1) })
                let mu = log(15_000.0)
                for _ in 0..<scale.fundings {
                    let o = funderSampler.sample(&rng)
                    rowsPerFunder[o] += 1
                    let amount = max(100, Int(exp(mu + 1.3 * rng.normal()).rounded()))
                    w.tagged("o", o); w.comma(); w.tagged("p", rng.below(scale.projects)); w.comma()
                    w.int(amount); w.comma(); w.int(2005 + rng.below(20)); w.text(",,reseau-gen"); w.newline()
                }
            case .chunglu:
                let funderSampler = WeightedSampler((0..<scale.orgs).map { _ in rng.pareto(xm: 1, alpha: 0.9) })
                for _ in 0..<scale.fundings {
                    let o = funderSampler.sample(&rng)
                    rowsPerFunder[o] += 1
                    let amount = Int(min(20_000_000, rng.pareto(xm: 1_000, alpha: 1.6)).rounded())
                    let year = 2005 + min(19, Int(20 * rng.unit().squareRoot()))
                    w.tagged("o", o); w.comma(); w.tagged("p", rng.below(scale.projects)); w.comma()
                    w.int(amount); w.comma(); w.int(year); w.text(",,reseau-gen"); w.newline()
                }
            }
            w.close()
        }
        params.shape = shape
        let top = rowsPerFunder.sorted(by: >).prefix(max(1, scale.orgs / 100)).reduce(0, +)
        params.topFunderShare = Double(top) / Double(max(1, scale.fundings))

        // memberships.csv: about 30 % of cities belong to one network.
        do {
            let w = try open("memberships.csv")
            w.text("city,org,since,source\n")
            for c in 0..<n where rng.chance(0.3) {
                w.tagged("c", c); w.comma(); w.tagged("o", networks[rng.below(networks.count)]); w.comma()
                if rng.chance(0.7) { w.int(1990 + rng.below(35)) }
                w.text(",reseau-gen"); w.newline()
            }
            w.close()
        }

        // events.csv, hostings.csv, attendances.csv, claims.csv, schedules.csv, candidacies.csv, adoptions.csv.
        // The columns and files added for issue 15 (theme, status, mode, part_of; an event's history, its
        // candidate hosts, what it adopted) draw from their own generator, so the main sequence, and with it
        // every other file and the workload parameters, is what it was before they existed.
        do {
            let ev = try open("events.csv"), host = try open("hostings.csv")
            let att = try open("attendances.csv"), claims = try open("claims.csv")
            let sched = try open("schedules.csv"), cand = try open("candidacies.csv"), adopt = try open("adoptions.csv")
            ev.text("id,name,kind,theme,start,end,status,mode,city,part_of,participants,cities_count,countries_count,aliases,source\n")
            host.text("city,event,source\n")
            att.text("city,event,source\n")
            claims.text("subject,field,value,note,source\n")
            sched.text("event,step,start,end,outcome,reason,note,source\n")
            cand.text("city,event,result,decision,decided,source\n")
            adopt.text("event,project,outcome,note,source\n")
            var aux = Xoshiro256(seed: seed ^ 0x15E7_E4E5)
            var chosen: [Int] = []
            for e in 0..<scale.events {
                let city = global.sample(&rng)
                let y = 2005 + rng.below(20), m = 1 + rng.below(12), d = 1 + rng.below(26)
                let participants = 20 + rng.below(500)
                chosen.removeAll(keepingCapacity: true)
                chosen.append(city)
                let k = rng.below(11)
                while chosen.count < k + 1 {
                    let c = global.sample(&rng)
                    if !chosen.contains(c) { chosen.append(c) }
                }
                let kind = Generator.eventKinds[rng.below(Generator.eventKinds.count)]
                let endDay = d + rng.below(3)
                // Mostly held; 5 % cancelled; the future is planned. A cancelled event keeps its hosting row
                // here (the bundled data's rule that it has none is checked by check_data.py only).
                let planned = y >= 2025, cancelled = !planned && aux.chance(0.05)
                let status: StaticString = planned ? "planned" : cancelled ? "cancelled" : "completed"
                ev.tagged("e", e); ev.comma(); ev.tagged("Event ", e); ev.comma(); ev.text(kind); ev.comma()
                ev.text(Generator.themes[aux.below(Generator.themes.count)]); ev.comma()
                ev.date(y, m, d); ev.comma(); ev.date(y, m, endDay); ev.comma()
                ev.text(status); ev.comma(); ev.text(Generator.eventModes[aux.below(Generator.eventModes.count)]); ev.comma()
                ev.tagged("c", city); ev.comma()
                if e > 0 && aux.chance(0.1) { ev.tagged("e", aux.below(e)) }   // a session of an earlier event: no cycle
                ev.comma(); ev.int(participants); ev.comma(); ev.int(k + 1); ev.comma(); ev.int(1 + rng.below(k + 1))
                ev.text(",,reseau-gen"); ev.newline()
                if !planned && !cancelled && aux.chance(0.1) {
                    sched.tagged("e", e); sched.text(",1,"); sched.int(y - 1); sched.text(",,moved,pandemic,,reseau-gen"); sched.newline()
                    sched.tagged("e", e); sched.text(",2,"); sched.date(y, m, d); sched.comma(); sched.date(y, m, endDay)
                    sched.text(",held,,,reseau-gen"); sched.newline()
                }
                if chosen.count > 1 && aux.chance(0.1) {
                    cand.tagged("c", city); cand.comma(); cand.tagged("e", e); cand.text(",chosen,vote,"); cand.int(y - 1); cand.text(",reseau-gen"); cand.newline()
                    cand.tagged("c", chosen[1]); cand.comma(); cand.tagged("e", e); cand.text(",not_chosen,vote,"); cand.int(y - 1); cand.text(",reseau-gen"); cand.newline()
                }
                if aux.chance(0.1) {
                    adopt.tagged("e", e); adopt.comma(); adopt.tagged("p", aux.below(scale.projects)); adopt.comma()
                    adopt.text(Generator.adoptionOutcomes[aux.below(Generator.adoptionOutcomes.count)]); adopt.text(",,reseau-gen"); adopt.newline()
                }
                host.tagged("c", city); host.comma(); host.tagged("e", e); host.text(",reseau-gen"); host.newline()
                for c in chosen.dropFirst() {
                    att.tagged("c", c); att.comma(); att.tagged("e", e); att.text(",reseau-gen"); att.newline()
                }
                claims.tagged("e", e); claims.text(",participants,"); claims.int(participants + rng.below(50))
                claims.text(",\"about that many, as stated\",reseau-gen"); claims.newline()
            }
            ev.close(); host.close(); att.close(); claims.close(); sched.close(); cand.close(); adopt.close()
        }

        // visits.csv: official trips between two different cities.
        do {
            let w = try open("visits.csv")
            w.text("from,to,trip,purpose,start,end,cost,note,source\n")
            for v in 0..<scale.visits {
                let a = rng.below(n)
                var b = global.sample(&rng)
                if b == a { b = (a + 1) % n }
                let y = 2005 + rng.below(20), m = 1 + rng.below(12), d = 1 + rng.below(25)
                w.tagged("c", a); w.comma(); w.tagged("c", b); w.comma(); w.tagged("t", v); w.text(",Official visit,")
                w.date(y, m, d); w.comma(); w.date(y, m, d + 1 + rng.below(3)); w.comma()
                if rng.chance(0.8) { w.int(100 * (1 + rng.below(150))) }
                w.text(",,reseau-gen"); w.newline()
            }
            w.close()
        }

        // The workload parameters: the biggest hub, and pairs of cities 4 and 8 hops apart.
        let graph = TwinGraph(count: n, from: twinFrom, to: twinTo)
        var hub = 0
        for i in 0..<n where graph.degree(i) > graph.degree(hub) { hub = i }
        params.hubId = "c\(hub)"; params.hubName = "City \(hub)"; params.hubDegree = graph.degree(hub)
        params.maxDegree = graph.degree(hub)
        for i in 0..<n {
            let d = graph.degree(i)
            if d == 0 { params.isolatedCities += 1 }
            if d <= 5 { params.citiesWithAtMost5Twins += 1 }
        }
        (params.path4, params.path8) = graph.pathPairs(&rng)

        let json = params.json(scale: scale, seed: seed)
        let w = try open("bench-params.json")
        w.text(json)
        w.close()
        return params
    }
    /// The generator's own twinnings: endpoints ∝ a Pareto weight (capped so that the biggest
    /// hubs keep a few thousand twins at every scale), half of the pairs inside one country.
    func writeGenTwinnings(_ open: (String) throws(ByteWriter.OpenError) -> ByteWriter, _ rng: inout Xoshiro256, _ cityCountry: [UInt8],
                           _ twinFrom: inout [Int32], _ twinTo: inout [Int32]) throws(ByteWriter.OpenError) -> WeightedSampler {
        let n = scale.cities
        let weights = (0..<n).map { _ in min(5_000, rng.pareto(xm: 1, alpha: 1.15)) }
        let global = WeightedSampler(weights)
        var byCountry = [[Int]](repeating: [], count: countries.count)
        for i in 0..<n { byCountry[Int(cityCountry[i])].append(i) }
        let local = byCountry.map { WeightedSampler($0.map { weights[$0] }) }
        do {
            var pairs = Set<UInt64>(minimumCapacity: scale.twinnings)
            let w = try open("twinnings.csv")
            w.text("from,to,since,kind,source\n")
            while twinFrom.count < scale.twinnings {
                let a = global.sample(&rng)
                var b: Int
                let c = Int(cityCountry[a])
                if byCountry[c].count > 1 && rng.chance(0.5) {
                    b = byCountry[c][local[c].sample(&rng)]
                } else {
                    b = global.sample(&rng)
                }
                if a == b { continue }
                let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
                if !pairs.insert(key).inserted { continue }
                twinFrom.append(Int32(a)); twinTo.append(Int32(b))
                let r = rng.unit()
                w.tagged("c", a); w.comma(); w.tagged("c", b); w.comma(); w.int(1950 + rng.below(75)); w.comma()
                w.text(r < 0.85 ? "twinning" : r < 0.95 ? "partnership" : "solidarity")
                w.text(",reseau-gen"); w.newline()
            }
            w.close()
        }

        return global
    }

    /// Chung–Lu twinnings: both endpoints ∝ the expected degrees of `chungLuWeights`, dealt to
    /// the cities in a random order; self-pairs and repeated pairs are drawn again.
    func writeChungLuTwinnings(_ open: (String) throws(ByteWriter.OpenError) -> ByteWriter, _ rng: inout Xoshiro256,
                               _ twinFrom: inout [Int32], _ twinTo: inout [Int32]) throws(ByteWriter.OpenError) -> WeightedSampler {
        let n = scale.cities
        let sorted = chungLuWeights(count: n, edges: scale.twinnings, exponent: DataShape.chungLuExponent, cap: DataShape.chungLuCap)
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }   // Fisher–Yates
        var weights = [Double](repeating: 0, count: n)
        for (rank, city) in order.enumerated() { weights[city] = sorted[rank] }
        let global = WeightedSampler(weights)
        var pairs = Set<UInt64>(minimumCapacity: scale.twinnings)
        let w = try open("twinnings.csv")
        w.text("from,to,since,kind,source\n")
        while twinFrom.count < scale.twinnings {
            let a = global.sample(&rng), b = global.sample(&rng)
            if a == b { continue }
            let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
            if !pairs.insert(key).inserted { continue }
            twinFrom.append(Int32(a)); twinTo.append(Int32(b))
            w.tagged("c", a); w.comma(); w.tagged("c", b); w.comma(); w.int(1960 + rng.below(65)); w.comma()
            let r = rng.unit()
            w.text(r < 0.7 ? "twinning" : r < 0.9 ? "partnership" : "solidarity")
            w.text(",reseau-gen"); w.newline()
        }
        w.close()
        return global
    }
}

/// The twinning graph as compressed adjacency, for choosing workload parameters.
struct TwinGraph {
    var offsets: [Int32]
    var neighbours: [Int32]

    init(count: Int, from: [Int32], to: [Int32]) {
        offsets = [Int32](repeating: 0, count: count + 1)
        for e in from.indices { offsets[Int(from[e]) + 1] += 1; offsets[Int(to[e]) + 1] += 1 }
        for i in 0..<count { offsets[i + 1] += offsets[i] }
        var fill = offsets
        neighbours = [Int32](repeating: 0, count: 2 * from.count)
        for e in from.indices {
            let a = Int(from[e]), b = Int(to[e])
            neighbours[Int(fill[a])] = Int32(b); fill[a] += 1
            neighbours[Int(fill[b])] = Int32(a); fill[b] += 1
        }
    }

    var count: Int { offsets.count - 1 }
    func degree(_ i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }

    /// Breadth-first distances from `s` (-1 where unreachable).
    func distances(from s: Int) -> [Int32] {
        var dist = [Int32](repeating: -1, count: count)
        var queue = [Int32](); queue.reserveCapacity(count)
        dist[s] = 0; queue.append(Int32(s))
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            for k in Int(offsets[u])..<Int(offsets[u + 1]) {
                let v = Int(neighbours[k])
                if dist[v] < 0 { dist[v] = dist[u] + 1; queue.append(Int32(v)) }
            }
        }
        return dist
    }

    /// Two pairs of cities at breadth-first distance 4 and 8, by a double sweep from
    /// pseudo-random starts: the far end of a sweep is a peripheral city, and the cities at
    /// distance 4 and 8 from it (the lowest index at that distance) complete the pairs.
    /// Falls back to the longest distance found when no city is 8 hops from any tried start.
    func pathPairs(_ rng: inout Xoshiro256) -> ((from: String, to: String, hops: Int), (from: String, to: String, hops: Int)) {
        var best: (a: Int, dist: [Int32], ecc: Int)? = nil
        for _ in 0..<12 {
            var s = rng.below(count)
            var tries = 0
            while degree(s) == 0 && tries < 1000 { s = rng.below(count); tries += 1 }
            let d0 = distances(from: s)
            var far = s
            for i in 0..<count where d0[i] > d0[far] { far = i }
            let d1 = distances(from: far)
            let ecc = Int(d1.max() ?? 0)
            if best == nil || ecc > best!.ecc { best = (far, d1, ecc) }
            if ecc >= 8 { break }
        }
        guard let b = best else { return (("", "", 0), ("", "", 0)) }
        func at(_ k: Int) -> (from: String, to: String, hops: Int) {
            let want = Int32(min(k, b.ecc))
            let j = b.dist.firstIndex(of: want) ?? b.a
            return ("c\(b.a)", "c\(j)", Int(want))
        }
        return (at(4), at(8))
    }
}
