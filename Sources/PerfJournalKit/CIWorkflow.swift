import Foundation
import Journal
import Store
import Support

/// `init --ci github`: the CI workflow, rendered from `Templates/github-workflow.yml.mustache` (or the
/// repository's `.perfjournal/templates/github-workflow.yml.mustache`). An existing workflow file is the
/// user's: it is never overwritten.
public enum CIWorkflow {
    public enum Provider: String, Sendable, CaseIterable {
        case github
    }

    public static func path(_ provider: Provider) -> String {
        switch provider {
        case .github: return ".github/workflows/perfjournal.yml"
        }
    }

    /// Writes the workflow unless the file exists; returns the line init prints.
    static func write(_ provider: Provider, workspace: Workspace, source: String?) throws -> String {
        let relative = path(provider)
        let absolute = workspace.root + "/" + relative
        if FileManager.default.fileExists(atPath: absolute) {
            return "ci: \(relative) exists, kept as it is (delete it to have init write it again)"
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (absolute as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw PerfJournalError(.repository, file: relative, "cannot create its directory: \(error.localizedDescription)")
        }
        try AtomicFile.write(try render(provider, workspace: workspace, source: source), to: absolute)
        return
            "ci: wrote \(relative) (pull requests: compare --rerun, check, one pr-summary comment; pushes to \(mainBranch(workspace)): run and push the notes)"
    }

    static func render(_ provider: Provider, workspace: Workspace, source: String?) throws -> String {
        let source = source ?? ""
        // It lands inside a single-quoted YAML expression string.
        if source.contains(where: { $0 == "'" || $0 == "\n" || $0 == "\\" || $0 == "$" }) {
            throw PerfJournalError(.usage, "--ci-source must be a plain URL, not \(source)")
        }
        let templates = try JournalTemplates(root: workspace.root)
        return templates.render(.githubWorkflow, ["branch": mainBranch(workspace), "source": source])
    }

    /// The remote's default branch (refs/remotes/origin/HEAD), else the current branch, else "main".
    static func mainBranch(_ workspace: Workspace) -> String {
        if let target = workspace.repository.symbolicTarget("refs/remotes/origin/HEAD"), target.hasPrefix("refs/remotes/origin/") {
            return String(target.dropFirst("refs/remotes/origin/".count))
        }
        if let head = workspace.repository.symbolicTarget("HEAD"), head.hasPrefix("refs/heads/") {
            return String(head.dropFirst("refs/heads/".count))
        }
        return "main"
    }
}
