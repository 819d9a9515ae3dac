import Config
import Foundation
import Store
import Support

/// Which configs the user approved to run unattended. The config is tracked and may arrive by
/// `git pull`, so its commands are code the user did not necessarily write: the daemon (and the queue,
/// `run --pending`) runs them only when the config's `contentHash` is listed here. The list lives in
/// `.git/perfjournal/trusted`, outside the tracked tree, one approved hash per line (then the time and
/// the file it came from, for the reader). A manual `perfjournal run`/`baseline` does not ask: the user
/// starts those themself, in the foreground.
public struct TrustStore {
    public let path: String

    public init(workspace: Workspace) {
        path = workspace.stateDirectory + "/trusted"
    }

    public func approvedHashes() -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
    }

    public func isTrusted(_ config: Config) -> Bool {
        approvedHashes().contains(config.contentHash)
    }

    /// Records `config` as approved. Returns false when it already was.
    @discardableResult
    public func approve(_ config: Config) throws -> Bool {
        if isTrusted(config) { return false }
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let line = "\(config.contentHash) \(Timestamp.iso8601(Date())) \(config.source.path)\n"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(existing + line, to: path, mode: 0o600)
        return true
    }

    /// Why the queue may not run `config`, with how to fix it; nil when it is approved.
    public func pauseReason(_ config: Config) -> String? {
        if isTrusted(config) { return nil }
        let what = approvedHashes().isEmpty ? "has not been approved" : "changed since it was approved"
        return "the config \(config.source.path) \(what) (hash \(config.contentHash.prefix(12))); review its commands, then run `perfjournal trust`"
    }

    /// The error `run --pending` gives for an unapproved config.
    public func requireTrusted(_ config: Config) throws {
        if let reason = pauseReason(config) {
            throw PerfJournalError(.untrusted, file: config.source.path, reason)
        }
    }
}
