import Foundation

/// Makes user text (commit subjects and bodies, benchmark names) safe to put into the Markdown the journal
/// templates produce: it can neither break a table, nor start a heading, nor inject HTML. Mustache's own
/// HTML escaping does not protect Markdown (a `|` still splits a table cell), so every user string is
/// escaped here and the templates insert it with `{{{ }}}`.
public enum MarkdownEscape {
    /// For a table cell or a line of text: one line, nothing Markdown or HTML would interpret.
    /// Newlines become spaces (a title) or `<br>` (`lineBreaks: true`, a table cell with several lines).
    public static func inline(_ text: String, lineBreaks: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var pendingNewline = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                pendingNewline = true
                continue
            }
            if pendingNewline {
                pendingNewline = false
                if !out.isEmpty { out += lineBreaks ? "<br>" : " " }
            }
            appendInline(scalar, to: &out)
        }
        return out
    }

    private static func appendInline(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        // Emphasis, code spans, links, strike-through, table cells, and the escape character itself.
        case "\\", "`", "*", "_", "[", "]", "|", "~": out += "\\"; out.unicodeScalars.append(scalar)
        case "\t": out += " "
        default:
            // Other control characters have no business in a document.
            if scalar.value < 0x20 || scalar.value == 0x7F { return }
            out.unicodeScalars.append(scalar)
        }
    }

    /// For a commit body shown as paragraphs: the author's Markdown (lists, emphasis, code) survives,
    /// but raw HTML is shown as text, no line can start a heading or turn a paragraph into one, and a
    /// code fence left open is closed so it cannot swallow the rest of the document.
    public static func block(_ text: String) -> String {
        var lines: [String] = []
        var openFence: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if let fence = openFence {
                lines.append(line)
                if isFence(line, closing: fence) { openFence = nil }
                continue
            }
            if let fence = fenceOpening(line) {
                openFence = fence
                lines.append(line)
                continue
            }
            lines.append(neutralise(line))
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        if let fence = openFence { lines.append(fence) }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        return lines.joined(separator: "\n")
    }

    /// A line outside code: HTML characters as entities, no heading, no setext underline, no table fence.
    private static func neutralise(_ line: String) -> String {
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t": out += "    "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        let trimmed = out.drop { $0 == " " }
        let indent = out.count - trimmed.count
        guard indent < 4, let first = trimmed.first else { return out }
        // "# x" would be a heading; a line of only '=' or '-' would make the paragraph above a heading
        // (or, for '-', a rule); escaping the first character makes either plain text.
        let underline = trimmed.allSatisfy { $0 == first || $0 == " " } && (first == "=" || first == "-")
        if first == "#" || underline {
            return String(repeating: " ", count: indent) + "\\" + trimmed
        }
        return out
    }

    /// "```" or "~~~" (3 or more, up to 3 spaces of indent) starting a fenced code block: its fence.
    private static func fenceOpening(_ line: String) -> String? {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count < 4, let mark = trimmed.first, mark == "`" || mark == "~" else { return nil }
        let run = trimmed.prefix { $0 == mark }
        guard run.count >= 3 else { return nil }
        // A backtick fence's info string may not contain backticks (CommonMark).
        if mark == "`" && trimmed.dropFirst(run.count).contains("`") { return nil }
        return String(run)
    }

    private static func isFence(_ line: String, closing fence: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count < 4, let mark = fence.first else { return false }
        let run = trimmed.prefix { $0 == mark }
        return run.count >= fence.count && trimmed.dropFirst(run.count).allSatisfy { $0 == " " }
    }

    /// Text for a code span: `` `x` `` with enough backticks around it that the content cannot close it.
    public static func code(_ text: String, inTable: Bool = false) -> String {
        let flat = inlineWhitespace(text)
        var longest = 0, current = 0
        for c in flat {
            if c == "`" { current += 1; longest = max(longest, current) } else { current = 0 }
        }
        let ticks = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        // `<` shows as typed in a code span; only a `|` inside a table needs care (GitHub honours `\|` there).
        let body = inTable ? flat.replacingOccurrences(of: "|", with: "\\|") : flat
        return ticks + pad + body + pad + ticks
    }

    private static func inlineWhitespace(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }
                    .filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    /// A label inside a Mermaid string ("…"): no quotes, brackets or newlines that would end it.
    public static func mermaidLabel(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
                    switch scalar {
                    case "\"", "`": return "'"
                    case "\n", "\r", "\t": return " "
                    case "[", "]", "{", "}", ";", "<", ">", "&", "#": return "_"
                    default: return scalar.value < 0x20 || scalar.value == 0x7F ? nil : scalar
                    }
                }))
    }
}
