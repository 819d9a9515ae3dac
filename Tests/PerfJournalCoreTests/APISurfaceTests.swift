import Testing

@testable import Rules

@Suite struct APISurfaceTests {
    func python(_ files: [(String, String)]) throws -> APISurface {
        try #require(try PythonAPI.surface(files: files.map { (path: $0.0, text: $0.1) }))
    }

    static let parser = """
        import os
        from typing import List

        VERSION = "1.0"
        _cache = {}

        def parse(text, strict=False, *, encoding="utf-8"):
            return _helper(text)

        def _helper(text):
            return text

        async def fetch(url, /, timeout=3, *args, **kwargs):
            pass

        class Parser:
            kind: str = "x"
            def __init__(self, source):
                self._source = source
            def feed(self, chunk):
                pass
            def _internal(self):
                pass
            @property
            def size(self):
                return 0
            @staticmethod
            def make(): pass
            class Options:
                verbose = False

        if os.name == "nt":
            def windows_only(): pass
        """

    @Test func pythonSurfaceListsPublicNamesWithSignatures() throws {
        let surface = try python([("src/mylib/parser.py", Self.parser)])
        #expect(
            surface.entries == [
                "mylib.parser.VERSION",
                "mylib.parser.parse(text, strict=False, *, encoding='utf-8')",
                "async mylib.parser.fetch(url, /, timeout=3, *args, **kwargs)",
                "class mylib.parser.Parser",
                "mylib.parser.Parser.kind",
                "mylib.parser.Parser.__init__(self, source)",
                "mylib.parser.Parser.feed(self, chunk)",
                "property mylib.parser.Parser.size",
                "staticmethod mylib.parser.Parser.make()",
                "class mylib.parser.Parser.Options",
                "mylib.parser.Parser.Options.verbose",
                "mylib.parser.windows_only()",
            ])
        #expect(surface.problems.isEmpty)
    }

    @Test func renamingAPublicFunctionIsBreaking() throws {
        let old = try python([("mylib/a.py", "def parse(x):\n    pass\n")])
        let new = try python([("mylib/a.py", "def parse_text(x):\n    pass\n")])
        let diff = APIRule.diff(old: old, new: new)
        #expect(diff.isBreaking)
        #expect(diff.removed == ["mylib.a.parse(x)"])
        #expect(diff.added == ["mylib.a.parse_text(x)"])
    }

    @Test func privateChangesAreNotBreaking() throws {
        let old = try python([("mylib/a.py", "def parse(x):\n    return _h(x)\ndef _h(x):\n    return x\n"), ("mylib/_impl.py", "def fast(): pass\n")])
        let new = try python([
            ("mylib/a.py", "def parse(x):\n    return _h2(x, 1)\ndef _h2(x, y):\n    return x\n"), ("mylib/_impl.py", "def faster(): pass\n"),
        ])
        let diff = APIRule.diff(old: old, new: new)
        #expect(!diff.isBreaking)
        #expect(diff.added.isEmpty)
    }

    @Test func newRequiredParameterIsBreakingButAnOptionalOneAddsOnly() throws {
        let old = try python([("m.py", "def f(a, b=1):\n    pass\n")])
        let required = APIRule.diff(old: old, new: try python([("m.py", "def f(a, c, b=1):\n    pass\n")]))
        #expect(required.isBreaking && required.removed == ["m.f(a, b=1)"] && required.added == ["m.f(a, c, b=1)"])
        // An added optional parameter still changes the entry: the rule cannot tell compatible
        // signature changes apart, so any change counts (documented with an API-Change trailer).
        let optional = APIRule.diff(old: old, new: try python([("m.py", "def f(a, b=1, c=2):\n    pass\n")]))
        #expect(optional.isBreaking)
        let addedFunction = APIRule.diff(old: old, new: try python([("m.py", "def f(a, b=1):\n    pass\ndef g(): pass\n")]))
        #expect(!addedFunction.isBreaking && addedFunction.added == ["m.g()"])
    }

    @Test func dunderAllDecidesModuleNames() throws {
        let source = """
            from ._impl import fast_sum
            __all__ = ["parse", "fast_sum"]
            __all__ += ["Parser"]
            def parse(x): pass
            def helper(x): pass
            class Parser:
                def run(self): pass
            """
        let surface = try python([("mylib/__init__.py", source)])
        #expect(surface.entries == ["mylib.parse(x)", "mylib.fast_sum", "class mylib.Parser", "mylib.Parser.run(self)"])
    }

    @Test func syntaxErrorsAreSkippedAndReported() throws {
        let surface = try python([("mylib/bad.py", "def f(:\n"), ("mylib/good.py", "def g(): pass\n")])
        #expect(surface.entries == ["mylib.good.g()"])
        #expect(surface.problems.count == 1)
        #expect(surface.problems.first?.hasPrefix("mylib/bad.py:1: ") == true)
    }

    @Test func missingPythonGivesNil() throws {
        #expect(try PythonAPI.surface(files: [(path: "m.py", text: "x = 1")], python: "/nonexistent/python3") == nil)
    }

    @Test func moduleNames() {
        #expect(PythonAPI.moduleName("src/pkg/mod.py") == "pkg.mod")
        #expect(PythonAPI.moduleName("pkg/__init__.py") == "pkg")
        #expect(PythonAPI.moduleName("pkg/_private/x.py") == "")
        #expect(PythonAPI.moduleName("stubs.pyi") == "stubs")
    }

    static let cache = """
        import Foundation

        /// A cache.
        public struct Cache<Key: Hashable> {
            public var count: Int { storage.count }
            public private(set) var hits = 0
            var storage: [Key: Int] = [:]
            internal func reset() {}
            private func evict() {}
            public init(capacity: Int) {
                func local() {}
            }
            @discardableResult
            public mutating func get(_ key: Key,
                                     default value: Int = 0) -> Int? {
                let s = "public func fake() {"
                return nil
            }
            public enum Policy: String { case lru, fifo = "f"
                case random(seed: Int)
            }
        }

        public protocol Store {
            func load() throws -> Data
            var name: String { get }
        }

        public extension Cache {
            func peek(_ key: Key) -> Int? { nil }
            private func secret() {}
        }

        struct Internal {
            public func notVisible() {}
        }
        public typealias Table = [String: Int]
        func helper() {}
        open class Base { open func hook() {} }
        """

    @Test func swiftSurfaceListsPublicDeclarations() {
        let surface = SwiftAPI.surface(files: [(path: "Sources/Lib/Cache.swift", text: Self.cache)])
        #expect(
            surface.entries == [
                "public struct Cache<Key: Hashable>",
                "public var Cache.count: Int",
                "public var Cache.hits",
                "public Cache.init(capacity: Int)",
                "public mutating func Cache.get(_ key: Key, default value: Int = 0) -> Int?",
                "public enum Cache.Policy: String",
                "case Cache.Policy.lru",
                "case Cache.Policy.fifo",
                "case Cache.Policy.random(seed: Int)",
                "public protocol Store",
                "func Store.load() throws -> Data",
                "var Store.name: String",
                "func Cache.peek(_ key: Key) -> Int?",
                "public typealias Table = [String: Int]",
                "open class Base",
                "open func Base.hook()",
            ])
    }

    @Test func swiftRenameIsBreakingAndInternalChangesAreNot() {
        let old = SwiftAPI.surface(files: [(path: "A.swift", text: "public func parse(_ s: String) -> Int { 0 }\nfunc helper() {}\n")])
        let renamed = SwiftAPI.surface(files: [(path: "A.swift", text: "public func parseText(_ s: String) -> Int { 0 }\nfunc helper() {}\n")])
        let internalChange = SwiftAPI.surface(files: [
            (path: "A.swift", text: "public  func parse(_ s:String)->Int {\n  1\n}\ninternal func helper2(x: Int) {}\n")
        ])
        #expect(APIRule.diff(old: old, new: renamed).isBreaking)
        #expect(APIRule.diff(old: old, new: renamed).removed == ["public func parse(_ s: String) -> Int"])
        #expect(APIRule.diff(old: old, new: internalChange) == APIDiff(removed: [], added: []))
    }

    @Test func documentedByTrailerOrChangelog() {
        let plain = CommitMessage("perf: faster parse")
        #expect(!APIRule.isDocumented(message: plain, changedPaths: ["src/a.py"], changelog: "CHANGELOG.md"))
        #expect(APIRule.isDocumented(message: plain, changedPaths: ["src/a.py", "./CHANGELOG.md"], changelog: "CHANGELOG.md"))
        #expect(APIRule.isDocumented(message: CommitMessage("perf: x\n\nAPI-Change: parse() takes bytes"), changedPaths: [], changelog: "CHANGELOG.md"))
        #expect(!APIRule.isDocumented(message: plain, changedPaths: ["docs/CHANGELOG.md"], changelog: "CHANGELOG.md"))
    }
}
