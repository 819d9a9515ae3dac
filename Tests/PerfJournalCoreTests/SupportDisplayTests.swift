import Foundation
import Testing

@testable import Support

/// `Display.fixed` writes what `String(format: "%.Nf")` wrote before it, for every figure perfjournal shows.
@Suite struct SupportDisplayTests {
    @Test func fixedWritesWhatStringFormatWrites() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, -0.125, 0.05, 0.15, 1e-300, 5e-324, 123_456.5, 1e15, 1e20, -1e20, 1e300, -1e300]
        values += [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNormalMagnitude]
        for _ in 0..<2000 {
            let magnitude = Double.random(in: -8...8, using: &generator)
            values.append((Bool.random(using: &generator) ? 1 : -1) * pow(10, magnitude) * Double.random(in: 0..<1, using: &generator))
        }
        for v in values {
            for decimals in 0...6 {
                #expect(Display.fixed(v, decimals: decimals) == String(format: "%.\(decimals)f", v), "\(v) \(decimals)")
            }
        }
        #expect(Display.bytes(1_572_864) == "1.5 MiB")
        #expect(Display.percentChange(ratio: 0.877) == "-12.3%")
    }
}
