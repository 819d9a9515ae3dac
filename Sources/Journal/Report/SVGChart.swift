import Foundation
import Statistics
import Support

/// Inline SVG for the report's charts. Each chart is a handful of `<path>` elements whatever the number of
/// commits (every dot of one kind is a zero-length segment of one path, drawn round by its line cap), so
/// 50 charts over 2,000 commits stay a small document; hovering is done by the page's script, which maps
/// the pointer to the nearest commit through the chart's data.
package struct SVGChart {
    package static let width = 760.0
    package static let height = 220.0
    package static let left = 72.0
    package static let right = 14.0
    package static let top = 12.0
    package static let bottom = 30.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// The x of commit `index` of `count`, shared by every chart so they line up.
    package static func x(_ index: Int, of count: Int) -> Double {
        count <= 1 ? left + plotWidth / 2 : left + Double(index) / Double(count - 1) * plotWidth
    }

    package struct Mark {
        package var commit: Int
        package var value: Double
        package var low: Double
        package var high: Double
        /// CSS class of the dot: "plain", or "v-improved", "v-regressed", … for optimizations.
        package var kind: String
        package var hollow: Bool
    }

    /// `format` labels the y axis; `reference` is drawn as a dashed line labelled `referenceLabel`.
    package static func render(
        id: String, marks: [Mark], commitCount: Int, reference: Double?, referenceLabel: String, format: (Double) -> String,
        xLabels: (String, String), line: Bool = true
    ) -> String {
        var lowest = marks.map(\.low).min() ?? 0, highest = marks.map(\.high).max() ?? 1
        if let reference {
            lowest = min(lowest, reference)
            highest = max(highest, reference)
        }
        if !(highest > lowest) {
            let pad = abs(lowest) * 0.01 + 1e-12
            lowest -= pad
            highest += pad
        }
        let ticks = niceTicks(lowest, highest)
        lowest = min(lowest, ticks.first ?? lowest)
        highest = max(highest, ticks.last ?? highest)
        func y(_ v: Double) -> Double { top + (highest - v) / (highest - lowest) * plotHeight }
        func x(_ i: Int) -> Double { Self.x(i, of: commitCount) }

        var out = "<svg class=\"chart\" data-chart=\"\(id)\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">"
        // Axes and grid.
        var grid = "", labels = ""
        for t in ticks {
            let ty = n(y(t))
            grid += "M\(n(left)) \(ty)H\(n(width - right))"
            labels += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dy=\"0.32em\">\(HTML.escape(format(t)))</text>"
        }
        out += "<path class=\"grid\" d=\"\(grid)\"/>" + labels
        out += "<text class=\"tick\" x=\"\(n(left))\" y=\"\(n(height - 8))\">\(HTML.escape(xLabels.0))</text>"
        out += "<text class=\"tick\" x=\"\(n(width - right))\" y=\"\(n(height - 8))\" text-anchor=\"end\">\(HTML.escape(xLabels.1))</text>"
        if let reference {
            let ry = n(y(reference))
            out += "<path class=\"baseline\" d=\"M\(n(left)) \(ry)H\(n(width - right))\"/>"
            out +=
                "<text class=\"baseline-label\" x=\"\(n(width - right - 2))\" y=\"\(ry)\" dy=\"-0.35em\" text-anchor=\"end\">\(HTML.escape(referenceLabel))</text>"
        }
        // Intervals, the line, then the dots by kind.
        var intervals = Pen(), path = Pen()
        var dots: [String: Pen] = [:], hollows: [String: Pen] = [:]
        var kinds: [String] = []
        for m in marks {
            let mx = x(m.commit), my = y(m.value)
            // An interval shorter than the dot is hidden by it anyway.
            let (yLow, yHigh) = (y(m.low), y(m.high))
            if yLow - yHigh > 3 {
                intervals.move(mx, yLow)
                intervals.vertical(yHigh)
            }
            path.line(mx, my)
            if dots[m.kind] == nil && hollows[m.kind] == nil { kinds.append(m.kind) }
            if m.hollow {
                let r = m.kind == "plain" ? 3.0 : 4.5
                hollows[m.kind, default: Pen()].move(mx - r, my)
                // Two half circles: back where they started, so the pen stays put.
                hollows[m.kind]!.text += "a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0"
            } else {
                dots[m.kind, default: Pen()].move(mx, my)
                dots[m.kind]!.text += "h0"
            }
        }
        if !intervals.text.isEmpty { out += "<path class=\"ci\" d=\"\(intervals.text)\"/>" }
        if line && marks.count > 1 { out += "<path class=\"line\" d=\"\(path.text)\"/>" }
        // Plain dots under the optimizations.
        for kind in kinds.sorted(by: { ($0 == "plain" ? 0 : 1, $0) < ($1 == "plain" ? 0 : 1, $1) }) {
            if let d = dots[kind] { out += "<path class=\"dot \(kind)\" d=\"\(d.text)\"/>" }
            if let d = hollows[kind] { out += "<path class=\"hollow \(kind)\" d=\"\(d.text)\"/>" }
        }
        out += "<path class=\"guide\" d=\"M0 \(n(top))V\(n(height - bottom))\" visibility=\"hidden\"/>"
        out += "</svg>"
        return out
    }

    /// Path data in tenths of a unit, absolute for the first point and relative after it (with a repeated
    /// command letter left out): 50 charts of 2,000 commits are megabytes smaller than in absolute form.
    struct Pen {
        var text = ""
        /// The current point, in tenths; nil before the first.
        var at: (x: Int, y: Int)?
        var last: Character = " "

        static func tenths(_ v: Double) -> Int { v.isFinite ? Int((v * 10).rounded()) : 0 }

        mutating func command(_ relative: Character, _ absolute: Character, _ numbers: [Int]) {
            let letter = at == nil ? absolute : relative
            var first = true
            if letter != last || letter == absolute {
                text.append(letter)
            } else {
                first = false
            }
            for number in numbers {
                let written = SVGChart.decimal(tenths: number)
                if !first && !written.hasPrefix("-") { text += " " }
                text += written
                first = false
            }
            last = letter
        }

        mutating func move(_ x: Double, _ y: Double) {
            let (tx, ty) = (Self.tenths(x), Self.tenths(y))
            command("m", "M", at.map { [tx - $0.x, ty - $0.y] } ?? [tx, ty])
            at = (tx, ty)
            last = " "  // "m" repeated would mean a line: every move is written out
        }

        mutating func line(_ x: Double, _ y: Double) {
            let (tx, ty) = (Self.tenths(x), Self.tenths(y))
            guard let from = at else {
                command("m", "M", [tx, ty])
                at = (tx, ty)
                last = " "  // pairs after "M" would be absolute: the first "l" is written out
                return
            }
            command("l", "L", [tx - from.x, ty - from.y])
            at = (tx, ty)
        }

        mutating func vertical(_ y: Double) {
            let ty = Self.tenths(y)
            command("v", "V", [ty - (at?.y ?? 0)])
            at = (at?.x ?? 0, ty)
            last = " "
        }
    }

    /// A number of tenths as the shortest decimal: 12 → "1.2", 3 → ".3", -3 → "-.3", 20 → "2".
    static func decimal(tenths: Int) -> String {
        let sign = tenths < 0 ? "-" : ""
        let whole = abs(tenths) / 10, fraction = abs(tenths) % 10
        if fraction == 0 { return sign + String(whole) }
        return sign + (whole == 0 ? "" : String(whole)) + "." + String(fraction)
    }

    /// About four round values covering [lo, hi].
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo] }
        let raw = span / 4
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = (lo / step).rounded(.down) * step
        while t <= hi + step * 0.5 && ticks.count < 12 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    /// A coordinate with one decimal, without `String(format:)` (a chart has thousands of them).
    package static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        let whole = tenths / 10, fraction = abs(tenths % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

package enum HTML {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A JSON string literal that is also safe inside a `<script>` element.
    package static func jsonString(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 {
                    out += String(format: "\\u%04x", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// A number for the page's data: four significant digits, exactly as `%.4g` prints it. Formatting
    /// took a tenth of the report's time (three numbers per point, 300,000 on 2,000 commits × 50
    /// benchmarks), so the digits are worked out here; where the scaled value lies too near a rounding
    /// boundary for a double to decide, or out of the range of exact powers of ten, C's printf does it.
    package static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let magnitude = abs(v)
        var exponent = Int(log10(magnitude).rounded(.down))
        var digits = 0
        for _ in 0..<3 {
            // magnitude × 10^(3 − exponent), to land in [1000, 10000): one rounding, a relative error
            // under 2^-52, so only a value within 1e-6 of a rounding boundary is left to printf.
            let shift = 3 - exponent
            guard abs(shift) <= 22 else { return printf(v) }
            let power = powersOfTen[abs(shift)]
            let scaled = shift >= 0 ? magnitude * power : magnitude / power
            if scaled >= 10000 {
                exponent += 1
                continue
            }
            if scaled < 1000 {
                exponent -= 1
                continue
            }
            guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { return printf(v) }
            digits = Int(scaled.rounded())
            if digits == 10000 {
                digits = 1000
                exponent += 1
            }
            break
        }
        guard digits >= 1000, digits < 10000 else { return printf(v) }
        var text = v < 0 ? "-" : ""
        var mantissa = String(digits)
        if exponent < -4 || exponent >= 4 {
            while mantissa.count > 1 && mantissa.hasSuffix("0") { mantissa.removeLast() }
            text += String(mantissa.first!)
            if mantissa.count > 1 { text += "." + mantissa.dropFirst() }
            text += (exponent < 0 ? "e-" : "e+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
            return text
        }
        // Fixed: 3 − exponent decimals, trailing zeros dropped.
        if exponent < 0 { mantissa = String(repeating: "0", count: -exponent) + mantissa }
        let whole = mantissa.count - (3 - exponent)
        var fraction = mantissa.suffix(3 - exponent)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        text += whole > 0 ? String(mantissa.prefix(whole)) : "0"
        if !fraction.isEmpty { text += "." + fraction }
        return text
    }

    private static let powersOfTen: [Double] = (0...22).map { n in (0..<n).reduce(1.0) { value, _ in value * 10 } }

    /// `%.4g` through C's printf, for the cases `number` does not decide itself.
    static func printf(_ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            let count = withVaList([v]) { vsnprintf(buffer.baseAddress!, 32, "%.4g", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(max(0, min(count, 31)))), as: UTF8.self)
        }
    }
}
