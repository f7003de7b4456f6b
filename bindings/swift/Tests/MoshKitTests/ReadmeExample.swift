// The connect example of README.md, compiled and run by ReadmeExampleTests (which
// also checks that README.md shows exactly this code).

import MoshKit

// BEGIN README EXAMPLE
import MoshKit

/// `serverOutput` is what `mosh-server new` printed over your SSH connection
/// (run `serverCommand(options: ServerCommandOptions())` there).
func runOnServer(host: String, serverOutput: String) async throws -> String {
    let session = try await MoshSession.connect(
        host: host, serverOutput: serverOutput, columns: 80, rows: 24)
    try session.send("echo hello from mo''sh; exit\r")
    for await event in session.events {        // the whole screen first, then changes
        switch event {
        case .screenChanged(let rows):
            print("redraw rows \(rows) of", session.screen.rows.count)
        case .statusChanged(let status):
            print("status:", status.state)
        case .closed(let reason):               // the last event
            print("closed:", reason)
        default:
            break
        }
    }
    return session.screen.text
}
// END README EXAMPLE
