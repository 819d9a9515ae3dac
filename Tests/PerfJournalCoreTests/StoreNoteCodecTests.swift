import Foundation
import TestSupport
import Testing

@testable import Git
@testable import Results
@testable import Store
@testable import Support

@Suite struct NoteCodecTests {
    static let commit = ObjectID(hex: String(repeating: "ab", count: 20))!

    static var note: Note {
        Note(runs: [
            Fixture.run(commit: commit.hex, id: "one", baseline: true, results: [Fixture.result("a", [0.5, 0.25, 0.125])]),
            Fixture.run(
                commit: commit.hex, id: "two", results: [Fixture.result("b \"quoted\"", [1, 2])],
                tests: TestOutcome(status: .passed, passed: 3)),
        ])
    }

    @Test func roundTripGivesTheSameNoteAndTheSameBytes() throws {
        let text = try NoteCodec.encode(Self.note)
        #expect(try NoteCodec.decode(text, commit: Self.commit) == Self.note)
        #expect(try NoteCodec.encode(try NoteCodec.decode(text, commit: Self.commit)) == text)
        #expect(text.hasSuffix("}\n"))
        // Samples stay on one line; containers get one entry per line.
        #expect(text.contains("[0.5, 0.25, 0.125]") || text.contains("[0.5,0.25,0.125]"))
        #expect(text.split(separator: "\n").count > 10)
    }

