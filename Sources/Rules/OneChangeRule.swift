// swift-format-ignore-file
import Config

/// One file of a commit's diff, as the rule needs it; the caller fills the symbols from
/// `SymbolIndex.enclosingSymbols` over the old text's deleted lines and the new text's added lines.
public struct FileChange: Sendable, Equatable {
    public var path: String
    public var oldPath: String?
    public var isBinary: Bool
    public var addedLines: Int
    public var deletedLines: Int
    public var hunks: Int
    public var oldSymbols: Set<String>
    public var newSymbols: Set<String>

    public init(path: String, oldPath: String? = nil, isBinary: Bool = false, addedLines: Int = 0, deletedLines: Int = 0,
                hunks: Int = 0, oldSymbols: Set<String> = [], newSymbols: Set<String> = []) {
        self.path = path
        self.oldPath = oldPath
        self.isBinary = isBinary
        self.addedLines = addedLines
        self.deletedLines = deletedLines
        self.hunks = hunks
        self.oldSymbols = oldSymbols
        self.newSymbols = newSymbols
    }
}

public struct OneChangeLimits: Sendable, Equatable {
    public static let defaultIgnore = RulesConfig.defaultIgnore

    /// Files that are not ignored, at most.
    public var maxFiles: Int
    /// Distinct definitions touched (across files; top-level lines such as imports are not counted).
    public var maxSymbols: Int
    /// Modules touched; see `OneChangeRule.module(of:)`.
    public var maxModules: Int
    /// Globs (see `Glob`) of files that accompany any change: tests, benchmarks, docs, CI.
    public var ignore: [String]

    public init(maxFiles: Int = 4, maxSymbols: Int = 6, maxModules: Int = 1, ignore: [String] = OneChangeLimits.defaultIgnore) {
        self.maxFiles = maxFiles
        self.maxSymbols = maxSymbols
        self.maxModules = maxModules
        self.ignore = ignore
    }
}

public struct OneChangeFinding: Sendable, Equatable {
    /// The commit bundles several changes (false when a `Perf-Scope` trailer accepts it).
    public var bundled: Bool
    /// Every piece of evidence found, one line each; plus the acceptance when `Perf-Scope` is given.
    public var reasons: [String]
    /// Touched definitions of each counted file, sorted.
    public var symbolsByFile: [String: [String]]
    /// Changed files the rule ignored (tests, docs, ...), sorted.
    public var ignoredFiles: [String]
    /// The independent changes found by reference; empty when the limits judged (see `fallback`).
    public var groups: [ChangeGroup]
    /// Why the limits judged instead of the references (python3 missing, a file that does not parse);
    /// nil when the references judged.
    public var fallback: String?

    public init(bundled: Bool, reasons: [String], symbolsByFile: [String: [String]], ignoredFiles: [String],
                groups: [ChangeGroup] = [], fallback: String? = nil) {
        self.bundled = bundled
        self.reasons = reasons
        self.symbolsByFile = symbolsByFile
        self.ignoredFiles = ignoredFiles
        self.groups = groups
        self.fallback = fallback
    }
}

