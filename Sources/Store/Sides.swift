// swift-format-ignore-file
import Foundation
import Git
import Results
import Statistics
import Support

/// The two sides of a comparison, resolved to results.
package struct Sides {
    package struct Side {
        package enum Origin { case file(String), revision(ObjectID) }
        package var origin: Origin
        package var label: String
        package var runs: [MeasuredRun]
        package var machine: MachineFingerprint?
    }

    package var before: Side
    package var after: Side
    package var notes: [String] = []

    package static func resolve(before: String, after: String, workspace: Workspace?, allowCrossMachine: Bool) throws -> Sides {
        let a: Side, b: Side
        if isFile(before) && isFile(after) {
            // Two big files parse in about the time of one on two cores.
            (a, b) = try Parallel.both({ try fileSide(before) }, { try fileSide(after) })
        } else {
            a = try side(before, workspace: workspace, machine: nil)
            // Prefer B's runs from A's machine; any machine only if it has none there.
            b = try side(after, workspace: workspace, machine: a.machine?.id)
        }
        var notes: [String] = []
        if let ma = a.machine, let mb = b.machine, ma.id != mb.id {
            guard allowCrossMachine else {
                throw PerfJournalError(.incomparable, "\(a.label) was measured on machine \(ma.id) (\(ma.hostname)) and \(b.label) on \(mb.id) (\(mb.hostname)); timings from different machines are not comparable (--allow-cross-machine to compare anyway)")
            }
            notes.append("comparing runs from different machines: \(ma.id) (\(ma.hostname)) vs \(mb.id) (\(mb.hostname))")
        }
        return Sides(before: a, after: b, notes: notes)
    }

    /// A result file if `spec` names an existing file, else a revision's pooled runs (on `machine`, when given).
    static func isFile(_ spec: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func fileSide(_ path: String) throws -> Side {
        let set = try ResultFileReader.read(path: path)
        return Side(origin: .file(path), label: (path as NSString).lastPathComponent, runs: [MeasuredRun(results: set.benchmarks)], machine: nil)
    }

    static func side(_ spec: String, workspace: Workspace?, machine: String?) throws -> Side {
        if isFile(spec) { return try fileSide(spec) }
        guard let workspace else {
            throw PerfJournalError(.resultFile, file: spec, "no such file, and not in a git repository to read it as a revision")
        }
        let commit: ObjectID
        do { commit = try workspace.resolve(spec) } catch let error as PerfJournalError where error.message.hasPrefix("unknown revision") {
            // `compare` takes files and revisions alike: a mistyped path is neither.
            throw PerfJournalError(.repository, file: spec, "no such file or revision")
        }
        // A failed measurement (the benchmark crashed) has nothing to compare.
        guard var note = try workspace.store.note(at: commit), let latest = note.runs.last else {
            throw PerfJournalError(.notMeasured, file: workspace.root, "\(spec) (\(commit.short)) has no stored runs (`perfjournal run \(spec)`)")
        }
        note.runs.removeAll { $0.failed }
        let tree = try workspace.commit(commit).tree
        var runs = note.runs(on: machine ?? latest.machine.id, tree: tree)
        if runs.isEmpty, let own = note.runs.last(where: { $0.tree == tree.hex }) {
            runs = note.runs(on: own.machine.id, tree: tree)
        }
        guard let newest = runs.last else {
            throw PerfJournalError(.notMeasured, file: workspace.root, "\(spec) (\(commit.short)) has runs only of an earlier version of its code (copied by an amend or rebase); measure it: `perfjournal run \(spec)`")
        }
        return Side(origin: .revision(commit), label: commit.short, runs: runs.map(\.measured), machine: newest.machine)
    }
}
