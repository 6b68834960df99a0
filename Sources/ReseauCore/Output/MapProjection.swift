#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A longitude and latitude in degrees.
struct LonLat: Sendable, Equatable {
    var lon: Double
    var lat: Double
}

/// The Equal Earth projection (Šavrič, Patterson & Jenny, 2018), an equal-area projection for
/// world maps, centred on the meridian `centre`. `project` gives x east and y north on the unit
/// sphere's scale: x in about ±2.71, y in about ±1.32.
struct EqualEarth: Sendable {
    let centre: Double

    static let a1 = 1.340264, a2 = -0.081106, a3 = 0.000893, a4 = 0.003796
    static let m = 3.0.squareRoot() / 2

    /// `lon` relative to the centre, in -180…180.
    func relative(_ lon: Double) -> Double {
        var d = (lon - centre).truncatingRemainder(dividingBy: 360)
        if d > 180 { d -= 360 } else if d < -180 { d += 360 }
        return d
    }

    /// Projects a longitude already relative to the centre (it may lie beyond ±180: a ring that
    /// crosses the edge is drawn unwrapped, then clipped to the sphere).
    static func project(relativeLon lon: Double, lat: Double) -> (x: Double, y: Double) {
        let lambda = lon * .pi / 180
        let phi = max(-90, min(90, lat)) * .pi / 180
        let theta = asin(m * sin(phi))
        let t2 = theta * theta, t6 = t2 * t2 * t2
        let x = 2 * 3.0.squareRoot() * lambda * cos(theta) / (3 * (9 * a4 * t6 * t2 + 7 * a3 * t6 + 3 * a2 * t2 + a1))
        let y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
        return (x, y)
    }

    func project(_ p: LonLat) -> (x: Double, y: Double) { EqualEarth.project(relativeLon: relative(p.lon), lat: p.lat) }

    /// The outline of the whole sphere (the ±180° meridians), as projected points.
    static func outline() -> [(x: Double, y: Double)] {
        var pts: [(x: Double, y: Double)] = []
        for i in stride(from: -90, through: 90, by: 2) { pts.append(project(relativeLon: 180, lat: Double(i))) }
        for i in stride(from: 90, through: -90, by: -2) { pts.append(project(relativeLon: -180, lat: Double(i))) }
        return pts
    }

    /// The meridian in the middle of the shortest arc of longitudes that holds all of `lons`
    /// (0 when they are spread all round).
    static func centre(of lons: [Double]) -> Double {
        let sorted = lons.map { x -> Double in
            var v = x.truncatingRemainder(dividingBy: 360)
            if v < 0 { v += 360 }
            return v
        }.sorted()
        guard let first = sorted.first, let last = sorted.last else { return 0 }
        // The widest gap between neighbours (going round) is what the map leaves out.
        var gap = first + 360 - last, gapEnd = first
        for i in 1..<sorted.count where sorted[i] - sorted[i - 1] > gap {
            gap = sorted[i] - sorted[i - 1]; gapEnd = sorted[i]
        }
        if gap < 90 { return 0 }
        let span = 360 - gap
        // Greenwich in the middle, unless that makes the map much wider.
        let fromGreenwich = lons.map { x -> Double in
            var v = x.truncatingRemainder(dividingBy: 360)
            if v > 180 { v -= 360 } else if v < -180 { v += 360 }
            return v
        }
        if let lo = fromGreenwich.min(), let hi = fromGreenwich.max(), hi - lo <= span + 45 { return 0 }
        var c = gapEnd + span / 2
        if c >= 180 { c -= 360 }
        // Whole degrees, and no turn at all for the usual Europe-Africa-Americas maps.
        c = c.rounded()
        return abs(c) <= 30 ? 0 : c
    }
}

/// Points along the great circle from `a` to `b`, about every `stepDegrees` of arc (at least
/// the two ends).
func greatCircle(_ a: LonLat, _ b: LonLat, stepDegrees: Double = 2) -> [LonLat] {
    func vec(_ p: LonLat) -> (Double, Double, Double) {
        let la = p.lat * .pi / 180, lo = p.lon * .pi / 180
        return (cos(la) * cos(lo), cos(la) * sin(lo), sin(la))
    }
    let (ax, ay, az) = vec(a), (bx, by, bz) = vec(b)
    let dot = max(-1, min(1, ax * bx + ay * by + az * bz))
    let omega = acos(dot)
    let n = max(1, Int((omega * 180 / .pi / stepDegrees).rounded(.up)))
    if omega < 1e-9 || abs(sin(omega)) < 1e-9 { return [a, b] }
    var out: [LonLat] = []
    for i in 0...n {
        let t = Double(i) / Double(n)
        let s1 = sin((1 - t) * omega) / sin(omega), s2 = sin(t * omega) / sin(omega)
        let x = s1 * ax + s2 * bx, y = s1 * ay + s2 * by, z = s1 * az + s2 * bz
        out.append(LonLat(lon: atan2(y, x) * 180 / .pi, lat: atan2(z, (x * x + y * y).squareRoot()) * 180 / .pi))
    }
    out[0] = a; out[n] = b
    return out
}

/// Great-circle distance in kilometres.
func kilometres(_ a: LonLat, _ b: LonLat) -> Double {
    let r = Double.pi / 180
    let dlat = (b.lat - a.lat) * r, dlon = (b.lon - a.lon) * r
    let h = sin(dlat / 2) * sin(dlat / 2) + cos(a.lat * r) * cos(b.lat * r) * sin(dlon / 2) * sin(dlon / 2)
    return 2 * 6371.0 * asin(min(1, h.squareRoot()))
}

/// The land outlines: Natural Earth 1:110m countries for the world (MapLandData.swift), 1:10m
/// simplified for a small extent (MapLandFineData.swift); see scripts/naturalearth/convert.py.
enum MapLand {
    /// The 1:110m rings, decoded on first use.
    static let rings: [[LonLat]] = decode(worldEncoded, count: worldRingCount)
    /// The 1:10m rings (simplified to 0.03°), decoded on first use.
    static let fineRings: [[LonLat]] = decode(fineEncoded, count: fineRingCount)

    /// Decodes the format convert.py writes: one ring a line, each number polyline-encoded
    /// (zigzag sign, 5-bit groups from the low end, 0x20 set on all but the last, plus 63),
    /// longitude then latitude in hundredths of a degree, each point a difference from the one
    /// before it in the ring.
    static func decode(_ s: StaticString, count: Int) -> [[LonLat]] {
        var rings: [[LonLat]] = []
        rings.reserveCapacity(count)
        s.withUTF8Buffer { bytes in
            var ring: [LonLat] = []
            var value = 0, shift = 0
            var numbers: [Int] = []
            var x = 0, y = 0
            func endRing() {
                x = 0; y = 0
                if !ring.isEmpty { rings.append(ring); ring = [] }
            }
            for b in bytes {
                if b == 0x0A { endRing(); continue }
                guard b >= 63 else { continue }
                let chunk = Int(b) - 63
                value |= (chunk & 0x1F) << shift
                if chunk & 0x20 != 0 { shift += 5; continue }
                let n = value & 1 != 0 ? ~(value >> 1) : value >> 1
                value = 0; shift = 0
                numbers.append(n)
                if numbers.count == 2 {
                    x += numbers[0]; y += numbers[1]
                    numbers.removeAll(keepingCapacity: true)
                    ring.append(LonLat(lon: Double(x) / 100, lat: Double(y) / 100))
                }
            }
            endRing()
        }
        return rings
    }
}
