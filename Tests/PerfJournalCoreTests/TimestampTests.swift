import Foundation
import TestSupport
import Testing

@testable import Support

@Suite struct TimestampTests {
    /// The hand-made commit time reads exactly as DateFormatter's "yyyy-MM-dd HH:mm xx".
    @Test func commitTimeMatchesDateFormatter() {
        var random = SeededGenerator(seed: 7)
        var cases: [(Int64, Int32)] = [(0, 0), (-1, 0), (-86_400, 60), (951_782_400, 0), (1_700_000_000, -330), (253_402_300_799, 840)]
        for _ in 0..<500 {
            cases.append((Int64.random(in: -2_000_000_000...5_000_000_000, using: &random), Int32.random(in: -720...840, using: &random)))
        }
        for (seconds, offset) in cases {
            #expect(Timestamp.commitTime(seconds, offsetMinutes: offset) == Timestamp.formatted(seconds, offsetMinutes: offset), "\(seconds) \(offset)")
        }
    }
}
