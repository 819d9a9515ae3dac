import Foundation
import TestSupport
import Testing

@testable import Git
@testable import Results
@testable import Statistics
@testable import Store

/// The caches that spare a long history its notes and comparisons: what they give back must be exactly
/// what reading the note or comparing the runs gives, and a change in what a comparison depends on must
/// miss the cache.
@Suite struct StoreCacheTests {
    @Test func parsedNotesReadBackAsTheirTextReads() throws {
        for note in [NoteReadingTests.fullNote, NoteCodecTests.note, Note()] {
            let value = try #require(JSONValue.parseAsJSONDecoderWould(try NoteCodec.encode(note)))
            let bytes = JSONValueCoding.encode(value)
            #expect(try JSONValueCoding.decode(bytes) == value)
            #expect(throws: (any Error).self) { try JSONValueCoding.decode(Array(bytes.dropLast())) }
        }
    }

    @Test func aNoteReadThroughTheCacheIsTheNoteItsBlobHolds() throws {
        let sandbox = try GitSandbox()
        let text = try NoteCodec.encode(NoteReadingTests.fullNote)
        try sandbox.write("note.json", text)
        let blob = try #require(ObjectID(hex: try sandbox.git("hash-object", "-w", "note.json")))
        let repository = try Repository(at: sandbox.root)
        let commit = NoteCodecTests.commit
        let cacheFile = sandbox.root + "/.git/perfjournal/cache/parsed-notes"
        do {
            let cold = ParsedNoteCache(cacheFile: cacheFile)
            #expect(try cold.note(blob: blob, commit: commit, repository: repository) == NoteReadingTests.fullNote)
        }
        #expect(FileManager.default.fileExists(atPath: cacheFile))
        // Warm: from the file, not the blob: a repository that does not hold the blob reads the same note.
        let warm = ParsedNoteCache(cacheFile: cacheFile)
        let empty = try Repository.create(at: sandbox.root + "/../other")
        #expect(try warm.note(blob: blob, commit: commit, repository: empty) == NoteReadingTests.fullNote)
    }

    @Test func comparisonsRoundTripEveryField() throws {
        let before = [MeasuredRun(results: [Fixture.result("a", Fixture.samples(0.010, seed: 1)), Fixture.result("b", Fixture.samples(0.5, seed: 2))])]
        let after = [MeasuredRun(results: [Fixture.result("a", Fixture.samples(0.006, seed: 3)), Fixture.result("c", Fixture.samples(0.2, seed: 4))])]
        let decided = Comparator.compare(before: before, after: after, noise: .none, options: ComparisonOptions())
        var inconclusive = Comparator.compare(before: before, after: before, noise: .none, options: ComparisonOptions())
        inconclusive.benchmarks[0].reason = "spread too large: ±\"é\" 😀"
        for comparison in [decided, inconclusive] {
            #expect(try ComparisonCoding.decode(ComparisonCoding.encode(comparison)) == comparison)
        }
        #expect(try ComparisonCoding.decode(ComparisonCoding.encode(nil)) == nil)
        #expect(decided.onlyBefore == ["b"] && decided.onlyAfter == ["c"])
    }

    @Test func runValuesRoundTripAndShareTheirNames() throws {
        let runs = [
            NoiseLearner.RunValues(id: "r1", tree: "t", machine: "m", disturbed: false, values: ["a::x": -7.25, "é 😀": 0.5]),
            NoiseLearner.RunValues(id: "r2", tree: "t", machine: "m", disturbed: true, values: ["a::x": .infinity]),
            NoiseLearner.RunValues(id: "r3", tree: "", machine: "", disturbed: false, values: [:]),
        ]
        var names: [ArraySlice<UInt8>: String] = [:]
        let bytes = NoiseLearner.RunValues.encode(runs)
        #expect(try NoiseLearner.RunValues.decode(bytes, names: &names) == runs)
        #expect(Set(names.values) == ["a::x", "é 😀"])
        #expect(throws: (any Error).self) { try NoiseLearner.RunValues.decode(Array(bytes.dropLast()), names: &names) }
        #expect(throws: (any Error).self) { try NoiseLearner.RunValues.decode(bytes + [0], names: &names) }
        let model = NoiseModel(byBenchmark: ["a::x": LearnedSpread(spread: 0.031, degreesOfFreedom: 17), "é": .init(spread: 0, degreesOfFreedom: 1)])
        #expect(try NoiseLearner.decode(model: NoiseLearner.encode(model: model)) == model)
        #expect(throws: (any Error).self) { try NoiseLearner.decode(model: Array(NoiseLearner.encode(model: model).dropLast())) }
    }

