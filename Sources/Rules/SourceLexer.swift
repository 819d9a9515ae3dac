/// One token of source text; its text is `bytes[start..<end]`.
struct SourceToken {
    enum Kind: UInt8 { case identifier, number, punctuation, string }
    var kind: Kind
    var start: Int
    var end: Int
    var line: Int
    /// A line break (outside comments and literals) came between the previous token and this one.
    var newlineBefore = false
    /// Inside a string interpolation (`\(…)` in Swift, `${…}` in JavaScript).
    var nested = false
}

/// The one tokenizer of Swift, C, C++, Go, Rust, JavaScript and TypeScript source, behind both the
/// symbol scanner (`BraceSymbolScanner`) and Swift's API surface (`SwiftAPI`). It steps over comments
/// (nested ones in Swift and Rust), strings with their interpolations, character literals, template
/// literals, regex literals, raw strings and preprocessor lines, and returns the tokens in between.
/// A string is one token up to its first interpolation; the interpolation's tokens follow, `nested`,
/// and the rest of the string after it is skipped.
struct SourceLexer {
    let bytes: [UInt8]
    let language: SourceLanguage
    /// The line the lexer is on: after the last token, the text's last line.
    private(set) var line = 1
    private var i = 0
    private var onlySpaceSinceNewline = true
    private var newlineSince = false
    private var interpolations: [Interpolation] = []
    private var lastToken: SourceToken?
    private let text: LexedText

    /// A string whose scanning was interrupted by an interpolation (`${` in JS, `\(` in Swift) and
    /// resumes when the matching close delimiter comes.
    fileprivate struct Interpolation {
        var template: Bool  // JS template literal, else Swift string
        var hashes: Int
        var multiline: Bool
        var depth: Int
    }

    init(bytes: [UInt8], language: SourceLanguage) {
        self.bytes = bytes
        self.language = language
        text = LexedText(bytes: bytes, language: language)
    }

    private var cFamily: Bool { language == .c || language == .cpp }
    private var jsFamily: Bool { language == .javascript || language == .typescript }

    private mutating func token(_ kind: SourceToken.Kind, _ start: Int, _ end: Int, line: Int, nested: Bool) -> SourceToken {
        let token = SourceToken(kind: kind, start: start, end: end, line: line, newlineBefore: newlineSince, nested: nested)
        newlineSince = false
        lastToken = token
        return token
    }

