import Foundation
import Git
import Results
import Support

/// Python API surfaces per file, keyed by blob id and path (the path gives the module name), kept in
/// `.git/perfjournal/cache/python-api`. A blob never changes, so an entry never goes stale. `prefetch`
/// reads every missing file of a whole range in one python3 process: checking a long history would
/// otherwise start python3 once per commit.
final class PythonAPICache {
    struct File: Hashable {
        var path: String
        var blob: ObjectID
        var key: String { blob.hex + " " + path }
    }

    private let repository: Repository
    private let cacheFile: String
    private var known: [String: APISurface] = [:]
    private var changed = false
    /// False once python3 turned out to be missing.
    private(set) var available = true

    /// `loaded`: what `load` read from `cacheFile` (on another thread, while other caches load).
    init(repository: Repository, cacheFile: String, loaded: [String: APISurface]) {
        self.repository = repository
        self.cacheFile = cacheFile
        known = loaded
    }

    static func load(cacheFile: String) -> [String: APISurface] {
        guard let data = FileDescriptor.readAll(path: cacheFile), let object = (try? JSONValue.parse(bytes: data))?.object else { return [:] }
        var known: [String: APISurface] = [:]
        for (key, value) in object {
            known[key] = APISurface(
                entries: Set(value["e"]?.elements?.compactMap(\.string) ?? []), problems: value["p"]?.elements?.compactMap(\.string) ?? [])
        }
        return known
    }

    deinit { save() }

    /// Reads every file not yet known, all at once.
    func prefetch(_ files: [File]) throws {
        var seen = Set<String>()
        let missing = files.filter { known[$0.key] == nil && seen.insert($0.key).inserted }
        guard available, !missing.isEmpty else { return }
        let texts = try missing.map { (path: $0.path, text: String(decoding: try repository.blobBytes($0.blob), as: UTF8.self)) }
        guard let surfaces = try PythonAPI.surfaces(files: texts) else {
            available = false
            return
        }
        for (file, surface) in zip(missing, surfaces) { known[file.key] = surface }
        changed = true
    }

    /// The union of the files' surfaces; nil when python3 is missing.
    func surface(_ files: [File]) throws -> APISurface? {
        try prefetch(files)
        guard available else { return nil }
        var result = APISurface()
        for file in files {
            guard let s = known[file.key] else { continue }
            result.entries.formUnion(s.entries)
            result.problems += s.problems
        }
        return result
    }

    private func save() {
        guard changed, CommitGraph.prepareCacheDirectory(for: cacheFile) else { return }
        var object: [String: [String: [String]]] = [:]
        for (key, s) in known { object[key] = ["e": s.entries.sorted(), "p": s.problems] }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        try? AtomicFile.write([UInt8](data), to: cacheFile)
    }
}
