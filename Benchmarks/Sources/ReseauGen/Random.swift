/// A seedable generator: xoshiro256** seeded through SplitMix64. Swift's own generator cannot
/// be seeded, and the networks must be the same for the same seed on every machine.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(&x), splitmix(&x), splitmix(&x), splitmix(&x))
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = Xoshiro256.rotl(s.3, 45)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe under a logarithm or a negative power.
    @inline(__always)
    public mutating func positiveUnit() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// Uniform in 0..<n (n > 0), by multiply-shift (bias below 2^-32 for the sizes used here).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        Int((UInt128(next()) &* UInt128(UInt64(n))) >> 64)
    }

    /// True with probability p.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A standard normal deviate (Box–Muller, one of the pair).
    public mutating func normal() -> Double {
        let u = positiveUnit(), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A Pareto deviate with minimum `xm` and tail index `alpha`: P(X > x) = (xm / x)^alpha.
    public mutating func pareto(xm: Double, alpha: Double) -> Double {
        xm * pow(positiveUnit(), -1 / alpha)
    }
}

/// Draws indices with probability proportional to fixed weights (cumulative sums, binary search).
public struct WeightedSampler: Sendable {
    let cumulative: [Double]
    public let total: Double

    public init(_ weights: [Double]) {
        var c = [Double](repeating: 0, count: weights.count)
        var t = 0.0
        for (i, w) in weights.enumerated() { t += w; c[i] = t }
        cumulative = c
        total = t
    }

    public var isEmpty: Bool { cumulative.isEmpty }

    @inline(__always)
    public func sample(_ rng: inout Xoshiro256) -> Int {
        let x = rng.unit() * total
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
