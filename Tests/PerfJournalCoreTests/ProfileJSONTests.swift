import Foundation
import Store
import Support
import Testing

@testable import PerfJournalKit

/// `profile REV --json` is written by `JSONText.Writer`; it must be byte for byte what JSONEncoder wrote from
/// the `Encodable` structs it replaced (kept here as the reference).
@Suite struct ProfileJSONTests {
    struct FunctionJSON: Encodable {
        var function, file, name: String
        var line: Int
        var calls: Double
        var self_seconds, cumulative_seconds, self_share, cumulative_share: Double
    }

    struct BenchmarkJSON: Encodable {
        var name: String
        var total_seconds: Double?
        var peak_memory_bytes: Int?
        var peak_memory_tool: String?
        var loops: Int?
        var functions: [FunctionJSON]

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey { case name, total_seconds, peak_memory_bytes, peak_memory_tool, loops, functions }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(name, forKey: .name)
            try c.encode(total_seconds, forKey: .total_seconds)
            try c.encode(peak_memory_bytes, forKey: .peak_memory_bytes)
            try c.encode(peak_memory_tool, forKey: .peak_memory_tool)
            try c.encode(loops, forKey: .loops)
            try c.encode(functions, forKey: .functions)
        }
    }

    struct SingleJSON: Encodable {
        var commit: String
        var benchmarks: [BenchmarkJSON]
    }

    static func byEncoder(commit: String, profile: RunProfile, top: Int?) throws -> String {
        let benchmarks = profile.benchmarks.map { b in
            let loops = Double(max(1, b.loops ?? 1))
            let functions = ProfileCommand.sorted(b).prefix(top ?? Int.max).map { f in
                FunctionJSON(
                    function: f.key, file: f.file, name: f.name, line: f.line, calls: Double(f.calls) / loops, self_seconds: f.selfSeconds,
                    cumulative_seconds: f.cumulativeSeconds, self_share: b.selfShare(f), cumulative_share: b.cumulativeShare(f))
            }
            return BenchmarkJSON(
                name: b.name, total_seconds: b.totalSeconds, peak_memory_bytes: b.peakMemoryBytes, peak_memory_tool: b.peakMemoryTool, loops: b.loops,
                functions: Array(functions))
        }
        return try JSONText.encode(SingleJSON(commit: commit, benchmarks: benchmarks))
    }

    @Test func singleJSONIsWhatJSONEncoderWrote() throws {
        var generator = SystemRandomNumberGenerator()
        let functions = (0..<40).map { i in
            ProfiledFunction(
                file: i % 3 == 0 ? "<stdlib>/json/decoder.py" : "pkg/m\u{E9}\(i % 4).py", name: i == 5 ? "<lambda> \"q\"\t\\" : "f\(i)", line: i,
                primitiveCalls: i, calls: 3 * i + 1, selfSeconds: Double.random(in: 0..<1e-3, using: &generator),
                cumulativeSeconds: i == 7 ? 2e-3 : Double.random(in: 0..<2e-3, using: &generator))
        }
        let profile = RunProfile(
            python: "3.12.3",
            benchmarks: [
                BenchmarkProfile(
                    name: "t.py::test_a", loops: 7, totalSeconds: 2e-3, peakMemoryBytes: 1 << 20, peakMemoryTool: "tracemalloc", functions: functions),
                BenchmarkProfile(name: "t.py::test_memory_only", loops: nil, totalSeconds: nil, peakMemoryBytes: 99),
                BenchmarkProfile(name: "t.py::test_zero", loops: 0, totalSeconds: 0, peakMemoryBytes: nil, functions: Array(functions.prefix(3))),
            ])
        let commit = String(repeating: "ab", count: 20)
        for top in [nil, 0, 1, 10] {
            let written = String(decoding: ProfileCommand.singleJSON(commit: commit, profile: profile, top: top), as: UTF8.self)
            #expect(written == (try Self.byEncoder(commit: commit, profile: profile, top: top)), "top \(String(describing: top))")
        }
        let empty = RunProfile(python: nil, benchmarks: [])
        let none = String(decoding: ProfileCommand.singleJSON(commit: commit, profile: empty, top: nil), as: UTF8.self)
        #expect(none == (try Self.byEncoder(commit: commit, profile: empty, top: nil)))
    }
}
