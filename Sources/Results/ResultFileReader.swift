import Foundation
import Support

/// Reads a benchmark tool's result file into the one results model.
public enum ResultFileReader {
    /// Reads a result file; `format` nil = auto-detect from content.
    /// Every problem throws `PerfJournalError(.resultFile, file: path, "<one line>")`.
    public static func read(path: String, format: ResultFormat? = nil) throws -> ResultSet {
        try read(data: readFile(path), path: path, format: format)
    }

    /// Same, from bytes already in memory (`path` is used only in messages).
    public static func read(data: Data, path: String, format: ResultFormat? = nil) throws -> ResultSet {
        let document = try parse(data, path: path)
        let detected = detect(document)
        let chosen: ResultFormat
        if let format {
            guard detected == format else {
                let actual = detected.map { "it looks like \($0.rawValue) output" } ?? "its content is of no known result format"
                throw PerfJournalError(.resultFile, file: path, "not a \(format.rawValue) result file (\(actual))")
            }
            chosen = format
        } else {
            guard let detected else { throw PerfJournalError(.resultFile, file: path, unknownFormatMessage) }
            chosen = detected
        }
        let reader = FieldReader(file: path)
        switch chosen {
        case .pytestBenchmark: return try PytestBenchmarkFormat.read(document, reader).results
        case .hyperfine: return try HyperfineFormat.read(document, reader)
        case .googleBenchmark: return try GoogleBenchmarkFormat.read(document, reader)
        }
    }

    /// Which format a document is, or nil when it is not JSON or of no known shape.
    public static func detect(data: Data) -> ResultFormat? {
        guard let document = try? JSONValue.parse(data) else { return nil }
        return detect(document)
    }

    static let unknownFormatMessage =
        "unknown result format (expected pytest-benchmark, hyperfine or google-benchmark JSON)"

    static func detect(_ document: JSONValue) -> ResultFormat? {
        if PytestBenchmarkFormat.matches(document) { return .pytestBenchmark }
        if HyperfineFormat.matches(document) { return .hyperfine }
        if GoogleBenchmarkFormat.matches(document) { return .googleBenchmark }
        return nil
    }

    static func readFile(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PerfJournalError(.resultFile, file: path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw PerfJournalError(.resultFile, file: path, "is a directory, not a result file")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PerfJournalError(.resultFile, file: path, "cannot be read (\(error.localizedDescription))")
        }
    }

    static func parse(_ data: Data, path: String) throws -> JSONValue {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw PerfJournalError(.resultFile, file: path, "empty file")
        }
        do {
            return try JSONValue.parse(data)
        } catch {
            throw PerfJournalError(.resultFile, file: path, error.message)
        }
    }
}

extension ResultFormat {
    /// The names the command line accepts, as shown in usage text.
    public static let commandLineNames = allCases.map(\.rawValue).joined(separator: "|")

    /// A format from its command-line name (`pytest-benchmark`, `hyperfine`, `google-benchmark`),
    /// ignoring case; nil for anything else.
    public init?(commandLineName name: String) {
        self.init(rawValue: name.lowercased())
    }
}

/// Reads typed, validated fields out of one result file, so every reader reports a bad value the same
/// way: one line naming the benchmark and the field.
struct FieldReader {
    let file: String

    func error(_ message: String) -> PerfJournalError {
        PerfJournalError(.resultFile, file: file, message)
    }

    func object(_ value: JSONValue?, _ field: String, of benchmark: String) throws -> [String: JSONValue] {
        guard let value else { throw missing(field, of: benchmark) }
        guard let members = value.object else { throw wrongType(field, of: benchmark, expected: "an object", found: value) }
        return members
    }

    func string(_ value: JSONValue?, _ field: String, of benchmark: String) throws -> String {
        guard let value else { throw missing(field, of: benchmark) }
        guard let s = value.string else { throw wrongType(field, of: benchmark, expected: "a string", found: value) }
        return s
    }

    /// A finite number.
    func number(_ value: JSONValue?, _ field: String, of benchmark: String) throws -> Double {
        guard let value else { throw missing(field, of: benchmark) }
        guard let x = value.number else { throw wrongType(field, of: benchmark, expected: "a number", found: value) }
        try checkFinite(x, field, of: benchmark)
        return x
    }

    /// A finite number that is not negative: a time or its spread, in seconds or the tool's time unit.
    func nonNegative(_ value: JSONValue?, _ field: String, of benchmark: String) throws -> Double {
        let x = try number(value, field, of: benchmark)
        guard x >= 0 else { throw error("negative time in benchmark \(benchmark): \(field) = \(x)") }
        return x
    }

    /// A count: a whole number of at least `minimum`.
    func count(_ value: JSONValue?, _ field: String, of benchmark: String, minimum: Int = 1) throws -> Int {
        let x = try number(value, field, of: benchmark)
        guard let n = Int(exactly: x), n >= minimum else {
            throw error("benchmark \(benchmark): \(field) must be a whole number of at least \(minimum), found \(x)")
        }
        return n
    }

    /// An array of finite, non-negative numbers (raw times).
    func times(_ value: JSONValue?, _ field: String, of benchmark: String) throws -> [Double] {
        guard let value else { throw missing(field, of: benchmark) }
        let values: [Double]
        switch value {
        case .numbers(let xs): values = xs
        case .array(let xs) where xs.isEmpty: values = []
        default: throw wrongType(field, of: benchmark, expected: "an array of numbers", found: value)
        }
        // Messages are built only for the bad value: this loop runs once per raw sample.
        if let i = values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            try checkFinite(values[i], "\(field)[\(i)]", of: benchmark)
            throw error("negative time in benchmark \(benchmark): \(field)[\(i)] = \(values[i])")
        }
        return values
    }

    func checkFinite(_ x: Double, _ field: String, of benchmark: String) throws {
        if x.isNaN { throw error("NaN in benchmark \(benchmark) (\(field))") }
        if x.isInfinite { throw error("infinite value in benchmark \(benchmark) (\(field))") }
    }

    func missing(_ field: String, of benchmark: String) -> PerfJournalError {
        error("benchmark \(benchmark): missing field '\(field)'")
    }

    func wrongType(_ field: String, of benchmark: String, expected: String, found: JSONValue) -> PerfJournalError {
        error("benchmark \(benchmark): field '\(field)' should be \(expected), found \(found.kindName)")
    }
}

extension SummaryStats {
    /// Stats for a benchmark whose tool kept only mean, median and standard deviation (no samples, no
    /// quartiles, maybe no extremes). Quartiles are estimated as median ∓ 0.6745σ (a normal
    /// distribution's), clamped at zero since these are times, and the extremes widened to hold them.
    static func estimated(n: Int, mean: Double, stddev: Double, median: Double, min: Double? = nil, max: Double? = nil) -> SummaryStats {
        let halfIQR = 0.6744897501960817 * stddev
        var q1 = Swift.max(0, median - halfIQR)
        var q3 = median + halfIQR
        if let min { q1 = Swift.max(q1, min) }
        if let max { q3 = Swift.min(q3, max) }
        return SummaryStats(
            n: n, mean: mean, stddev: stddev, median: median,
            min: min ?? Swift.min(q1, mean), max: max ?? Swift.max(q3, mean), q1: q1, q3: q3)
    }
}

extension Array where Element == String {
    /// Each line once, in first-seen order: a tool that repeats the same error for every repetition
    /// should not flood the report.
    func uniqued() -> [String] {
        var seen = Set<String>()
        return filter { seen.insert($0).inserted }
    }
}
