import Foundation

/// Keeps a path named by the (tracked, pulled) config inside a directory: the work tree for the log
/// and templates, the run's worktree for the result file. A config is code someone else may have
/// written, so "PERFORMANCE.md" must not become "~/.bashrc" by any spelling of it.
package enum ContainedPath {
    /// Why `relative` does not stay inside its directory when read as text alone: absolute, or a `..`
    /// that climbs above the start. nil when it stays inside. Globs are checked the same way.
    package static func lexicalProblem(_ relative: String) -> String? {
        if relative.hasPrefix("/") { return "is an absolute path; give it relative to the repository root" }
        if relative.hasPrefix("~") { return "starts with '~'; give it relative to the repository root" }
        var depth = 0
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                depth -= 1
                if depth < 0 { return "climbs out of the repository with '..'" }
            default: depth += 1
            }
        }
        return nil
    }

    /// Why `relative`, resolved under `root` on disk, leads outside `root`: a component of it (a parent
    /// directory, or with `includingLast` the file itself) is a symlink to somewhere else. Components that
    /// do not exist yet are fine: whoever creates them creates them inside. nil when it stays inside.
    package static func symlinkProblem(_ relative: String, under root: String, includingLast: Bool = false) -> String? {
        if let problem = lexicalProblem(relative) { return problem }
        let realRoot = resolved(root)
        var components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !includingLast, !components.isEmpty { components.removeLast() }
        var current = root
        for component in components where component != "." {
            current = current.hasSuffix("/") ? current + component : current + "/" + component
            guard exists(current) else { return nil }
            let real = resolved(current)
            if !isInside(real, realRoot) {
                return "leads out of the repository through a symlink ('\(display(current, root: root))' points to \(real))"
            }
        }
        return nil
    }

    /// True when `path` is `directory` or below it (both already resolved).
    package static func isInside(_ path: String, _ directory: String) -> Bool {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return path == dir || path.hasPrefix(dir + "/")
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The path with every symlink followed (realpath). A dangling symlink resolves to where it points
    /// (its target may be created through it later); anything else unresolvable is the path itself.
    package static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        let parent = resolved((path as NSString).deletingLastPathComponent)
        return ((destination.hasPrefix("/") ? destination : parent + "/" + destination) as NSString).standardizingPath
    }

    private static func display(_ path: String, root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
