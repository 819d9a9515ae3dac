/// Finds definitions in Swift, C, C++, Go, Rust, JavaScript and TypeScript in one pass over the
/// `SourceLexer`'s tokens, with a stack of open braces. At each `{` the tokens since the previous `;`,
/// `{` or `}` (the "header") are classified; a `{` inside parentheses or brackets (closures passed as
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

    func scan() -> [Symbol] {
        var symbols: [Symbol] = []
        var frames: [Frame] = []
        var header: [SourceToken] = []
        header.reserveCapacity(64)
        var headerDepth = 0
        var lexer = SourceLexer(bytes: bytes, language: language)
        let classifier = DeclarationClassifier(bytes: bytes, language: language)

        while let token = lexer.next() {
            guard token.kind == .punctuation else {
                header.append(token)
                continue
            }
            switch bytes[token.start] {
            case UInt8(ascii: "{"):
                let enclosing = frames.last?.enclosing
                if headerDepth > 0 || classifier.continuesExpression(header) {
                    frames.append(Frame(inline: true, symbol: nil, enclosing: enclosing, headerDepth: headerDepth))
                } else {
                    let outerKind = enclosing.map { symbols[$0].kind }
                    if let found = classifier.classify(header, enclosingKind: outerKind) {
                        let qualified = enclosing.map { symbols[$0].name + "." + found.name } ?? found.name
                        symbols.append(Symbol(name: qualified, kind: found.kind, startLine: found.line, endLine: token.line))
                        frames.append(Frame(inline: false, symbol: symbols.count - 1, enclosing: symbols.count - 1, headerDepth: 0))
                    } else {
                        frames.append(Frame(inline: false, symbol: nil, enclosing: enclosing, headerDepth: 0))
                    }
                    header.removeAll(keepingCapacity: true)
                    headerDepth = 0
                }
            case UInt8(ascii: "}"):
                if let frame = frames.popLast() {
                    if let symbol = frame.symbol { symbols[symbol].endLine = token.line }
                    if frame.inline {
                        headerDepth = frame.headerDepth
                    } else {
                        header.removeAll(keepingCapacity: true)
                        headerDepth = 0
                    }
                }
            case UInt8(ascii: ";"):
                if headerDepth == 0 { header.removeAll(keepingCapacity: true) } else { header.append(token) }
            case let c:
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") { headerDepth += 1 }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { headerDepth = max(0, headerDepth - 1) }
                header.append(token)
            }
        }
        // Definitions left open at the end of the text run to its last line.
        for frame in frames { if let symbol = frame.symbol { symbols[symbol].endLine = lexer.line } }
        return symbols
    }
}