    /// The next token, or nil at the end of the text.
    mutating func next() -> SourceToken? {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == 0x0A {  // \n
                line += 1
                i += 1
                onlySpaceSinceNewline = true
                newlineSince = true
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0C || c == 0x0B {
                i += 1
                continue
            }
            let atLineStart = onlySpaceSinceNewline
            onlySpaceSinceNewline = false
            let next: UInt8 = i + 1 < n ? bytes[i + 1] : 0

            // Comments.
            if c == UInt8(ascii: "/") && next == UInt8(ascii: "/") {
                while i < n && bytes[i] != 0x0A { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                i = text.skipBlockComment(from: i, line: &line)
                continue
            }
            // C preprocessor lines, with backslash continuations.
            if cFamily && c == UInt8(ascii: "#") && atLineStart {
                while i < n && bytes[i] != 0x0A {
                    if bytes[i] == UInt8(ascii: "\\") && i + 1 < n && bytes[i + 1] == 0x0A {
                        line += 1
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "\\") && i + 2 < n && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A {
                        line += 1
                        i += 2
                    }
                    i += 1
                }
                continue
            }
            let tokenLine = line
            let nested = !interpolations.isEmpty

            // Strings and character literals.
            if c == UInt8(ascii: "\"") || (language == .swift && c == UInt8(ascii: "#") && (next == UInt8(ascii: "\"") || next == UInt8(ascii: "#"))) {
                let start = i
                if language == .swift {
                    var hashes = 0
                    while i < n && bytes[i] == UInt8(ascii: "#") {
                        hashes += 1
                        i += 1
                    }
                    guard i < n, bytes[i] == UInt8(ascii: "\"") else {
                        i = start + 1
                        return token(.punctuation, start, start + 1, line: tokenLine, nested: nested)
                    }
                    let multiline = i + 2 < n && bytes[i + 1] == UInt8(ascii: "\"") && bytes[i + 2] == UInt8(ascii: "\"")
                    i += multiline ? 3 : 1
                    let state = Interpolation(template: false, hashes: hashes, multiline: multiline, depth: 0)
                    if text.scanSwiftString(&i, &line, state) { interpolations.append(state) }
                } else {
                    i = text.skipQuoted(from: i + 1, quote: c, line: &line, stopAtNewline: false)
                }
                return token(.string, start, i, line: tokenLine, nested: nested)
            }
            if c == UInt8(ascii: "'") {
                let start = i
                switch language {
                case .javascript, .typescript, .c, .cpp, .go:
                    i = text.skipQuoted(from: i + 1, quote: c, line: &line, stopAtNewline: true)
                case .rust:
                    i = text.skipRustQuote(from: i)
                default:
                    i += 1
                }
                return token(.string, start, i, line: tokenLine, nested: nested)
            }
            if c == UInt8(ascii: "`") {
                let start = i
                switch language {
                case .go:
                    i += 1
                    while i < n && bytes[i] != UInt8(ascii: "`") {
                        if bytes[i] == 0x0A { line += 1 }
                        i += 1
                    }
                    i = min(n, i + 1)
                    return token(.string, start, i, line: tokenLine, nested: nested)
                case .javascript, .typescript:
                    i += 1
                    if text.scanTemplate(&i, &line) { interpolations.append(Interpolation(template: true, hashes: 0, multiline: true, depth: 0)) }
                    return token(.string, start, i, line: tokenLine, nested: nested)
                case .swift:
                    // `escaped` identifier
                    i += 1
                    let nameStart = i
                    while i < n && bytes[i] != UInt8(ascii: "`") && bytes[i] != 0x0A { i += 1 }
                    let nameEnd = i
                    if i < n && bytes[i] == UInt8(ascii: "`") { i += 1 }
                    return token(.identifier, nameStart, nameEnd, line: tokenLine, nested: nested)
                default:
                    i += 1
                    continue
                }
            }
            // Regex literals, where a value may start (so `/` is not division).
            if jsFamily && c == UInt8(ascii: "/") && text.regexMayStart(after: lastToken), let end = text.skipRegex(from: i) {
                let start = i
                i = end
                return token(.string, start, end, line: tokenLine, nested: nested)
            }
            // Numbers (C++14 digit separators included).
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                let start = i
                i += 1
                while i < n {
                    let d = bytes[i]
                    if text.isIdentifierByte(d) || d == UInt8(ascii: ".") || (language == .cpp && d == UInt8(ascii: "'")) {
                        i += 1
                    } else if d == UInt8(ascii: "+") || d == UInt8(ascii: "-"), let p = Optional(bytes[i - 1]),
                        p == UInt8(ascii: "e") || p == UInt8(ascii: "E") || p == UInt8(ascii: "p") || p == UInt8(ascii: "P")
                    {
                        i += 1
                    } else {
                        break
                    }
                }
                return token(.number, start, i, line: tokenLine, nested: nested)
            }
            // Identifiers (and raw-string prefixes).
            if text.isIdentifierStart(c) {
                let start = i
                i += 1
                while i < n && text.isIdentifierByte(bytes[i]) { i += 1 }
                if i < n, let end = text.rawStringEnd(prefixStart: start, prefixEnd: i, line: &line) {
                    i = end
                    return token(.string, start, end, line: tokenLine, nested: nested)
                }
                return token(.identifier, start, i, line: tokenLine, nested: nested)
            }

            // Punctuation, and the end of an interpolation (the string resumes after it).
            if !interpolations.isEmpty {
                let last = interpolations.count - 1
                let opens = interpolations[last].template ? UInt8(ascii: "{") : UInt8(ascii: "(")
                let closes = interpolations[last].template ? UInt8(ascii: "}") : UInt8(ascii: ")")
                if c == opens {
                    interpolations[last].depth += 1
                } else if c == closes {
                    if interpolations[last].depth == 0 {
                        let state = interpolations.removeLast()
                        i += 1
                        let start = i
                        let again = state.template ? text.scanTemplate(&i, &line) : text.scanSwiftString(&i, &line, state)
                        if again { interpolations.append(state) }
                        // The rest of the string is part of the token the string began.
                        lastToken = SourceToken(kind: .string, start: start, end: i, line: tokenLine)
                        newlineSince = false
                        continue
                    }
                    interpolations[last].depth -= 1
                }
            }
            let start = i
            i += 1
            if (c == UInt8(ascii: ":") && next == UInt8(ascii: ":")) || (c == UInt8(ascii: "-") && next == UInt8(ascii: ">"))
                || (c == UInt8(ascii: "=") && next == UInt8(ascii: ">"))
            {
                i += 1
            }
            return token(.punctuation, start, i, line: tokenLine, nested: nested)
        }
        return nil
    }
}