    /// The encoding every note had before runs were encoded one by one with their samples written
    /// separately: the whole note through `JSONEncoder`, laid out by `JSONLayout.pretty`.
    static func reference(_ note: Note) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return JSONLayout.pretty(try encoder.encode(note)) + "\n"
    }

    @Test func theFastEncodingIsByteForByteTheReference() throws {
        var random = SeededGenerator(seed: 16)
        // Magnitudes from nanoseconds to hours, whole numbers, exponents, negative zero.
        var wide = (0..<5000).map { _ in pow(10, Double.random(in: -10..<5, using: &random)) * Double.random(in: 0.5..<1, using: &random) }
        wide += [1, 100, 1e15, 1e16, 1e20, 123_456_789, -0.0, 0.1, 2.5e-7, 9_007_199_254_740_992, 1.2345678901234567e150]
        var noSamples = Fixture.result("none", [1, 2])
        noSamples.samples = nil
        var emptySamples = Fixture.result("empty", [1, 2])
        emptySamples.samples = []
        let notes = [
            Self.note, Note(), Note(runs: [Fixture.run(commit: Self.commit.hex, results: [])]),
            Note(runs: [Fixture.run(commit: Self.commit.hex, results: [Fixture.result("wide", wide), noSamples, emptySamples])]),
        ]
        for note in notes {
            #expect(try NoteCodec.encode(note) == Self.reference(note))
        }
    }

    @Test func runsAreAppendedToANoteTextAsTheyWouldBeEncoded() throws {
        let runs = Self.note.runs
        let one = try NoteCodec.encode(Note(runs: [runs[0]]))
        let appended = try #require(NoteCodec.appending([try NoteCodec.fragment(runs[1])], to: one, schema: Note.currentSchema)?.text)
        #expect(appended == (try Self.reference(Self.note)))
        // A text laid out otherwise (written by hand or another tool) is encoded whole instead.
        #expect(NoteCodec.appending([try NoteCodec.fragment(runs[1])], to: one.replacingOccurrences(of: "\n", with: " "), schema: 1) == nil)
        #expect(NoteCodec.appending([try NoteCodec.fragment(runs[1])], to: try NoteCodec.encode(Note()), schema: 1) == nil)
        #expect(NoteCodec.appending([try NoteCodec.fragment(runs[1])], to: one, schema: 2) == nil)
    }

    @Test func runIDsAreReadOffTheLayoutWithoutDecoding() throws {
        var note = Self.note
        note.runs[1].id = "two \"quoted\" / slash"
        let text = try NoteCodec.encode(note)
        let layout = try #require(NoteCodec.runIDs(in: text))
        #expect(layout.schema == Note.currentSchema)
        // The machine's "id", nested deeper, is not a run's.
        #expect(layout.ids == [try NoteCodec.literal("one"), try NoteCodec.literal("two \"quoted\" / slash")])
        #expect(NoteCodec.runIDs(in: try NoteCodec.encode(Note())) == nil)
        #expect(NoteCodec.runIDs(in: text.replacingOccurrences(of: "\n", with: " ")) == nil)
        #expect(NoteCodec.runIDs(in: "{ not json") == nil)
        var newer = note
        newer.schema = 7
        #expect(NoteCodec.runIDs(in: try NoteCodec.encode(newer))?.schema == 7)
    }

    @Test func anEmptySampleArrayElsewhereFallsBackToTheSlowLayout() {
        let compact = Data(#"{"a":{"samples":[]},"results":[{"samples":[]}]}"#.utf8)
        #expect(JSONLayout.pretty(compact, depth: 0, samples: [[1.5]]) == nil)
        #expect(
            JSONLayout.pretty(compact, depth: 0, samples: [[1.5], [2]])
                == "{\n  \"a\": {\n    \"samples\": [1.5]\n  },\n  \"results\": [\n    {\n      \"samples\": [2]\n    }\n  ]\n}")
    }

    @Test func aNewerSchemaIsRefusedWithAnUpgradeHint() throws {
        var note = Self.note
        note.schema = Note.currentSchema + 1
        let text = try NoteCodec.encode(note)
        let error = try #require(throws: PerfJournalError.self) { try NoteCodec.decode(text, commit: Self.commit) }
        #expect(error.kind == .store)
        #expect(error.description.contains("note on \(Self.commit.short) has schema \(Note.currentSchema + 1)"))
        #expect(error.description.contains("reads up to \(Note.currentSchema) (upgrade perfjournal)"))
        #expect(error.description.hasPrefix(NoteStore.ref))
    }

    @Test func malformedTextSaysWhatIsWrongAndWhere() throws {
        let cases: [(text: String, says: String)] = [
            ("{\"schema\": 1, \"runs\": [", "malformed JSON"),
            ("not json at all", "malformed JSON"),
            ("{\"schema\": 1}", "missing 'runs'"),
            ("{\"schema\": \"one\", \"runs\": []}", "bad value at 'schema'"),
        ]
        for (text, says) in cases {
            let error = try #require(throws: PerfJournalError.self) { try NoteCodec.decode(text, commit: Self.commit) }
            #expect(error.description.contains("note on \(Self.commit.short) is not a perfjournal note: \(says)"), "\(error)")
        }
    }

    @Test func aMissingKeyInsideARunNamesItsPath() throws {
        let text = try NoteCodec.encode(Self.note).replacingOccurrences(of: "\"tree\"", with: "\"trees\"")
        let error = try #require(throws: PerfJournalError.self) { try NoteCodec.decode(text, commit: Self.commit) }
        #expect(error.description.contains("missing 'runs[0].tree'"))
    }
}

/// `BaselineBlobIndex` finds baseline runs by searching note bytes for `"baseline": true` instead of
/// decoding them. That only works while `NoteCodec` writes exactly that text: these fail if it stops.
@Suite struct BaselineMarkerTests {
    static let commit = ObjectID(hex: String(repeating: "cd", count: 20))!

    static func bytes(_ runs: [Run]) throws -> [UInt8] { Array(try NoteCodec.encode(Note(runs: runs)).utf8) }

    @Test func theMarkerIsFoundInANoteWithABaselineRun() throws {
        let note = try Self.bytes([
            Fixture.run(commit: Self.commit.hex, results: []),
            Fixture.run(commit: Self.commit.hex, baseline: true, results: [Fixture.result("a", [1, 2])]),
        ])
        #expect(BaselineBlobIndex.contains(note, BaselineBlobIndex.marker))
    }

