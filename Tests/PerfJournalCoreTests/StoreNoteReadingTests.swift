import Foundation
import TestSupport
import Testing

@testable import Git
@testable import Results
@testable import Store
@testable import Support

/// `NoteCodec.read` reads notes with perfjournal's JSON scanner and hands everything it is not sure about
/// to JSONDecoder. These hold it to the rule that makes that safe: for any text, the result is exactly
/// JSONDecoder's (the same note, or the same reason it is unreadable).
@Suite struct NoteReadingTests {
    /// A note with every field of a run set, so every type in a note is decoded at least once.
    static var fullNote: Note {
        var run = Fixture.run(
            commit: String(repeating: "ab", count: 20), id: "full", baseline: true,
            results: [
                Fixture.result("bench.py::test_parse", Fixture.samples(0.000_012_345, count: 25, seed: 3)),
                BenchmarkResult(
                    name: "bench.py::test_rate \"quoted\" \\ é 😀\t", unit: "items/s", samples: nil,
                    stats: SummaryStats(n: 5, mean: 1.5e9, stddev: 0, median: 1.5e9, min: 1e9, max: 2e9, q1: 1.2e9, q3: 1.7e9)),
                BenchmarkResult(name: "empty", unit: "B", samples: [], stats: SummaryStats(n: 0, mean: 0, stddev: 0, median: 0, min: 0, max: 0, q1: 0, q3: 0)),
            ],
            tests: TestOutcome(
                status: .failed, run: CommandRecord(command: "pytest -q", exitStatus: -9, duration: 12.25, timedOut: true),
                passed: 3, failed: 1, skipped: 0, errors: 2))
        run.bench = CommandRecord(command: "pytest --benchmark-json=out.json", exitStatus: 0, duration: 31.5)
        run.api = [
            APISurfaceRecord(tree: String(repeating: "1", count: 40), command: "api", entries: ["f(x)", "g()"]),
            APISurfaceRecord(tree: String(repeating: "2", count: 40), command: "api", entries: nil, error: "failed\nlog"),
        ]
        run.problems = ["skipped: b", "errored: c"]
        run.log = "logs/1.log"
        run.purpose = .rerun
        run.session = "s-1"
        run.order = 3
        run.conditions = RunConditions(
            wallSeconds: 2.5, cpuSeconds: 2.25, cpuCount: 2, othersShare: 0.125, stealShare: nil, loadStart: 1.5, loadEnd: nil,
            overlapping: [123, 456])
        run.disturbed = Disturbance(reason: "the hypervisor took 12% of the CPU time (steal)")
        run.machine.memoryBytes = 25_769_803_776
        return Note(runs: [run, Fixture.run(commit: String(repeating: "cd", count: 20), id: "plain", results: [])])
    }

    /// The same text read by the fast path (through `read`) and by JSONDecoder alone.
    static func expectSameReading(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = NoteCodec.read(text)
        let reference = NoteCodec.readWithJSONDecoder(text)
        #expect(fast == reference, "\(text.prefix(300))", sourceLocation: sourceLocation)
    }

    @Test func notesAsPerfjournalWritesThemAreReadByTheFastPath() throws {
        for note in [Self.fullNote, NoteCodecTests.note, Note()] {
            let text = try NoteCodec.encode(note)
            let value = try #require(JSONValue.parseAsJSONDecoderWould(text))
            #expect(JSONValueDecoder.decode(Note.self, from: value) == note)
            #expect(try NoteCodec.decode(text, commit: NoteCodecTests.commit) == note)
            Self.expectSameReading(text)
        }
    }

