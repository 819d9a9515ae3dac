import Foundation

/// Numbers as people read them: times in the unit that keeps 3 significant digits readable.
public enum Display {
    /// A value in `unit`; seconds are scaled to ns/µs/ms/s.
    public static func value(_ v: Double, unit: String) -> String {
        guard unit == "s" else { return "\(significant(v)) \(unit)" }
        return seconds(v)
    }

    /// "1 benchmark", "3 benchmarks".
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    public static func seconds(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0 s" }
        if a < 1e-6 { return "\(significant(v * 1e9)) ns" }
        if a < 1e-3 { return "\(significant(v * 1e6)) µs" }
        if a < 1 { return "\(significant(v * 1e3)) ms" }
        return "\(significant(v)) s"
    }

    /// Bytes in binary units: "512 B", "64.0 KiB", "12.3 MiB".
    public static func bytes(_ bytes: Int) -> String {
        let b = Double(bytes)
        let kib = 1024.0, mib = kib * 1024, gib = mib * 1024
        if abs(b) >= gib { return fixed(b / gib, decimals: 1) + " GiB" }
        if abs(b) >= mib { return fixed(b / mib, decimals: 1) + " MiB" }
        if abs(b) >= kib { return fixed(b / kib, decimals: 1) + " KiB" }
        return "\(bytes) B"
    }

    /// centre ± spread, both in the centre's scale: "12.3 ± 0.4 ms".
    public static func centreSpread(_ centre: Double, _ spread: Double, unit: String) -> String {
        let scaled = value(centre, unit: unit)
        guard let space = scaled.lastIndex(of: " ") else { return scaled }
        let suffix = scaled[space...]
        let factor: Double
        switch suffix {
        case " ns": factor = 1e9
        case " µs": factor = 1e6
        case " ms": factor = 1e3
        default: factor = 1
        }
        return "\(scaled[..<space]) ± \(significant(spread * factor))\(suffix)"
    }

    /// 3 significant digits, no exponent for ordinary magnitudes.
    public static func significant(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        let a = abs(v)
        let decimals: Int
        if a >= 100 { decimals = 0 } else if a >= 10 { decimals = 1 } else if a >= 1 { decimals = 2 } else if a >= 0.1 { decimals = 3 } else { decimals = 4 }
        return fixed(v, decimals: decimals)
    }

    /// `v` with `decimals` digits after the point, exactly as printf's `%.Nf` (and so `String(format:)`)
    /// writes it, at a fraction of the cost: tables of thousands of figures showed it (`profile A B`: 1,000
    /// rows). The double's exact value times 10^decimals is rounded half to even in 128-bit integers, as
    /// glibc rounds; what does not fit in 63 bits, and what is not finite, is left to `String(format:)`.
    public static func fixed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite, (0...9).contains(decimals), abs(v) * powersOfTen[decimals] < 9e18 else {
            return String(format: "%.\(decimals)f", v)
        }
        let scale = UInt64(powersOfTen[decimals])
        // v = significand × 2^exponent exactly (subnormals have no implicit bit).
        let significand = v.significandBitPattern | (v.isNormal ? 1 << 52 : 0)
        let exponent = v.isNormal ? Int(v.exponentBitPattern) - 1075 : -1074
        let product = UInt128(significand) * UInt128(scale)
        var units: UInt128
        if exponent >= 0 {
            units = product << exponent
        } else if exponent > -128 {
            units = product >> -exponent
            let rest = product & ((1 << -exponent) - 1)
            let half = UInt128(1) << (-exponent - 1)
            if rest > half || (rest == half && units & 1 == 1) { units += 1 }
        } else {
            units = 0  // product < 2^83: under half a unit
        }
        let whole = UInt64(units)
        var text = v.sign == .minus ? "-" : ""
        text += String(whole / scale)
        if decimals > 0 {
            let fraction = String(whole % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    private static let powersOfTen: [Double] = (0...9).map { pow(10, Double($0)) }

    /// The change a ratio (after / before) stands for: 0.877 is "-12.3%", 1.004 is "+0.4%".
    public static func percentChange(ratio: Double) -> String {
        let p = (ratio - 1) * 100
        return (p >= 0 ? "+" : "") + fixed(p, decimals: 1) + "%"
    }

    /// Pads or truncates columns into an aligned plain-text table.
    public static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
