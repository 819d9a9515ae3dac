import Foundation
import TestSupport
import Testing

@testable import Results

@Suite struct FormatJSONParserTests {
    static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8))
    }

    /// Where our tree differs from what Foundation's parser found, or nil when it holds exactly the same.
    static func difference(_ value: JSONValue, _ foundation: Any, at path: String = "$") -> String? {
        switch value {
        case .null:
            return foundation is NSNull ? nil : path
        case .bool(let b):
            return (foundation as? NSNumber)?.boolValue == b ? nil : path
        case .number(let x):
            // Foundation keeps long numbers as decimals whose doubleValue can be off by an ulp;
            // their exact text, correctly rounded by the standard library, is the reference.
            return (foundation as? NSNumber).flatMap { Double($0.description) } == x ? nil : "\(path): \(x) vs \(foundation)"
        case .string(let s):
            return (foundation as? String) == s ? nil : path
        case .numbers(let xs):
            return difference(.array(xs.map { .number($0) }), foundation, at: path)
        case .array(let values):
            guard let array = foundation as? [Any], array.count == values.count else { return "\(path): array" }
            for (i, (ours, theirs)) in zip(values, array).enumerated() {
                if let d = difference(ours, theirs, at: "\(path)[\(i)]") { return d }
            }
            return nil
        case .object(let members):
            guard let dictionary = foundation as? [String: Any], dictionary.count == members.count else { return "\(path): object" }
            for (key, ours) in members {
                guard let theirs = dictionary[key] else { return "\(path).\(key) missing" }
                if let d = difference(ours, theirs, at: "\(path).\(key)") { return d }
            }
            return nil
        }
    }

    @Test(arguments: [
        "pytest-benchmark/run.json", "hyperfine/basic.json", "hyperfine/failing.json", "hyperfine/same-name.json",
        "google-benchmark/repetitions.json", "google-benchmark/aggregates-only.json",
        "pytest-benchmark/storage/Linux-CPython-3.11-64bit/0003_4e05a6559bda2eaa44f2a491d08b84d3fa92cbee_20261129_165412_uncommited-changes.json",
    ])
    func realFilesParseAsFoundationParsesThem(file: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path(file)))
        let ours = try JSONValue.parse(data)
        let foundation = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        #expect(Self.difference(ours, foundation) == nil)
    }

    @Test func numbersRoundTripExactly() throws {
        // Seeded, so the same numbers every run: raw bit patterns (any magnitude) and typical timings,
        // written the ways the tools write them (shortest repr, %.17g, Google Benchmark's %.16e).
        var generator = SeededGenerator(seed: 0x5EED)
        var values: [Double] = []
        while values.count < 20_000 {
            let bits = Double(bitPattern: generator.next())
            if bits.isFinite { values.append(bits) }
            values.append(Double(generator.next() % 1_000_000_000) * 1e-9 * pow(10, Double(Int(generator.next() % 12)) - 6))
        }
        for format in ["shortest", "%.17g", "%.16e"] {
            let written = values.map { format == "shortest" ? "\($0)" : String(format: format, $0) }
            let document = "[" + written.joined(separator: ", ") + "]"
            let parsed = try Self.parse(document)
            guard case .numbers(let numbers) = parsed else {
                Issue.record("expected an unboxed number array")
                continue
            }
            let mismatch = zip(values, numbers).first { $0.0.bitPattern != $0.1.bitPattern && !($0.0 == 0 && $0.1 == 0) }
            #expect(mismatch == nil, "\(format): \(String(describing: mismatch))")
            #expect(numbers.count == values.count)
        }
    }

    @Test func longMantissasAreCorrectlyRounded() throws {
        // 17 to 19 digits with a power of ten up to 22: the exact 128-bit path, not strtod. Halfway cases
        // round to even; the reference is strtod on the same text.
        let texts = [
            "9007199254740993", "9007199254740995", "18014398509481985e-1", "12345678901234567890", "1234567890123456789e-22",
            "18446744073709551615e22", "6.3942679845788375e-05", "0.00012345678901234567", "-4.9406564584124654e-5", "1.7976931348623157e3",
        ]
        var generator = SeededGenerator(seed: 0xD161)
        var generated: [String] = []
        for _ in 0..<5_000 {
            let digits = String(generator.next() % 9_000_000_000_000_000_000 + 1_000_000_000_000_000_000)
            generated.append(digits + "e" + String(Int(generator.next() % 45) - 22))
        }
        for text in texts + generated {
            let parsed = try Self.parse(text)
            #expect(parsed == .number(strtod(text, nil)), "\(text)")
        }
    }

    @Test func pythonAndGoogleBenchmarkNonFiniteTokens() throws {
        let parsed = try Self.parse("[NaN, Infinity, -Infinity, -0.5, 1E+2, 0]")
        guard case .numbers(let xs) = parsed else {
            Issue.record("expected numbers, got \(parsed)")
            return
        }
        #expect(xs[0].isNaN && xs[1] == .infinity && xs[2] == -.infinity)
        #expect(Array(xs[3...]) == [-0.5, 100, 0])
    }

    @Test func aNumberThatEndsTheDocument() throws {
        // Nothing follows it to stop strtod, so the other correctly rounded path reads it.
        #expect(try Self.parse("0.12345678901234567") == .number(0.12345678901234567))
        #expect(try Self.parse("-12") == .number(-12))
        #expect(throws: JSONParseError(truncated: true, message: "malformed JSON (truncated? the document ends in the middle of a value)")) {
            try Self.parse("1e")
        }
    }

    @Test func mixedArraysAndStrings() throws {
        let parsed = try Self.parse(#"[1, "a\n\u00e9\ud83d\ude00\"\/", true, null, {"k": [2.5]}]"#)
        #expect(
            parsed
                == .array([
                    .number(1), .string("a\né😀\"/"), .bool(true), .null, .object(["k": .numbers([2.5])]),
                ]))
    }

    @Test func everyPrefixOfARealFileIsTruncatedNeverACrash() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path("hyperfine/single-run.json")))
        let complete = data.lastIndex { $0 != 0x0A && $0 != 0x20 }.map { $0 + 1 } ?? data.count
        for length in 1..<complete {
            #expect(throws: JSONParseError(truncated: true, message: "malformed JSON (truncated? the document ends in the middle of a value)")) {
                try JSONValue.parse(data.prefix(length))
            }
        }
        #expect(throws: Never.self) { try JSONValue.parse(data.prefix(complete)) }
    }

    @Test func garbledDocumentsSayWhere() throws {
        let cases: [(String, String)] = [
            ("{\"a\": tru}", "malformed JSON at line 1, column 7: unexpected character 't'"),
            ("{\"a\" 1}", "malformed JSON at line 1, column 6: expected ':' after member name"),
            ("{a: 1}", "malformed JSON at line 1, column 2: expected a quoted member name"),
            ("[1 2]", "malformed JSON at line 1, column 4: expected ',' or ']' in array"),
            ("[01]", "malformed JSON at line 1, column 3: expected ',' or ']' in array"),
            ("[1.]", "malformed JSON at line 1, column 4: expected a digit after '.' in number"),
            ("[\"a\\q\"]", "malformed JSON at line 1, column 4: unknown escape '\\q' in string"),
            ("[nan]", "malformed JSON at line 1, column 2: unexpected character 'n'"),
        ]
        for (text, message) in cases {
            #expect(throws: JSONParseError(truncated: false, message: message), "\(text)") { try Self.parse(text) }
        }
    }

    @Test func aCursorSkipsWhatParseReadsWithTheSameErrors() throws {
        func skipped(_ text: String) -> String {
            do {
                try JSONCursor.read(Data(text.utf8)) { c in try c.skip() }
                return "ok"
            } catch {
                return "\(error)"
            }
        }
        func parsed(_ text: String) -> String {
            do {
                _ = try Self.parse(text)
                return "ok"
            } catch {
                return "\(error)"
            }
        }
        let texts = [
            #"{"a": [1, -2.5e-3, "x\n\u00e9", true, null, NaN, -Infinity, {"b": {}}, []], "c": "\"/"}"#, "[1 2]", "[01]", "[1.]", "[-]",
            "[1e+]", #"["a\q"]"#, #"["a\u12"]"#, "{\"a\" 1}", "{a: 1}", "[nan]", "[tru]", "[1,]", "[\"a", "{\"a\": [1, 2", "[\"\u{1}\"]",
            String(repeating: "[", count: 300),
        ]
        for text in texts {
            #expect(skipped(text) == parsed(text), "\(text)")
        }
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.message.hasSuffix("nested too deeply"))
        }
    }

    /// `repeatedString()` hands a string it made before out again: it must read exactly what `string()`
    /// reads (escapes, repaired UTF-8, errors), repeats and near-repeats included; `number()` likewise `parse`.
    @Test func repeatedStringsAndNumbersReadAsTheOrdinaryPath() throws {
        func read(_ text: String, repeated: Bool) -> String {
            do {
                return try JSONCursor.read(Data(text.utf8)) { c in
                    var out: [String] = []
                    try c.enterArray()
                    while try c.nextElement() {
                        switch c.peek() {
                        case .string?: out.append(repeated ? try c.repeatedString() : try c.string())
                        case .number?: out.append("\(try c.number())")
                        default: try c.skip()
                        }
                    }
                    return out.joined(separator: "|")
                }
            } catch {
                return "\(error)"
            }
        }
        // Many distinct strings too, so that the table grows while earlier ones are still found.
        let many = (0..<600).map { #""pkg/mod\#($0 % 300).py""# }.joined(separator: ",")
        let texts = [
            #"["a", "a", "ab", "a", "", "", "b\"c", "b\"c", "caf\u00e9", "café", "\ud83d\ude00", "é"]"#,
            "[\(many)]", #"["a\q"]"#, #"["ab"#, "[\"a\u{1}\"]", "[1, -2.5e-3, 6.394267984578837e-05, -0, NaN, -Infinity, 1e400]", "[-]", "[1.]",
        ]
        for text in texts {
            #expect(read(text, repeated: true) == read(text, repeated: false), "\(text)")
        }
        // Bytes that are not UTF-8 are repaired alike, and a repeat of them is the same repaired string.
        let invalid = Data([0x5B, 0x22, 0xFF, 0x61, 0x22, 0x2C, 0x22, 0xFF, 0x61, 0x22, 0x5D])
        let strings = try JSONCursor.read(invalid) { c in
            try c.enterArray()
            var out: [String] = []
            while try c.nextElement() { out.append(try c.repeatedString()) }
            return out
        }
        #expect(strings == ["\u{FFFD}a", "\u{FFFD}a"])
        let sum = try JSONCursor.read(Data(#"[1, 2.5]"#.utf8)) { c in
            try c.enterArray()
            var sum = 0.0
            while try c.nextElement() { sum += try c.number() }
            return sum
        }
        #expect(sum == 3.5)
    }
}
