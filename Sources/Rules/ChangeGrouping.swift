import Foundation
import Git
import Support

/// One independent change of a commit: changed symbols that reference each other.
public struct ChangeGroup: Sendable, Equatable {
    /// "path:Qualified.name", in file and line order.
    public var symbols: [String]
    /// Test and benchmark symbols that follow this change (they never join two changes).
    public var support: [String]
    /// A short name for messages: the group's definitions, at most three.
    public var label: String

    public init(symbols: [String], support: [String] = [], label: String) {
        self.symbols = symbols
        self.support = support
        self.label = label
    }
}

/// A commit's changed symbols grouped into independent changes. When part of the commit could not be
/// read (python3 missing, a syntax error) `complete` is false and the rule falls back to its limits.
public struct ChangeGrouping: Sendable, Equatable {
    public var groups: [ChangeGroup]
    public var problems: [String]
    public var complete: Bool

    public init(groups: [ChangeGroup], problems: [String] = [], complete: Bool = true) {
        self.groups = groups
        self.problems = problems
        self.complete = complete
    }
}

/// One changed file, as the grouping reads it.
package struct GroupingFile: Sendable {
    package var path: String
    package var oldPath: String
    package var oldText: String?
    package var newText: String?
    package var deletedLines: [Int]
    package var addedLines: [Int]
    /// Tests, benchmarks, docs (`rules.ignore`): they follow a change and are never one of their own.
    package var support: Bool
    package var language: SourceLanguage

    package init(
        path: String, oldPath: String? = nil, oldText: String?, newText: String?, deletedLines: [Int], addedLines: [Int],
        support: Bool, language: SourceLanguage
    ) {
        self.path = path
        self.oldPath = oldPath ?? path
        self.oldText = oldText
        self.newText = newText
        self.deletedLines = deletedLines
        self.addedLines = addedLines
        self.support = support
        self.language = language
    }
}

/// Groups changed symbols by reference. Python is read by `Helpers/one_change.py` (embedded, run with
/// python3; its documentation is the rule's). Other languages use identifier matching:
///
/// - the changed symbols are the innermost definitions (perfjournal's symbol scanners) around the
///   changed lines; a definition whose tokens are the same in both versions (layout and comments only)
///   did not change, and changed lines outside every definition (includes, imports) are no change;
/// - two changed symbols are linked when the last component of one's name (`Cache.get` -> `get`)
///   appears as an identifier in the other's text, old or new version. Comments and string literals are
///   skipped as far as a tokenizer without a parser can tell (`//`, `/* */`, `"..."`, `'x'`, backticks);
/// - a Python group and another language's symbol are linked the same way, by the names of the Python
///   group's symbols, or when both define the same name (a C accelerator and its Python fallback);
/// - support files' symbols join the groups they name and never link two.
package enum ChangeGrouper {
    package static let helperKey = "Helpers/one_change.py"

    /// The embedded helper's source.
    package static var helper: String { Resources.file(helperKey) ?? "" }

    /// One grouping per commit, every Python file of all of them read by a single python3 process.
    /// `python` nil: python3 was not found, and commits with Python files are incomplete.
    package static func group(_ commits: [[GroupingFile]], python: String?) throws -> [ChangeGrouping] {
        let pythonIndexes = commits.indices.filter { commits[$0].contains { $0.language == .python } }
        var pythonAnswers: [Int: [String: Any]] = [:]
        if let python, !pythonIndexes.isEmpty {
            let request: [String: Any] = [
                "commits": pythonIndexes.map { index in
                    [
                        "files": commits[index].filter { $0.language == .python }.map { f -> [String: Any] in
                            [
                                "path": f.path, "old_path": f.oldPath, "old_text": f.oldText ?? NSNull(), "new_text": f.newText ?? NSNull(),
                                "deleted_lines": f.deletedLines, "added_lines": f.addedLines, "role": f.support ? "support" : "code",
                            ]
                        }
                    ]
                }
            ]
            let output = try PythonRunner.run(
                python, script: helper, input: try JSONSerialization.data(withJSONObject: request),
                what: "grouping the changed Python symbols")
            guard let answers = (try? JSONSerialization.jsonObject(with: output) as? [String: Any])?["commits"] as? [[String: Any]],
                answers.count == pythonIndexes.count
            else {
                throw PerfJournalError(.commandFailed, "python3 gave no grouping of the changed symbols")
            }
            for (index, answer) in zip(pythonIndexes, answers) { pythonAnswers[index] = answer }
        }
        return commits.indices.map { index in
            let files = commits[index]
            var problems: [String] = []
            var complete = true
            var pythonGroups: [ChangeGroup] = []
            if files.contains(where: { $0.language == .python }) {
                if let answer = pythonAnswers[index] {
                    pythonGroups = (answer["groups"] as? [[String: Any]] ?? []).map {
                        ChangeGroup(
                            symbols: $0["symbols"] as? [String] ?? [], support: $0["support"] as? [String] ?? [],
                            label: $0["label"] as? String ?? "")
                    }
                    problems += answer["problems"] as? [String] ?? []
                    if answer["fallback"] as? Bool == true { complete = false }
                } else {
                    problems.append("python3 not found")
                    complete = false
                }
            }
            let groups = IdentifierGrouping.combine(pythonGroups: pythonGroups, files: files.filter { $0.language != .python })
            return ChangeGrouping(groups: groups, problems: problems, complete: complete)
        }
    }
}

