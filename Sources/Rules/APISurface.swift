import Foundation
import Support

/// The public API of a set of files, one normalised line per declaration, e.g.
/// "pkg.mod.func(a, b=1, *, c)", "pkg.mod.Class.method(self, x)", "public func Cache.get(_ key: Key) -> Int?".
public struct APISurface: Sendable, Equatable {
    public var entries: Set<String>
    /// Files that could not be read (Python syntax errors), as "path:line: message". Their
    /// declarations are missing from `entries`, so a diff against them would call everything removed:
    /// callers should report these instead of (or before) the diff.
    public var problems: [String]

    public init(entries: Set<String> = [], problems: [String] = []) {
        self.entries = entries
        self.problems = problems
    }
}

public struct APIDiff: Sendable, Equatable {
    public var removed: [String]
    public var added: [String]
    /// Anything removed or changed (a changed signature is its old entry removed and a new one added).
    public var isBreaking: Bool

    public init(removed: [String], added: [String]) {
        self.removed = removed
        self.added = added
        self.isBreaking = !removed.isEmpty
    }
}

public enum APIRule {
    public static func diff(old: APISurface, new: APISurface) -> APIDiff {
        APIDiff(removed: old.entries.subtracting(new.entries).sorted(), added: new.entries.subtracting(old.entries).sorted())
    }

    /// Documented when an `API-Change:` trailer exists or the changelog file is among the changed paths.
    public static func isDocumented(message: CommitMessage, changedPaths: [String], changelog: String) -> Bool {
        if message.trailer("API-Change") != nil { return true }
        let wanted = normalize(changelog)
        return changedPaths.contains { normalize($0) == wanted }
    }

    private static func normalize(_ path: String) -> String {
        var slice = Substring(path)
        while slice.hasPrefix("./") { slice = slice.dropFirst(2) }
        return String(slice)
    }
}

/// Python's public API, read by Python's own parser (`ast`) in one python3 process for all files.
public enum PythonAPI {
    /// Module-level and class-level names without a leading underscore (dunder methods count;
    /// `__all__` decides at module level when present), functions with their signatures (defaults,
    /// no annotations). Modules with a private component (`pkg/_impl.py`) are skipped; `src/` is
    /// dropped from module paths. Files with syntax errors are skipped and listed in `problems`.
    /// Nil when python3 cannot be found; throws when it runs but fails.
    public static func surface(files: [(path: String, text: String)], python: String? = nil) throws -> APISurface? {
        guard let object = try run(files: files, python: python) else { return nil }
        guard let entries = object["entries"] as? [String], let problems = object["problems"] as? [String] else {
            throw PerfJournalError(.commandFailed, "python3 gave no API surface")
        }
        return APISurface(entries: Set(entries), problems: problems)
    }

    /// Runs the script on `files`; nil when python3 is missing.
    private static func run(files: [(path: String, text: String)], python: String?) throws -> [String: Any]? {
        let chosen = python.map { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? findPython3()
        guard let executable = chosen else { return nil }
        let input = files.map { ["module": moduleName($0.path), "path": $0.path, "text": $0.text] }
        let inputData = try JSONSerialization.data(withJSONObject: input)

        let output = try PythonRunner.run(executable, script: script, input: inputData, what: "reading the Python API")
        guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw PerfJournalError(.commandFailed, "python3 gave no Python API")
        }
        return object
    }

    /// The surface of each file on its own, in order (one python3 process for all of them); nil when
    /// python3 is missing. The union of these is `surface(files:)`.
    public static func surfaces(files: [(path: String, text: String)], python: String? = nil) throws -> [APISurface]? {
        guard !files.isEmpty else { return [] }
        guard let output = try run(files: files, python: python),
            let perFile = output["files"] as? [[String: Any]], perFile.count == files.count
        else { return nil }
        return perFile.map { APISurface(entries: Set($0["entries"] as? [String] ?? []), problems: $0["problems"] as? [String] ?? []) }
    }

    /// "pkg.mod" for "src/pkg/mod.py", "pkg" for "pkg/__init__.py"; empty for private modules.
    static func moduleName(_ path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        if parts.first == "src" || parts.first == "." { parts.removeFirst() }
        guard var last = parts.popLast() else { return "" }
        for suffix in [".pyi", ".py"] where last.hasSuffix(suffix) { last.removeLast(suffix.count) }
        if last != "__init__" { parts.append(last) }
        if parts.contains(where: { $0.hasPrefix("_") }) { return "" }
        return parts.joined(separator: ".")
    }