/// The text being lexed, and the steps over its literals and comments (apart from the lexer's own
/// state, so that they can move its position in place).
private struct LexedText {
    let bytes: [UInt8]
    let language: SourceLanguage

    @inline(__always) func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c >= 0x80
    }

    @inline(__always) func isIdentifierByte(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    func skipBlockComment(from start: Int, line: inout Int) -> Int {
        let nests = language == .swift || language == .rust
        var depth = 0
        var i = start
        let n = bytes.count
        while i < n {
            if bytes[i] == UInt8(ascii: "/") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "*") {
                if depth == 0 || nests { depth += 1 }
                i += 2
            } else if bytes[i] == UInt8(ascii: "*") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }
        return n
    }

    /// Steps past a quoted literal whose opening quote is just before `start`; backslash escapes.
    func skipQuoted(from start: Int, quote: UInt8, line: inout Int, stopAtNewline: Bool) -> Int {
        var i = start
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                if i + 1 < n && bytes[i + 1] == 0x0A { line += 1 }
                i += 2
                continue
            }
            if c == quote { return i + 1 }
            if c == 0x0A {
                if stopAtNewline { return i }
                line += 1
            }
            i += 1
        }
        return n
    }

    /// Rust: `'a'`, `'\n'`, `'\u{1F600}'` are characters; `'a` alone is a lifetime or label.
    func skipRustQuote(from start: Int) -> Int {
        let n = bytes.count
        var i = start + 1
        guard i < n else { return n }
        if bytes[i] == UInt8(ascii: "\\") {
            i += 2
            while i < n && bytes[i] != UInt8(ascii: "'") && bytes[i] != 0x0A { i += 1 }
            return i < n && bytes[i] == UInt8(ascii: "'") ? i + 1 : i
        }
        // One UTF-8 scalar, then a closing quote makes a character literal.
        var scalarEnd = i + 1
        while scalarEnd < n && bytes[scalarEnd] & 0xC0 == 0x80 { scalarEnd += 1 }
        if scalarEnd < n && bytes[scalarEnd] == UInt8(ascii: "'") { return scalarEnd + 1 }
        return start + 1
    }

    /// Scans a JS template literal body from `i`; true when it stopped at `${` (resume after its `}`).
    func scanTemplate(_ i: inout Int, _ line: inout Int) -> Bool {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") { if i + 1 < n && bytes[i + 1] == 0x0A { line += 1 }; i += 2; continue }
            if c == UInt8(ascii: "`") { i += 1; return false }
            if c == UInt8(ascii: "$") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "{") { i += 2; return true }
            if c == 0x0A { line += 1 }
            i += 1
        }
        return false
    }

    /// Scans a Swift string body from `i`; true when it stopped at an interpolation `\(` (resume after
    /// its `)`).
    func scanSwiftString(_ i: inout Int, _ line: inout Int, _ state: SourceLexer.Interpolation) -> Bool {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                var j = i + 1
                var hashes = 0
                while j < n && bytes[j] == UInt8(ascii: "#") && hashes < state.hashes { hashes += 1; j += 1 }
                if hashes == state.hashes {
                    if j < n && bytes[j] == UInt8(ascii: "(") { i = j + 1; return true }
                    if j < n && bytes[j] == 0x0A { line += 1 }
                    i = j + 1
                    continue
                }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\"") {
                let quotes = state.multiline ? 3 : 1
                var j = i
                var count = 0
                while j < n && bytes[j] == UInt8(ascii: "\"") && count < quotes { count += 1; j += 1 }
                if count == quotes {
                    var hashes = 0
                    while j < n && bytes[j] == UInt8(ascii: "#") && hashes < state.hashes { hashes += 1; j += 1 }
                    if hashes == state.hashes { i = j; return false }
                }
                i += 1
                continue
            }
            if c == 0x0A {
                if !state.multiline { return false }  // unterminated: stop at the line's end
                line += 1
            }
            i += 1
        }
        return false
    }

    func regexMayStart(after token: SourceToken?) -> Bool {
        guard let token else { return true }
        switch token.kind {
        case .number, .string: return false
        case .identifier:
            let word = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
            return ["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await", "instanceof"].contains(word)
        case .punctuation:
            let p = bytes[token.start]
            return p != UInt8(ascii: ")") && p != UInt8(ascii: "]") && p != UInt8(ascii: "}")
        }
    }

    /// The end of a regex literal starting at `start`, or nil when the line ends first (then it was a
    /// division after all).
    func skipRegex(from start: Int) -> Int? {
        let n = bytes.count
        var i = start + 1
        var inClass = false
        guard i < n, bytes[i] != UInt8(ascii: "/"), bytes[i] != UInt8(ascii: "*") else { return nil }
        while i < n {
            let c = bytes[i]
            if c == 0x0A { return nil }
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if c == UInt8(ascii: "[") {
                inClass = true
            } else if c == UInt8(ascii: "]") {
                inClass = false
            } else if c == UInt8(ascii: "/") && !inClass {
                i += 1
                while i < n && isIdentifierByte(bytes[i]) { i += 1 }
                return i
            }
            i += 1
        }
        return nil
    }

    /// Rust `r"…"`, `r#"…"#`, `br"…"` and C++ `R"delim(…)delim"` raw strings, given the identifier just
    /// lexed as a possible prefix; returns the end of the literal.
    func rawStringEnd(prefixStart: Int, prefixEnd: Int, line: inout Int) -> Int? {
        let n = bytes.count
        let prefix = bytes[prefixStart..<prefixEnd]
        if language == .rust && (prefix.elementsEqual("r".utf8) || prefix.elementsEqual("br".utf8) || prefix.elementsEqual("cr".utf8)) {
            var i = prefixEnd
            var hashes = 0
            while i < n && bytes[i] == UInt8(ascii: "#") { hashes += 1; i += 1 }
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            while i < n {
                if bytes[i] == 0x0A { line += 1 }
                if bytes[i] == UInt8(ascii: "\"") {
                    var j = i + 1
                    var count = 0
                    while j < n && bytes[j] == UInt8(ascii: "#") && count < hashes { count += 1; j += 1 }
                    if count == hashes { return j }
                }
                i += 1
            }
            return n
        }
        if language == .cpp && bytes[prefixEnd - 1] == UInt8(ascii: "R") && bytes[prefixEnd] == UInt8(ascii: "\"")
            && (prefix.count == 1 || prefix.elementsEqual("u8R".utf8) || prefix.elementsEqual("LR".utf8)
                || prefix.elementsEqual("uR".utf8) || prefix.elementsEqual("UR".utf8))
        {
            var i = prefixEnd + 1
            let delimiterStart = i
            while i < n && bytes[i] != UInt8(ascii: "(") && bytes[i] != 0x0A { i += 1 }
            guard i < n, bytes[i] == UInt8(ascii: "(") else { return nil }
            let closing = [UInt8(ascii: ")")] + Array(bytes[delimiterStart..<i]) + [UInt8(ascii: "\"")]
            i += 1
            while i < n {
                if bytes[i] == 0x0A { line += 1 }
                if bytes[i] == UInt8(ascii: ")") && i + closing.count <= n && bytes[i..<(i + closing.count)].elementsEqual(closing) {
                    return i + closing.count
                }
                i += 1
            }
            return n
        }
        return nil
    }
}
