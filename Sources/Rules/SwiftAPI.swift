/// Swift's public API read from source: `public`/`open` declarations (func, var, let, init, subscript,
/// class, struct, enum, protocol, actor, typealias, associatedtype, case), qualified with their
/// enclosing types. Members of a public protocol, members of a `public extension` and the cases of a
/// public enum are public without saying so. Attributes, initial values and bodies are left out;
/// whitespace is normalised, so reformatting is not an API change.
public enum SwiftAPI {
    public static func surface(files: [(path: String, text: String)]) -> APISurface {
        var entries = Set<String>()
        for file in files { SwiftAPIScanner(text: file.text).collect(into: &entries) }
        return APISurface(entries: entries)
    }
}

private struct SwiftAPIScanner {
    enum Kind { case word, punct, newline }
    struct Token { var kind: Kind; var text: String }

    let tokens: [Token]

    init(text: String) {
        tokens = SwiftAPIScanner.tokenize(Array(text.utf8))
    }

    /// `SourceLexer`'s tokens as words, punctuation and line breaks, with comments dropped and every
    /// string literal (interpolations and all) replaced by `""`.
    static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var lexer = SourceLexer(bytes: bytes, language: .swift)
        var out: [Token] = []
        while let token = lexer.next() {
            guard !token.nested else { continue }
            if token.newlineBefore { out.append(Token(kind: .newline, text: "\n")) }
            let text = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
            switch token.kind {
            case .string: out.append(Token(kind: .word, text: "\"\""))
            case .identifier, .number: out.append(Token(kind: .word, text: text))
            case .punctuation: out.append(Token(kind: .punct, text: text))
            }
        }
        return out
    }

    static let modifiers: Set<String> = [
        "public", "open", "internal", "private", "fileprivate", "package", "static", "class", "final", "override",
        "mutating", "nonmutating", "convenience", "required", "lazy", "weak", "unowned", "dynamic", "indirect",
        "nonisolated", "consuming", "borrowing", "distributed", "prefix", "postfix", "infix", "optional",
    ]
    static let keywords: Set<String> = [
        "func", "var", "let", "init", "deinit", "subscript", "class", "struct", "enum", "protocol", "actor",
        "typealias", "associatedtype", "case", "extension",
    ]

    struct Container {
        var name: String?  // nil: a body whose contents are not API
        var isPublic: Bool
        var membersPublic: Bool
        var isEnum: Bool
    }

    func collect(into entries: inout Set<String>) {
        var stack: [Container] = []
        var atStatementStart = true
        var pendingContainer: Container?
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .newline || token.text == ";" {
                if token.text == ";" { pendingContainer = nil }
                atStatementStart = true
                i += 1
                continue
            }
            if token.text == "{" {
                stack.append(pendingContainer ?? Container(name: nil, isPublic: false, membersPublic: false, isEnum: false))
                pendingContainer = nil
                atStatementStart = true
                i += 1
                continue
            }
            if token.text == "}" {
                _ = stack.popLast()
                pendingContainer = nil
                atStatementStart = true
                i += 1
                continue
            }
            if atStatementStart, stack.last.map({ $0.name != nil }) ?? true, let declaration = parseDeclaration(at: i, container: stack.last) {
                entries.formUnion(declaration.entries)
                pendingContainer = declaration.container
                i = declaration.end
                atStatementStart = false
                continue
            }
            atStatementStart = false
            i += 1
        }
    }

    struct Declaration {
        var entries: [String]
        var container: Container?
        var end: Int
    }

    func parseDeclaration(at start: Int, container: Container?) -> Declaration? {
        var i = start
        // Attributes: @name, @name(...).
        while i < tokens.count, tokens[i].text == "@" {
            i += 2
            if i < tokens.count, tokens[i].text == "(" { i = skipGroup(from: i) }
            while i < tokens.count, tokens[i].kind == .newline { i += 1 }
        }
        var access: String?
        var words: [String] = []
        while i < tokens.count, Self.modifiers.contains(tokens[i].text) {
            if tokens[i].text == "class", i + 1 < tokens.count,
                !Self.modifiers.contains(tokens[i + 1].text) && !["func", "var", "let", "subscript"].contains(tokens[i + 1].text)
            {
                break
            }
            let word = tokens[i].text
            if ["public", "open", "internal", "private", "fileprivate", "package"].contains(word) {
                if i + 1 < tokens.count, tokens[i + 1].text == "(" {  // private(set): the setter only
                    i = skipGroup(from: i + 1)
                    continue
                }
                access = word
            }
            words.append(word)
            i += 1
        }
        guard i < tokens.count, Self.keywords.contains(tokens[i].text) else { return nil }
        let keyword = tokens[i].text
        let qualifier = container?.name.map { $0 + "." } ?? ""
        let isPublic: Bool
        if let access {
            isPublic = access == "public" || access == "open"
        } else {
            isPublic = container?.membersPublic ?? false || (keyword == "case" && (container?.isEnum ?? false) && (container?.isPublic ?? false))
        }
        let containerIsPublic = container.map { $0.isPublic } ?? true

        // The declaration's own tokens: up to its body, its initial value, or the end of the line.
        var end = i + 1
        var depth = 0
        while end < tokens.count {
            let text = tokens[end].text
            if text == "(" || text == "[" { depth += 1 }
            if text == ")" || text == "]" { depth -= 1 }
            if depth <= 0 && (text == "{" || text == "}" || text == ";" || tokens[end].kind == .newline) { break }
            if depth <= 0 && text == "=" && (keyword == "var" || keyword == "let" || keyword == "case") { break }
            end += 1
        }
        let name = i + 1 < end ? tokens[i + 1].text : keyword
        let visible = isPublic && containerIsPublic

        switch keyword {
        case "extension":
            let extended = tokens[(i + 1)..<end].prefix { $0.text != ":" && $0.text != "where" && $0.text != "<" }.map(\.text).joined()
            return Declaration(
                entries: [], container: Container(name: extended, isPublic: true, membersPublic: access == "public" || access == "open", isEnum: false),
                end: end)
        case "class", "struct", "enum", "protocol", "actor":
            let entry = visible ? [render(words + [keyword], qualifier + name, Array(tokens[(i + 2)..<max(i + 2, end)]))] : []
            let child = Container(name: qualifier + name, isPublic: visible, membersPublic: keyword == "protocol" && visible, isEnum: keyword == "enum")
            return Declaration(entries: entry, container: child, end: end)
        case "init", "deinit", "subscript":
            let entry = visible ? [render(words + [], qualifier + keyword, Array(tokens[(i + 1)..<end]))] : []
            return Declaration(entries: entry, container: Container(name: nil, isPublic: false, membersPublic: false, isEnum: false), end: end)
        case "case":
            guard visible else { return Declaration(entries: [], container: nil, end: end) }
            var entries: [String] = []
            var part: [Token] = []
            var level = 0
            for token in tokens[(i + 1)..<end] {
                if token.text == "(" { level += 1 }
                if token.text == ")" { level -= 1 }
                if token.text == "," && level == 0 {
                    if let first = part.first { entries.append(render(["case"], qualifier + first.text, Array(part.dropFirst()))) }
                    part = []
                } else {
                    part.append(token)
                }
            }
            if let first = part.first { entries.append(render(["case"], qualifier + first.text, Array(part.dropFirst()))) }
            return Declaration(entries: entries, container: nil, end: end)
        default:  // func, var, let, typealias, associatedtype
            let entry = visible && i + 1 < end ? [render(words + [keyword], qualifier + name, Array(tokens[(i + 2)..<end]))] : []
            let body = keyword == "func" || keyword == "var" ? Container(name: nil, isPublic: false, membersPublic: false, isEnum: false) : nil
            return Declaration(entries: entry, container: body, end: end)
        }
    }

    func skipGroup(from open: Int) -> Int {
        var depth = 0
        var i = open
        while i < tokens.count {
            if tokens[i].text == "(" { depth += 1 }
            if tokens[i].text == ")" { depth -= 1; if depth == 0 { return i + 1 } }
            i += 1
        }
        return i
    }

    /// "public static func Cache.get(_ key: Key) -> Int?": words, the qualified name, then the rest
    /// with spaces only where Swift needs them.
    func render(_ words: [String], _ name: String, _ rest: [Token]) -> String {
        var text = (words + [name]).joined(separator: " ")
        var previous = name
        for token in rest where token.kind != .newline {
            let t = token.text
            let tight =
                [",", ")", "]", ":", ".", "?", "!", ">", "(", "<"].contains(t) && !(t == "(" && previous == ",")
                || ["(", "[", ".", "<", "@"].contains(previous)
            let spaced = t == "->" || previous == "->" || previous == "," || previous == ":" || t == "="
            text += (spaced || !tight) ? " " + t : t
            previous = t
        }
        return text
    }
}