    static func findPython3() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let script = #"""
        import ast, gc, json, sys

        # The trees are thrown away after one pass; the cycle collector only costs time here (a fifth of it on big files).
        gc.disable()

        def signature(args):
            parts = []
            positional = args.posonlyargs + args.args
            first_default = len(positional) - len(args.defaults)
            for i, a in enumerate(positional):
                parts.append(a.arg + ("=" + ast.unparse(args.defaults[i - first_default]) if i >= first_default else ""))
                if args.posonlyargs and i == len(args.posonlyargs) - 1:
                    parts.append("/")
            if args.vararg:
                parts.append("*" + args.vararg.arg)
            elif args.kwonlyargs:
                parts.append("*")
            for a, d in zip(args.kwonlyargs, args.kw_defaults):
                parts.append(a.arg + ("" if d is None else "=" + ast.unparse(d)))
            if args.kwarg:
                parts.append("**" + args.kwarg.arg)
            return "(" + ", ".join(parts) + ")"

        def flatten(body):
            # Definitions under `if`/`try`/`with` at this level are still this level's names.
            for node in body:
                if isinstance(node, ast.If):
                    yield from flatten(node.body); yield from flatten(node.orelse)
                elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                    yield from flatten(node.body); yield from flatten(node.orelse); yield from flatten(node.finalbody)
                    for h in node.handlers:
                        yield from flatten(h.body)
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    yield from flatten(node.body)
                else:
                    yield node

        def decorator_names(node):
            names = set()
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):
                    names.add(target.attr)
            return names

        def names_of(node):
            """(name, entry suffix, kind) for each name a statement binds."""
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = decorator_names(node)
                if decorators & {"setter", "deleter"}:
                    return []
                prefix = "async " if isinstance(node, ast.AsyncFunctionDef) else ""
                if "property" in decorators or "cached_property" in decorators:
                    return [(node.name, "", prefix + "property ")]
                kind = "staticmethod " if "staticmethod" in decorators else "classmethod " if "classmethod" in decorators else ""
                return [(node.name, signature(node.args), prefix + kind)]
            if isinstance(node, ast.ClassDef):
                return [(node.name, "", "class ")]
            if isinstance(node, ast.Assign):
                return [(t.id, "", "") for t in node.targets if isinstance(t, ast.Name)]
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                return [(node.target.id, "", "")]
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                return [((a.asname or a.name).split(".")[0], "", "import ") for a in node.names if a.name != "*"]
            return []

        def dunder(name):
            return name.startswith("__") and name.endswith("__") and len(name) > 4

        def class_entries(node, qualifier, out):
            for child in flatten(node.body):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    continue
                for name, suffix, kind in names_of(child):
                    is_method = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                    if name.startswith("_") and not (is_method and dunder(name)):
                        continue
                    out.add(kind + qualifier + "." + name + suffix)
                    if isinstance(child, ast.ClassDef):
                        class_entries(child, qualifier + "." + name, out)

        def declared_all(tree):
            result = None
            for node in tree.body:
                value = None
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                    value, result = node.value, []
                elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "__all__":
                    value = node.value
                    result = result or []
                if isinstance(value, (ast.List, ast.Tuple)):
                    result += [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return result

        def module_entries(module, tree, out):
            exported = declared_all(tree)
            seen = set()
            for node in flatten(tree.body):
                for name, suffix, kind in names_of(node):
                    if exported is not None:
                        if name not in exported:
                            continue
                    elif name.startswith("_") or kind == "import ":
                        continue
                    seen.add(name)
                    out.add(kind.replace("import ", "") + module + "." + name + suffix)
                    if isinstance(node, ast.ClassDef):
                        class_entries(node, module + "." + node.name, out)
            for name in exported or []:
                if name not in seen:
                    out.add(module + "." + name)

        entries, problems, files = set(), [], []
        for f in json.load(sys.stdin):
            mine, trouble = set(), []
            files.append({"entries": mine, "problems": trouble})
            if not f["module"]:
                continue
            try:
                tree = ast.parse(f["text"], filename=f["path"])
            except SyntaxError as e:
                trouble.append("%s:%s: %s" % (f["path"], e.lineno or 0, e.msg))
                continue
            except ValueError as e:  # source with NUL bytes
                trouble.append("%s:0: %s" % (f["path"], e))
                continue
            module_entries(f["module"], tree, mine)
        for f in files:
            entries |= f["entries"]
            problems += f["problems"]
            f["entries"] = sorted(f["entries"])
        json.dump({"entries": sorted(entries), "problems": problems, "files": files}, sys.stdout)
        """#
}
