import Journal
import Support

import protocol Support.OutputStream

/// `perfjournal log`: print, write or check the progress log (built in `Journal`).
public enum LogCommand {
    /// False when `--check` found the log out of date.
    @discardableResult
    public static func run(at path: String, options: Journal.LogOptions, output: OutputStream, progress: OutputStream) throws -> Bool {
        try Journal.log(at: path, options: options, output: output, progress: progress)
    }
}