/// "One optimization per commit": a commit whose benchmark delta is to be credited to one change must
/// contain one change, judged by the code. The changed symbols are grouped by reference (a call, an
/// import, an attribute, a base class; see `ChangeGrouper` and Helpers/one_change.py): two or more
/// independent groups are bundled whatever the subject says, and one group is one change whatever it
/// says. Only when the code cannot be read that way (python3 missing, a syntax error) do the older
/// limits judge: files, definitions, modules, and a subject or body that lists several actions.
public enum OneChangeRule {
    /// `isIgnored`: whether a path matches `limits.ignore`, when the caller remembers the answers across
    /// commits (glob matching is most of this rule's time on a long history).
    public static func evaluate(message: CommitMessage, changes: [FileChange], limits: OneChangeLimits,
                                grouping: ChangeGrouping? = nil, isIgnored: ((String) -> Bool)? = nil) -> OneChangeFinding {
        let isIgnored = isIgnored ?? PathGlobs(limits.ignore).matches
        var counted: [FileChange] = []
        var ignored: [String] = []
        for change in changes {
            if isIgnored(change.path) { ignored.append(change.path) }
            else { counted.append(change) }
        }
        var symbolsByFile: [String: [String]] = [:]
        for change in counted { symbolsByFile[change.path] = change.oldSymbols.union(change.newSymbols).sorted() }

        var reasons: [String] = []
        var fallback: String?
        if let grouping, grouping.complete {
            if grouping.groups.count >= 2 { reasons.append(independentChanges(grouping.groups)) }
        } else {
            fallback = grouping.map { "the code could not be read (\($0.problems.joined(separator: "; ")))" }
                ?? "the changes were not grouped"
            reasons = limitEvidence(message: message, counted: counted, limits: limits)
        }

        var bundled = !reasons.isEmpty
        if bundled, let scope = message.trailer("Perf-Scope"), !scope.isEmpty {
            bundled = false
            reasons.append("accepted as one change by Perf-Scope: \(scope)")
        }
        return OneChangeFinding(
            bundled: bundled, reasons: reasons, symbolsByFile: symbolsByFile, ignoredFiles: ignored.sorted(),
            groups: fallback == nil ? grouping?.groups ?? [] : [], fallback: fallback)
    }

    /// "2 independent changes: {dedupe} and {count_words}; split with `git add -p`".
    public static func independentChanges(_ groups: [ChangeGroup]) -> String {
        let names = groups.map { "{\($0.label)}" }
        let listed = names.count == 2 ? names.joined(separator: " and ")
            : names.dropLast().joined(separator: ", ") + " and " + names.last!
        return "\(groups.count) independent changes: \(listed); split with `git add -p`"
    }

    /// The older evidence, used when the code cannot be grouped: files, definitions and modules beyond
    /// the limits, and a subject or body that lists several actions.
    static func limitEvidence(message: CommitMessage, counted: [FileChange], limits: OneChangeLimits) -> [String] {
        var reasons: [String] = []
        if counted.count > limits.maxFiles {
            reasons.append("touches \(counted.count) files (limit \(limits.maxFiles), not counting tests, benchmarks and docs)")
        }
        let symbolCount = counted.reduce(0) { $0 + $1.oldSymbols.union($1.newSymbols).subtracting([SymbolIndex.topLevel]).count }
        if symbolCount > limits.maxSymbols {
            reasons.append("touches \(symbolCount) definitions (limit \(limits.maxSymbols))")
        }
        let modules = Set(counted.map { module(of: $0.path, among: counted.map(\.path)) })
        if modules.count > limits.maxModules {
            reasons.append("touches \(modules.count) modules: \(modules.sorted().joined(separator: ", ")) (limit \(limits.maxModules))")
        }
        return reasons + subjectEvidence(message.subject) + bodyEvidence(message.body)
    }

    /// The module a file belongs to. Go: the package, i.e. the file's directory. Otherwise the first
    /// directory of the path, or the first two when the first is a conventional source root (`src`,
    /// `Sources`, `lib`, `pkg`, `internal`, `cmd`, `crates`, `packages`, `include`, `Tests`) so
    /// `Sources/Target/...` and `src/pkg/...` are the target and the package; "." for top-level files.
    /// A C/C++ header whose base name matches another changed file's joins that file's module, so
    /// `include/cache.h` + `src/cache.c` is one module.
    public static func module(of path: String, among paths: [String] = []) -> String {
        let name = fileName(path)
        if isHeader(name), let partner = paths.first(where: { $0 != path && !isHeader(fileName($0)) && stem(fileName($0)) == stem(name) }) {
            return directoryModule(partner)
        }
        return directoryModule(path)
    }

    private static func directoryModule(_ path: String) -> String {
        let directories = path.split(separator: "/").dropLast().map(String.init)
        guard let first = directories.first else { return "." }
        if path.hasSuffix(".go") { return directories.joined(separator: "/") }
        let roots: Set<String> = ["src", "Sources", "lib", "pkg", "internal", "cmd", "crates", "packages", "include", "Tests"]
        if roots.contains(first), directories.count >= 2 { return first + "/" + directories[1] }
        return first
    }

