import Support
import Testing

@testable import Journal
@testable import Results

@Suite struct ResultsModelTests {
    @Test func statsFromSamplesMatchNumpy() throws {
        // numpy: mean 2.5, std(ddof=1) 1.2909944, percentile 25/50/75 = 1.75/2.5/3.25
        let s = try #require(SummaryStats(samples: [4, 1, 3, 2]))
        #expect(s.n == 4)
        #expect(s.mean == 2.5)
        #expect(abs(s.stddev - 1.2909944487358056) < 1e-12)
        #expect(s.q1 == 1.75 && s.median == 2.5 && s.q3 == 3.25)
        #expect(s.min == 1 && s.max == 4)
    }

    @Test func directionFollowsUnit() {
        #expect(Direction(unit: "s") == .lowerIsBetter)
        #expect(Direction(unit: "items/s") == .higherIsBetter)
    }

    @Test func hooksAndTemplatesAreEmbedded() {
        #expect(Resources.file("Hooks/post-commit")?.contains("@PERFJOURNAL@") == true)
    }
}
