import Foundation
import Git
import Results
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal import [DIR]`: stores the runs saved in pytest-benchmark's `.benchmarks/` folder on the
/// commits they measured (`commit_info.id`), so history measured before perfjournal is not lost.
/// Importing twice stores nothing twice: an imported run's id is derived from its file name.
public enum ImportCommand {
    public static func run(at path: String, directory: String?, includeDirty: Bool, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let folder = directory ?? workspace.root + "/.benchmarks"
        guard FileManager.default.fileExists(atPath: folder) else {
            throw PerfJournalError(.resultFile, file: folder, "no such folder (pytest-benchmark saves runs there with --benchmark-autosave)")
        }
        var imported = 0, skipped = 0
        for saved in try BenchmarkStorage.scan(directory: folder) {
            let name = (saved.path as NSString).lastPathComponent
            guard let commit = try? workspace.repository.resolveCommit(saved.commit) else {
                output.line("skipped \(name): commit \(saved.commit.prefix(7)) is not in this repository")
                skipped += 1
                continue
            }
            if saved.dirty && !includeDirty {
                output.line("skipped \(name): measured with uncommitted changes (--include-dirty to import anyway)")
                skipped += 1
                continue
            }
            let machineDir = ((saved.path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            let id = "import:\(machineDir)/\(name)"
            let info = try workspace.commit(commit)
            let run = Run(
                id: id, source: .import, baseline: false, commit: commit.hex, tree: info.tree.hex,
                time: saved.time.map { Timestamp.normalized($0) ?? $0 } ?? Timestamp.iso8601(Date()), machine: machine(of: saved.path), bench: nil,
                format: saved.results.format, results: saved.results.benchmarks, problems: saved.results.problems,
                tests: nil, log: nil)
            let before = try workspace.store.note(at: commit)?.runs.count ?? 0
            try workspace.store.append(run, to: commit)
            let after = try workspace.store.note(at: commit)?.runs.count ?? 0
            if after > before {
                imported += 1
                output.line("imported \(name) → \(commit.short) (\(run.results.count) benchmarks)")
            } else {
                output.line("already imported \(name)")
            }
        }
        output.line("\(imported) imported, \(skipped) skipped")
    }

    /// The machine a saved run was made on, from pytest-benchmark's `machine_info`: this machine's own
    /// fingerprint when the host name matches (so imported runs compare with new ones), else one built
    /// from what the file says, so runs from elsewhere are never compared silently.
    static func machine(of path: String) -> MachineFingerprint {
        let current = MachineFingerprint.current()
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let info = object["machine_info"] as? [String: Any], let node = info["node"] as? String,
            node != current.hostname
        else { return current }
        let cpu = info["cpu"] as? [String: Any]
        return MachineFingerprint(
            hostname: node, cpu: (cpu?["brand_raw"] as? String) ?? (info["processor"] as? String) ?? "",
            cores: (cpu?["count"] as? Int) ?? 0, memoryBytes: 0, arch: (info["machine"] as? String) ?? "",
            os: [(info["system"] as? String) ?? "", (info["release"] as? String) ?? ""].joined(separator: " "))
    }
}
