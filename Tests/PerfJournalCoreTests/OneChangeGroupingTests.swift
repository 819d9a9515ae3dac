import Foundation
import Testing

@testable import Rules

/// The one-change rule judged by the code: changed symbols grouped by reference (Python through the
/// embedded Helpers/one_change.py, other languages by identifier matching), and the advice users see.
@Suite struct OneChangeGroupingTests {
    static let python = PythonAPI.findPython3()

    /// A file's change as `git diff -U0` would give it: the deleted (old) and added (new) line numbers.
    static func file(_ path: String, _ old: String?, _ new: String?, support: Bool = false) -> GroupingFile {
        let a = old.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        let b = new.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        let diff = b.difference(from: a)
        var deleted: [Int] = [], added: [Int] = []
        for change in diff {
            switch change {
            case .remove(let offset, _, _): deleted.append(offset + 1)
            case .insert(let offset, _, _): added.append(offset + 1)
            }
        }
        return GroupingFile(
            path: path, oldText: old, newText: new, deletedLines: deleted.sorted(), addedLines: added.sorted(),
            support: support, language: SourceLanguage(path: path)!)
    }

    static func grouping(_ files: GroupingFile...) throws -> ChangeGrouping {
        try #require(try ChangeGrouper.group([files], python: python).first)
    }

    static let wordsOld =
        "def count_words(text):\n    counts = {}\n    for word in text.split():\n        counts[word] = counts.get(word, 0) + 1\n    return counts\n"
    static let wordsNew = "from collections import Counter\n\n\ndef count_words(text):\n    return Counter(text.split())\n"
    static let textOld = "def normalize(words):\n    out = \"\"\n    for word in words:\n        out += word.strip().lower() + \" \"\n    return out[:-1]\n"
    static let textNew = "def normalize(words):\n    return \" \".join(word.strip().lower() for word in words)\n"

    // MARK: Python: what must be refused

    @Test(.enabled(if: python != nil)) func countWordsWithCounterAndJoinInNormalizeIsTwoChanges() throws {
        let g = try Self.grouping(Self.file("fastlib/words.py", Self.wordsOld, Self.wordsNew), Self.file("fastlib/text.py", Self.textOld, Self.textNew))
        #expect(g.complete)
        #expect(g.groups.map(\.label) == ["count_words", "normalize"])
        let finding = OneChangeRule.evaluate(
            message: CommitMessage("perf: count words with Counter and join in normalize"), changes: [], limits: OneChangeLimits(), grouping: g)
        #expect(finding.bundled)
        #expect(finding.reasons == ["2 independent changes: {count_words} and {normalize}; split with `git add -p`"])
    }

    @Test(.enabled(if: python != nil)) func twoUnrelatedFunctionsOfOneModuleAreTwoChanges() throws {
        let old =
            "def dedupe(items):\n    out = []\n    for x in items:\n        if x not in out:\n            out.append(x)\n    return out\n\n\n" + Self.wordsOld
        let new =
            "from collections import Counter\n\n\ndef dedupe(items):\n    return list(dict.fromkeys(items))\n\n\ndef count_words(text):\n    return Counter(text.split())\n"
        let g = try Self.grouping(Self.file("fastlib/core.py", old, new))
        #expect(g.groups.map(\.label) == ["dedupe", "count_words"])
        let finding = OneChangeRule.evaluate(message: CommitMessage("perf: speed up fastlib.core"), changes: [], limits: OneChangeLimits(), grouping: g)
        #expect(finding.reasons == ["2 independent changes: {dedupe} and {count_words}; split with `git add -p`"])
    }

    // MARK: Python: what must pass

    @Test(.enabled(if: python != nil)) func aHelperAndItsOnlyCaller() throws {
        let new = "def _lower_words(text):\n    return [w.lower() for w in text.split()]\n\n\ndef normalize(text):\n    return \" \".join(_lower_words(text))\n"
        let g = try Self.grouping(Self.file("fastlib/text.py", "def normalize(text):\n    return \" \".join(w.lower() for w in text.split())\n", new))
        #expect(g.groups.map(\.symbols) == [["fastlib/text.py:_lower_words", "fastlib/text.py:normalize"]])
    }

    @Test(.enabled(if: python != nil)) func aFunctionWithItsTestAndBenchmark() throws {
        let test = "from fastlib.words import count_words\n\n\ndef test_counts():\n    assert count_words('a a') == {'a': 2}\n"
        let bench = "from fastlib.words import count_words\n\n\ndef test_count_words(benchmark):\n    benchmark(count_words, 'a b ' * 100)\n"
        let g = try Self.grouping(
            Self.file("fastlib/words.py", Self.wordsOld, Self.wordsNew),
            Self.file("tests/test_words.py", nil, test, support: true),
            Self.file("benchmarks/bench_words.py", nil, bench, support: true))
        #expect(g.groups.count == 1)
        #expect(g.groups.first?.support == ["benchmarks/bench_words.py:test_count_words", "tests/test_words.py:test_counts"])
    }

    @Test(.enabled(if: python != nil)) func aRenameWithItsCallSites() throws {
        let g = try Self.grouping(
            Self.file("fastlib/core.py", "def dedup(xs):\n    return list(set(xs))\n", "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"),
            Self.file(
                "fastlib/cli.py", "from .core import dedup\n\n\ndef main(argv):\n    print(dedup(argv))\n",
                "from .core import dedupe\n\n\ndef main(argv):\n    print(dedupe(argv))\n"))
        #expect(g.groups.count == 1, "\(g.groups)")
    }

