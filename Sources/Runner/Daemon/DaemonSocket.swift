import Foundation
import Support

#if canImport(Glibc)
import Glibc
private let socketStream = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let socketStream = SOCK_STREAM
#endif

/// The daemon's control socket: a Unix domain socket (mode 0600, never TCP) speaking one line each way.
/// Requests: `poke` (look at the queue and the refs now), `status` (one line of JSON), `stop`.
enum UnixSocket {
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return address
    }

    static func withAddress<R>(_ address: sockaddr_un, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = address
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    static func setTimeout(_ fd: Int32, seconds: Double) {
        var tv = timeval()
        tv.tv_sec = .init(Int(seconds))
        tv.tv_usec = .init((seconds - Double(Int(seconds))) * 1e6)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// Reads until newline or EOF (or the timeout), at most `limit` bytes.
    static func readLine(_ fd: Int32, limit: Int = 1 << 20) -> String? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < limit {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.contains(10) { break }
        }
        guard !data.isEmpty else { return nil }
        let line = data.split(separator: 10, omittingEmptySubsequences: false).first ?? []
        return String(decoding: line, as: UTF8.self)
    }
}

/// The client side: one request, one reply line. nil when no daemon answers (no socket, a dead socket
/// file left behind, a daemon busy past the timeout).
public enum DaemonClient {
    public static func send(_ request: String, to paths: DaemonPaths, timeout: Double = 5) -> String? {
        guard let address = UnixSocket.address(paths.socket) else { return nil }
        let fd = socket(AF_UNIX, socketStream, 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        UnixSocket.setTimeout(fd, seconds: timeout)
        let connected = UnixSocket.withAddress(address) { connect(fd, $0, $1) }
        guard connected == 0 else { return nil }
        UnixSocket.writeAll(fd, request + "\n")
        return UnixSocket.readLine(fd)
    }
}

/// The server side: a thread accepting one short connection at a time.
final class DaemonSocketServer: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let handler: @Sendable (String) -> String

    /// Binds the socket, replacing a dead socket file left by a killed daemon (we hold the daemon lock,
    /// so no live daemon owns it).
    init(path: String, handler: @escaping @Sendable (String) -> String) throws {
        self.path = path
        self.handler = handler
        _ = try DaemonPaths.ensurePrivateSocketDirectory()
        guard let address = UnixSocket.address(path) else {
            throw PerfJournalError(.repository, file: path, "socket path too long")
        }
        unlink(path)
        fd = socket(AF_UNIX, socketStream, 0)
        guard fd >= 0 else { throw PerfJournalError(.repository, file: path, "cannot create socket: \(String(cString: strerror(errno)))") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // Created 0600 from the start: no window in which another user could connect.
        let oldMask = umask(0o177)
        let bound = UnixSocket.withAddress(address) { bind(fd, $0, $1) }
        umask(oldMask)
        guard bound == 0, listen(fd, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw PerfJournalError(.repository, file: path, "cannot listen on the socket: \(message)")
        }
        chmod(path, 0o600)
    }

    func start() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "perfjournal-socket"
        thread.start()
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // closed at shutdown
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            UnixSocket.setTimeout(client, seconds: 2)
            if let request = UnixSocket.readLine(client, limit: 256) {
                UnixSocket.writeAll(client, handler(request.trimmingCharacters(in: .whitespaces)) + "\n")
            }
            close(client)
        }
    }

    /// Stops accepting and removes the socket file.
    func shutdown() {
        unlink(path)
        Glibc_shutdown(fd)
        close(fd)
    }

    private func Glibc_shutdown(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        #else
        _ = Darwin.shutdown(fd, SHUT_RDWR)
        #endif
    }
}
