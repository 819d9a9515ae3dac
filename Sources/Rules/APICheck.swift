import Config
import Foundation
import Git
import Store
import Support

/// The API rule: a commit may not change the public surface unless it documents the change (an
/// `API-Change:` trailer, or the changelog touched). Python is read with Python's own `ast`, Swift
/// from its `public`/`open` declarations, anything else through the project's `rules.api_command`.
enum APICheck {
    /// The changed Python files whose API is compared, before and after.
    static func pythonSides(_ diff: [FileDiff], ignore: PathGlobs) -> (old: [PythonAPICache.File], new: [PythonAPICache.File]) {
        var old: [PythonAPICache.File] = [], new: [PythonAPICache.File] = []
        for f in diff where !f.isBinary && !f.isSubmodule {
            if f.oldPath.hasSuffix(".py"), !ignore.matches(f.oldPath), let blob = f.oldBlob { old.append(.init(path: f.oldPath, blob: blob)) }
            if f.path.hasSuffix(".py"), !ignore.matches(f.path), let blob = f.newBlob { new.append(.init(path: f.path, blob: blob)) }
        }
        return (old, new)
    }

    /// `pythonFiles` lists the changed Python files that count (old and new sides); `python` reads
    /// their surfaces (nil when python3 is missing).
    static func outcome(
        diff: [FileDiff], message: CommitMessage, config: Config, ignore: PathGlobs, text: (ObjectID?) throws -> String?,
        python: ([PythonAPICache.File]) throws -> APISurface?,
        apiCommandSurfaces: (() throws -> StoredSurfaces)? = nil
    ) throws -> RuleOutcome {
        func files(_ suffix: String) throws -> (old: [(path: String, text: String)], new: [(path: String, text: String)]) {
            var old: [(path: String, text: String)] = [], new: [(path: String, text: String)] = []
            for f in diff where !f.isBinary && !f.isSubmodule {
                if f.oldPath.hasSuffix(suffix), !ignore.matches(f.oldPath), let t = try text(f.oldBlob) { old.append((f.oldPath, t)) }
                if f.path.hasSuffix(suffix), !ignore.matches(f.path), let t = try text(f.newBlob) { new.append((f.path, t)) }
            }
            return (old, new)
        }

        var removed: [String] = [], added: [String] = []
        let pythonFiles = pythonSides(diff, ignore: ignore)
        if !pythonFiles.old.isEmpty || !pythonFiles.new.isEmpty {
            guard let old = try python(pythonFiles.old), let new = try python(pythonFiles.new) else {
                return RuleOutcome(.unknown, "python3 not found: the Python API was not compared")
            }
            // A file Python cannot parse would look as if all its API vanished: say so instead of guessing.
            if let problem = (old.problems + new.problems).first {
                return RuleOutcome(.unknown, "could not read the Python API: \(problem)")
            }
            let d = APIRule.diff(old: old, new: new)
            removed += d.removed
            added += d.added
        }
        let swift = try files(".swift")
        if !swift.old.isEmpty || !swift.new.isEmpty {
            let d = APIRule.diff(old: SwiftAPI.surface(files: swift.old), new: SwiftAPI.surface(files: swift.new))
            removed += d.removed
            added += d.added
        }
        if let apiCommandSurfaces {
            switch try apiCommandSurfaces() {
            case .missing(let why):
                return RuleOutcome(.unknown, why)
            case .found(let old, let new):
                let d = APIRule.diff(old: old, new: new)
                removed += d.removed
                added += d.added
            }
        }

        if removed.isEmpty {
            let addition = added.isEmpty ? "" : " (\(added.count) addition\(added.count == 1 ? "" : "s"))"
            return RuleOutcome(.pass, "public API unchanged\(addition)")
        }
        let changed = diff.flatMap { [$0.path, $0.oldPath] }
        let list = removed.prefix(3).joined(separator: ", ") + (removed.count > 3 ? ", …" : "")
        if APIRule.isDocumented(message: message, changedPaths: changed, changelog: config.rules.changelog) {
            return RuleOutcome(.pass, "public API changed and documented: \(list)")
        }
        return RuleOutcome(.fail, "public API changed: \(list); document it with an `API-Change:` trailer or in \(config.rules.changelog)")
    }

    /// What `rules.api_command` printed at a commit and at its first parent, as recorded by trusted runs
    /// (`APISurfaceRecord`); this never runs the command. `.missing` says why not and how to get it.
    enum StoredSurfaces {
        case found(old: APISurface, new: APISurface)
        case missing(String)
    }

    static func storedSurfaces(_ command: String, commit: Commit, parentTree: ObjectID, notes: (ObjectID) throws -> Note?) throws -> StoredSurfaces {
        guard let parent = commit.parents.first else { return .missing("root commit") }
        let own = try notes(commit.id)
        let howTo = "rules.api_command runs only in trusted runs: `perfjournal run \(commit.id.short)`"
        guard let new = own?.apiSurface(tree: commit.tree, command: command) else {
            return .missing("no API surface recorded for \(commit.id.short) (\(howTo))")
        }
        guard let old = try own?.apiSurface(tree: parentTree, command: command) ?? notes(parent)?.apiSurface(tree: parentTree, command: command) else {
            return .missing("no API surface recorded for its parent \(parent.short) (\(howTo))")
        }
        for record in [old, new] where record.entries == nil {
            return .missing(record.error ?? "rules.api_command failed")
        }
        return .found(old: APISurface(entries: Set(old.entries ?? [])), new: APISurface(entries: Set(new.entries ?? [])))
    }
}

/// A set of globs (`rules.ignore`, `bench.files`) as a membership test, remembered per path: a long
/// history touches the same few paths over and over, and glob matching is what costs.
final class PathGlobs {
    private let patterns: [String]
    private var known: [String: Bool] = [:]

    init(_ patterns: [String]) { self.patterns = patterns }

    func matches(_ path: String) -> Bool {
        if let answer = known[path] { return answer }
        let answer = patterns.contains { Glob.matches($0, path) }
        known[path] = answer
        return answer
    }
}
