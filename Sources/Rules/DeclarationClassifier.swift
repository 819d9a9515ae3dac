/// Decides whether the tokens before a `{` declare something, per language, and names it.
/// Heuristic by design: it recognises the common definition forms listed in each method and
/// otherwise says "not a definition" (the brace is then an anonymous block).
struct DeclarationClassifier {
    let bytes: [UInt8]
    let language: SourceLanguage

    struct Found {
        var name: String
        var kind: String
        var line: Int
    }

    func classify(_ header: [SourceToken], enclosingKind: String?) -> Found? {
        guard !header.isEmpty else { return nil }
        let depth = depths(header)
        switch language {
        case .swift: return swift(header, depth)
        case .go: return go(header, depth)
        case .rust: return rust(header, depth)
        case .c, .cpp: return cFamily(header, depth, insideFunction: enclosingKind == "function")
        case .javascript, .typescript: return javaScript(header, depth)
        case .python: return nil
        }
    }

    /// C++ constructor initializer lists (`Foo() : a{x}, b{y} {`): those braces initialise members.
    func continuesExpression(_ header: [SourceToken]) -> Bool {
        guard language == .cpp, let last = header.last, last.kind == .identifier || isPunct(last, ">") else { return false }
        let depth = depths(header)
        var sawClose = false
        for (index, token) in header.enumerated() where depth[index] == 0 {
            if isPunct(token, ")") { sawClose = true }
            if sawClose && isPunct(token, ":") { return true }
        }
        return false
    }

    // MARK: - Token helpers

    func text(_ token: SourceToken) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    func isWord(_ token: SourceToken, _ word: String) -> Bool {
        token.kind == .identifier && token.end - token.start == word.utf8.count && bytes[token.start..<token.end].elementsEqual(word.utf8)
    }

    func isPunct(_ token: SourceToken, _ punct: String) -> Bool {
        token.kind == .punctuation && token.end - token.start == punct.utf8.count && bytes[token.start..<token.end].elementsEqual(punct.utf8)
    }

    /// Bracket depth of each token: an opener and its closer sit at the outer depth.
    func depths(_ header: [SourceToken]) -> [Int] {
        var result = [Int](repeating: 0, count: header.count)
        var depth = 0
        for (index, token) in header.enumerated() {
            if token.kind == .punctuation {
                let c = bytes[token.start]
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { depth = max(0, depth - 1) }
                result[index] = depth
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") { depth += 1 }
            } else {
                result[index] = depth
            }
        }
        return result
    }

    func matchingOpen(_ header: [SourceToken], _ close: Int) -> Int? {
        var level = 0
        var index = close
        while index >= 0 {
            let token = header[index]
            if isPunct(token, ")") || isPunct(token, "]") { level += 1 }
            if isPunct(token, "(") || isPunct(token, "[") {
                level -= 1
                if level == 0 { return index }
            }
            index -= 1
        }
        return nil
    }

    func matchingClose(_ header: [SourceToken], _ open: Int) -> Int? {
        var level = 0
        for index in open..<header.count {
            let token = header[index]
            if isPunct(token, "(") || isPunct(token, "[") { level += 1 }
            if isPunct(token, ")") || isPunct(token, "]") {
                level -= 1
                if level == 0 { return index }
            }
        }
        return nil
    }

    /// Steps left over a `<...>` ending at `close`; returns the index before the `<`.
    func skipAngleBackwards(_ header: [SourceToken], _ close: Int) -> Int {
        var level = 0
        var index = close
        while index >= 0 {
            if isPunct(header[index], ">") { level += 1 }
            if isPunct(header[index], "<") {
                level -= 1
                if level == 0 { return index - 1 }
            }
            index -= 1
        }
        return -1
    }

    /// Steps right over a `<...>` starting at `open`; returns the index after the `>`.
    func skipAngleForwards(_ header: [SourceToken], _ open: Int) -> Int {
        var level = 0
        var index = open
        while index < header.count {
            if isPunct(header[index], "<") { level += 1 }
            if isPunct(header[index], ">") {
                level -= 1
                if level == 0 { return index + 1 }
            }
            index += 1
        }
        return header.count
    }

