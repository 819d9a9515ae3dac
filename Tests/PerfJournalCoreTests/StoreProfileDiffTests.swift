import Testing

@testable import Store

/// `ProfileDiff.compare` matches functions through `FunctionKeys` (a hash of their bytes while every key is
/// ASCII); it must pair and order them exactly as a dictionary keyed by (file, name) does (`byKey`), with
/// String's equality, under which "\u{212A}" (Kelvin sign) is "K".
@Suite struct StoreProfileDiffTests {
    static func function(_ file: String, _ name: String, line: Int = 1, calls: Int = 1, cumulative: Double) -> ProfiledFunction {
        ProfiledFunction(
            file: file, name: name, line: line, primitiveCalls: calls, calls: calls, selfSeconds: cumulative / 2, cumulativeSeconds: cumulative)
    }

    static func benchmark(_ functions: [ProfiledFunction]) -> BenchmarkProfile {
        BenchmarkProfile(name: "t", loops: 4, totalSeconds: 1, peakMemoryBytes: nil, functions: functions)
    }

    /// What the diff was before `FunctionKeys`: two dictionaries, then the same order.
    static func byDictionary(_ before: BenchmarkProfile, _ after: BenchmarkProfile) -> [String] {
        let a = before.byKey()
        let b = after.byKey()
        func text(_ key: ProfiledFunction.Key, _ old: ProfiledFunction?, _ new: ProfiledFunction?) -> String {
            func side(_ f: ProfiledFunction?) -> String? { f.map { "\($0.line) \($0.calls) \($0.cumulativeSeconds)" } }
            return "\(key.file):\(key.name) \(side(old) ?? "new") → \(side(new) ?? "gone")"
        }
        var rows: [(size: Double, key: ProfiledFunction.Key, text: String)] = []
        for (key, f) in b { rows.append((abs(f.cumulativeSeconds - (a[key]?.cumulativeSeconds ?? 0)), key, text(key, a[key], f))) }
        for (key, f) in a where b[key] == nil { rows.append((f.cumulativeSeconds, key, text(key, f, nil))) }
        rows.sort { $0.size != $1.size ? $0.size > $1.size : $0.key < $1.key }
        return rows.map(\.text)
    }

    static func byDiff(_ before: BenchmarkProfile, _ after: BenchmarkProfile) -> [String] {
        ProfileDiff.compare(name: "t", before, after).functions.map { c in
            func side(_ s: ProfileDiff.Side?) -> String? { s.map { "\($0.line) \(Int(($0.calls * 4).rounded())) \($0.cumulativeSeconds)" } }
            return "\(c.file):\(c.name) \(side(c.before) ?? "new") → \(side(c.after) ?? "gone")"
        }
    }

    @Test func pairsAndOrdersFunctionsAsADictionaryOfKeysDoes() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            // Few distinct files and names, so that keys repeat (a name defined twice in a file is summed),
            // sides overlap in part, and equal changes tie (broken by file, then name).
            let files = ["pkg/a.py", "pkg/b.py", "<stdlib>/json/decoder.py", "~"]
            let names = ["f", "g", "<lambda>", "<built-in method builtins.len>", "h\(round)"]
            func side() -> [ProfiledFunction] {
                (0..<Int.random(in: 0...30, using: &generator)).map { i in
                    Self.function(
                        files.randomElement(using: &generator)!, names.randomElement(using: &generator)!, line: i,
                        calls: Int.random(in: 1...9, using: &generator), cumulative: Double(Int.random(in: 0...6, using: &generator)) / 8)
                }
            }
            let before = Self.benchmark(side())
            let after = Self.benchmark(side())
            #expect(Self.byDiff(before, after) == Self.byDictionary(before, after))
        }
    }

    @Test func nonASCIIKeysMatchByStringEqualityAsBefore() {
        // "\u{212A}" (Kelvin) == "K" and a decomposed "é" == the composed one, as Strings: the same function.
        let before = Self.benchmark([
            Self.function("pkg/a.py", "K", cumulative: 0.5), Self.function("pkg/caf\u{E9}.py", "g", cumulative: 0.25),
            Self.function("pkg/a.py", "only_before", cumulative: 0.125),
        ])
        let after = Self.benchmark([
            Self.function("pkg/a.py", "\u{212A}", cumulative: 0.75), Self.function("pkg/cafe\u{301}.py", "g", cumulative: 0.25),
            Self.function("pkg/a.py", "K", line: 9, cumulative: 0.125),
        ])
        #expect(Self.byDiff(before, after) == Self.byDictionary(before, after))
        let changes = ProfileDiff.compare(name: "t", before, after).functions
        #expect(changes.count == 3)
        // after's spelling, the two definitions summed (calls) with the larger cumulative time.
        #expect(changes[0].name == "\u{212A}" && changes[0].before?.cumulativeSeconds == 0.5 && changes[0].after?.cumulativeSeconds == 0.75)
        #expect(changes[0].after?.calls == 0.5)
    }
}
