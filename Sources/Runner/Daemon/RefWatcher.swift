import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes the daemon when something it cares about may have changed: a ref (loose refs, packed-refs,
/// HEAD, reflogs), the queue directory, or a wake-up byte on its pipe. inotify on Linux; elsewhere
/// (or if inotify cannot be set up) it simply times out and the daemon polls. A wake-up is only a hint:
/// the daemon rereads the refs itself, so a missed or spurious event costs nothing but a delay.
final class RefWatcher {
    private var inotifyFD: Int32 = -1
    private let directories: [String]
    private let recursiveRoots: [String]
    /// The read end of the wake-up pipe; `wake()` writes to the other end from any thread.
    private let wakeRead: Int32
    let wakeWrite: Int32

    /// `gitDir`/`commonDir` (HEAD, packed-refs), their refs/ and logs/ trees, and the queue.
    init(gitDir: String, commonDir: String, queueDirectory: String) {
        directories = Array(Set([gitDir, commonDir, queueDirectory]))
        recursiveRoots = [commonDir + "/refs", commonDir + "/logs"]
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        #if os(Linux)
        inotifyFD = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        addWatches()
        #endif
    }

    deinit {
        if inotifyFD >= 0 { close(inotifyFD) }
        close(wakeRead)
        close(wakeWrite)
    }

    var usesInotify: Bool { inotifyFD >= 0 }

    /// Safe from any thread: one byte on a non-blocking pipe.
    static func wake(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    #if os(Linux)
    private func addWatches() {
        guard inotifyFD >= 0 else { return }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
        var all = directories
        for root in recursiveRoots {
            all.append(root)
            if let enumerator = FileManager.default.enumerator(atPath: root) {
                while let relative = enumerator.nextObject() as? String {
                    var isDirectory: ObjCBool = false
                    let path = root + "/" + relative
                    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { all.append(path) }
                }
            }
        }
        // Re-adding a watched path is a no-op; adding again catches directories deleted and recreated.
        for path in all { _ = inotify_add_watch(inotifyFD, path, mask) }
    }
    #endif

    /// Waits until something happens or `timeout` seconds pass. Returns true when woken by an event.
    @discardableResult
    func wait(timeout: Double) -> Bool {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if inotifyFD >= 0 { fds.append(pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
        guard ready > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 8192)
        // Drain both, and let a burst of events (a commit touches several files) settle a little.
        usleep(20_000)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
        if inotifyFD >= 0 {
            while read(inotifyFD, &buffer, buffer.count) > 0 {}
            #if os(Linux)
            addWatches()  // new ref directories (branch names with slashes), a recreated queue
            #endif
        }
        return true
    }
}
