import Foundation
import Testing

@testable import Statistics

/// The primitives against values scipy 1.17.1 computed (Tests/Reference/make_reference.py).
@Suite struct StatisticsReferenceTests {
    struct Reference: Decodable {
        struct HolmCase: Decodable { var p: [Double]; var adjusted: [Double] }
        struct NormalCase: Decodable { var x: Double; var cdf: Double; var sf: Double }
        struct NormalQuantile: Decodable { var p: Double; var x: Double }
        struct StudentCase: Decodable { var t: Double; var df: Double; var cdf: Double; var sf: Double }
        struct StudentQuantile: Decodable { var p: Double; var df: Double; var t: Double }
        var holm: [HolmCase]
        var normal: [NormalCase]
        var normal_quantile: [NormalQuantile]
        var student_t: [StudentCase]
        var student_t_quantile: [StudentQuantile]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reference/stats_reference.json")
        // A missing or broken reference file must fail loudly, not skip.
        let data = (try? Data(contentsOf: url)) ?? Data()
        return (try? JSONDecoder().decode(Reference.self, from: data))
            ?? Reference(holm: [], normal: [], normal_quantile: [], student_t: [], student_t_quantile: [])
    }()

    static func close(_ value: Double, _ expected: Double, relative: Double = 1e-6) -> Bool {
        if value == expected { return true }
        return abs(value - expected) <= relative * abs(expected)
    }

    @Test func referenceFileLoaded() {
        #expect(Self.reference.holm.count >= 5)
        #expect(Self.reference.student_t.count > 10 && Self.reference.student_t_quantile.count > 10)
    }

    @Test func holmMatchesDefinition() {
        for c in Self.reference.holm {
            let adjusted = Holm.adjust(c.p)
            for (a, e) in zip(adjusted, c.adjusted) { #expect(Self.close(a, e, relative: 1e-12)) }
        }
    }

    @Test func normalMatchesScipy() {
        for c in Self.reference.normal {
            #expect(Self.close(Normal.cdf(c.x), c.cdf, relative: 1e-12), "cdf(\(c.x))")
            #expect(Self.close(Normal.sf(c.x), c.sf, relative: 1e-12), "sf(\(c.x))")
        }
        for c in Self.reference.normal_quantile {
            #expect(Self.close(Normal.quantile(c.p), c.x, relative: 1e-12), "quantile(\(c.p)) = \(Normal.quantile(c.p)) vs \(c.x)")
        }
    }

    @Test func studentTMatchesScipy() {
        for c in Self.reference.student_t {
            #expect(Self.close(StudentT.cdf(c.t, df: c.df), c.cdf, relative: 1e-9), "cdf(\(c.t), \(c.df))")
            #expect(Self.close(StudentT.sf(c.t, df: c.df), c.sf, relative: 1e-9), "sf(\(c.t), \(c.df)) = \(StudentT.sf(c.t, df: c.df)) vs \(c.sf)")
        }
        for c in Self.reference.student_t_quantile {
            let t = StudentT.quantile(c.p, df: c.df)
            #expect(Self.close(t, c.t, relative: 1e-9), "quantile(\(c.p), \(c.df)) = \(t) vs \(c.t)")
        }
    }
}
