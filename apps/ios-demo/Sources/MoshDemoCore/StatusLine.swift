// The status line under the terminal.

import MoshKit

/// Short text for a status: state, how long the server has been silent, RTT.
public func statusLine(_ status: Status) -> String {
    switch status.state {
    case .connecting:
        return "Connecting…"
    case .connected:
        return status.background ? "Paused in the background" : "Connected · RTT \(status.rttMs) ms"
    case .waiting:
        let seconds = (status.lastContactMs ?? 0) / 1000
        return "Waiting for the server · last contact \(seconds) s ago"
    case .closed(let reason):
        return closeText(reason)
    }
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
    case .detached: return "Detached: the remote shell goes on"
    }
}
