import Journal
import Support

import protocol Support.OutputStream

/// `perfjournal pr-summary`: a pull-request body for base..head (built in `Journal`).
public enum PRSummaryCommand {
    public static func run(at path: String, base: String?, head: String?, format: PRSummary.Format, output: OutputStream) throws {
        try PRSummary.run(at: path, base: base, head: head, format: format, output: output)
    }
}
