import Config
import Foundation
import Store
import Support

/// Which configs the user approved (`perfjournal trust`). The config is tracked and may arrive by
/// `git pull`, so its commands are code the user did not necessarily write: nothing runs them unless the
/// config's `contentHash` is approved here (see `TrustGate`). The list lives in
/// `.git/perfjournal/trusted`, outside the tracked tree: per approval a line with the hash, the time and
/// the file, then the values it held, indented, so a later change can be shown against it:
///
///     3f2a… 2025-01-01T00:00:00Z /repo/.perfjournal.toml
///       bench.command = "pytest benchmarks --benchmark-json=out.json"
///       stats.alpha = 0.05
public struct TrustStore {
    public let path: String

    public init(workspace: Workspace) {
        path = workspace.stateDirectory + "/trusted"
    }

    /// One approval as recorded. `settings` is empty for records written before they held values.
    public struct Record: Sendable, Equatable {
        public var hash: String
        public var file: String
        public var settings: [String: String]
    }

    public func records() -> [Record] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return Self.parse(text)
    }

    static func parse(_ text: String) -> [Record] {
        var out: [Record] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix(" ") {
                guard !out.isEmpty else { continue }
                let entry = line.drop { $0 == " " }
                guard let eq = entry.range(of: " = ") else { continue }
                out[out.count - 1].settings[String(entry[..<eq.lowerBound])] = String(entry[eq.upperBound...])
            } else {
                let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
                guard let hash = fields.first else { continue }
                out.append(Record(hash: hash, file: fields.count > 2 ? fields[2] : "", settings: [:]))
            }
        }
        return out
    }

    public func approvedHashes() -> Set<String> { Set(records().map(\.hash)) }

    public func isTrusted(_ config: Config) -> Bool {
        approvedHashes().contains(config.contentHash)
    }

    /// The approval a change is shown against: the newest of the same file, else the newest at all.
    public func lastApproval(for config: Config) -> Record? {
        let all = records()
        return all.last { $0.file == config.source.path } ?? all.last
    }

    /// Records `config` as approved, with its values. Returns false when it already was.
    @discardableResult
    public func approve(_ config: Config) throws -> Bool {
        if isTrusted(config) { return false }
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var block = "\(config.contentHash) \(Timestamp.iso8601(Date())) \(config.source.path)\n"
        for key in config.settings.keys.sorted() {
            // A value is one line of TOML text (strings are quoted, so newlines are escaped).
            block += "  \(key) = \(config.settings[key]!)\n"
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(existing + block, to: path, mode: 0o600)
        return true
    }

    /// What differs between `config` and its last approval.
    public func diff(_ config: Config) -> TrustDiff {
        TrustDiff(current: config, approved: lastApproval(for: config))
    }
}

/// What changed in a config since it was last trusted: command-bearing keys in full, other keys by name.
public struct TrustDiff: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var key: String
        /// TOML text before and after; nil when the key was not set.
        public var before: String?
        public var after: String?

        public var line: String {
            switch (before, after) {
            case (nil, let after?): return "\(key) added: \(after)"
            case (let before?, nil): return "\(key) removed (was \(before))"
            case (let before?, let after?): return "\(key) changed: \(before) -> \(after)"
            case (nil, nil): return key
            }
        }
    }

    /// False when nothing was ever trusted here (or only by a perfjournal that did not record values).
    public var hasApproval: Bool
    public var commands: [Change]
    /// Other keys whose values differ.
    public var others: [String]

    init(current: Config, approved: TrustStore.Record?) {
        let now = current.settings
        guard let approved, !approved.settings.isEmpty else {
            hasApproval = false
            commands = Config.commandKeys.compactMap { key in now[key].map { Change(key: key, before: nil, after: $0) } }
            others = []
            return
        }
        hasApproval = true
        let then = approved.settings
        commands = Config.commandKeys.compactMap { key in
            now[key] == then[key] ? nil : Change(key: key, before: then[key], after: now[key])
        }
        others = Set(now.keys).union(then.keys).subtracting(Config.commandKeys).filter { now[$0] != then[$0] }.sorted()
    }

    /// One line for an error message: what would run that was not approved.
    public var summary: String {
        guard hasApproval else {
            let commands = self.commands.map { "\($0.key) = \($0.after ?? "")" }.joined(separator: ", ")
            return "it was never trusted in this clone (it runs \(commands))"
        }
        if !commands.isEmpty {
            let others = self.others.isEmpty ? "" : "; also changed: \(self.others.joined(separator: ", "))"
            return "changed since it was trusted: " + commands.map(\.line).joined(separator: "; ") + others
        }
        if !others.isEmpty {
            return "changed since it was trusted (no command changed; changed: \(others.joined(separator: ", ")))"
        }
        return "changed since it was trusted"
    }
}

/// The one gate in front of every command that executes code the repository's config names: `run`,
/// `baseline`, `compare --rerun`, `calibrate`, the queue and the daemon, and `rules.api_command` (which
/// runs only inside a measured run). direnv's rule: a config runs only once the user approved exactly
/// this content with `perfjournal trust`; any change needs approval again. Read-only commands never
/// come here because they never execute anything.
public enum TrustGate {
    /// Throws `.untrusted` (exit 10) naming what changed unless `config` is approved. `purpose` names
    /// what wanted to run ("run", "calibrate", "compare --rerun").
    public static func require(_ workspace: Workspace, _ config: Config, for purpose: String) throws {
        if let reason = refusal(workspace, config, for: purpose) {
            throw PerfJournalError(.untrusted, file: config.source.path, reason)
        }
    }

    /// Why `purpose` may not run `config`, with how to fix it; nil when it is approved.
    public static func refusal(_ workspace: Workspace, _ config: Config, for purpose: String) -> String? {
        let store = TrustStore(workspace: workspace)
        if store.isTrusted(config) { return nil }
        return "untrusted config, so \(purpose) runs nothing: \(store.diff(config).summary). "
            + "Review it (`perfjournal trust --show`), then run `perfjournal trust`"
    }
}
