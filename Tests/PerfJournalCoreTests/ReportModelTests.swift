import Foundation
import TestSupport
import Testing

@testable import Journal

/// The report's pure parts: commit links from remote URLs, escaping, chart coordinates.
@Suite struct ReportModelTests {
    @Test(
        arguments: [
            ("https://github.com/o/r.git", "https://github.com/o/r/commit/abc"),
            ("https://github.com/o/r", "https://github.com/o/r/commit/abc"),
            ("git@github.com:o/r.git", "https://github.com/o/r/commit/abc"),
            ("ssh://git@github.com/o/r.git", "https://github.com/o/r/commit/abc"),
            ("https://user:token@github.com/o/r.git", "https://github.com/o/r/commit/abc"),
            ("git@gitlab.com:group/sub/r.git", "https://gitlab.com/group/sub/r/-/commit/abc"),
            ("https://gitlab.example.org/g/r", "https://gitlab.example.org/g/r/-/commit/abc"),
            ("https://gitlab.com/g/r/", "https://gitlab.com/g/r/-/commit/abc"),
        ] as [(String, String?)])
    func commitLinks(remote: String, link: String?) {
        #expect(CommitURL(remote: remote)?.link("abc") == link)
    }

    @Test func unknownHostsAndOddPathsGiveNoLink() {
        #expect(CommitURL(remote: "/srv/git/r.git") == nil)
        #expect(CommitURL(remote: "https://example.com/o/r.git") == nil)
        #expect(CommitURL(remote: "https://github.com/o/r/extra") == nil)
        #expect(CommitURL(remote: "https://github.com/o/r\"onclick=x") == nil)
    }

    @Test func escaping() {
        #expect(HTML.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
        #expect(HTML.jsonString("</script>\n\"") == "\"\\u003c/script\\u003e\\n\\\"\"")
    }

    /// The page's numbers are worked out without printf where a double decides the digits: they must be
    /// exactly `%.4g`'s, across magnitudes, signs, round values and halfway cases.
    @Test func numbersAreFourSignificantDigitsAsPrintfWritesThem() {
        var values: [Double] = [
            0, -0.0, 1, -1, 10, 100, 1000, 9999.5, 9999.49, 0.00012345, 0.000123449, 1.2345, 1.2355, 2.5, 0.125,
            99995, 123456789, 1e-5, 1e-4, 9.9995e-5, 1e22, 1e-22, 3e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            0.1 + 0.2, 1 / 3, -12.35, 12.345, 0.0004752532573850282,
        ]
        var generator = SeededGenerator(seed: 0x4_6e)
        for _ in 0..<20000 {
            let magnitude = Double.random(in: -12...12, using: &generator)
            values.append((Bool.random(using: &generator) ? 1 : -1) * pow(10, magnitude))
            // Values with few digits, many of them exactly on a rounding boundary.
            values.append(Double(Int.random(in: -200000...200000, using: &generator)) / pow(10, Double(Int.random(in: 0...8, using: &generator))))
        }
        for v in values {
            #expect(HTML.number(v) == String(format: "%.4g", v), "\(v)")
        }
        #expect(HTML.number(.nan) == "null")
    }

    @Test func coordinates() {
        #expect(SVGChart.n(12.34) == "12.3")
        #expect(SVGChart.n(12) == "12")
        #expect(SVGChart.n(-0.25) == "-0.3" || SVGChart.n(-0.25) == "-0.2")
        #expect(SVGChart.n(-3.5) == "-3.5")
        #expect(SVGChart.niceTicks(0, 10) == [0, 2.5, 5, 7.5, 10])
        // Paths: absolute first, then relative in tenths, a repeated "l" left out, every move written.
        var line = SVGChart.Pen()
        for (x, y) in [(0.0, 0.0), (1.2, 3.4), (1.5, 3.0), (1.5, 3.55)] { line.line(x, y) }
        #expect(line.text == "M0 0l1.2 3.4 .3-.4 0 .6")
        var dots = SVGChart.Pen()
        dots.move(1, 1)
        dots.text += "h0"
        dots.move(2, 0.5)
        dots.text += "h0"
        dots.move(2.04, 0.5)
        dots.vertical(0.2)
        #expect(dots.text == "M1 1h0m1-.5h0m0 0v-.3")
        #expect(HTMLReport.steps([0, 1, 2, 5]) == "0,1,1,3" && HTMLReport.steps([3]) == "3")
    }
}
