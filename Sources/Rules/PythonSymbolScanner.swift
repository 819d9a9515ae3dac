/// Finds `def`, `async def` and `class` blocks in Python by indentation, in one pass over the lines,
/// stepping over strings (triple-quoted ones span lines), comments, bracketed and backslash
/// continuations. A definition starts at its first decorator and ends at its last code line.
struct PythonSymbolScanner {
    let bytes: [UInt8]

    private struct Open {
        var indent: Int
        var symbol: Int
    }

    func scan() -> [Symbol] {
        var symbols: [Symbol] = []
        var stack: [Open] = []
        let n = bytes.count
        var i = 0
        var line = 0
        var lastCodeLine = 0
        var bracketDepth = 0
        var openString: (quote: UInt8, triple: Bool)?  // a string still open at the end of a line
        var backslashContinues = false
        var decoratorStart: Int?

        while i < n {
            line += 1
            let lineStart = i
            var lineEnd = i
            while lineEnd < n && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { i = lineEnd + 1 }

            let continuation = openString != nil || bracketDepth > 0 || backslashContinues
            backslashContinues = false
            var j = lineStart
            if !continuation {
                var indent = 0
                while j < lineEnd, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0C || bytes[j] == 0x0D {
                    indent = bytes[j] == 0x09 ? (indent / 8 + 1) * 8 : indent + 1
                    j += 1
                }
                if j == lineEnd || bytes[j] == UInt8(ascii: "#") { continue }  // blank or comment-only
                while let top = stack.last, top.indent >= indent {
                    symbols[top.symbol].endLine = lastCodeLine
                    stack.removeLast()
                }
                if bytes[j] == UInt8(ascii: "@") {
                    if decoratorStart == nil { decoratorStart = line }
                } else {
                    if let (name, kind) = definition(at: j, end: lineEnd) {
                        let qualified = stack.last.map { symbols[$0.symbol].name + "." + name } ?? name
                        symbols.append(Symbol(name: qualified, kind: kind, startLine: decoratorStart ?? line, endLine: line))
                        stack.append(Open(indent: indent, symbol: symbols.count - 1))
                    }
                    decoratorStart = nil
                }
            }
            lastCodeLine = line
            // Track strings, brackets and comments to know whether the next line continues this one.
            while j < lineEnd {
                let c = bytes[j]
                if let string = openString {
                    if c == UInt8(ascii: "\\") { j += 2; continue }
                    if c == string.quote {
                        if !string.triple {
                            openString = nil
                        } else if j + 2 < lineEnd, bytes[j + 1] == c, bytes[j + 2] == c {
                            openString = nil; j += 3; continue
                        }
                    }
                    j += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "#"):
                    j = lineEnd
                    continue
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    let triple = j + 2 < n && bytes[j + 1] == c && bytes[j + 2] == c
                    openString = (c, triple)
                    j += triple ? 3 : 1
                    continue
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                    bracketDepth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    bracketDepth = max(0, bracketDepth - 1)
                case UInt8(ascii: "\\"):
                    if j + 1 >= lineEnd || (j + 2 == lineEnd && bytes[j + 1] == 0x0D) { backslashContinues = true }
                default:
                    break
                }
                j += 1
            }
            // A single-quoted string cannot span lines unless escaped at the line end.
            if let string = openString, !string.triple {
                let escaped = lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\\")
                if !escaped { openString = nil }
            }
        }
        for open in stack { symbols[open.symbol].endLine = lastCodeLine }
        return symbols
    }

    /// "name" and kind when the logical line starting at `start` is `def`, `async def` or `class`.
    private func definition(at start: Int, end: Int) -> (String, String)? {
        var j = start
        func word(_ w: String) -> Bool {
            let count = w.utf8.count
            guard j + count < end, bytes[j..<(j + count)].elementsEqual(w.utf8),
                bytes[j + count] == 0x20 || bytes[j + count] == 0x09
            else { return false }
            j += count
            while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            return true
        }
        let kind: String
        if word("def") {
            kind = "function"
        } else if word("async") && word("def") {
            kind = "function"
        } else if word("class") {
            kind = "type"
        } else {
            return nil
        }
        let nameStart = j
        while j < end,
            bytes[j] == UInt8(ascii: "_") || (bytes[j] | 0x20 >= UInt8(ascii: "a") && bytes[j] | 0x20 <= UInt8(ascii: "z"))
                || (bytes[j] >= UInt8(ascii: "0") && bytes[j] <= UInt8(ascii: "9")) || bytes[j] >= 0x80
        { j += 1 }
        guard j > nameStart else { return nil }
        return (String(decoding: bytes[nameStart..<j], as: UTF8.self), kind)
    }
}
