import Foundation
import Git
import Results
import Support

/// Each optimization's changes grouped by reference, kept in `.git/perfjournal/cache/one-change` so a
/// long history is grouped once, not on every `log`, `check` or `status`. A commit never changes, but
/// its grouping depends on the helper and on which files are support (`rules.ignore`): `key` hashes
/// both, and an entry made under another key is not used. A grouping that could not be made because
/// python3 was missing is never stored.
final class OneChangeCache {
    private let cacheFile: String
    private let key: String
    private var known: [String: ChangeGrouping] = [:]
    private var changed = false

    /// `loaded`: what `load` read from `cacheFile` under `key` (on another thread, while other caches load).
    init(cacheFile: String, key: String, loaded: [String: ChangeGrouping]) {
        self.cacheFile = cacheFile
        self.key = key
        known = loaded
    }

    static func load(cacheFile: String, key: String) -> [String: ChangeGrouping] {
        guard let data = FileDescriptor.readAll(path: cacheFile), let object = (try? JSONValue.parse(bytes: data))?.object else { return [:] }
        var known: [String: ChangeGrouping] = [:]
        for (commit, entry) in object where entry["k"]?.string == key {
            guard let groups = entry["g"]?.elements, let complete = entry["c"]?.bool else { continue }
            known[commit] = ChangeGrouping(
                groups: groups.compactMap { g in
                    guard let f = g.elements, f.count == 3, let label = f[2].string else { return nil }
                    return ChangeGroup(
                        symbols: f[0].elements?.compactMap(\.string) ?? [], support: f[1].elements?.compactMap(\.string) ?? [],
                        label: label)
                },
                problems: entry["p"]?.elements?.compactMap(\.string) ?? [], complete: complete)
        }
        return known
    }

    deinit { save() }

    subscript(commit: ObjectID) -> ChangeGrouping? {
        get { known[commit.hex] }
        set {
            known[commit.hex] = newValue
            changed = true
        }
    }

    private func save() {
        guard changed, CommitGraph.prepareCacheDirectory(for: cacheFile) else { return }
        // Entries made under another key are dropped: they would never be read again.
        let object = known.mapValues { g -> [String: Any] in
            ["k": key, "c": g.complete, "p": g.problems, "g": g.groups.map { [$0.symbols, $0.support, $0.label] as [Any] }]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
        try? AtomicFile.write([UInt8](data), to: cacheFile)
    }
}