    /// The learned model comes from `noise-models` while the notes are the same, and is learned again
    /// (as with no cache at all) once a note changes.
    @Test func theLearnedNoiseIsKeptUntilANoteChanges() throws {
        let sandbox = try GitSandbox()
        let commit = ObjectID(hex: try sandbox.commit("one", ["a.txt": "1\n"]))!
        let workspace = try Workspace.open(at: sandbox.root)
        let machine = Fixture.machine.id
        let cache = workspace.stateDirectory + "/cache"
        func learned() -> NoiseModel { (try? History(workspace: workspace).noise(machine: machine)) ?? .none }
        func learnedCold() throws -> NoiseModel {
            try? FileManager.default.removeItem(atPath: cache)
            return learned()
        }
        // Three runs of one tree, about 1% apart: enough to learn from.
        for (center, seed) in [(1.00, 1), (1.01, 2), (0.99, 3)] as [(Double, UInt64)] {
            try workspace.store.append(try Fixture.run(of: commit, in: workspace, center: center, seed: seed), to: commit)
        }
        let first = learned()
        #expect(first.byBenchmark["bench.py::test_parse"] != nil)
        #expect(FileManager.default.fileExists(atPath: cache + "/noise-models"))
        #expect(learned() == first)
        // A fourth run 30% away: the note's blob changed, so the model is learned again.
        try workspace.store.append(try Fixture.run(of: commit, in: workspace, center: 1.30, seed: 4), to: commit)
        let second = learned()
        #expect(second != first)
        #expect(try learnedCold() == second)
    }

    @Test func entriesNothingReadsAnyMoreDoNotPileUp() throws {
        let sandbox = try GitSandbox()
        let path = sandbox.root + "/.git/perfjournal/cache/test"
        func key(_ n: Int) -> [UInt8] { Array(String(format: "%04d", n).utf8) }
        let payload = [UInt8](repeating: 7, count: 100)
        do {
            let file = KeyedCacheFile(path: path, format: "test 1", keySize: 4)
            for n in 1...10 { file.add(key(n), payload) }
        }
        do {
            let file = KeyedCacheFile(path: path, format: "test 1", keySize: 4)
            #expect((1...10).allSatisfy { file.payload(key($0)) == payload })
        }
        do {
            // This process reads one entry and adds one: the other nine may not stay beyond as much again.
            let file = KeyedCacheFile(path: path, format: "test 1", keySize: 4)
            #expect(file.payload(key(1)) == payload)
            file.add(key(11), payload)
        }
        let file = KeyedCacheFile(path: path, format: "test 1", keySize: 4)
        #expect(file.payload(key(1)) == payload && file.payload(key(11)) == payload)
        #expect((2...10).filter { file.payload(key($0)) != nil }.count == 2)
        // Another format (or build) reads nothing of it.
        #expect(KeyedCacheFile(path: path, format: "test 2", keySize: 4).payload(key(1)) == nil)
    }

    @Test func aComparisonIsComputedOnceAndAgainWhenWhatItDependsOnChanges() throws {
        let sandbox = try GitSandbox()
        let cacheFile = sandbox.root + "/.git/perfjournal/cache/comparisons"
        let ids = (1...4).map { ObjectID(hex: String(repeating: String($0), count: 40))! }
        let stored = Comparator.compare(
            before: [Fixture.result("a", Fixture.samples(0.010, seed: 1))], after: [Fixture.result("a", Fixture.samples(0.006, seed: 3))])
        var computed = 0
        func ask(_ cache: ComparisonCache, options: ComparisonOptions = .init(), noise: NoiseModel = .none, tree: ObjectID? = nil) -> Comparison? {
            let key = cache.key(commit: (ids[0], tree ?? ids[1]), reference: (ids[2], ids[3]), machine: "m", options: options, noise: noise)
            return ComparisonCache.comparison(key: key, in: cache.file) {
                computed += 1
                return stored
            }
        }
        do {
            let cache = ComparisonCache(cacheFile: cacheFile)
            #expect(ask(cache) == stored)
            #expect(ask(cache) == stored)
            #expect(computed == 1)
        }
        let cache = ComparisonCache(cacheFile: cacheFile)
        #expect(ask(cache) == stored)
        #expect(computed == 1)
        _ = ask(cache, options: ComparisonOptions(minEffect: 0.05))
        #expect(computed == 2)
        _ = ask(cache, options: ComparisonOptions(minEffectByBenchmark: ["a": 0.02]))
        #expect(computed == 3)
        _ = ask(cache, noise: NoiseModel(byBenchmark: ["a": LearnedSpread(spread: 0.03, degreesOfFreedom: 9)]))
        #expect(computed == 4)
        _ = ask(cache, tree: ids[3])
        #expect(computed == 5)
    }
}
