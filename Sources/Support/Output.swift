import Foundation

/// Where a command writes. Commands take one for their result and one for progress and warnings, so
/// the CLI passes stdout/stderr and tests pass buffers.
public protocol OutputStream: AnyObject {
    func write(_ text: String)
}

extension OutputStream {
    public func line(_ text: String = "") { write(text + "\n") }
}

/// A file descriptor's stream (stdout, stderr).
public final class FileOutput: OutputStream, @unchecked Sendable {
    public static let standardOutput = FileOutput(FileHandle.standardOutput)
    public static let standardError = FileOutput(FileHandle.standardError)
    private let handle: FileHandle

    public init(_ handle: FileHandle) { self.handle = handle }
    public func write(_ text: String) { handle.write(Data(text.utf8)) }
}

/// Swallows output (progress nobody asked for).
public final class NullOutput: OutputStream {
    public init() {}
    public func write(_ text: String) {}
}
