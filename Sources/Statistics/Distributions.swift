// swift-format-ignore-file
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The standard normal distribution. Tail probabilities go through the C library's `erfc`, which keeps
/// full relative accuracy far into the tails (p-values of 1e-300 included), as scipy's `ndtr` does.
public enum Normal {
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Upper tail, P(Z > x), accurate for large x.
    public static func sf(_ x: Double) -> Double { cdf(-x) }

    public static func pdf(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// Inverse of `cdf`: Wichura's AS 241 (PPND16), then one Newton step on the erfc-based cdf so the
    /// result is as accurate as `cdf` itself.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        var value: Double
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            value = q * num / den
        } else {
            var r = q < 0 ? p : 1 - p
            r = (-log(r)).squareRoot()
            if r <= 5 {
                r -= 1.6
                let num = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                    + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r
                    + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734)
                let den = (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r
                    + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1.0)
                value = num / den
            } else {
                r -= 5
                let num = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r
                    + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772)
                let den = (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r
                    + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0)
                value = num / den
            }
            if q < 0 { value = -value }
        }
        // Newton step on the tail nearer to p, where erfc is accurate.
        let density = pdf(value)
        if density > 0 {
            let error = p < 0.5 ? cdf(value) - p : -(sf(value) - (1 - p))
            value -= error / density
        }
        return value
    }
}

/// Student's t distribution with (possibly fractional) degrees of freedom, via the regularized incomplete
/// beta function, as scipy's `stdtr` does.
public enum StudentT {
    /// P(T <= t).
    public static func cdf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t > 0 { return 1 - sf(t, df: df) }
        return sf(-t, df: df)
    }

    /// P(T > t), accurate in the far upper tail.
    public static func sf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        if df.isInfinite { return Normal.sf(t) }
        let t2 = t * t
        // x = df/(df+t²) and its complement, each computed without cancellation.
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        let tail = 0.5 * IncompleteBeta.regularized(a: df / 2, b: 0.5, x: x, y: y).lower
        return t > 0 ? tail : 1 - tail
    }

    public static func pdf(_ t: Double, df: Double) -> Double {
        let logDensity = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi)
            - (df + 1) / 2 * log1p(t * t / df)
        return exp(logDensity)
    }

    /// Inverse of `cdf`: bracketed Newton from the normal quantile.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || df <= 0 || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        // The comparisons of a long history ask for the same few quantiles thousands of times.
        if let known = QuantileMemo.shared[p, df] { return known }
        // Solve in the tail itself (1 − p would lose the digits of a tiny p).
        let t = p < 0.5 ? -upperQuantile(tail: p, df: df) : upperQuantile(tail: 1 - p, df: df)
        QuantileMemo.shared[p, df] = t
        return t
    }

    /// The t > 0 with sf(t) = tail, tail < 0.5.
    private static func upperQuantile(tail target: Double, df: Double) -> Double {
        let start = -Normal.quantile(target)
        var lo = 0.0
        var hi = max(1.0, start)
        while sf(hi, df: df) > target {
            lo = hi
            hi *= 2
            if hi > 1e300 { return .infinity }
        }
        var t = max(lo, min(hi, start))
        for _ in 0..<200 {
            let s = sf(t, df: df)
            if s > target { lo = t } else { hi = t }
            let step = (s - target) / pdf(t, df: df)
            var next = t + step
            if !(next > lo && next < hi) || !next.isFinite { next = lo + (hi - lo) / 2 }
            if abs(next - t) <= 1e-13 * max(1, abs(t)) { return next }
            t = next
        }
        return t
    }
}

/// The regularized incomplete beta function I_x(a, b), by the continued fraction (modified Lentz),
/// evaluated on whichever side converges fast; both I and 1 - I are returned so callers keep
/// relative accuracy in whichever tail they need.
enum IncompleteBeta {
    static func regularized(a: Double, b: Double, x: Double, y: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y)
        if x < (a + 1) / (a + b + 2) {
            let lower = exp(logFront) * continuedFraction(a: a, b: b, x: x) / a
            return (lower, 1 - lower)
        } else {
            let upper = exp(logFront) * continuedFraction(a: b, b: a, x: y) / b
            return (1 - upper, upper)
        }
    }

    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        var m = 1.0
        // Iterations grow like sqrt(max(a, b)); the bound only stops a runaway on absurd input.
        while m < 1_000_000 {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
            m += 1
        }
        return h
    }
}

/// `StudentT.quantile` by (p, df): it is a pure function, and the search costs some 100 evaluations of the
/// incomplete beta. Bounded: emptied when full (Welch's degrees of freedom take any value).
private final class QuantileMemo: Sendable {
    static let shared = QuantileMemo()
    private struct Key: Hashable {
        var p: Double
        var df: Double
    }
    private let table = Mutex<[Key: Double]>([:])

    subscript(p: Double, df: Double) -> Double? {
        get { table.withLock { $0[Key(p: p, df: df)] } }
        set {
            table.withLock { table in
                if table.count >= 4096 { table.removeAll(keepingCapacity: true) }
                table[Key(p: p, df: df)] = newValue
            }
        }
    }
}
