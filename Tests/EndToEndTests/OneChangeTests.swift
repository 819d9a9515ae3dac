import Foundation
import Testing

/// Issue 14: one change means one change, judged by the code. Through real `git commit` (the installed
/// commit-msg hook) and `perfjournal check`, in a small package with a recorded baseline.
@Suite struct OneChangeTests {
    static let words = """
        def count_words(text):
            counts = {}
            for word in text.split():
                counts[word] = counts.get(word, 0) + 1
            return counts

        """
    static let fastWords = """
        from collections import Counter


        def count_words(text):
            return Counter(text.split())

        """
    static let text = """
        def normalize(words):
            out = ""
            for word in words:
                out += word.strip().lower() + " "
            return out[:-1]

        """
    static let fastText = """
        def normalize(words):
            return " ".join(word.strip().lower() for word in words)

        """
    static let core = """
        def dedupe(items):
            out = []
            for x in items:
                if x not in out:
                    out.append(x)
            return out


        def parse(data):
            return data.split(",")


        def parse_all(chunks):
            return [parse(c) for c in chunks]

        """ + words

    static func project() throws -> TestRepository {
        let repo = try RulesTests.project()
        try repo.write("fastlib/__init__.py", "")
        try repo.write("fastlib/words.py", words)
        try repo.write("fastlib/text.py", text)
        try repo.write("fastlib/core.py", core)
        try repo.write("fastlib/cli.py", "from .core import dedupe, parse_all\n\n\ndef main(argv):\n    print(dedupe(argv), parse_all(argv))\n")
        try repo.write("tests/test_fastlib.py", "from fastlib.words import count_words\n\n\ndef test_counts():\n    assert count_words('a a') == {'a': 2}\n")
        try repo.commit("Add fastlib")
        try RulesTests.record(repo, "HEAD", median: 0.010, seed: 11, baseline: true)
        return repo
    }

    static func commit(_ repo: TestRepository, _ message: String) throws -> TestRepository.Result {
        try repo.git("add", "-A")
        return try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", message], in: repo.root, check: false)
    }

    static func oneChange(_ repo: TestRepository, _ range: String) throws -> [String] {
        let json = try RulesTests.check(repo, range).json
        return (json["commits"] as? [[String: Any]] ?? []).map {
            (($0["rules"] as? [String: [String: String]])?["one-change"]?["status"]) ?? ""
        }
    }

    // MARK: refused

    @Test func countWithCounterAndJoinInNormalizeIsRefusedThenSplitAsAdvised() throws {
        let repo = try Self.project()
        try repo.write("fastlib/words.py", Self.fastWords)
        try repo.write("fastlib/text.py", Self.fastText)
        let message = "perf: count words with Counter and join in normalize"
        let refused = try Self.commit(repo, message)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("2 independent changes: {normalize} and {count_words}; split with `git add -p`"), "\(refused.stderr)")
        #expect(refused.stderr.contains("change 1 {normalize}: fastlib/text.py:normalize"))
        #expect(refused.stderr.contains("`git restore --staged fastlib/text.py fastlib/words.py`"), "\(refused.stderr)")
        #expect(refused.stderr.contains("git commit -F \(repo.root)/.git/perfjournal/refused-message"))
        #expect(!refused.stderr.contains("HEAD~"), "no commit was made, so there is nothing to reset")
        #expect(try repo.git("diff", "--cached", "--name-only").stdout == "fastlib/text.py\nfastlib/words.py\n")

