import Foundation
import Git
import Journal
import Store
import Support

/// Installs the hooks shipped in the binary (from Hooks/) into the repository's hooks directory.
/// It honours core.hooksPath and never clobbers a hook it did not write: an existing one is moved to
/// `<name>.perfjournal-chained`, which perfjournal's hook runs first.
public enum HookInstaller {
    /// The first line after the shebang marks a hook as perfjournal's own.
    static let marker = "# perfjournal "

    public static var shippedHooks: [String] {
        Resources.keys.filter { $0.hasPrefix("Hooks/") }.map { String($0.dropFirst("Hooks/".count)) }
            .filter { !$0.contains(".") }
    }

    /// Where git looks for hooks in this repository.
    public static func hooksDirectory(_ workspace: Workspace) throws -> String {
        if let configured = try workspace.repository.configString("core.hooksPath"), !configured.isEmpty {
            let expanded = configured.hasPrefix("~/") ? NSHomeDirectory() + configured.dropFirst(1) : configured
            return expanded.hasPrefix("/") ? expanded : workspace.root + "/" + expanded
        }
        return workspace.repository.commonDir + "/hooks"
    }

    /// Installs every shipped hook; returns one line per hook saying what happened.
    public static func install(in workspace: Workspace, executable: String) throws -> [String] {
        let directory = try hooksDirectory(workspace)
        try workspace.ensureDirectory(directory)
        var report: [String] = []
        for name in shippedHooks {
            guard let template = Resources.file("Hooks/\(name)") else { continue }
            let text = template.replacingOccurrences(of: "@PERFJOURNAL@", with: executable)
            let path = directory + "/" + name
            let existing = try? String(contentsOfFile: path, encoding: .utf8)
            if existing == text {
                report.append("\(name): already installed")
                continue
            }
            if let existing, !isOurs(existing) {
                let chained = path + ".perfjournal-chained"
                guard !FileManager.default.fileExists(atPath: chained) else {
                    throw PerfJournalError(.repository, file: chained, "both a foreign \(name) hook and a chained one exist; merge them by hand")
                }
                try FileManager.default.moveItem(atPath: path, toPath: chained)
                report.append("\(name): installed, chaining to your existing hook (now \(name).perfjournal-chained)")
            } else {
                report.append(existing == nil ? "\(name): installed" : "\(name): updated")
            }
            try AtomicFile.write(text, to: path, mode: 0o755)
        }
        return report
    }

    static func isOurs(_ text: String) -> Bool {
        text.split(separator: "\n").dropFirst().first?.hasPrefix(marker) ?? false
    }
}
