import Journal
import Support

import protocol Support.OutputStream

/// `perfjournal report --html DIR`: the static report site (built in `Journal`, `Sources/Journal/Report/`).
public enum ReportCommand {
    /// Returns the path of the page written.
    @discardableResult
    public static func run(at path: String, html directory: String, range: String?, progress: OutputStream) throws -> String {
        try Journal.htmlReport(at: path, directory: directory, range: range, progress: progress)
    }
}
