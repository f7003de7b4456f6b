// The status line under the terminal. The library's notification bar is off
// (`SessionOptions.demo`), so this line says what the bar would have: the server
// silent (waiting, last contact), typing not reaching the server (last reply),
// input dropped; and what the bar never said: connecting, RTT, paused, why it ended.

import MoshKit

/// Over this long since the newest acknowledged state was sent, while the server is
/// heard, what is typed is not reaching it (the library's threshold, documented on
/// `Status.lastReplyMs`; stock mosh's bar then says "Last reply").
let replyLateMs: UInt64 = 10_000

/// Short text for a status.
public func statusLine(_ status: Status) -> String {
    let state: String
    switch status.state {
    case .closed(let reason):
        return closeText(reason)
    case _ where status.background:
        // Nothing is sent or read in the background, so the other states say
        // nothing true about the link (the library's advice on `Status.background`).
        state = "Paused in the background"
    case .connecting:
        // Datagrams that fail authentication while connecting are usually another
        // key's: a stale MOSH CONNECT line, or another session on the port.
        state = status.datagramsUnauthentic > 0
            ? "Connecting… · \(status.datagramsUnauthentic) datagrams failed authentication (wrong key?)"
            : "Connecting…"
    case .connected:
        if let reply = status.lastReplyMs, reply > replyLateMs {
            state = "Typing not reaching the server · last reply \(reply / 1000) s ago"
        } else {
            state = "Connected · RTT \(status.rttMs) ms"
        }
    case .waiting:
        state = "Waiting for the server · last contact \((status.lastContactMs ?? 0) / 1000) s ago"
    }
    guard status.inputDroppedBytes > 0 else { return state }
    return "\(state) · \(status.inputDroppedBytes) bytes of input dropped"
}

/// Why a session ended, for people.
public func closeText(_ reason: CloseReason) -> String {
    switch reason {
    case .serverExited: return "Session ended: the remote shell exited"
    case .closed: return "Disconnected"
    case .closeUnacknowledged: return "Disconnected (the server did not confirm)"
    case .connectTimedOut: return "No answer from the server (UDP blocked, or wrong port or key?)"
    case .hostNotFound: return "Host not found"
    case .networkFailed: return "The network failed"
    case .outOfSync: return "The server went on without this app; start a new session"
    case .superseded: return "Resumed on another device or app; it goes on there"
    case .detached: return "Detached: the remote shell goes on"
    }
}
