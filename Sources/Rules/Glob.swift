/// Path globs as in .gitignore-style config: `*` and `?` stay within one path segment, `**` spans
/// directories (`dir/**` is everything below dir, `**/x` is x in any directory, including the top),
/// `[abc]`, `[a-z]` and `[!abc]` match one character. The pattern matches the whole path; a leading
/// `/` or `./` is ignored, so `*.md` means Markdown files at the top only.
public enum Glob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(strip(pattern).utf8)
        let s = Array(strip(path).utf8)
        // memo[pi][si]: nil unknown; patterns and paths are short, this keeps `**` from going exponential.
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: s.count + 1), count: p.count + 1)
        return match(p, 0, s, 0, &memo)
    }

    private static func strip(_ text: String) -> Substring {
        var slice = Substring(text)
        while slice.hasPrefix("./") { slice = slice.dropFirst(2) }
        while slice.hasPrefix("/") { slice = slice.dropFirst() }
        return slice
    }

    private static let slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*")

    private static func match(_ p: [UInt8], _ pi: Int, _ s: [UInt8], _ si: Int, _ memo: inout [[Bool?]]) -> Bool {
        if let known = memo[pi][si] { return known }
        let result: Bool
        if pi == p.count {
            result = si == s.count
        } else if p[pi] == star && pi + 1 < p.count && p[pi + 1] == star {
            var rest = pi + 2
            if rest < p.count && p[rest] == slash {
                // `**/`: zero or more whole directories.
                rest += 1
                var candidate = si
                var found = match(p, rest, s, si, &memo)
                while !found, let next = s[candidate...].firstIndex(of: slash) {
                    candidate = next + 1
                    found = match(p, rest, s, candidate, &memo)
                }
                result = found
            } else {
                result = (si...s.count).contains { match(p, rest, s, $0, &memo) }
            }
        } else if p[pi] == star {
            var end = si
            while end < s.count && s[end] != slash { end += 1 }
            result = (si...end).contains { match(p, pi + 1, s, $0, &memo) }
        } else if si == s.count {
            result = false
        } else if p[pi] == UInt8(ascii: "?") {
            result = s[si] != slash && match(p, pi + 1, s, si + 1, &memo)
        } else if p[pi] == UInt8(ascii: "["), let (matched, next) = matchClass(p, pi, s[si]) {
            result = matched && s[si] != slash && match(p, next, s, si + 1, &memo)
        } else {
            result = p[pi] == s[si] && match(p, pi + 1, s, si + 1, &memo)
        }
        memo[pi][si] = result
        return result
    }

    /// Whether `c` is in the class starting at `p[start] == "["`, and the index after its `]`;
    /// nil when the class is not closed (then `[` is a literal).
    private static func matchClass(_ p: [UInt8], _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) { negated = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count && (p[i] != UInt8(ascii: "]") || first) {
            first = false
            if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                if p[i] <= c && c <= p[i + 2] { matched = true }
                i += 3
            } else {
                if p[i] == c { matched = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (matched != negated, i + 1)
    }
}
