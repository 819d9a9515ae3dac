import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// posix_spawn as perfjournal starts every child: stdin from /dev/null, stdout and stderr into files it
/// chose, SIGTERM/SIGINT/SIGHUP/SIGPIPE back to their defaults and nothing blocked, whatever this process
/// had set, in a process group of its own (so a timeout can kill the whole group) or a new session (so
/// a daemon outlives the terminal and git's hook).
package enum ChildProcess {
    package enum Detachment { case processGroup, newSession }

    /// Returns the child's pid. `closeInherited` also closes every other descriptor in the child.
    package static func spawn(
        _ argv: [String], environment: [String: String], stdout: Int32, stderr: Int32,
        detachment: Detachment, closeInherited: Bool = false
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if closeInherited {
            for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        switch detachment {
        case .processGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        case .newSession:
            flags |= setsidFlag
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(argv) { a in withCStrings(envp) { e in posix_spawn(&pid, argv[0], &actions, &attributes, a, e) } }
        guard code == 0 else {
            throw PerfJournalError(.commandFailed, file: argv[0], "cannot start: \(String(cString: strerror(code)))")
        }
        return pid
    }

    #if os(Linux)
    /// glibc's POSIX_SPAWN_SETSID (not exported to Swift).
    private static let setsidFlag: Int32 = 0x80
    #else
    private static let setsidFlag: Int32 = Int32(POSIX_SPAWN_SETSID)
    #endif

    private static func openDescriptors() -> [Int32] {
        #if os(Linux)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }
        #else
        return Array(3..<256).filter { fcntl($0, F_GETFD) != -1 }
        #endif
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