    @Test func theMarkerIsNotFoundWithoutOne() throws {
        // Not even when a benchmark's name spells the marker: quotes inside strings are escaped.
        let note = try Self.bytes([
            Fixture.run(commit: Self.commit.hex, results: [Fixture.result("\"baseline\": true", [1, 2])])
        ])
        #expect(!BaselineBlobIndex.contains(note, BaselineBlobIndex.marker))
    }

    @Test func theIndexAnswersFromRealNoteBlobs() throws {
        let sandbox = try GitSandbox()
        let first = try sandbox.commit("one", ["a.txt": "1\n"])
        let second = try sandbox.commit("two", ["a.txt": "2\n"])
        let workspace = try Workspace.open(at: sandbox.root)
        let (a, b) = (ObjectID(hex: first)!, ObjectID(hex: second)!)
        try workspace.store.append(try Fixture.run(of: a, in: workspace, center: 1, seed: 1, baseline: true), to: a)
        try workspace.store.append(try Fixture.run(of: b, in: workspace, center: 1, seed: 2), to: b)
        let blobs = try workspace.store.measuredCommits()
        let index = BaselineBlobIndex(repository: workspace.repository, cacheFile: workspace.stateDirectory + "/cache/baseline-blobs")
        let blobA = try #require(blobs[a])
        let blobB = try #require(blobs[b])
        #expect(try index.holdsBaseline(blobA))
        #expect(try !index.holdsBaseline(blobB))
    }
}

@Suite struct RunPoolTests {
    static let commit = String(repeating: "ef", count: 20)

    @Test func oneRunIsItsOwnResults() {
        let run = Fixture.run(commit: Self.commit, results: [Fixture.result("a", [1, 2, 3])])
        #expect(RunPool.pool([run]) == run.results)
        #expect(RunPool.pool([]).isEmpty)
    }

    @Test func runsWithSamplesAreConcatenatedInFirstSeenOrder() throws {
        let first = Fixture.run(commit: Self.commit, results: [Fixture.result("b", [1, 2]), Fixture.result("a", [10])])
        let second = Fixture.run(commit: Self.commit, results: [Fixture.result("a", [20, 30]), Fixture.result("c", [5])])
        let pooled = RunPool.pool([first, second])
        #expect(pooled.map(\.name) == ["b", "a", "c"])
        let a = try #require(pooled.first { $0.name == "a" })
        #expect(a.samples == [10, 20, 30])
        #expect(a.stats.n == 3 && a.stats.mean == 20 && a.stats.min == 10 && a.stats.max == 30)
        // A benchmark only one run has is passed through as it was.
        #expect(pooled[0] == first.results[0])
        #expect(pooled[2] == second.results[1])
    }

    @Test func summariesArePooledWithTheBetweenRunVariance() throws {
        func summary(_ mean: Double, min: Double, max: Double) -> BenchmarkResult {
            BenchmarkResult(
                name: "a", unit: "s", samples: nil,
                stats: SummaryStats(n: 10, mean: mean, stddev: 0.1, median: mean, min: min, max: max, q1: mean - 0.05, q3: mean + 0.05))
        }
        let runs = [
            Fixture.run(commit: Self.commit, results: [summary(1, min: 0.8, max: 1.2)]),
            // One run kept samples, the other did not: only the summaries can be pooled.
            Fixture.run(commit: Self.commit, results: [Fixture.result("a", Array(repeating: 2, count: 10))]),
        ]
        var second = runs[1]
        second.results[0].stats = SummaryStats(n: 10, mean: 2, stddev: 0.1, median: 2, min: 1.9, max: 2.3, q1: 1.95, q3: 2.05)
        let pooled = try #require(RunPool.pool([runs[0], second]).first)
        #expect(pooled.samples == nil)
        #expect(pooled.stats.n == 20)
        #expect(abs(pooled.stats.mean - 1.5) < 1e-12)
        // Within-run 2 × 9 × 0.01, between-run 2 × 10 × 0.25, over n - 1 = 19.
        #expect(abs(pooled.stats.stddev - (5.18 / 19).squareRoot()) < 1e-12)
        #expect(pooled.stats.min == 0.8 && pooled.stats.max == 2.3)
    }
}