    @Test(.enabled(if: python != nil)) func aSignatureChangeWithItsCallers() throws {
        let g = try Self.grouping(
            Self.file(
                "fastlib/parse.py", "def parse(data):\n    return data.split(',')\n\n\ndef parse_all(chunks):\n    return [parse(c) for c in chunks]\n",
                "def parse(data, sep=','):\n    return data.split(sep)\n\n\ndef parse_all(chunks):\n    return [parse(c, ';') for c in chunks]\n"),
            Self.file(
                "fastlib/io.py", "from fastlib.parse import parse\n\n\ndef read(f):\n    return parse(f.read())\n",
                "from fastlib.parse import parse\n\n\ndef read(f):\n    return parse(f.read(), sep='\\t')\n"))
        #expect(g.groups.count == 1, "\(g.groups)")
        #expect(g.groups.first?.symbols.count == 3)
    }

    @Test(.enabled(if: python != nil)) func aSyntaxErrorFallsBackToTheLimits() throws {
        let g = try Self.grouping(Self.file("fastlib/core.py", "def f(:\n    pass\n", "def f():\n    pass\n"))
        #expect(!g.complete)
        let finding = OneChangeRule.evaluate(message: CommitMessage("perf: f"), changes: [], limits: OneChangeLimits(), grouping: g)
        #expect(finding.fallback?.hasPrefix("the code could not be read (fastlib/core.py (old): line 1") == true, "\(finding)")
    }

    @Test func withoutPythonTheLimitsJudge() throws {
        let g = try #require(try ChangeGrouper.group([[Self.file("a.py", "def f():\n    return 1\n", "def f():\n    return 2\n")]], python: nil).first)
        #expect(!g.complete && g.problems == ["python3 not found"])
    }

    // MARK: other languages: identifier matching

    @Test func aCFunctionAndItsCallerAreOneChange() throws {
        let old = "static int hash(int x) {\n    return x * 31;\n}\n\nint lookup(int key) {\n    return table[key % 64];\n}\n"
        let new = "static int hash(int x) {\n    return x * 0x9e3779b1;\n}\n\nint lookup(int key) {\n    return table[hash(key) % 64];\n}\n"
        let g = try #require(try ChangeGrouper.group([[Self.file("src/cache.c", old, new)]], python: nil).first)
        #expect(g.complete)
        #expect(g.groups.map(\.label) == ["hash, lookup"])
    }

    @Test func unrelatedSwiftFunctionsAreTwoChangesAndCommentsAreNone() throws {
        let old =
            "func dedupe(_ xs: [Int]) -> [Int] {\n    var out: [Int] = []\n    for x in xs where !out.contains(x) { out.append(x) }\n    return out\n}\n\nfunc total(_ xs: [Int]) -> Int {\n    // add them\n    return xs.reduce(0, +)\n}\n\nfunc count(_ s: String) -> Int {\n    s.split(separator: \" \").count\n}\n"
        let new =
            "func dedupe(_ xs: [Int]) -> [Int] {\n    var seen = Set<Int>()\n    return xs.filter { seen.insert($0).inserted }\n}\n\nfunc total(_ xs: [Int]) -> Int {\n    // sum them\n    return xs.reduce(0, +)\n}\n\nfunc count(_ s: String) -> Int {\n    s.utf8.split(separator: 32).count\n}\n"
        let g = try #require(try ChangeGrouper.group([[Self.file("Sources/Lib/Lib.swift", old, new)]], python: nil).first)
        #expect(g.groups.map(\.label) == ["dedupe", "count"])
    }

    @Test func tokensSkipCommentsAndStrings() {
        #expect(Tokenizer.tokens("a = f(\"x y\") // g\n/* h */ b") == ["a", "=", "f", "(", "\"\"", ")", "b"])
        #expect(Tokenizer.tokens("c = 'x'; fn f<'a>()") == ["c", "=", "''", ";", "fn", "f", "<", "'", "a", ">", "(", ")"])
    }

    // MARK: the advice users see

    @Test func theHookAdvisesUnstagingNotResetting() {
        let finding = OneChangeFinding(
            bundled: true, reasons: ["2 independent changes: {dedupe} and {count_words}; split with `git add -p`"],
            symbolsByFile: ["fastlib/core.py": ["count_words", "dedupe"]], ignoredFiles: ["tests/test_core.py"],
            groups: [
                ChangeGroup(symbols: ["fastlib/core.py:dedupe"], support: ["tests/test_core.py:test_dedupe"], label: "dedupe"),
                ChangeGroup(symbols: ["fastlib/core.py:count_words"], label: "count_words"),
            ])
        let lines = OneChangeAdvice.lines(finding, moment: .staged(keptMessage: ".git/perfjournal/refused-message"))
        #expect(
            lines == [
                "change 1 {dedupe}: fastlib/core.py:dedupe (with tests/test_core.py:test_dedupe)",
                "change 2 {count_words}: fastlib/core.py:count_words",
                "nothing was committed. To split it: `git restore --staged fastlib/core.py tests/test_core.py` (or `git reset`), then `git add -p` the first change and",
                "`git commit -F .git/perfjournal/refused-message` (your message, kept), and the same for the next;",
                "or keep it whole with a `Perf-Scope: <why this is one change>` trailer.",
            ])
        #expect(!lines.joined().contains("HEAD~"))
        let committed = OneChangeAdvice.lines(finding, moment: .committed("abc1234"))
        #expect(committed[2].hasPrefix("to split it: `git rebase -i abc1234~`, mark abc1234 `edit`, then `git reset HEAD~`"))
    }
}
