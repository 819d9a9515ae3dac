import Foundation
import Support

/// One saved run in pytest-benchmark's `.benchmarks/` storage folder.
public struct StoredBenchmarkRun: Sendable, Equatable {
    /// The file the run was read from.
    public var path: String
    /// `commit_info.id`: the commit the run measured.
    public var commit: String
    /// `commit_info.dirty`: the working tree had uncommitted changes when it ran.
    public var dirty: Bool
    /// The file's `datetime`: when the run was made (ISO 8601, UTC), if recorded.
    public var time: String?
    public var results: ResultSet

    public init(path: String, commit: String, dirty: Bool, time: String?, results: ResultSet) {
        self.path = path
        self.commit = commit
        self.dirty = dirty
        self.time = time
        self.results = results
    }
}

/// pytest-benchmark's storage folder: `--benchmark-autosave` / `--benchmark-save` write
/// `.benchmarks/<machine>/NNNN_<name>.json` (e.g. `Linux-CPython-3.11-64bit/0001_<sha>_<stamp>.json`).
public enum BenchmarkStorage {
    /// Every saved run under a `.benchmarks/` folder (recursively, `<machine-dir>/NNNN_*.json`), sorted by
    /// file name (pytest-benchmark's numbering is the order runs were saved); runs from several machine
    /// folders interleave by that number. A file that can't be read, or holds no commit, throws naming it.
    public static func scan(directory: String) throws -> [StoredBenchmarkRun] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw PerfJournalError(.resultFile, file: directory, "no such directory")
        }
        guard isDirectory.boolValue else {
            throw PerfJournalError(.resultFile, file: directory, "not a directory (expected pytest-benchmark's .benchmarks folder)")
        }
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw PerfJournalError(.resultFile, file: directory, "cannot be listed")
        }
        // Report paths in the caller's spelling of the folder, so messages name files the way they typed them.
        let rootPath = root.standardizedFileURL.path
        let prefix = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var files: [(name: String, path: String)] = []
        for case let url as URL in walker where isSavedRunName(url.lastPathComponent) {
            let fullPath = url.standardizedFileURL.path
            files.append((url.lastPathComponent, fullPath.hasPrefix(rootPath + "/") ? prefix + fullPath.dropFirst(rootPath.count) : fullPath))
        }
        files.sort { ($0.name, $0.path) < ($1.name, $1.path) }

        return try files.map { file in
            let data = try ResultFileReader.readFile(file.path)
            let document = try ResultFileReader.parse(data, path: file.path)
            guard PytestBenchmarkFormat.matches(document) else {
                throw PerfJournalError(.resultFile, file: file.path, "not a pytest-benchmark result file")
            }
            let run = try PytestBenchmarkFormat.read(document, FieldReader(file: file.path))
            guard let commit = run.commit else {
                throw PerfJournalError(.resultFile, file: file.path, "no commit recorded (commit_info.id is missing or 'unversioned')")
            }
            return StoredBenchmarkRun(path: file.path, commit: commit, dirty: run.dirty, time: run.time, results: run.results)
        }
    }

    /// `NNNN_*.json`: pytest-benchmark's four-digit run counter, then the run's name.
    static func isSavedRunName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard utf8.count > 9, name.hasSuffix(".json") else { return false }
        return utf8[0..<4].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } && utf8[4] == UInt8(ascii: "_")
    }
}
