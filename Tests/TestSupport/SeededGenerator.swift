import Foundation

/// SplitMix64: a tiny seeded generator, so every "random" test input (simulated timings, fuzzed bytes,
/// kill points) is the same on every run. Shared by every test target.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Lognormal samples with the given mean and coefficient of variation, as timing noise looks.
    public mutating func lognormal(mean: Double, cv: Double, count: Int) -> [Double] {
        let sigma = log(1 + cv * cv).squareRoot()
        let mu = log(mean) - sigma * sigma / 2
        return (0..<count).map { _ in exp(mu + sigma * normal()) }
    }
}