    /// "A.B.C" from identifiers joined by `.` or `::` starting at `start`.
    func dottedName(_ header: [SourceToken], from start: Int) -> String? {
        var parts: [String] = []
        var index = start
        while index < header.count, header[index].kind == .identifier {
            parts.append(text(header[index]))
            if index + 2 < header.count, isPunct(header[index + 1], ".") || isPunct(header[index + 1], "::") {
                index += 2
            } else {
                break
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ".")
    }

    private func lastKeyword(_ header: [SourceToken], _ depth: [Int], in words: Set<String>) -> Int? {
        var index = header.count - 1
        while index >= 0 {
            if depth[index] == 0, header[index].kind == .identifier, words.contains(text(header[index])),
                !(index > 0 && isPunct(header[index - 1], "."))
            {
                return index
            }
            index -= 1
        }
        return nil
    }

    // MARK: - Swift: func, init, deinit, subscript, class/struct/enum/extension/protocol/actor, computed var

    private static let swiftKeywords: Set<String> = ["func", "init", "deinit", "subscript", "class", "struct", "enum", "extension", "protocol", "actor", "var"]

    private func swift(_ header: [SourceToken], _ depth: [Int]) -> Found? {
        // Swift statements end at newlines, so earlier statements may sit in the header: the last
        // declaration keyword is the one that owns this brace.
        var end = header.count
        while let k = lastKeyword(Array(header[0..<end]), Array(depth[0..<end]), in: Self.swiftKeywords) {
            let keyword = text(header[k])
            let line = header[k].line
            switch keyword {
            case "func":
                var parts: [String] = []
                var index = k + 1
                while index < header.count, !isPunct(header[index], "("), !isPunct(header[index], "<") || parts.isEmpty {
                    parts.append(text(header[index]))
                    index += 1
                }
                return parts.isEmpty ? nil : Found(name: parts.joined(), kind: "function", line: line)
            case "init", "deinit", "subscript":
                return Found(name: keyword, kind: "function", line: line)
            case "var":
                if header[(k + 1)...].enumerated().contains(where: { depth[k + 1 + $0.offset] == 0 && isPunct($0.element, "=") }) { return nil }
                guard k + 1 < header.count, header[k + 1].kind == .identifier else { return nil }
                return Found(name: text(header[k + 1]), kind: "property", line: line)
            default:
                if let name = dottedName(header, from: k + 1) {
                    return Found(name: name, kind: keyword == "extension" ? "extension" : "type", line: line)
                }
                end = k  // `protocol P: class {`: the keyword was a constraint; look further left
            }
        }
        return nil
    }

    // MARK: - Go: func Name(, func (r *T) Name(, type X struct/interface

    private func go(_ header: [SourceToken], _ depth: [Int]) -> Found? {
        guard let k = lastKeyword(header, depth, in: ["func", "type"]) else { return nil }
        let line = header[k].line
        if isWord(header[k], "type") {
            guard k + 1 < header.count, header[k + 1].kind == .identifier else { return nil }
            return Found(name: text(header[k + 1]), kind: "type", line: line)
        }
        guard k + 1 < header.count else { return nil }
        if header[k + 1].kind == .identifier {
            return Found(name: text(header[k + 1]), kind: "function", line: line)
        }
        // A receiver, then the method name followed by its parameters (else a function literal).
        guard isPunct(header[k + 1], "("), let close = matchingClose(header, k + 1), close + 2 < header.count,
            header[close + 1].kind == .identifier,
            isPunct(header[close + 2], "(") || isPunct(header[close + 2], "[")
        else { return nil }
        let receiverDepth = depth[k + 1] + 1
        let receiver = (k + 2..<close).last { depth[$0] == receiverDepth && header[$0].kind == .identifier }
        let method = text(header[close + 1])
        return Found(name: receiver.map { text(header[$0]) + "." + method } ?? method, kind: "function", line: line)
    }

    // MARK: - Rust: fn, impl X, impl Trait for X, trait, mod, struct, enum, union

    private func rust(_ header: [SourceToken], _ depth: [Int]) -> Found? {
        let keywords: Set<String> = ["fn", "impl", "trait", "mod", "struct", "enum", "union"]
        guard let k = header.indices.first(where: { depth[$0] == 0 && header[$0].kind == .identifier && keywords.contains(text(header[$0])) }) else {
            return nil
        }
        let line = header[0].line
        let keyword = text(header[k])
        switch keyword {
        case "impl":
            var index = k + 1
            if index < header.count, isPunct(header[index], "<") { index = skipAngleForwards(header, index) }
            // `impl Trait for Type`: the type is after `for` (outside generic arguments).
            var level = 0
            var scan = index
            while scan < header.count {
                if isPunct(header[scan], "<") { level += 1 }
                if isPunct(header[scan], ">") { level -= 1 }
                if level == 0, depth[scan] == 0, isWord(header[scan], "for") { index = scan + 1; break }
                scan += 1
            }
            while index < header.count, isPunct(header[index], "&") || isWord(header[index], "dyn") || isWord(header[index], "mut") { index += 1 }
            var last: String?
            while index < header.count, header[index].kind == .identifier {
                last = text(header[index])
                guard index + 2 < header.count, isPunct(header[index + 1], "::") else { break }
                index += 2
            }
            return last.map { Found(name: $0, kind: "extension", line: line) }
        default:
            guard k + 1 < header.count, header[k + 1].kind == .identifier else { return nil }
            let kind = keyword == "fn" ? "function" : keyword == "mod" ? "namespace" : "type"
            return Found(name: text(header[k + 1]), kind: kind, line: line)
        }
    }

    // MARK: - C and C++: namespace, class/struct/union/enum, `type name(args) {`, `Class::method(args) {`

    private static let notFunctionNames: Set<String> = [
        "if", "for", "while", "switch", "catch", "return", "sizeof", "do", "else", "try", "alignas", "alignof",
        "decltype", "static_assert", "__attribute__", "__declspec", "noexcept", "throw", "defined", "typeof",
        "__typeof__", "_Alignas", "_Static_assert", "requires", "new", "delete",
    ]

    private func cFamily(_ header: [SourceToken], _ depth: [Int], insideFunction: Bool) -> Found? {
        var start = 0
        while start < header.count, isWord(header[start], "template"), start + 1 < header.count, isPunct(header[start + 1], "<") {
            start = skipAngleForwards(header, start + 1)
        }
        guard start < header.count else { return nil }
        let line = header[start].line
        if let k = (start..<header.count).first(where: { depth[$0] == 0 && isWord(header[$0], "namespace") }) {
            return dottedName(header, from: k + 1).map { Found(name: $0, kind: "namespace", line: line) }
        }
        if let k = (start..<header.count).first(where: {
            depth[$0] == 0 && (isWord(header[$0], "class") || isWord(header[$0], "struct") || isWord(header[$0], "union") || isWord(header[$0], "enum"))
        }) {
            var index = k + 1
            while index < header.count, isWord(header[index], "class") || isWord(header[index], "struct") { index += 1 }
            while index < header.count, isPunct(header[index], "[") || isWord(header[index], "alignas") || isWord(header[index], "__attribute__") {
                // attributes: step over their bracketed argument
                let open = isPunct(header[index], "[") ? index : index + 1
                guard open < header.count, let close = matchingClose(header, open) else { break }
                index = close + 1
            }
            var nameEnd = index
            var parts: [String] = []
            while nameEnd < header.count, header[nameEnd].kind == .identifier {
                parts.append(text(header[nameEnd]))
                if nameEnd + 2 < header.count, isPunct(header[nameEnd + 1], "::") { nameEnd += 2 } else { nameEnd += 1; break }
            }
            if nameEnd < header.count, isWord(header[nameEnd], "final") { nameEnd += 1 }
            if !parts.isEmpty && (nameEnd == header.count || isPunct(header[nameEnd], ":") || isPunct(header[nameEnd], "<")) {
                return Found(name: parts.joined(separator: "."), kind: "type", line: line)
            }
        }
        // C and C++ have no nested functions; inside one, braces are blocks and lambdas.
        guard !insideFunction else { return nil }
        for open in start..<header.count where depth[open] == 0 && isPunct(header[open], "(") {
            guard let close = matchingClose(header, open) else { return nil }
            var nameEnd = open - 1
            if nameEnd >= start, isPunct(header[nameEnd], ">") { nameEnd = skipAngleBackwards(header, nameEnd) }
            guard nameEnd >= start else { continue }
            var name: String
            var index = nameEnd
            if header[nameEnd].kind == .identifier {
                if Self.notFunctionNames.contains(text(header[nameEnd])) { continue }
                name = text(header[nameEnd])
                if nameEnd > start, isPunct(header[nameEnd - 1], "~") { name = "~" + name; index -= 1 }
            } else if let op = (max(start, nameEnd - 3)...nameEnd).first(where: { isWord(header[$0], "operator") }) {
                name = (op...nameEnd).map { text(header[$0]) }.joined()
                index = op
            } else {
                continue
            }
            if name == "operator" && isPunct(header[open], "(") && close + 1 < header.count && isPunct(header[close + 1], "(") {
                continue  // `operator()(args)`: handled when the loop reaches the second group
            }
            // Qualifiers: `A::B::name`, `Foo<T>::name`.
            while index - 2 >= start, isPunct(header[index - 1], "::") {
                var qualifier = index - 2
                if isPunct(header[qualifier], ">") { qualifier = skipAngleBackwards(header, qualifier) }
                guard qualifier >= start, header[qualifier].kind == .identifier else { break }
                name = text(header[qualifier]) + "." + name
                index = qualifier
            }
            // What precedes the name must look like a return type, not an expression.
            let before = header[start..<index]
            if before.contains(where: { isPunct($0, "=") || isPunct($0, ".") || isPunct($0, "->") || isWord($0, "return") || isPunct($0, ",") }) { return nil }
            // After the parameters only qualifiers, a trailing return type or an initializer list.
            if header[(close + 1)...].contains(where: { isPunct($0, "=") }) && !header[(close + 1)...].contains(where: { isPunct($0, ":") }) { return nil }
            return Found(name: name, kind: "function", line: line)
        }
        return nil
    }

    // MARK: - JavaScript and TypeScript: function, class, methods, arrow functions bound to a name

    private static let jsNotMethodNames: Set<String> = [
        "if", "for", "while", "switch", "catch", "with", "return", "function", "typeof", "await", "new", "super",
        "else", "do", "try", "finally", "yield", "void", "delete", "in", "of", "instanceof",
    ]

    private func javaScript(_ header: [SourceToken], _ depth: [Int]) -> Found? {
        let last = header.count - 1
        if isPunct(header[last], "=>") {
            var j = last - 1
            // `(x): T =>`: step back over the return type to the parameter list.
            if let close = (0..<last).last(where: { depth[$0] == 0 && isPunct(header[$0], ")") }),
                close + 1 < last, isPunct(header[close + 1], ":")
            {
                j = close
            }
            guard j >= 0 else { return nil }
            if isPunct(header[j], ")") {
                guard let open = matchingOpen(header, j) else { return nil }
                j = open - 1
            } else if header[j].kind == .identifier {
                j -= 1
            } else {
                return nil
            }
            if j >= 0, isPunct(header[j], ">") { j = skipAngleBackwards(header, j) }
            if j >= 0, isWord(header[j], "async") { j -= 1 }
            guard j >= 0, let name = boundName(header, depth, assignment: j) else { return nil }
            return Found(name: name, kind: "function", line: header[j].line)
        }
        if let k = lastKeyword(header, depth, in: ["function"]) {
            var index = k + 1
            if index < header.count, isPunct(header[index], "*") { index += 1 }
            if index < header.count, header[index].kind == .identifier {
                return Found(name: text(header[index]), kind: "function", line: header[k].line)
            }
            var before = k - 1
            if before >= 0, isWord(header[before], "async") { before -= 1 }
            if before >= 0, isWord(header[before], "default") { return Found(name: "default", kind: "function", line: header[k].line) }
            guard before >= 0, let name = boundName(header, depth, assignment: before) else { return nil }
            return Found(name: name, kind: "function", line: header[k].line)
        }
        var typeWords: Set<String> = ["class"]
        if language == .typescript { typeWords.formUnion(["interface", "enum", "namespace", "module", "type"]) }
        if let k = lastKeyword(header, depth, in: typeWords) {
            let keyword = text(header[k])
            let kind = keyword == "namespace" || keyword == "module" ? "namespace" : "type"
            if k + 1 < header.count, header[k + 1].kind == .identifier, !isWord(header[k + 1], "extends"), !isWord(header[k + 1], "implements") {
                return Found(name: dottedName(header, from: k + 1) ?? text(header[k + 1]), kind: kind, line: header[k].line)
            }
            if keyword == "class" {
                if k > 0, isWord(header[k - 1], "default") { return Found(name: "default", kind: kind, line: header[k].line) }
                if k > 0, let name = boundName(header, depth, assignment: k - 1) { return Found(name: name, kind: kind, line: header[k].line) }
            }
            return nil
        }
        // A method: `name(args) {` or `name<T>(args): Type {`, the last parameter list in the header.
        guard let close = (0...last).last(where: { depth[$0] == 0 && isPunct(header[$0], ")") }) else { return nil }
        if close < last {
            guard isPunct(header[close + 1], ":"),
                !header[(close + 1)...].contains(where: { isPunct($0, "=") || isPunct($0, "=>") })
            else { return nil }
        }
        guard let open = matchingOpen(header, close) else { return nil }
        var nameIndex = open - 1
        if nameIndex >= 0, isPunct(header[nameIndex], ">") { nameIndex = skipAngleBackwards(header, nameIndex) }
        guard nameIndex >= 0, header[nameIndex].kind == .identifier,
            !Self.jsNotMethodNames.contains(text(header[nameIndex])),
            !(nameIndex > 0 && (isPunct(header[nameIndex - 1], ".") || isPunct(header[nameIndex - 1], "=")))
        else { return nil }
        var name = text(header[nameIndex])
        if nameIndex > 0, isPunct(header[nameIndex - 1], "#") { name = "#" + name }
        return Found(name: name, kind: "function", line: header[nameIndex].line)
    }

    /// The name a function expression is bound to, given the index of the `=` or `:` before it:
    /// `const f = `, `let f: Handler = `, `this.f = `, `f: ` in an object literal, a class field `f = `.
    private func boundName(_ header: [SourceToken], _ depth: [Int], assignment: Int) -> String? {
        guard assignment >= 0 else { return nil }
        let token = header[assignment]
        if isPunct(token, ":") {
            guard assignment > 0, header[assignment - 1].kind == .identifier || header[assignment - 1].kind == .string else { return nil }
            return text(header[assignment - 1]).filter { $0 != "\"" && $0 != "'" }
        }
        guard isPunct(token, "=") else { return nil }
        // `const f: Type = `: the declared name follows the last const/let/var.
        if let declaration = (0..<assignment).last(where: {
            depth[$0] == 0 && (isWord(header[$0], "const") || isWord(header[$0], "let") || isWord(header[$0], "var"))
        }),
            declaration + 1 < assignment, header[declaration + 1].kind == .identifier
        {
            return text(header[declaration + 1])
        }
        guard assignment > 0, header[assignment - 1].kind == .identifier else { return nil }
        return text(header[assignment - 1])
    }
}
