import Testing

@testable import Rules

@Suite struct RulesGlobTests {
    @Test func starStaysInOneSegment() {
        #expect(Glob.matches("*.md", "README.md"))
        #expect(!Glob.matches("*.md", "docs/README.md"))
        #expect(Glob.matches("src/*.py", "src/a.py"))
        #expect(!Glob.matches("src/*.py", "src/pkg/a.py"))
        #expect(Glob.matches("a?c", "abc") && !Glob.matches("a?c", "a/c"))
    }

    @Test func doubleStarSpansDirectories() {
        #expect(Glob.matches("**/*.md", "README.md"))
        #expect(Glob.matches("**/*.md", "docs/a/b/x.md"))
        #expect(Glob.matches("tests/**", "tests/unit/test_x.py"))
        #expect(!Glob.matches("tests/**", "src/tests.py"))
        #expect(!Glob.matches("tests/**", "testsuite/x.py"))
        #expect(Glob.matches("**/test_*.py", "test_top.py"))
        #expect(Glob.matches("**/test_*.py", "pkg/sub/test_mod.py"))
        #expect(!Glob.matches("**/test_*.py", "pkg/mytest_mod.py"))
        #expect(Glob.matches("src/**/cache.c", "src/cache.c"))
        #expect(Glob.matches("src/**/cache.c", "src/a/b/cache.c"))
        #expect(Glob.matches("a/**b", "a/x/yb"))
    }

    @Test func classesAndLiterals() {
        #expect(Glob.matches("file[0-9].txt", "file7.txt"))
        #expect(!Glob.matches("file[!0-9].txt", "file7.txt"))
        #expect(Glob.matches("file[abc].txt", "fileb.txt"))
        #expect(Glob.matches("[", "["))
        #expect(Glob.matches(".gitlab-ci.yml", "./.gitlab-ci.yml"))
        #expect(Glob.matches("/PERFORMANCE.md", "PERFORMANCE.md"))
        #expect(!Glob.matches("", "x") && Glob.matches("", ""))
    }

    @Test func manyStarsStayFast() {
        // Memoised: this would take forever with naive backtracking.
        let path = String(repeating: "a/", count: 40) + "b"
        #expect(!Glob.matches(String(repeating: "**/", count: 12) + "c", path))
    }
}

@Suite struct RulesOneChangeTests {
    let limits = OneChangeLimits()

    func change(_ path: String, _ symbols: Set<String>, binary: Bool = false) -> FileChange {
        FileChange(path: path, isBinary: binary, addedLines: 5, deletedLines: 2, hunks: 1, oldSymbols: symbols, newSymbols: symbols)
    }

    @Test func focusedChangeWithItsTestIsNotBundled() {
        let message = CommitMessage("perf: cache parsed headers\n\nparse_header was called twice per request.\n")
        let finding = OneChangeRule.evaluate(
            message: message,
            changes: [
                change("mylib/headers.py", ["parse_header", "load", SymbolIndex.topLevel]),
                change("tests/test_headers.py", ["test_cache"]),
                change("PERFORMANCE.md", []),
            ], limits: limits)
        #expect(!finding.bundled)
        #expect(finding.reasons.isEmpty)
        #expect(finding.ignoredFiles == ["PERFORMANCE.md", "tests/test_headers.py"])
        #expect(finding.symbolsByFile == ["mylib/headers.py": ["<top level>", "load", "parse_header"]])
        #expect(finding.fallback == "the changes were not grouped")
    }

    /// Without a grouping (python3 missing), the limits and the wording judge.
    @Test func twoActionsInTwoFilesAreBundledByTheLimits() {
        let message = CommitMessage("perf: cache headers and vectorize checksum")
        let finding = OneChangeRule.evaluate(
            message: message,
            changes: [
                change("headers.py", ["parse_header"]),
                change("checksum.py", ["crc32"]),
            ], limits: limits)
        #expect(finding.bundled)
        #expect(finding.reasons == ["the subject joins 2 actions: perf: cache headers and vectorize checksum"])
        let advice = OneChangeAdvice.lines(finding, moment: .committed("abc1234"))
        #expect(advice.contains("  checksum.py: crc32") && advice.contains("  headers.py: parse_header"))
        #expect(advice.first == "judged by the limits: the changes were not grouped")
    }

    @Test func subjectWording() {
        #expect(OneChangeRule.subjectEvidence("perf: cache parsed headers").isEmpty)
        #expect(OneChangeRule.subjectEvidence("perf: speed up read and write paths").isEmpty)
        #expect(OneChangeRule.subjectEvidence("perf(io): reuse buffers in parse, encode and decode").isEmpty)
        #expect(OneChangeRule.subjectEvidence("perf: make parse and load faster").isEmpty)
        #expect(OneChangeRule.subjectEvidence("perf: inline hash, unroll loop and cache keys").count == 1)
        #expect(OneChangeRule.subjectEvidence("perf: caching headers & vectorized checksum").count == 1)
        #expect(OneChangeRule.subjectEvidence("perf: cache headers; bump numpy").count == 1)
        #expect(OneChangeRule.subjectEvidence("perf: cache headers, also tweak logging").count == 1)
    }

