import Foundation
import Store
import Support

/// `.git/perfjournal/autostart-off`: "the last hook found nothing to start". The shell hook reads it to
/// skip starting perfjournal at all (which would cost more than the whole hook), until the config files
/// are newer than the marker or a command that changes the answer (init, trust, a new baseline) clears it.
enum AutostartMarker {
    static func path(_ workspace: Workspace) -> String { workspace.stateDirectory + "/autostart-off" }

    static func set(_ workspace: Workspace) {
        try? AtomicFile.write("", to: path(workspace))
    }

    static func clear(_ workspace: Workspace) {
        unlink(path(workspace))
    }
}
