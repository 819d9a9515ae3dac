/// The languages whose definitions perfjournal can find, by file extension.
public enum SourceLanguage: String, Sendable, CaseIterable {
    case python, swift, c, cpp, go, rust, javascript, typescript

    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "py", "pyi": self = .python
        case "swift": self = .swift
        case "c", "h": self = .c
        case "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "ipp", "inl", "tpp": self = .cpp
        case "go": self = .go
        case "rs": self = .rust
        case "js", "mjs", "cjs", "jsx": self = .javascript
        case "ts", "tsx", "mts", "cts": self = .typescript
        default: return nil
        }
    }
}

/// A definition and the lines it spans, 1-based and inclusive. `name` is qualified with the names of
/// the definitions around it, joined by "." whatever the language writes: "Parser.parse",
/// "Cache.get" for C++ `Cache::get`, "Server.Handle" for Go's `func (s *Server) Handle`,
/// "Foo.fmt" for `fmt` in Rust's `impl Display for Foo`.
public struct Symbol: Hashable, Sendable {
    public var name: String
    /// "function", "type", "extension", "namespace" or "property".
    public var kind: String
    public var startLine: Int
    public var endLine: Int

    public init(name: String, kind: String, startLine: Int, endLine: Int) {
        self.name = name
        self.kind = kind
        self.startLine = startLine
        self.endLine = endLine
    }
}

public enum SymbolIndex {
    /// What a changed line outside every definition is reported as.
    public static let topLevel = "<top level>"

    /// Every definition in the text, ordered by start line, outer before inner. One pass over the text.
    public static func symbols(in text: String, language: SourceLanguage) -> [Symbol] {
        let bytes = Array(text.utf8)
        switch language {
        case .python: return PythonSymbolScanner(bytes: bytes).scan()
        default: return BraceSymbolScanner(bytes: bytes, language: language).scan()
        }
    }

    /// The innermost definition enclosing each changed line (unlike git's hunk header, which names the
    /// nearest definition *above* the line); lines outside every definition give `topLevel`.
    public static func enclosingSymbols(lines: [Int], in text: String, language: SourceLanguage) -> Set<String> {
        enclosingSymbols(lines: lines, symbols: symbols(in: text, language: language))
    }

    /// The same, over symbols already found. Definitions nest, so one sweep over sorted lines with a
    /// stack of open definitions finds each line's innermost one.
    public static func enclosingSymbols(lines: [Int], symbols: [Symbol]) -> Set<String> {
        let ordered = symbols.sorted { ($0.startLine, -$0.endLine) < ($1.startLine, -$1.endLine) }
        var result = Set<String>()
        var open: [Symbol] = []
        var next = 0
        for line in Set(lines).sorted() {
            while next < ordered.count, ordered[next].startLine <= line {
                let symbol = ordered[next]
                while let last = open.last, last.endLine < symbol.startLine { open.removeLast() }
                open.append(symbol)
                next += 1
            }
            while let last = open.last, last.endLine < line { open.removeLast() }
            result.insert(open.last?.name ?? topLevel)
        }
        return result
    }
}
