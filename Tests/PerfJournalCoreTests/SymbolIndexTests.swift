import Testing

@testable import Rules
@testable import Support

/// Each snippet marks lines with `@name` in a comment; the test asks for the innermost definition
/// enclosing each marked line and expects `name` (with "top" meaning outside every definition).
@Suite struct SymbolIndexTests {
    func check(_ source: String, _ language: SourceLanguage, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() {
            guard let at = line.range(of: "@=") else { continue }
            let expected = String(line[at.upperBound...].prefix { !$0.isWhitespace })
            let got = SymbolIndex.enclosingSymbols(lines: [offset + 1], in: source, language: language)
            #expect(got == [expected == "top" ? SymbolIndex.topLevel : expected], "line \(offset + 1): \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test func languagesFromPaths() {
        #expect(SourceLanguage(path: "src/pkg/mod.py") == .python)
        #expect(SourceLanguage(path: "Sources/X/Y.swift") == .swift)
        #expect(SourceLanguage(path: "a/b.cc") == .cpp)
        #expect(SourceLanguage(path: "a/b.h") == .c)
        #expect(SourceLanguage(path: "main.go") == .go)
        #expect(SourceLanguage(path: "lib.rs") == .rust)
        #expect(SourceLanguage(path: "app.mjs") == .javascript)
        #expect(SourceLanguage(path: "app.tsx") == .typescript)
        #expect(SourceLanguage(path: "README.md") == nil)
        #expect(SourceLanguage(path: ".gitignore") == nil)
        #expect(SourceLanguage(path: "Makefile") == nil)
    }

    @Test func python() {
        check(
            #"""
            import os  # @=top

            @decorator  # @=Parser
            class Parser:
                """Doc with def fake(): and a brace {"""  # @=Parser
                def parse(self, text):
                    s = '''  # @=Parser.parse
            def not_a_def():
            '''  # @=Parser.parse
                    x = [1,
            2]  # @=Parser.parse
            # a comment at column 0 inside the method
                    return helper(x)  # @=Parser.parse

                @staticmethod
                async def load(path):  # @=Parser.load
                    def inner():
                        pass  # @=Parser.load.inner
                    return inner  # @=Parser.load

            def helper(x): return x  # @=helper
            value = helper(1)  # @=top
            """#, .python)
    }

    @Test func swift() {
        check(
            #"""
            import Foundation  // @=top
            public struct Cache<Key: Hashable> {
                var store: [Key: Int] = [:]  // @=Cache
                public func get(_ key: Key) -> Int? {
                    let s = "not a brace { \(key) still string }"  // @=Cache.get
                    return store[key].map { value in
                        value + 1  // @=Cache.get
                    }
                }
                init() {
                    /* } nested /* comment } */ */
                    store = [:]  // @=Cache.init
                }
                var count: Int {
                    store.count  // @=Cache.count
                }
                let multi = """
                { unbalanced
                """
                @discardableResult
                mutating func put(_ key: Key) -> Bool {
                    true  // @=Cache.put
                }
            }
            extension Cache where Key == String {
                static func == (lhs: Self, rhs: Self) -> Bool {
                    false  // @=Cache.==
                }
            }
            enum Mode: String { case fast  // @=Mode
            }
            let x = 1  // @=top
            """#, .swift)
    }

    @Test func c() {
        check(
            #"""
            #include <stdio.h>
            #define OPEN {
            static const char *s = "}{";  // @=top
            struct point { int x; };  // @=point
            static struct point *make_point(int x,
                                            int y) {
                char c = '{';  // @=make_point
                if (x) {
                    return 0;  // @=make_point
                }
                return 0;
            }
            int main(void)
            {
                int a[] = {1, 2};  // @=main
                return 0;
            }
            """#, .c)
    }

    @Test func cpp() {
        check(
            #"""
            namespace store {
            class Cache : public Base<int> {
            public:
                int get(int key) const {
                    auto f = [&](int k) { return k + 1; };  // @=store.Cache.get
                    return f(key);
                }
                Cache() : size_{0}, other(1) {
                    size_ = 2;  // @=store.Cache.Cache
                }
                bool operator==(const Cache& o) const { return true; }  // @=store.Cache.operator==
            private:
                int size_;  // @=store.Cache
            };
            int Cache::put(int k, std::string v) {
                auto s = R"x(raw } string)x";  // @=store.Cache.put
                long n = 1'000'000;
                return 0;  // @=store.Cache.put
            }
            template <typename T>
            T Cache::Inner<T>::value() noexcept {
                return T{};  // @=store.Cache.Inner.value
            }
            }  // namespace store
            """#, .cpp)
    }

    @Test func go() {
        check(
            #"""
            package server
            type Server struct {
                name string  // @=Server
            }
            func (s *Server) Handle(w Writer, r *Request) {
                s := `raw { string`  // @=Server.Handle
                go func() {
                    r := '{'  // @=Server.Handle
                }()
            }
            func New[T any](x T) *Server {
                return &Server{}  // @=New
            }
            var x = 1  // @=top
            """#, .go)
    }

    @Test func rust() {
        check(
            #"""
            mod store {
                pub struct Cache<'a> { data: &'a str }  // @=store.Cache
                impl<'a> fmt::Display for Cache<'a> {
                    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        let c = '{';  // @=store.Cache.fmt
                        let s = r#"raw "}" string"#;
                        write!(f, "{}", self.data)  // @=store.Cache.fmt
                    }
                }
                impl<'a> Cache<'a> {
                    pub fn get(&self) -> impl Iterator<Item = u8> + 'a {
                        self.data.bytes()  // @=store.Cache.get
                    }
                }
                trait Store { fn put(&mut self); }  // @=store.Store
            }
            fn main() {
                let v = vec![1];  // @=main
            }
            """#, .rust)
    }

    @Test func javaScript() {
        check(
            #"""
            import { a } from "x";  // @=top
            export default function (req) {
                return `template ${req.map(x => { return x })} }`  // @=default
            }
            class Parser extends Base {
                constructor(opts) {
                    super(opts)  // @=Parser.constructor
                }
                parse(text) {
                    const re = /[}{]/g  // @=Parser.parse
                    if (text) {
                        return re  // @=Parser.parse
                    }
                }
                handle = (e) => {
                    this.x = e  // @=Parser.handle
                }
                async *stream({ a, b }) {
                    yield a  // @=Parser.stream
                }
            }
            const load = async (path) => {
                return fetch(path)  // @=load
            }
            function helper() {
                const cfg = { a: 1 }  // @=helper
            }
            module.exports = { load }  // @=top
            """#, .javascript)
    }

    @Test func typeScript() {
        check(
            #"""
            export interface Options {
                size: number  // @=Options
            }
            export class Store<T> {
                private items: T[] = []  // @=Store
                get<K extends keyof T>(key: K): T[K] | undefined {
                    return undefined  // @=Store.get
                }
            }
            export const compute = (x: number): number => {
                return x * 2  // @=compute
            }
            namespace Util {
                export function twice(x: number): number {
                    return x * 2  // @=Util.twice
                }
            }
            """#, .typescript)
    }

    @Test func symbolsSpanTheirLines() {
        let source = "def a():\n    pass\n\n\nclass B:\n    def c(self):\n        return 1\n"
        let symbols = SymbolIndex.symbols(in: source, language: .python)
        #expect(
            symbols == [
                Symbol(name: "a", kind: "function", startLine: 1, endLine: 2),
                Symbol(name: "B", kind: "type", startLine: 5, endLine: 7),
                Symbol(name: "B.c", kind: "function", startLine: 6, endLine: 7),
            ])
        #expect(SymbolIndex.enclosingSymbols(lines: [1, 3, 6, 7], in: source, language: .python) == ["a", SymbolIndex.topLevel, "B.c"])
        #expect(SymbolIndex.enclosingSymbols(lines: [5], in: source, language: .python) == ["B"])
    }

    @Test func unbalancedInputDoesNotCrash() {
        for language in SourceLanguage.allCases {
            for source in ["}}}{", "\"unterminated", "/* open", "'", "`", "def (", "func", "class {", "r#\"", "R\"x(", "}\n{\n"] {
                _ = SymbolIndex.symbols(in: source, language: language)
                _ = SymbolIndex.enclosingSymbols(lines: [1, 2, 99], in: source, language: language)
            }
        }
    }
}
