/// Every failure perfjournal reports: one line naming the file (when there is one) and the problem,
/// and an exit code from the README's table. Keep the table and `exitCode` in step.
public struct PerfJournalError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Not a repository, unborn HEAD, a revision that does not resolve, a repo in an odd state.
        case repository
        /// No config, or a config with unknown keys or bad values.
        case config
        /// A result file that is missing, truncated, empty, holds no benchmarks, NaN or negative times,
        /// or is in an unknown format.
        case resultFile
        /// The benchmark or test command exited non-zero or could not be started.
        case commandFailed
        /// The benchmark or test command ran past its timeout and was killed.
        case timeout
        /// Two sides that must not be compared (different machines without --allow-cross-machine).
        case incomparable
        /// Writing the notes ref failed (including giving up after retries).
        case store
        /// The config's content is not approved with `perfjournal trust`.
        case untrusted
        /// A revision asked about has no stored runs.
        case notMeasured
        /// A command-line value that parsed but makes no sense.
        case usage
    }

    public var kind: Kind
    /// The file the problem is in, when there is one; printed first.
    public var file: String?
    public var message: String

    public init(_ kind: Kind, file: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    public var exitCode: Int32 {
        switch kind {
        case .repository: return 3
        case .config: return 4
        case .resultFile: return 5
        case .commandFailed: return 6
        case .timeout: return 7
        case .incomparable: return 8
        case .store: return 9
        case .untrusted: return 10
        case .notMeasured: return 11
        case .usage: return 64
        }
    }

    public var description: String {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        if let file { return "\(file): \(oneLine)" }
        return oneLine
    }
}
