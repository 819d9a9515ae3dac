/// One `Key: value` line of a commit message's trailer block, continuation lines unfolded.
public struct Trailer: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A commit message as the commit-msg hook sees it, cleaned the way `git commit` (cleanup=strip)
/// would clean it, split into subject, body and trailers by git's own trailer rules.
public struct CommitMessage: Sendable, Equatable {
    /// The first paragraph, its lines joined with a space (git's `%s`).
    public var subject: String
    /// Everything between the subject and the trailer block.
    public var body: String
    public var trailers: [Trailer]

    public init(_ raw: String) {
        let lines = CommitMessage.cleanedLines(raw)
        // The first paragraph is the title and never holds trailers (trailer.c: end_of_title).
        var titleEnd = 0
        while titleEnd < lines.count, !lines[titleEnd].isEmpty { titleEnd += 1 }
        subject = lines[0..<titleEnd].joined(separator: " ")
        let blockStart = CommitMessage.trailerBlockStart(lines, titleEnd: titleEnd)
        let bodyLines = titleEnd < blockStart ? Array(lines[titleEnd..<blockStart]) : []
        body = CommitMessage.trimBlankLines(bodyLines).joined(separator: "\n")
        trailers = CommitMessage.parseTrailers(blockStart < lines.count ? Array(lines[blockStart...]) : [])
    }

    /// The value of the last trailer with this key, compared case-insensitively (as git does).
    public func trailer(_ key: String) -> String? {
        let wanted = key.lowercased()
        return trailers.last { $0.key.lowercased() == wanted }?.value
    }

    /// "perf" for "perf: x", "perf(scope): x" and "perf!: x"; nil when the subject is not conventional.
    public var conventionalType: String? { CommitMessage.conventionalPrefix(subject)?.type }

    /// Declared an optimization: conventional type `perf` or a `Perf-Change` trailer.
    public var isOptimization: Bool { conventionalType == "perf" || trailer("Perf-Change") != nil }

    /// What the change is called in the journal.
    public var title: String {
        if let change = trailer("Perf-Change"), !change.isEmpty { return change }
        guard let prefix = CommitMessage.conventionalPrefix(subject) else { return subject }
        return String(subject.dropFirst(prefix.length)).rulesTrimmed()
    }

    // MARK: - Cleanup (git's strbuf_stripspace with comments, plus the scissors line of `commit -v`)

    static func cleanedLines(_ raw: String) -> [String] {
        var out: [String] = []
        var pendingBlank = false
        // "\r\n" is one Character in Swift, so it must be named as a separator of its own.
        for rawLine in raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.hasPrefix("#") {
                // `git commit -v` puts the diff below this line and git drops everything after it.
                if line.hasPrefix("# ") && line.contains(">8") && line.contains("------------------------") { break }
                continue
            }
            let trimmed = String(line).rulesTrimmedTrailing()
            if trimmed.isEmpty {
                pendingBlank = !out.isEmpty
                continue
            }
            if pendingBlank { out.append("") }
            pendingBlank = false
            out.append(trimmed)
        }
        return out
    }

    static func trimBlankLines(_ lines: [String]) -> [String] {
        var slice = lines[...]
        while slice.first?.isEmpty == true { slice = slice.dropFirst() }
        while slice.last?.isEmpty == true { slice = slice.dropLast() }
        return Array(slice)
    }

    // MARK: - Trailer block (git's trailer.c find_trailer_block_start, scanning upwards)

    /// Prefixes git itself writes; one of them lets a block with non-trailer lines still count.
    static let gitGeneratedPrefixes = ["Signed-off-by: ", "(cherry picked from commit "]

    /// Index of the first line of the trailer block, or `lines.count` when there is none. The block is
    /// the last paragraph; it counts when all its lines are trailers (or continuations), or when it holds
    /// a git-generated trailer and trailers make up at least 25% of it.
    static func trailerBlockStart(_ lines: [String], titleEnd: Int) -> Int {
        var onlySpaces = true
        var recognizedPrefix = false
        var trailerLines = 0
        var nonTrailerLines = 0
        var possibleContinuationLines = 0
        var index = lines.count - 1
        while index >= titleEnd {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                if onlySpaces { index -= 1; continue }
                nonTrailerLines += possibleContinuationLines
                if recognizedPrefix && trailerLines * 3 >= nonTrailerLines { return index + 1 }
                if trailerLines > 0 && nonTrailerLines == 0 { return index + 1 }
                return lines.count
            }
            onlySpaces = false
            if gitGeneratedPrefixes.contains(where: { line.hasPrefix($0) }) {
                trailerLines += 1
                possibleContinuationLines = 0
                recognizedPrefix = true
            } else if let separator = separatorIndex(line), separator >= 1, !(line.first?.isWhitespace ?? true) {
                trailerLines += 1
                possibleContinuationLines = 0
            } else if line.first?.isWhitespace == true {
                possibleContinuationLines += 1
            } else {
                nonTrailerLines += 1 + possibleContinuationLines
                possibleContinuationLines = 0
            }
            index -= 1
        }
        return lines.count
    }

    /// Offset of the ':' ending a trailer key (trailer.c find_separator): the key is letters, digits
    /// and '-', optionally followed by blanks. Nil when the line does not start like a trailer.
    static func separatorIndex(_ line: String) -> Int? {
        var whitespaceFound = false
        for (offset, c) in line.unicodeScalars.enumerated() {
            if c == ":" { return offset }
            if !whitespaceFound && (("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-") {
                continue
            }
            if offset != 0 && (c == " " || c == "\t") {
                whitespaceFound = true
                continue
            }
            return nil
        }
        return nil
    }

    static func parseTrailers(_ block: [String]) -> [Trailer] {
        var result: [Trailer] = []
        var lastIsTrailer = false
        for line in block {
            if line.first?.isWhitespace == true {
                if lastIsTrailer, let last = result.indices.last {
                    let more = line.rulesTrimmed()
                    result[last].value = result[last].value.isEmpty ? more : result[last].value + " " + more
                }
                continue
            }
            guard let separator = separatorIndex(line), separator >= 1 else {
                lastIsTrailer = false
                continue
            }
            let scalars = line.unicodeScalars
            let colon = scalars.index(scalars.startIndex, offsetBy: separator)
            let key = String(scalars[..<colon]).rulesTrimmed()
            let value = String(scalars[scalars.index(after: colon)...]).rulesTrimmed()
            result.append(Trailer(key: key, value: value))
            lastIsTrailer = true
        }
        return result
    }

    // MARK: - Conventional commits

    /// The lowercased type of "type(scope)!: " and the length of that prefix in characters.
    static func conventionalPrefix(_ subject: String) -> (type: String, length: Int)? {
        // Walks the Characters only as far as the prefix goes: the subject is never copied out whole.
        var index = subject.startIndex, length = 0
        func next() -> Character? { index < subject.endIndex ? subject[index] : nil }
        func advance() {
            index = subject.index(after: index)
            length += 1
        }
        while let c = next(), c.isASCII, c.isLetter { advance() }
        guard length > 0 else { return nil }
        let type = subject[..<index].lowercased()
        if next() == "(" {
            while let c = next(), c != ")" { advance() }
            guard next() == ")" else { return nil }
            advance()
        }
        if next() == "!" { advance() }
        guard next() == ":" else { return nil }
        advance()
        guard next() == nil || next() == " " else { return nil }
        return (type, length)
    }
}

extension String {
    /// Without leading and trailing whitespace (no Foundation needed).
    func rulesTrimmed() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }

    func rulesTrimmedTrailing() -> String {
        var slice = Substring(self)
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
