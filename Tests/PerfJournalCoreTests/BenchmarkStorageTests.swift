import Foundation
import Testing

@testable import Results
@testable import Support

@Suite struct BenchmarkStorageTests {
    static let machine = "Linux-CPython-3.11-64bit"
    static let first = "0001_cca60ba6ef24d3825ae091dfdc9d356859db72fd_20261129_165405.json"
    static let second = "0002_4e05a6559bda2eaa44f2a491d08b84d3fa92cbee_20261129_165409.json"
    static let dirty = "0003_4e05a6559bda2eaa44f2a491d08b84d3fa92cbee_20261129_165412_uncommited-changes.json"

    /// A scratch copy of the storage fixture, removed by the caller.
    static func copyOfStorage() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("perfjournal-storage-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: FormatFixtures.path("pytest-benchmark/storage")), to: directory)
        return directory
    }

    @Test func everyRunMapsToItsCommit() throws {
        let directory = FormatFixtures.path("pytest-benchmark/storage")
        let runs = try BenchmarkStorage.scan(directory: directory)
        #expect(runs.map { ($0.path as NSString).lastPathComponent } == [Self.first, Self.second, Self.dirty])
        #expect(runs.allSatisfy { $0.path.hasPrefix(directory + "/" + Self.machine + "/") })
        #expect(
            runs.map(\.commit) == [
                "cca60ba6ef24d3825ae091dfdc9d356859db72fd",
                "4e05a6559bda2eaa44f2a491d08b84d3fa92cbee",
                "4e05a6559bda2eaa44f2a491d08b84d3fa92cbee",
            ])
        #expect(runs.map(\.dirty) == [false, false, true])
        #expect(
            runs.map(\.time) == [
                "2026-11-29T16:54:08.066398+00:00", "2026-11-29T16:54:11.438209+00:00", "2026-11-29T16:54:14.946236+00:00",
            ])
        #expect(runs.allSatisfy { $0.results.commit == $0.commit && $0.results.format == .pytestBenchmark })
        #expect(runs.allSatisfy { $0.results.benchmarks.count == 4 })

        // Saved with --benchmark-save-data: raw samples; without it (0003): summary only.
        let sum = runs[0].results.benchmarks[0]
        #expect(sum.name == "test_sample.py::test_sum_small")
        #expect(sum.stats.mean == 1.5199000017673824e-07)
        #expect(sum.samples?.first == 1.6065000068010705e-07)
        #expect(runs[1].results.benchmarks[0].stats.mean == 1.505683331970431e-07)
        #expect(runs[1].results.benchmarks.allSatisfy { $0.samples?.count == 5 })
        #expect(runs[2].results.benchmarks.allSatisfy { $0.samples == nil && $0.stats.n == 5 })
    }

    @Test func otherFilesAreIgnoredAndMachinesInterleaveByNumber() throws {
        let directory = try Self.copyOfStorage()
        defer { try? FileManager.default.removeItem(at: directory) }
        let other = directory.appendingPathComponent("Linux-PyPy-3.10-64bit")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent(Self.machine).appendingPathComponent(Self.first),
            to: other.appendingPathComponent("0002_aaaa_20261129_170000.json"))
        try Data("not json".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        try Data("{}".utf8).write(to: other.appendingPathComponent("latest.json"))

        let runs = try BenchmarkStorage.scan(directory: directory.path)
        #expect(
            runs.map { ($0.path as NSString).lastPathComponent } == [
                Self.first, Self.second, "0002_aaaa_20261129_170000.json", Self.dirty,
            ])
    }

    @Test func anUnreadableRunThrowsNamingTheFile() throws {
        let directory = try Self.copyOfStorage()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent(Self.machine).appendingPathComponent("0004_deadbeef_20261129_170000.json")
        let truncated = try Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path("malformed/truncated.json")))
        try truncated.write(to: broken)

        let error = try #require(throws: PerfJournalError.self) { try BenchmarkStorage.scan(directory: directory.path) }
        #expect(error.kind == .resultFile)
        #expect(error.file == directory.path + "/" + Self.machine + "/0004_deadbeef_20261129_170000.json")
        #expect(error.message.hasPrefix("malformed JSON (truncated?"))
    }

    @Test func aRunWithoutACommitThrows() throws {
        let directory = try Self.copyOfStorage()
        defer { try? FileManager.default.removeItem(at: directory) }
        // run.json was made outside any repository: commit_info.id is "unversioned".
        let unversioned = directory.appendingPathComponent(Self.machine).appendingPathComponent("0004_unversioned.json")
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: FormatFixtures.path("pytest-benchmark/run.json")), to: unversioned)

        let error = try #require(throws: PerfJournalError.self) { try BenchmarkStorage.scan(directory: directory.path) }
        #expect(error.file == unversioned.path)
        #expect(error.message == "no commit recorded (commit_info.id is missing or 'unversioned')")
    }

    @Test func aRunOfAnotherFormatThrows() throws {
        let directory = try Self.copyOfStorage()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stray = directory.appendingPathComponent(Self.machine).appendingPathComponent("0009_hyperfine.json")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: FormatFixtures.path("hyperfine/basic.json")), to: stray)

        let error = try #require(throws: PerfJournalError.self) { try BenchmarkStorage.scan(directory: directory.path) }
        #expect(error.file == stray.path)
        #expect(error.message == "not a pytest-benchmark result file")
    }

    @Test func emptyAndMissingFolders() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perfjournal-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try BenchmarkStorage.scan(directory: directory.path).isEmpty)

        let missing = directory.appendingPathComponent("nope").path
        let error = try #require(throws: PerfJournalError.self) { try BenchmarkStorage.scan(directory: missing) }
        #expect(error.kind == .resultFile && error.file == missing && error.message == "no such directory")
    }

    @Test func savedRunNames() {
        #expect(BenchmarkStorage.isSavedRunName("0001_abc.json"))
        #expect(BenchmarkStorage.isSavedRunName(Self.dirty))
        #expect(!BenchmarkStorage.isSavedRunName("latest.json"))
        #expect(!BenchmarkStorage.isSavedRunName("0001abc.json"))
        #expect(!BenchmarkStorage.isSavedRunName("0001_abc.json.bak"))
    }
}
