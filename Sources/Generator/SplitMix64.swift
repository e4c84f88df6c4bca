import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// A small seedable pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// Only integer arithmetic is used here and by every sampler built on it, so a seed
/// gives the same numbers on every machine, compiler and run. Swift's own
/// `random(in:using:)` is not used: its algorithm is not promised to stay the same.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mixing function.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return Int(m.high)
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `perMille` / 1000.
    public mutating func chance(perMille: Int) -> Bool { below(1000) < perMille }
}

/// A discrete distribution over `0..<weights.count` with integer weights.
package struct WeightedChoice: Sendable {
    private let cumulative: [Int]
    package let total: Int

    package init(_ weights: [Int]) {
        var running = 0
        var cumulative: [Int] = []
        cumulative.reserveCapacity(weights.count)
        for w in weights {
            precondition(w >= 0, "weights must not be negative")
            running += w
            cumulative.append(running)
        }
        precondition(running > 0, "weights must not all be zero")
        self.cumulative = cumulative
        self.total = running
    }

    package func pick(_ rng: inout SplitMix64) -> Int {
        let r = rng.below(total)
        var i = 0
        while cumulative[i] <= r { i += 1 }
        return i
    }
}

/// A mixture of uniform integer ranges: pick a band by weight, then a value in it.
package struct BandedChoice: Sendable {
    private let bands: [ClosedRange<Int>]
    private let choice: WeightedChoice

    package init(_ bands: [(ClosedRange<Int>, weight: Int)]) {
        self.bands = bands.map(\.0)
        self.choice = WeightedChoice(bands.map(\.weight))
    }

    package func pick(_ rng: inout SplitMix64) -> Int {
        rng.int(in: bands[choice.pick(&rng)])
    }
}
