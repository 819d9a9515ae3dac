import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C or SIGTERM while a foreground command runs a benchmark: the benchmark runs in a process group
/// of its own (so a timeout can kill all of it), which also means the terminal's SIGINT never reaches it.
/// So perfjournal kills every group it started, says that nothing was stored, and exits 130.
package enum Interruption {
    private static let state = State()

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var requested = false
        var sources: [DispatchSourceSignal] = []
    }

    /// Takes over SIGINT and SIGTERM for the rest of the process. Not for the daemon, which has its own.
    package static func install(message: String = "interrupted: nothing stored") {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                // First the flag, so the thread waiting for the benchmark stores nothing once it dies.
                state.lock.withLock { state.requested = true }
                RunningChildren.shared.signalAll(SIGTERM)
                usleep(100_000)
                RunningChildren.shared.signalAll(SIGKILL)
                FileOutput.standardError.line("perfjournal: " + message)
                _exit(130)
            }
            source.resume()
            state.lock.withLock { state.sources.append(source) }
        }
    }

    package static var requested: Bool { state.lock.withLock { state.requested } }

    /// Called when a child ends: if it ended because we are being interrupted, wait here for the
    /// handler to exit the process instead of going on to store anything.
    package static func holdIfInterrupted() {
        while requested { pause() }
    }
}
