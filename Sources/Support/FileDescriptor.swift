#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemRead = Darwin.read
#endif

public enum FileDescriptor {
    /// Writes all of `raw` to `fd`: `write` may take part of it, or be interrupted by a signal before it took
    /// any. Returns 0, or the errno that stopped it.
    public static func writeAll(_ raw: UnsafeRawBufferPointer, to fd: Int32) -> Int32 {
        var offset = 0
        while offset < raw.count {
            let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// The whole file at `path` as bytes, read straight into the array (through `Data` it is copied once
    /// more: the caches are tens of megabytes); nil when it cannot be opened or read.
    public static func readAll(path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 0)
        var capacity = max(Int(info.st_size), 0) + 1
        while true {
            var failed = false
            let start = bytes.count
            // Read until the end: a file that grew since fstat gets a larger buffer.
            bytes.append(contentsOf: repeatElement(0, count: capacity - start))
            var filled = start
            bytes.withUnsafeMutableBytes { raw in
                while filled < raw.count {
                    let n = systemRead(fd, raw.baseAddress! + filled, raw.count - filled)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failed = true
                        return
                    }
                    if n == 0 { break }
                    filled += n
                }
            }
            if failed { return nil }
            if filled < bytes.count {
                bytes.removeLast(bytes.count - filled)
                return bytes
            }
            capacity *= 2
        }
    }
}