    @Test func bulletListOfChangesInTheBody() {
        let listOfChanges = CommitMessage("perf: speed up import\n\n- Cache compiled regexes\n- Avoid copying the buffer\n")
        #expect(OneChangeRule.evaluate(message: listOfChanges, changes: [change("a/x.py", ["f"])], limits: limits).bundled)
        let listOfResults = CommitMessage("perf: cache compiled regexes\n\nResults:\n- before: 10 ms\n- after: 4 ms\n* cached once\n")
        #expect(!OneChangeRule.evaluate(message: listOfResults, changes: [change("a/x.py", ["f"])], limits: limits).bundled)
        #expect(OneChangeRule.bodyEvidence("1. Add a pool\n2) Reuse buffers") == ["the body is a list of 2 changes"])
    }

    @Test func limitsOnFilesSymbolsAndModules() {
        let message = CommitMessage("perf: shrink hot loop")
        let fiveFiles = (1...5).map { change("pkg/f\($0).py", ["f\($0)"]) }
        let files = OneChangeRule.evaluate(message: message, changes: fiveFiles, limits: limits)
        #expect(files.bundled && files.reasons == ["touches 5 files (limit 4, not counting tests, benchmarks and docs)"])

        let manySymbols = [change("pkg/a.py", Set((1...7).map { "f\($0)" }).union([SymbolIndex.topLevel]))]
        let symbols = OneChangeRule.evaluate(message: message, changes: manySymbols, limits: limits)
        #expect(symbols.reasons == ["touches 7 definitions (limit 6)"])
        let sixSymbols = [change("pkg/a.py", Set((1...6).map { "f\($0)" }).union([SymbolIndex.topLevel]))]
        #expect(!OneChangeRule.evaluate(message: message, changes: sixSymbols, limits: limits).bundled)

        let twoModules = OneChangeRule.evaluate(message: message, changes: [change("parser/a.py", ["f"]), change("net/b.py", ["g"])], limits: limits)
        #expect(twoModules.reasons == ["touches 2 modules: net, parser (limit 1)"])
        let wider = OneChangeLimits(maxModules: 2)
        #expect(!OneChangeRule.evaluate(message: message, changes: [change("parser/a.py", ["f"]), change("net/b.py", ["g"])], limits: wider).bundled)
    }

    @Test func modules() {
        #expect(OneChangeRule.module(of: "setup.py") == ".")
        #expect(OneChangeRule.module(of: "mylib/sub/x.py") == "mylib")
        #expect(OneChangeRule.module(of: "src/mylib/sub/x.py") == "src/mylib")
        #expect(OneChangeRule.module(of: "Sources/PerfJournalCore/Rules/Glob.swift") == "Sources/PerfJournalCore")
        #expect(OneChangeRule.module(of: "internal/cache/lru/lru.go") == "internal/cache/lru")
        #expect(OneChangeRule.module(of: "main.go") == ".")
        let paths = ["include/fastlib/cache.h", "src/cache.c"]
        #expect(OneChangeRule.module(of: "include/fastlib/cache.h", among: paths) == "src")
        let message = CommitMessage("perf: open-address the cache table")
        let finding = OneChangeRule.evaluate(
            message: message, changes: [change(paths[0], ["cache"]), change(paths[1], ["cache_get", "cache_put"])], limits: limits)
        #expect(!finding.bundled)
    }

    @Test func perfScopeAcceptsABroadCommit() {
        let message = CommitMessage("perf: cache headers and vectorize checksum\n\nPerf-Scope: both come from the same profile and cannot be measured apart\n")
        let finding = OneChangeRule.evaluate(message: message, changes: [change("headers.py", ["a"]), change("checksum.py", ["b"])], limits: limits)
        #expect(!finding.bundled)
        #expect(finding.reasons.last == "accepted as one change by Perf-Scope: both come from the same profile and cannot be measured apart")
    }

    @Test func binaryFilesCountAsFilesWithoutSymbols() {
        let message = CommitMessage("perf: precompute lookup tables")
        let changes = [
            change("data/t1.bin", [], binary: true), change("data/t2.bin", [], binary: true),
            change("data/t3.bin", [], binary: true), change("data/gen.py", ["build"]), change("data/t4.bin", [], binary: true),
        ]
        let finding = OneChangeRule.evaluate(message: message, changes: changes, limits: limits)
        #expect(finding.bundled)
        #expect(finding.reasons == ["touches 5 files (limit 4, not counting tests, benchmarks and docs)"])
        #expect(finding.symbolsByFile["data/t1.bin"] == [])
        #expect(OneChangeAdvice.lines(finding, moment: .committed("abc1234")).contains("  data/t1.bin"))
    }
}