    private static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
    private static func stem(_ name: String) -> String { name.split(separator: ".").first.map(String.init) ?? name }
    private static func isHeader(_ name: String) -> Bool {
        [".h", ".hh", ".hpp", ".hxx"].contains { name.hasSuffix($0) }
    }

    // MARK: - Wording

    /// Verbs that name a change; a subject joining two phrases that start with one is two changes,
    /// "speed up parse and write paths" (nouns after "and") is not.
    static let actionVerbs: Set<String> = [
        "add", "allocate", "avoid", "batch", "buffer", "bump", "cache", "change", "compress", "compute", "convert",
        "defer", "disable", "drop", "eliminate", "enable", "fix", "hoist", "implement", "inline", "intern", "introduce",
        "make", "memoize", "merge", "move", "optimize", "optimise", "parallelize", "parallelise", "pool", "precompute",
        "prefetch", "preallocate", "reduce", "refactor", "remove", "rename", "replace", "reuse", "rewrite", "shrink",
        "simplify", "skip", "specialize", "split", "store", "switch", "tune", "unroll", "update", "upgrade", "use",
        "vectorize", "vectorise", "speed", "tweak", "adjust", "reorder", "restructure", "streamline", "trim",
    ]

    static func startsWithActionVerb(_ phrase: some StringProtocol) -> Bool {
        guard let first = phrase.split(whereSeparator: { !$0.isLetter }).first?.lowercased() else { return false }
        if actionVerbs.contains(first) { return true }
        for suffix in ["s", "es", "d", "ed", "ing"] where first.hasSuffix(suffix) {
            let base = String(first.dropLast(suffix.count))
            if actionVerbs.contains(base) || actionVerbs.contains(base + "e") { return true }
        }
        return false
    }

    static func subjectEvidence(_ subject: String) -> [String] {
        var text = subject
        if let prefix = CommitMessage.conventionalPrefix(subject) { text = String(subject.dropFirst(prefix.length)) }
        let lower = text.lowercased()
        var reasons: [String] = []
        let words = lower.split(whereSeparator: { !$0.isLetter })
        if words.contains("also") {
            reasons.append("the subject says \"also\": \(subject)")
        }
        if lower.split(separator: ";").filter({ !$0.allSatisfy(\.isWhitespace) }).count >= 2 {
            reasons.append("the subject lists changes separated by ';': \(subject)")
        }
        var parts = [lower]
        for separator in [" and ", " & ", ", ", " plus ", " as well as ", "; "] {
            parts = parts.flatMap { $0.rulesSplit(separator) }
        }
        let actions = parts.filter { startsWithActionVerb($0) }
        if parts.count >= 2 && actions.count >= 2 && reasons.isEmpty {
            reasons.append("the subject joins \(actions.count) actions: \(subject)")
        }
        return reasons
    }

    static func bodyEvidence(_ body: String) -> [String] {
        var actions = 0
        for line in body.split(separator: "\n") {
            let trimmed = String(line).rulesTrimmed()
            var rest: Substring?
            for marker in ["- ", "* ", "+ ", "• "] where trimmed.hasPrefix(marker) { rest = trimmed.dropFirst(marker.count) }
            if rest == nil, let dot = trimmed.firstIndex(where: { $0 == "." || $0 == ")" }), dot > trimmed.startIndex,
               trimmed[..<dot].allSatisfy(\.isNumber), trimmed[trimmed.index(after: dot)...].hasPrefix(" ") {
                rest = trimmed[trimmed.index(after: dot)...]
            }
            if let rest, startsWithActionVerb(rest) { actions += 1 }
        }
        return actions >= 2 ? ["the body is a list of \(actions) changes"] : []
    }
}

extension String {
    /// The pieces between occurrences of `separator` (no Foundation needed).
    func rulesSplit(_ separator: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            pieces.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        pieces.append(String(rest))
        return pieces
    }
}
