/// Counts from a test runner's closing line: pytest's "=== 3 passed, 1 failed, 2 skipped in 0.5s ===",
/// the plain "N passed, N failed", Go's "ok"/"FAIL" lines are not counted (status comes from the exit code).
public struct TestSummary: Sendable, Equatable {
    public var passed: Int?
    public var failed: Int?
    public var skipped: Int?
    public var errors: Int?

    /// Reads the last line of `log` that states counts; nil when no line does.
    public static func parse(log: String) -> TestSummary? {
        for line in log.split(separator: "\n").reversed() {
            if let summary = parse(line: line) { return summary }
        }
        return nil
    }

    static func parse(line: Substring) -> TestSummary? {
        var summary = TestSummary()
        var found = false
        // Split on commas and spaces; look for "<int> <word>" pairs.
        let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "=" || $0 == "\t" })
        for (i, word) in words.enumerated() where i + 1 < words.count {
            guard let n = Int(word) else { continue }
            switch words[i + 1].lowercased() {
            case "passed": summary.passed = n; found = true
            case "failed": summary.failed = n; found = true
            case "skipped": summary.skipped = n; found = true
            case "error", "errors": summary.errors = n; found = true
            default: break
            }
        }
        return found ? summary : nil
    }
}
