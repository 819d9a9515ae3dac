import Foundation

/// Where a command writes. Commands take one for their result and one for progress and warnings, so
/// the CLI passes stdout/stderr and tests pass buffers.
public protocol OutputStream: AnyObject {
    func write(_ text: String)
    /// UTF-8 bytes, for a big document built as bytes (no String of it to make and validate).
    func write(utf8 bytes: [UInt8])
}

extension OutputStream {
    public func line(_ text: String = "") { write(text + "\n") }
    public func write(utf8 bytes: [UInt8]) { write(String(decoding: bytes, as: UTF8.self)) }
}

/// A file descriptor's stream (stdout, stderr).
public final class FileOutput: OutputStream, @unchecked Sendable {
    public static let standardOutput = FileOutput(FileHandle.standardOutput)
    public static let standardError = FileOutput(FileHandle.standardError)
    private let handle: FileHandle

    public init(_ handle: FileHandle) { self.handle = handle }
    public func write(_ text: String) { handle.write(Data(text.utf8)) }
    public func write(utf8 bytes: [UInt8]) { handle.write(Data(bytes)) }
}

/// Swallows output (progress nobody asked for).
public final class NullOutput: OutputStream {
    public init() {}
    public func write(_ text: String) {}
}