    /// Edits a hand or another tool could make, each a case where a JSON reader could differ from JSONDecoder.
    @Test func editedNotesReadExactlyAsJSONDecoderReadsThem() throws {
        let text = try NoteCodec.encode(Self.fullNote)
        let edits: [(String, String)] = [
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": \(Fixture.machine.cores).0"),  // a whole number written as a fraction
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": 2e0"),
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": 2.5"),
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": 4503599627370496.5"),
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": 9007199254740993"),  // beyond 2^53: the Double rounds
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": 1e-400"),  // underflows to 0
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": -0"),
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": null"),
            ("\"cores\": \(Fixture.machine.cores)", "\"cores\": \"2\""),
            ("\"memory_bytes\": 25769803776", "\"memory_bytes\": -1"),
            ("\"memory_bytes\": 25769803776", "\"memory_bytes\": 18446744073709551616"),
            ("\"exit_status\": -9", "\"exit_status\": 3000000000"),
            ("\"order\": 3", "\"order\": null"),  // optional: null reads as absent
            ("\"order\": 3", "\"order\": true"),
            ("\"order\": 3,", ""),
            ("\"schema\": 1", "\"schema\": 1, \"schema\": 2"),  // JSONDecoder keeps the first
            ("\"schema\": 1", "\"schema\": 2"),
            ("\"schema\": 1", "\"schema\": 1, \"unknown\": [NaN]"),  // not valid JSON anywhere
            ("\"schema\": 1", "\"schema\": 1, \"unknown\": {\"deep\": [1, \"x\", null, {}]}"),
            ("\"duration\": 12.25", "\"duration\": 1e999"),
            ("\"duration\": 12.25", "\"duration\": -1e-400"),
            ("\"duration\": 12.25", "\"duration\": 4.9e-324"),  // subnormal
            ("\"duration\": 12.25", "\"duration\": 1225E-2"),
            ("\"duration\": 12.25", "\"duration\": Infinity"),
            ("\"duration\": 12.25", "\"duration\": 012.25"),
            ("\"reason\": \"the", "\"reason\": \"\\ud800 the"),  // a lone surrogate
            ("\"reason\": \"the", "\"reason\": \"\\udc00 the"),
            ("\"reason\": \"the", "\"reason\": \"\\ud83d\\ude00 \\u00e9 \\/ the"),
            ("\"status\": \"failed\"", "\"status\": \"exploded\""),
            ("\"status\": \"failed\"", "\"status\": 1"),
            ("\"samples\": [", "\"samples\": [1e-320, "),
            ("\"samples\": [", "\"samples\": [\"x\", "),
            ("\"samples\": [", "\"samples\": [null, "),
            ("\"samples\": [", "\"samples\": null, \"x\": ["),
            ("\"overlapping\": [", "\"overlapping\": [1.0, "),
            ("\"overlapping\": [", "\"overlapping\": [1.5, "),
            ("\"entries\": [", "\"entries\": [1, "),
            ("\"runs\": [", "\"runs\": {}, \"x\": ["),
            ("\"tree\"", "\"trees\""),
            // A result and its summary (read by a path of their own, `Scalars.result`).
            ("\"direction\": \"lower\"", "\"direction\": \"sideways\""),
            ("\"direction\": \"lower\"", "\"direction\": null"),
            ("\"direction\": \"lower\"", "\"direction\": \"higher\""),
            ("\"unit\": \"s\"", "\"unit\": 1"),
            ("\"mean\": ", "\"mean\": null, \"x\": "),
            ("\"mean\": ", "\"x\": "),
            ("\"n\": ", "\"n\": 2.5, \"x\": "),
            ("\"n\": ", "\"n\": 9007199254740993, \"x\": "),
            ("\"stats\": {", "\"stats\": null, \"x\": {"),
            ("\"stats\": {", "\"stats\": [], \"x\": {"),
            ("\"samples\": [", "\"samples\": [], \"x\": ["),
            ("\"name\": \"", "\"x\": \""),
        ]
        for (from, to) in edits {
            #expect(text.contains(from), "\(from)")
            Self.expectSameReading(text.replacingOccurrences(of: from, with: to))
        }
        for whole in ["", " ", "null", "[]", "{}", "{\"schema\": 1, \"runs\": []} x", "{\"schema\": 1, \"runs\": []}\n\n", "\u{FEFF}{}"] {
            Self.expectSameReading(whole)
        }
    }

    /// `Scalars.result` reads every stored property of a result and of its summary by hand: a property
    /// added to either must be added there too.
    @Test func theResultReaderKnowsEveryPropertyOfAResult() throws {
        let result = try #require(NoteCodecTests.note.runs.first?.results.first)
        #expect(Mirror(reflecting: result).children.map(\.label) == ["name", "unit", "direction", "samples", "stats"])
        #expect(Mirror(reflecting: result.stats).children.map(\.label) == ["n", "mean", "stddev", "median", "min", "max", "q1", "q3"])
    }

    /// Random damage to real note text: whatever it turns into, both readers agree.
    @Test func damagedNotesReadExactlyAsJSONDecoderReadsThem() throws {
        let text = Array(try NoteCodec.encode(Self.fullNote).utf8)
        var random = SeededGenerator(seed: 42)
        let replacements = Array("0123456789.-+eE\"\\,:[]{}nul tfaNI".utf8)
        for _ in 0..<1500 {
            var bytes = text
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = replacements.randomElement(using: &random)!
                default: bytes.insert(replacements.randomElement(using: &random)!, at: at)
                }
            }
            Self.expectSameReading(String(decoding: bytes, as: UTF8.self))
        }
    }
}