        // The advice, followed: unstage, stage one change, commit it with the kept message; then the other.
        try repo.git("restore", "--staged", "fastlib/text.py", "fastlib/words.py")
        try repo.git("add", "fastlib/words.py")
        let first = try repo.run(
            "/usr/bin/env", ["git", "commit", "-q", "-F", repo.root + "/.git/perfjournal/refused-message"],
            in: repo.root, check: false)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.commit(repo, "perf: join in normalize").status == 0)
        #expect(try Self.oneChange(repo, "HEAD~2..HEAD") == ["pass", "pass"])
    }

    @Test func twoUnrelatedFunctionsOfOneModuleAreRefusedWhateverTheSubject() throws {
        let repo = try Self.project()
        let faster = Self.core
            .replacingOccurrences(
                of: "    out = []\n    for x in items:\n        if x not in out:\n            out.append(x)\n    return out\n",
                with: "    return list(dict.fromkeys(items))\n"
            )
            .replacingOccurrences(
                of: "    counts = {}\n    for word in text.split():\n        counts[word] = counts.get(word, 0) + 1\n    return counts\n",
                with: "    return Counter(text.split())\n")
        try repo.write("fastlib/core.py", "from collections import Counter\n\n\n" + faster)
        let refused = try Self.commit(repo, "perf: speed up fastlib.core")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("2 independent changes: {dedupe} and {count_words}"), "\(refused.stderr)")

        // `check` says the same of the commit made anyway, and advises a rebase for a commit that exists.
        try repo.git("commit", "-q", "--no-verify", "-m", "perf: speed up fastlib.core")
        let text = try repo.perfjournal("check", "HEAD")
        #expect(text.status == 1)
        #expect(text.stdout.contains("✗ one-change   bundled: 2 independent changes: {dedupe} and {count_words}; split with `git add -p`"), "\(text.stdout)")
        #expect(text.stdout.contains("git rebase -i"), "\(text.stdout)")

        // Perf-Scope still accepts a deliberate broad change.
        try repo.git(
            "commit", "-q", "--amend", "--no-verify", "-m",
            "perf: speed up fastlib.core\n\nPerf-Scope: both are the same profile's hot spots and are measured together\n")
        #expect(try Self.oneChange(repo, "HEAD") == ["pass"])
    }

    // MARK: accepted

    @Test func theFourFocusedShapesPass() throws {
        let repo = try Self.project()
        // A helper and its only caller.
        try repo.write(
            "fastlib/text.py",
            """
            def _lower_words(words):
                return [word.strip().lower() for word in words]


            def normalize(words):
                return " ".join(_lower_words(words))

            """)
        let helper = try Self.commit(repo, "perf: normalize through a list comprehension")
        #expect(helper.status == 0, "\(helper.stderr)")

        // A rename with its call sites.
        try repo.write("fastlib/core.py", Self.core.replacingOccurrences(of: "def dedupe(", with: "def unique("))
        try repo.write("fastlib/cli.py", "from .core import unique, parse_all\n\n\ndef main(argv):\n    print(unique(argv), parse_all(argv))\n")
        let rename = try Self.commit(repo, "perf: rename dedupe to unique and update its callers")
        #expect(rename.status == 0, "\(rename.stderr)")

        // A signature change with its callers.
        try repo.write(
            "fastlib/core.py",
            try repo.read("fastlib/core.py")
                .replacingOccurrences(of: "def parse(data):\n    return data.split(\",\")", with: "def parse(data, sep=\",\"):\n    return data.split(sep, 64)")
                .replacingOccurrences(of: "return [parse(c) for c in chunks]", with: "return [parse(c, \";\") for c in chunks]"))
        let signature = try Self.commit(repo, "perf: parse with a split limit")
        #expect(signature.status == 0, "\(signature.stderr)")

        // A function with its test and (new) benchmark.
        try repo.write("fastlib/words.py", Self.fastWords)
        try repo.write("tests/test_fastlib.py", try repo.read("tests/test_fastlib.py") + "\n\ndef test_empty():\n    assert count_words('') == {}\n")
        try repo.write(
            "benchmarks/bench_words.py",
            "from fastlib.words import count_words\n\n\ndef test_count_words(benchmark):\n    benchmark(count_words, 'a b ' * 1000)\n")
        let withTests = try Self.commit(repo, "perf: count words with a Counter")
        #expect(withTests.status == 0, "\(withTests.stderr)")

        #expect(try Self.oneChange(repo, "HEAD~4..HEAD") == ["pass", "pass", "pass", "pass"])
        let reasons = ((try RulesTests.check(repo, "HEAD").json["commits"] as? [[String: Any]])?.first?["rules"] as? [String: [String: String]])
        #expect(reasons?["one-change"]?["reason"] == "one change: {count_words}")
        #expect(reasons?["baseline"]?["status"] == "pass", "a benchmark the change adds redefines nothing the baseline measured")
    }

    // MARK: one baseline rule

    /// The hook and `check` share the baseline rule: an optimization that edits an existing benchmark
    /// definition is refused by the one and failed by the other, for the same reason.
    @Test func editingABenchmarkInTheOptimizationFailsTheBaselineRuleInBoth() throws {
        let repo = try Self.project()
        try repo.write("benchmarks/bench_words.py", "def test_words(benchmark):\n    benchmark(len, 'a')\n")
        try repo.commit("bench: a words benchmark")
        try RulesTests.record(repo, "HEAD", median: 0.010, seed: 12, baseline: true)
        try repo.write("fastlib/words.py", Self.fastWords)
        try repo.write("benchmarks/bench_words.py", "def test_words(benchmark):\n    benchmark(len, 'a b')\n")
        let refused = try Self.commit(repo, "perf: count words with a Counter")
        #expect(refused.status != 0)
        let reason = "benchmark definitions changed since the baseline"
        #expect(refused.stderr.contains(reason) && refused.stderr.contains("(benchmarks/bench_words.py)"), "\(refused.stderr)")
        try repo.git("commit", "-q", "--no-verify", "-m", "perf: count words with a Counter")
        let baseline = ((try RulesTests.check(repo, "HEAD").json["commits"] as? [[String: Any]])?.first?["rules"] as? [String: [String: String]])?["baseline"]
        #expect(baseline?["status"] == "fail")
        #expect(baseline?["reason"]?.contains(reason) == true && refused.stderr.contains(baseline?["reason"] ?? "-"), "\(String(describing: baseline))")
    }
}