/// Identifier matching for the languages without a helper (see ChangeGrouper).
enum IdentifierGrouping {
    struct Node {
        var symbols: [String]
        var support: [String]
        var label: String
        /// Names it defines (last components).
        var names: Set<String>
        /// Identifiers in its text; empty for a Python group (the helper linked those already).
        var identifiers: Set<String>
        var follows: Bool
    }

    static func combine(pythonGroups: [ChangeGroup], files: [GroupingFile]) -> [ChangeGroup] {
        var nodes = pythonGroups.map { group in
            Node(
                symbols: group.symbols, support: group.support, label: group.label,
                names: Set(group.symbols.map { lastComponent(of: $0) }), identifiers: [], follows: false)
        }
        let fromPython = nodes.count
        for file in files { nodes += changedSymbols(file) }
        if nodes.count == fromPython { return pythonGroups }  // nothing to add
        var parent = Array(nodes.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func linked(_ a: Node, _ b: Node) -> Bool {
            !a.names.isDisjoint(with: b.identifiers) || !b.names.isDisjoint(with: a.identifiers) || !a.names.isDisjoint(with: b.names)
        }
        var followers: [Int: [String]] = [:]
        for i in nodes.indices {
            for j in nodes.indices where j > i && linked(nodes[i], nodes[j]) {
                switch (nodes[i].follows, nodes[j].follows) {
                case (false, false): parent[find(i)] = find(j)
                case (true, false): followers[j, default: []] += nodes[i].symbols
                case (false, true): followers[i, default: []] += nodes[j].symbols
                case (true, true): break
                }
            }
        }
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for i in nodes.indices where !nodes[i].follows {
            let root = find(i)
            if members[root] == nil { order.append(root) }
            members[root, default: []].append(i)
        }
        return order.map { root in
            let group = members[root]!
            let support = group.flatMap { nodes[$0].support + (followers[$0] ?? []) }
            let names = group.flatMap { nodes[$0].label.components(separatedBy: ", ") }.filter { !$0.isEmpty }
            return ChangeGroup(
                symbols: group.flatMap { nodes[$0].symbols }, support: Array(Set(support)).sorted(),
                label: group.count == 1 ? nodes[group[0]].label : label(names))
        }
    }

    static func label(_ names: [String]) -> String {
        var seen: [String] = []
        for n in names where !seen.contains(n) { seen.append(n) }
        return seen.prefix(3).joined(separator: ", ") + (seen.count > 3 ? " +\(seen.count - 3) more" : "")
    }

    static func lastComponent(of symbol: String) -> String {
        let name = symbol.split(separator: ":").last.map(String.init) ?? symbol
        return name.split(separator: ".").last.map(String.init) ?? name
    }

    /// The file's changed definitions, one node each.
    static func changedSymbols(_ file: GroupingFile) -> [Node] {
        struct Side {
            var lines: [Substring]
            var symbols: [Symbol]
        }
        var sides: [String: Side] = [:]
        for (key, text) in [("old", file.oldText), ("new", file.newText)] {
            guard let text else { continue }
            sides[key] = Side(
                lines: text.split(separator: "\n", omittingEmptySubsequences: false),
                symbols: SymbolIndex.symbols(in: text, language: file.language))
        }
        var changed: [String] = []
        for (key, lines) in [("old", file.deletedLines), ("new", file.addedLines)] {
            guard let side = sides[key] else { continue }
            for line in lines {
                if let symbol = innermost(side.symbols, line), !changed.contains(symbol.name) { changed.append(symbol.name) }
            }
        }
        var nodes: [Node] = []
        for name in changed {
            var tokens: [String: [String]] = [:]
            for (key, side) in sides {
                guard let symbol = side.symbols.first(where: { $0.name == name }) else { continue }
                let text = side.lines[max(0, symbol.startLine - 1)..<min(side.lines.count, symbol.endLine)].joined(separator: "\n")
                tokens[key] = Tokenizer.tokens(text)
            }
            if let old = tokens["old"], let new = tokens["new"], old == new { continue }  // layout or comments only
            let identifiers = Set(tokens.values.joined().filter { $0.first.map { $0.isLetter || $0 == "_" } ?? false })
            let short = name.split(separator: ".").last.map(String.init) ?? name
            nodes.append(
                Node(
                    symbols: ["\(file.path):\(name)"], support: [], label: name, names: [short],
                    identifiers: identifiers.subtracting([short]), follows: file.support))
        }
        return nodes
    }

    static func innermost(_ symbols: [Symbol], _ line: Int) -> Symbol? {
        var best: Symbol?
        for symbol in symbols where symbol.startLine <= line && line <= symbol.endLine {
            if best == nil || symbol.startLine >= best!.startLine && symbol.endLine <= best!.endLine { best = symbol }
        }
        return best
    }
}

/// Identifier and punctuation tokens of C-family source, without comments and string literals.
enum Tokenizer {
    static func tokens(_ text: String) -> [String] {
        let chars = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        func isIdent(_ c: Unicode.Scalar) -> Bool { c == "_" || CharacterSet.alphanumerics.contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "\"" || c == "`" {
                i += 1
                while i < chars.count && chars[i] != c { i += chars[i] == "\\" ? 2 : 1 }
                i += 1
                out.append("\"\"")
            } else if c == "'", i + 2 < chars.count, chars[i + 2] == "'" || (chars[i + 1] == "\\" && i + 3 < chars.count && chars[i + 3] == "'") {
                i += chars[i + 1] == "\\" ? 4 : 3  // a character literal; a Rust lifetime ('a) stays
                out.append("''")
            } else if isIdent(c) {
                var token = String.UnicodeScalarView()
                while i < chars.count && isIdent(chars[i]) { token.append(chars[i]); i += 1 }
                out.append(String(token))
            } else {
                if !CharacterSet.whitespacesAndNewlines.contains(c) { out.append(String(c)) }
                i += 1
            }
        }
        return out
    }
}

/// Runs a Python script that reads JSON on stdin and writes JSON on stdout (`python3 -I -c`).
enum PythonRunner {
    static func run(_ executable: String, script: String, input: Data, what: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-I", "-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw PerfJournalError(.commandFailed, "could not start \(executable) for \(what): \(error)")
        }
        // python3 reads all of stdin before it writes anything, so writing first cannot deadlock.
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: errors, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "no output"
            throw PerfJournalError(.commandFailed, "python3 failed \(what) (status \(process.terminationStatus)): \(detail)")
        }
        return output
    }
}
