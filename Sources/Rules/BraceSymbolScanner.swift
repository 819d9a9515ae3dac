// swift-format-ignore-file
/// One token of a brace language; text is `bytes[start..<end]`.
struct SourceToken {
    enum Kind: UInt8 { case identifier, number, punctuation, string }
    var kind: Kind
    var start: Int
    var end: Int
    var line: Int
}

/// Finds definitions in Swift, C, C++, Go, Rust, JavaScript and TypeScript in one pass: a tokenizer
/// that steps over strings, character literals, template literals, regex literals, comments and
/// preprocessor lines, and a stack of open braces. At each `{` the tokens since the previous `;`, `{`
/// or `}` (the "header") are classified; a `{` inside parentheses or brackets (closures passed as
/// arguments, destructured parameters, object literals) never opens a definition and keeps the header.
struct BraceSymbolScanner {
    let bytes: [UInt8]
    let language: SourceLanguage

    private struct Frame {
        var inline: Bool
        /// Index into `symbols` when this brace opened a definition.
        var symbol: Int?
        /// The nearest definition at or around this brace, for qualified names.
        var enclosing: Int?
        var headerDepth: Int
    }

    /// A string whose scanning was interrupted by an interpolation (`${` in JS, `\(` in Swift) and
    /// resumes when the matching close delimiter comes.
    private struct Interpolation {
        var template: Bool  // JS template literal, else Swift string
        var hashes: Int
        var multiline: Bool
        var depth: Int
    }

    init(bytes: [UInt8], language: SourceLanguage) {
        self.bytes = bytes
        self.language = language
    }

    private var cFamily: Bool { language == .c || language == .cpp }
    private var jsFamily: Bool { language == .javascript || language == .typescript }

