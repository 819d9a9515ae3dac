import Foundation
import Mustache
import Support

/// The journal's Mustache templates: the ones embedded from `Templates/`, each replaced by
/// `.perfjournal/templates/<name>.mustache` at the repository root when the repository has one.
/// All of them are registered together, so any template can include another as a partial
/// (`{{> checklist}}` in the PR summary).
public struct JournalTemplates: Sendable {
    public enum Name: String, CaseIterable, Sendable {
        case log
        case checklist
        case prSummary = "pr-summary"
        /// The starter benchmark file of `init --scaffold` (Python, not Markdown).
        case benchmark = "benchmark.py"
        /// The GitHub Actions workflow of `init --ci github` (YAML; the template switches Mustache's
        /// delimiters to `<% %>` so that GitHub's `${{ }}` stays as it is).
        case githubWorkflow = "github-workflow.yml"
    }

    let library: MustacheLibrary

    /// `root`: the repository's work tree, searched for overrides; nil for the embedded templates only.
    public init(root: String?) throws {
        var templates: [String: MustacheTemplate] = [:]
        for name in Name.allCases {
            let (text, origin) = try Self.source(name, root: root)
            do {
                templates[name.rawValue] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw PerfJournalError(
                    .config, file: origin,
                    "template error at line \(error.context.lineNumber), column \(error.context.columnNumber): \(error.error)")
            } catch {
                throw PerfJournalError(.config, file: origin, "template error: \(error)")
            }
        }
        library = MustacheLibrary(templates: templates)
    }

    /// Where a repository's override of `name` lives, relative to its root.
    public static func overridePath(_ name: Name) -> String { ".perfjournal/templates/\(name.rawValue).mustache" }

    static func source(_ name: Name, root: String?) throws -> (text: String, origin: String) {
        if let root {
            let path = root + "/" + overridePath(name)
            // An override is the repository's; one that is a symlink (or sits in a symlinked directory)
            // leading out of the work tree would pour an outside file into the log.
            if let problem = ContainedPath.symlinkProblem(overridePath(name), under: root, includingLast: true) {
                throw PerfJournalError(.config, file: path, "template override \(problem); it must stay inside the repository")
            }
            if FileManager.default.fileExists(atPath: path) {
                do {
                    return (try String(contentsOfFile: path, encoding: .utf8), path)
                } catch {
                    throw PerfJournalError(.config, file: path, "cannot read template: \(error.localizedDescription)")
                }
            }
        }
        let key = "Templates/\(name.rawValue).mustache"
        guard let text = Resources.file(key) else {
            throw PerfJournalError(.config, file: key, "template missing from this build")
        }
        return (text, key)
    }

    /// Renders `context` (a tree of `[String: Any]`, arrays, strings, numbers and booleans).
    public func render(_ name: Name, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name.rawValue) ?? ""
    }
}
