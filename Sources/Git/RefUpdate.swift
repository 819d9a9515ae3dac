import CGit2
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Moves `ref` to `target` only if it still points at `expected` (nil: only if it does not exist yet),
    /// and only then appends the reflog line.
    ///
    /// libgit2 appends the reflog line *before* it renames the ref's lock file into place, so a ref update
    /// that fails at the last step (a full disk) still leaves "perfjournal: record …" in the reflog for a
    /// write that never happened. Here the update itself runs with `core.logAllRefUpdates=false` on this
    /// handle, and the line is appended once the ref has moved. Returns libgit2's code: 0, or
    /// GIT_EMODIFIED / GIT_EEXISTS / GIT_ELOCKED when another writer got there first, or another error.
    func moveReference(_ ref: String, to target: git_oid, expected: git_oid?, message: String) -> Int32 {
        var newTarget = target
        // The zero id means "must not exist" to create_matching.
        var current = expected ?? git_oid()
        let logging = reflogWanted(ref)
        var original: OpaquePointer?
        var quiet: OpaquePointer?
        let swapped = logging && git_repository_config(&original, pointer) == 0 && makeQuietConfig(&quiet)
        if swapped { git_repository_set_config(pointer, quiet) }
        defer {
            if swapped { git_repository_set_config(pointer, original) }
            git_config_free(quiet)
            git_config_free(original)
        }
        var newRef: OpaquePointer?
        let code = git_reference_create_matching(&newRef, pointer, ref, &newTarget, 1, &current, message)
        git_reference_free(newRef)
        if code == 0 && logging {
            // The run is stored; a reflog line that cannot be written (a full disk) is not worth failing for.
            appendReflog(ref, old: expected, new: target, message: message, viaLibgit2: !swapped)
        }
        return code
    }

    /// Would git log an update of `ref`? (core.logAllRefUpdates, default true in a work tree: refs/heads,
    /// refs/remotes, refs/notes and HEAD; or any ref that already has a log.)
    private func reflogWanted(_ ref: String) -> Bool {
        if access(commonDir + "/logs/" + ref, F_OK) == 0 { return true }
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return !isBare }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        if git_config_get_string(&value, config, "core.logAllRefUpdates") == 0, let value {
            switch String(cString: value).lowercased() {
            case "always": return true
            case "false", "no", "off", "0": return false
            default: break
            }
        }
        return !isBare && (ref.hasPrefix("refs/heads/") || ref.hasPrefix("refs/remotes/") || ref.hasPrefix("refs/notes/") || ref == "HEAD")
    }

    /// A config holding only `core.logAllRefUpdates=false`, from a small file in perfjournal's state
    /// directory (libgit2 1.5 has no in-memory config backend).
    private func makeQuietConfig(_ out: inout OpaquePointer?) -> Bool {
        let directory = commonDir + "/perfjournal"
        let path = directory + "/no-reflog.config"
        let body = "# perfjournal moves its notes ref with this config, then appends the reflog line itself.\n[core]\n\tlogAllRefUpdates = false\n"
        if access(path, R_OK) != 0 {
            mkdir(directory, 0o755)
            guard let file = fopen(path + ".tmp-\(getpid())", "w") else { return false }
            let ok = fputs(body, file) >= 0
            guard fclose(file) == 0, ok, rename(path + ".tmp-\(getpid())", path) == 0 else {
                unlink(path + ".tmp-\(getpid())")
                return false
            }
        }
        guard git_config_new(&out) == 0 else { return false }
        return git_config_add_file_ondisk(out, path, GIT_CONFIG_LEVEL_APP, pointer, 0) == 0
    }

    /// Appends one reflog line as git writes it: "<old> <new> <name> <<email>> <time> <tz>\t<message>".
    private func appendReflog(_ ref: String, old: git_oid?, new: git_oid, message: String, viaLibgit2: Bool) {
        if viaLibgit2 { return }  // the update was logged the ordinary way
        let oldHex = old.map { ObjectID($0).hex } ?? String(repeating: "0", count: 40)
        let line: String? = try? withSignature { sig in
            let name = String(cString: sig.pointee.name), email = String(cString: sig.pointee.email)
            let offset = Int(sig.pointee.when.offset)
            let sign = offset < 0 ? "-" : "+"
            let zone = sign + String(format: "%02d%02d", abs(offset) / 60, abs(offset) % 60)
            let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "\(oldHex) \(ObjectID(new).hex) \(name) <\(email)> \(sig.pointee.when.time) \(zone)\t\(oneLine)\n"
        }
        guard let line else { return }
        let path = commonDir + "/logs/" + ref
        var directory = ""
        for part in path.split(separator: "/").dropLast() {
            directory += "/" + part
            mkdir(directory, 0o755)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        // Never leave half a line (a full disk): git would stop reading the log there.
        if written != bytes.count { _ = ftruncate(fd, info.st_size) }
    }
}