    func scan() -> [Symbol] {
        var symbols: [Symbol] = []
        var frames: [Frame] = []
        var header: [SourceToken] = []
        header.reserveCapacity(64)
        var headerDepth = 0
        var interpolations: [Interpolation] = []
        var lastToken: SourceToken?
        var line = 1
        var onlySpaceSinceNewline = true
        var i = 0
        let n = bytes.count
        let classifier = DeclarationClassifier(bytes: bytes, language: language)

        func append(_ token: SourceToken) {
            header.append(token)
            lastToken = token
        }

        while i < n {
            let c = bytes[i]
            if c == 0x0A {  // \n
                line += 1
                i += 1
                onlySpaceSinceNewline = true
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
                i = skipBlockComment(from: i, line: &line)
                continue
            }
            // C preprocessor lines, with backslash continuations.
            if cFamily && c == UInt8(ascii: "#") && atLineStart {
                while i < n && bytes[i] != 0x0A {
                    if bytes[i] == UInt8(ascii: "\\") && i + 1 < n && bytes[i + 1] == 0x0A { line += 1; i += 1 }
                    else if bytes[i] == UInt8(ascii: "\\") && i + 2 < n && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { line += 1; i += 2 }
                    i += 1
                }
                continue
            }
            let tokenLine = line

            // Strings and character literals.
            if c == UInt8(ascii: "\"") || (language == .swift && c == UInt8(ascii: "#") && (next == UInt8(ascii: "\"") || next == UInt8(ascii: "#"))) {
                let start = i
                if language == .swift {
                    var hashes = 0
                    while i < n && bytes[i] == UInt8(ascii: "#") { hashes += 1; i += 1 }
                    guard i < n, bytes[i] == UInt8(ascii: "\"") else {
                        append(SourceToken(kind: .punctuation, start: start, end: start + 1, line: tokenLine))
                        i = start + 1
                        continue
                    }
                    let multiline = i + 2 < n && bytes[i + 1] == UInt8(ascii: "\"") && bytes[i + 2] == UInt8(ascii: "\"")
                    i += multiline ? 3 : 1
                    var state = Interpolation(template: false, hashes: hashes, multiline: multiline, depth: 0)
                    if scanSwiftString(&i, &line, state) { state.depth = 0; interpolations.append(state) }
                } else {
                    i = skipQuoted(from: i + 1, quote: c, line: &line, stopAtNewline: false)
                }
                append(SourceToken(kind: .string, start: start, end: i, line: tokenLine))
                continue
            }
            if c == UInt8(ascii: "'") {
                let start = i
                switch language {
                case .javascript, .typescript:
                    i = skipQuoted(from: i + 1, quote: c, line: &line, stopAtNewline: true)
                case .c, .cpp, .go:
                    i = skipQuoted(from: i + 1, quote: c, line: &line, stopAtNewline: true)
                case .rust:
                    i = skipRustQuote(from: i)
                default:
                    i += 1
                }
                append(SourceToken(kind: .string, start: start, end: i, line: tokenLine))
                continue
            }
            if c == UInt8(ascii: "`") {
                let start = i
                switch language {
                case .go:
                    i += 1
                    while i < n && bytes[i] != UInt8(ascii: "`") { if bytes[i] == 0x0A { line += 1 }; i += 1 }
                    i = min(n, i + 1)
                    append(SourceToken(kind: .string, start: start, end: i, line: tokenLine))
                case .javascript, .typescript:
                    i += 1
                    if scanTemplate(&i, &line) { interpolations.append(Interpolation(template: true, hashes: 0, multiline: true, depth: 0)) }
                    append(SourceToken(kind: .string, start: start, end: i, line: tokenLine))
                case .swift:
                    // `escaped` identifier
                    i += 1
                    let nameStart = i
                    while i < n && bytes[i] != UInt8(ascii: "`") && bytes[i] != 0x0A { i += 1 }
                    append(SourceToken(kind: .identifier, start: nameStart, end: i, line: tokenLine))
                    if i < n && bytes[i] == UInt8(ascii: "`") { i += 1 }
                default:
                    i += 1
                }
                continue
            }
            // Regex literals, where a value may start (so `/` is not division).
            if jsFamily && c == UInt8(ascii: "/") && regexMayStart(after: lastToken), let end = skipRegex(from: i) {
                append(SourceToken(kind: .string, start: i, end: end, line: tokenLine))
                i = end
                continue
            }
            // Numbers (C++14 digit separators included).
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                let start = i
                i += 1
                while i < n {
                    let d = bytes[i]
                    if isIdentifierByte(d) || d == UInt8(ascii: ".") || (language == .cpp && d == UInt8(ascii: "'")) {
                        i += 1
                    } else if (d == UInt8(ascii: "+") || d == UInt8(ascii: "-")), let p = Optional(bytes[i - 1]),
                              p == UInt8(ascii: "e") || p == UInt8(ascii: "E") || p == UInt8(ascii: "p") || p == UInt8(ascii: "P") {
                        i += 1
                    } else {
                        break
                    }
                }
                append(SourceToken(kind: .number, start: start, end: i, line: tokenLine))
                continue
            }
            // Identifiers (and raw-string prefixes).
            if isIdentifierStart(c) {
                let start = i
                i += 1
                while i < n && isIdentifierByte(bytes[i]) { i += 1 }
                if i < n, let end = rawStringEnd(prefixStart: start, prefixEnd: i, line: &line) {
                    append(SourceToken(kind: .string, start: start, end: end, line: tokenLine))
                    i = end
                    continue
                }
                append(SourceToken(kind: .identifier, start: start, end: i, line: tokenLine))
                continue
            }

            // Punctuation, braces and interpolation ends.
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
                        let again = state.template ? scanTemplate(&i, &line) : scanSwiftString(&i, &line, state)
                        if again { interpolations.append(state) }
                        lastToken = SourceToken(kind: .string, start: start, end: i, line: tokenLine)
                        continue
                    }
                    interpolations[last].depth -= 1
                }
            }
            switch c {
            case UInt8(ascii: "{"):
                let enclosing = frames.last?.enclosing
                if headerDepth > 0 || classifier.continuesExpression(header) {
                    frames.append(Frame(inline: true, symbol: nil, enclosing: enclosing, headerDepth: headerDepth))
                } else {
                    let outerKind = enclosing.map { symbols[$0].kind }
                    if let found = classifier.classify(header, enclosingKind: outerKind) {
                        let qualified = enclosing.map { symbols[$0].name + "." + found.name } ?? found.name
                        symbols.append(Symbol(name: qualified, kind: found.kind, startLine: found.line, endLine: tokenLine))
                        frames.append(Frame(inline: false, symbol: symbols.count - 1, enclosing: symbols.count - 1, headerDepth: 0))
                    } else {
                        frames.append(Frame(inline: false, symbol: nil, enclosing: enclosing, headerDepth: 0))
                    }
                    header.removeAll(keepingCapacity: true)
                    headerDepth = 0
                }
                lastToken = SourceToken(kind: .punctuation, start: i, end: i + 1, line: tokenLine)
                i += 1
            case UInt8(ascii: "}"):
                if let frame = frames.popLast() {
                    if let symbol = frame.symbol { symbols[symbol].endLine = tokenLine }
                    if frame.inline {
                        headerDepth = frame.headerDepth
                    } else {
                        header.removeAll(keepingCapacity: true)
                        headerDepth = 0
                    }
                }
                lastToken = SourceToken(kind: .punctuation, start: i, end: i + 1, line: tokenLine)
                i += 1
            case UInt8(ascii: ";"):
                if headerDepth == 0 { header.removeAll(keepingCapacity: true) }
                else { append(SourceToken(kind: .punctuation, start: i, end: i + 1, line: tokenLine)) }
                lastToken = SourceToken(kind: .punctuation, start: i, end: i + 1, line: tokenLine)
                i += 1
            default:
                var end = i + 1
                if (c == UInt8(ascii: ":") && next == UInt8(ascii: ":")) || (c == UInt8(ascii: "-") && next == UInt8(ascii: ">"))
                    || (c == UInt8(ascii: "=") && next == UInt8(ascii: ">")) {
                    end = i + 2
                }
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") { headerDepth += 1 }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { headerDepth = max(0, headerDepth - 1) }
                append(SourceToken(kind: .punctuation, start: i, end: end, line: tokenLine))
                i = end
            }
        }
        // Definitions left open at the end of the text run to its last line.
        for frame in frames { if let symbol = frame.symbol { symbols[symbol].endLine = line } }
        return symbols
    }

    // MARK: - Lexing helpers

    @inline(__always) private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c >= 0x80
    }

    @inline(__always) private func isIdentifierByte(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private func skipBlockComment(from start: Int, line: inout Int) -> Int {
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
    private func skipQuoted(from start: Int, quote: UInt8, line: inout Int, stopAtNewline: Bool) -> Int {
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
    private func skipRustQuote(from start: Int) -> Int {
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
    private func scanTemplate(_ i: inout Int, _ line: inout Int) -> Bool {
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
    private func scanSwiftString(_ i: inout Int, _ line: inout Int, _ state: Interpolation) -> Bool {
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

    private func regexMayStart(after token: SourceToken?) -> Bool {
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
    private func skipRegex(from start: Int) -> Int? {
        let n = bytes.count
        var i = start + 1
        var inClass = false
        guard i < n, bytes[i] != UInt8(ascii: "/"), bytes[i] != UInt8(ascii: "*") else { return nil }
        while i < n {
            let c = bytes[i]
            if c == 0x0A { return nil }
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if c == UInt8(ascii: "[") { inClass = true }
            else if c == UInt8(ascii: "]") { inClass = false }
            else if c == UInt8(ascii: "/") && !inClass {
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
    private func rawStringEnd(prefixStart: Int, prefixEnd: Int, line: inout Int) -> Int? {
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
                || prefix.elementsEqual("uR".utf8) || prefix.elementsEqual("UR".utf8)) {
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
