import Foundation
import Git
import Results
import Support

/// What the rules need from one commit's diff against its first parent: the files (without their
/// line numbers) and, for optimizations, the symbols each file's change touched. A commit never
/// changes, so neither does this: it is kept in `.git/perfjournal/cache/diffs` and a long history is
/// diffed and scanned once, not on every `log`, `check` or `status`.
struct DiffSummary: Sendable {
    var files: [FileDiff]
    /// nil when only paths were read (the commit was not an optimization then).
    var changes: [FileChange]?
}

final class DiffCache {
    private let cacheFile: String
    private var known: [String: DiffSummary] = [:]
    private var changed = false

    /// `loaded`: what `load` read from `cacheFile` (on another thread, while other caches load).
    init(cacheFile: String, loaded: [String: DiffSummary]) {
        self.cacheFile = cacheFile
        known = loaded
    }

    static func load(cacheFile: String) -> [String: DiffSummary] {
        // perfjournal's own JSON reader: several times faster than JSONSerialization on this file.
        guard let data = FileDescriptor.readAll(path: cacheFile), let object = (try? JSONValue.parse(bytes: data))?.object else { return [:] }
        var known: [String: DiffSummary] = [:]
        for (commit, fields) in object {
            if let fields = fields.elements, let summary = Self.decode(fields) { known[commit] = summary }
        }
        return known
    }

    deinit { save() }

    subscript(commit: ObjectID) -> DiffSummary? {
        get { known[commit.hex] }
        set {
            known[commit.hex] = newValue
            changed = true
        }
    }

    private func save() {
        guard changed, CommitGraph.prepareCacheDirectory(for: cacheFile) else { return }
        let object = known.mapValues(Self.encode)
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
        try? AtomicFile.write([UInt8](data), to: cacheFile)
    }

    // Compact arrays rather than keyed objects: the file is read on every long-history command.
    // [files, changes?]; file = [path, oldPath, status, binary, submodule, oldMode, newMode, hunks, oldBlob, newBlob];
    // change = [path, oldPath, binary, added, deleted, hunks, oldSymbols, newSymbols].
    static func encode(_ s: DiffSummary) -> [Any] {
        let files: [[Any]] = s.files.map {
            [
                $0.path, $0.oldPath, $0.status.rawValue, $0.isBinary, $0.isSubmodule, $0.oldMode, $0.newMode, $0.hunks,
                $0.oldBlob?.hex ?? "", $0.newBlob?.hex ?? "",
            ]
        }
        guard let changes = s.changes else { return [files] }
        return [
            files,
            changes.map { c -> [Any] in
                [c.path, c.oldPath ?? "", c.isBinary, c.addedLines, c.deletedLines, c.hunks, c.oldSymbols.sorted(), c.newSymbols.sorted()]
            },
        ]
    }

    static func decode(_ fields: [JSONValue]) -> DiffSummary? {
        guard let rawFiles = fields.first?.elements else { return nil }
        func int(_ v: JSONValue) -> Int? { v.number.map { Int($0) } }
        var files: [FileDiff] = []
        for raw in rawFiles {
            guard let f = raw.elements, f.count == 10, let path = f[0].string, let oldPath = f[1].string, let status = f[2].string,
                let binary = f[3].bool, let submodule = f[4].bool, let oldMode = int(f[5]), let newMode = int(f[6]),
                let hunks = int(f[7]), let oldBlob = f[8].string, let newBlob = f[9].string
            else { return nil }
            files.append(
                FileDiff(
                    path: path, oldPath: oldPath, status: FileDiff.Status(rawValue: status) ?? .other, isBinary: binary,
                    isSubmodule: submodule, oldMode: UInt32(oldMode), newMode: UInt32(newMode), hunks: hunks,
                    addedLines: [], deletedLines: [], oldBlob: ObjectID(hex: oldBlob), newBlob: ObjectID(hex: newBlob)))
        }
        guard fields.count > 1 else { return DiffSummary(files: files, changes: nil) }
        guard let rawChanges = fields[1].elements else { return nil }
        var changes: [FileChange] = []
        for raw in rawChanges {
            guard let c = raw.elements, c.count == 8, let path = c[0].string, let oldPath = c[1].string, let binary = c[2].bool,
                let added = int(c[3]), let deleted = int(c[4]), let hunks = int(c[5]),
                let oldSymbols = c[6].elements?.compactMap(\.string), let newSymbols = c[7].elements?.compactMap(\.string)
            else { return nil }
            changes.append(
                FileChange(
                    path: path, oldPath: oldPath.isEmpty ? nil : oldPath, isBinary: binary, addedLines: added, deletedLines: deleted,
                    hunks: hunks, oldSymbols: Set(oldSymbols), newSymbols: Set(newSymbols)))
        }
        return DiffSummary(files: files, changes: changes)
    }
}
