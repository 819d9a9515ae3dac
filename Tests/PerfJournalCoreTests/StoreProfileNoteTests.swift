import Foundation
import Git
import Support
import Testing

@testable import Store

/// Profile notes are read by `ProfileNoteReader` (the fast scanner), which must take exactly what the
/// `Decodable` conformances took, and say what is wrong as `NoteCodec` does.
@Suite struct StoreProfileNoteTests {
    static let commit = ObjectID(hex: String(repeating: "ab", count: 20))!

    static let note = ProfileNote(runs: [
        "run-1": RunProfile(
            python: "3.12.3",
            benchmarks: [
                BenchmarkProfile(
                    name: "t.py::test_a", loops: 10, totalSeconds: 0.0021, peakMemoryBytes: 123_456, omitted: 4, dump: "dump-t.prof",
                    functions: [
                        ProfiledFunction(
                            file: "pkg/mod.py", name: "f", line: 3, primitiveCalls: 10, calls: 12, selfSeconds: 1.5e-4, cumulativeSeconds: 0.0021),
                        ProfiledFunction(
                            file: "~", name: "<built-in method \"len\">", line: 0, primitiveCalls: 100, calls: 100, selfSeconds: 1e-6,
                            cumulativeSeconds: 1e-6),
                    ],
                    edges: [ProfileEdge(caller: 0, callee: 1, calls: 100, cumulativeSeconds: 1e-6)]),
                BenchmarkProfile(name: "t.py::test_memory_only", loops: nil, totalSeconds: nil, peakMemoryBytes: 99),
            ]),
        "run-2": RunProfile(python: nil, benchmarks: []),
    ])

    @Test func readsWhatTheEncoderWritesAsJSONDecoderDid() throws {
        let text = try ProfileStore.encode(Self.note)
        let read = try ProfileStore.decode(text, commit: Self.commit)
        #expect(read == Self.note)
        #expect(read == (try JSONDecoder().decode(ProfileNote.self, from: Data(text.utf8))))
        // Pretty-printed (as `--json` outputs are) reads the same.
        #expect(try ProfileStore.decode(try JSONText.encode(Self.note), commit: Self.commit) == Self.note)
        // Null or absent optional fields, unknown keys, and whole numbers written as 3.0.
        let loose = #"{"schema":1,"future":[1],"runs":{"r":{"benchmarks":[{"name":"b","loops":null,"functions":[["m.py","g",3.0,1,1,0.5,1]],"edges":null}]}}}"#
        let b = try #require(try ProfileStore.decode(loose, commit: Self.commit).runs["r"]?.benchmarks.first)
        #expect(b.loops == nil && b.edges.isEmpty && b.functions.first?.line == 3 && b.functions.first?.cumulativeSeconds == 1)
    }

    @Test func withoutEdgesTheRowsAreSkippedButTheirSyntaxIsChecked() throws {
        let text = try ProfileStore.encode(Self.note)
        let read = try ProfileStore.decode(Data(text.utf8), commit: Self.commit, edges: false)
        var expected = Self.note
        expected.runs["run-1"]!.benchmarks[0].edges = []
        #expect(read == expected)
        let garbled = #"{"schema":1,"runs":{"r":{"benchmarks":[{"name":"b","edges":[[0,1,2 3]]}]}}}"#
        #expect(throws: PerfJournalError.self) { try ProfileStore.decode(Data(garbled.utf8), commit: Self.commit, edges: false) }
    }

    @Test func aBrokenNoteSaysWhereAndANewerOneSaysUpgrade() {
        func message(_ text: String) -> String {
            do {
                _ = try ProfileStore.decode(text, commit: Self.commit)
                return "read"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{").contains("is not a perfjournal profile note: malformed JSON"))
        #expect(message(#"{"runs":{}}"#).contains("missing 'schema'"))
        #expect(message(#"{"schema":1,"runs":{"r":{"benchmarks":[{"name":"b"},{"loops":1}]}}}"#).contains("missing 'runs.r.benchmarks[1].name'"))
        #expect(
            message(#"{"schema":1,"runs":{"r":{"benchmarks":[{"name":"b","functions":[["m.py","g",1.5,1,1,0.5,1]]}]}}}"#)
                .contains("bad value at 'runs.r.benchmarks[0].functions[0]'"))
        #expect(message(#"{"schema":1,"runs":{"r":{"benchmarks":[{"name":"b","edges":[[0,1,2]]}]}}}"#).contains("bad value at 'runs.r.benchmarks[0].edges[0]'"))
        #expect(message(#"{"schema":9,"runs":{}}"#).contains("has schema 9; this perfjournal reads up to 1 (upgrade perfjournal)"))
        // The runs come first (sorted keys): a newer layout that does not read is still "upgrade".
        #expect(message(#"{"runs":[1,2],"schema":2}"#).contains("has schema 2; this perfjournal reads up to 1 (upgrade perfjournal)"))
    }

    /// The profile cache's bytes give back the note read without edges, and a cut or padded payload is
    /// refused (read as a miss), never a crash or a wrong note.
    @Test func theCachedFormGivesBackTheEdgeLessNoteAndRefusesCutBytes() throws {
        var expected = Self.note
        expected.runs["run-1"]!.benchmarks[0].edges = []
        let bytes = ProfileNoteCoding.encode(Self.note)
        #expect(try ProfileNoteCoding.decode(bytes) == expected)
        for length in 0..<bytes.count {
            #expect(throws: ProfileNoteCoding.Malformed.self) { try ProfileNoteCoding.decode(Array(bytes[..<length])) }
        }
        #expect(throws: ProfileNoteCoding.Malformed.self) { try ProfileNoteCoding.decode(bytes + [0]) }
        #expect(try ProfileNoteCoding.decode(ProfileNoteCoding.encode(ProfileNote())) == ProfileNote())
    }

}
