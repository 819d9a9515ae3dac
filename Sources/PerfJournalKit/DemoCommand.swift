// swift-format-ignore-file
import Foundation
import Git
import Journal
import Support
import protocol Support.OutputStream

/// `perfjournal demo [DIR]`: plays a whole small optimization session on a generated Python project
/// with real pytest-benchmark runs: init, baseline, two focused `perf:` commits each measured, then
/// show and status. Commits are made through libgit2, like everything perfjournal does to git.
public enum DemoCommand {
    public static func run(in directory: String, executable: String, output: OutputStream) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory), !((try? fm.contentsOfDirectory(atPath: directory)) ?? []).isEmpty {
            throw PerfJournalError(.usage, file: directory, "demo needs an empty or new directory")
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try checkPytestBenchmark(in: directory)

        func step(_ title: String) { output.line("\n━━ \(title)") }
        func write(_ relative: String, _ text: String) throws {
            let path = directory + "/" + relative
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        step("a project: textstats, with tests and pytest-benchmark benchmarks (\(directory))")
        for (path, text) in DemoProject.files { try write(path, text) }
        let repository = try Repository.create(at: directory)
        try repository.commitAll(message: "Add textstats with tests and benchmarks\n")

        step("perfjournal init")
        try InitCommand.run(at: directory, options: .init(), executable: executable, output: output)
        try repository.commitAll(message: "Add perfjournal config\n")

        step("perfjournal baseline --runs 3   (before touching anything; three runs teach this machine's noise)")
        try BaselineCommand.run(
            at: directory, revision: "HEAD", resultsPath: nil, format: nil, runs: 3, output: output, progress: output)

        for change in DemoProject.optimizations {
            step("edit, then: git commit -m \"\(change.subject)\"")
            try write(DemoProject.modulePath, change.module)
            let commit = try repository.commitAll(message: change.subject + "\n\n" + change.body + "\n")
            output.line("[main \(commit.short)] \(change.subject)")
            step("perfjournal run")
            try RunCommand.run(at: directory, revisions: ["HEAD"], baseline: false, output: output, progress: output)
        }

        step("perfjournal show HEAD")
        try ShowCommand.run(at: directory, revision: "HEAD", json: false, output: output)
        step("perfjournal status")
        try StatusCommand.run(at: directory, json: false, output: output)
        step("perfjournal compare HEAD~2 HEAD   (baseline against the last optimization)")
        try CompareCommand.run(at: directory, before: "HEAD~2", after: "HEAD", options: .init(), output: output, progress: output)
        step("perfjournal log --write   (the progress log, regenerated from history: PERFORMANCE.md)")
        try LogCommand.run(at: directory, options: .init(write: ""), output: output, progress: output)
        output.write((try? String(contentsOfFile: directory + "/PERFORMANCE.md", encoding: .utf8)) ?? "")
        step("perfjournal check   (the rules, commit by commit, as CI runs them)")
        try CheckCommand.run(at: directory, range: "HEAD~2..HEAD", json: false, output: output)
        step("stored as plain git data")
        output.line("cd \(directory) && git notes --ref=perfjournal show HEAD")
        output.line("more: perfjournal pr-summary, perfjournal checklist, perfjournal daemon start")
    }

    static func checkPytestBenchmark(in directory: String) throws {
        let log = directory + "/../.perfjournal-demo-check.log"
        let outcome = try CommandRunner.run(
            "python3 -c 'import pytest_benchmark' && command -v pytest", in: directory, logPath: log, timeout: 60)
        try? FileManager.default.removeItem(atPath: log)
        if outcome.exitStatus != 0 {
            throw PerfJournalError(.commandFailed, "the demo needs pytest and pytest-benchmark on PATH (`make demo` sets up a venv with them)")
        }
    }
}

/// The demo's generated project: a word-statistics module with two deliberate inefficiencies.
enum DemoProject {
    static let modulePath = "textstats/core.py"

    struct Optimization {
        var subject: String
        var body: String
        var module: String
    }

    static let slowModule = """
        \"\"\"Word statistics.\"\"\"


        def unique_words(text):
            \"\"\"Distinct lower-cased words, in order of first appearance.\"\"\"
            seen = []
            for word in text.lower().split():
                if word not in seen:
                    seen.append(word)
            return seen


        def word_frequencies(text):
            \"\"\"How often each word occurs, in order of first appearance.\"\"\"
            words = text.lower().split()
            return {word: words.count(word) for word in unique_words(text)}

        """

    /// The first optimization: the slow module with a set for membership.
    static let setModule = slowModule.replacingOccurrences(of: """
            seen = []
            for word in text.lower().split():
                if word not in seen:
                    seen.append(word)
            return seen
        """, with: """
            seen = set()
            ordered = []
            for word in text.lower().split():
                if word not in seen:
                    seen.add(word)
                    ordered.append(word)
            return ordered
        """)

    /// The second, on top of the first: count once with Counter.
    static let counterModule = setModule
        .replacingOccurrences(of: "\"\"\"Word statistics.\"\"\"\n", with: "\"\"\"Word statistics.\"\"\"\nfrom collections import Counter\n")
        .replacingOccurrences(of: """
                words = text.lower().split()
                return {word: words.count(word) for word in unique_words(text)}
            """, with: """
                return dict(Counter(text.lower().split()))
            """)

    static let optimizations = [
        Optimization(
            subject: "perf: track seen words in a set",
            body: "Membership in a list is linear; a set makes unique_words linear overall.",
            module: setModule),
        Optimization(
            subject: "perf: count word frequencies in one pass",
            body: "list.count per distinct word rescanned the text each time; Counter counts once.",
            module: counterModule),
    ]

    static let files: [(String, String)] = [
        ("pyproject.toml", """
            [project]
            name = "textstats"
            version = "0.1.0"
            requires-python = ">=3.9"

            [project.optional-dependencies]
            dev = ["pytest", "pytest-benchmark"]

            [tool.pytest.ini_options]
            pythonpath = ["."]
            addopts = "--benchmark-min-rounds=15 --benchmark-max-time=0.25"

            """),
        (".gitignore", "__pycache__/\n.pytest_cache/\n.benchmarks/\n.perfjournal-results.json\n"),
        ("textstats/__init__.py", "from .core import unique_words, word_frequencies\n\n__all__ = [\"unique_words\", \"word_frequencies\"]\n"),
        (modulePath, slowModule),
        ("tests/test_core.py", """
            from textstats import unique_words, word_frequencies


            def test_unique_words_keeps_first_appearance_order():
                assert unique_words("b a B c a") == ["b", "a", "c"]


            def test_word_frequencies_counts_case_insensitively():
                assert word_frequencies("b a B c a") == {"b": 2, "a": 2, "c": 1}


            def test_empty_text():
                assert unique_words("") == []
                assert word_frequencies("") == {}

            """),
        ("benchmarks/test_bench.py", """
            import random

            from textstats import unique_words, word_frequencies

            rng = random.Random(42)
            VOCABULARY = ["w%d" % i for i in range(400)]
            TEXT = " ".join(rng.choice(VOCABULARY) for _ in range(4000))


            def test_unique_words(benchmark):
                assert len(benchmark(unique_words, TEXT)) == len(set(TEXT.split()))


            def test_word_frequencies(benchmark):
                assert sum(benchmark(word_frequencies, TEXT).values()) == 4000

            """),
    ]
}
