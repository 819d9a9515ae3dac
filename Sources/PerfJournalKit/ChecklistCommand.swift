import Journal
import Support

import protocol Support.OutputStream

/// `perfjournal checklist`: the optimization discipline's items, judged over the session (built in `Journal`).
public enum ChecklistCommand {
    /// False when an item fails.
    public static func run(at path: String, json: Bool, markdown: Bool = false, limit: Int = 10, output: OutputStream) throws -> Bool {
        try Journal.checklist(at: path, json: json, markdown: markdown, limit: limit, output: output)
    }
}
