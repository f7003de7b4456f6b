// What the connection form asks for, the SSH step as an interface (the app's
// implementation uses an SSH library; tests run the server locally), and where the
// snapshot is kept (the Keychain in the app).

import Foundation
import MoshKit

/// The connection form.
public struct ConnectionSettings: Codable, Equatable, Sendable {
    /// The server's host name or address (for SSH and for mosh).
    public var host: String
    /// The SSH port.
    public var sshPort: Int
    /// The SSH user.
    public var user: String
    /// The server program (`mosh-server`, or a path on the server).
    public var moshServer: String
    /// UDP ports for the session (`60000:61000`), empty for the server's default.
    public var udpPorts: String

    public init(host: String = "", sshPort: Int = 22, user: String = "",
                moshServer: String = "mosh-server", udpPorts: String = "") {
        self.host = host
        self.sshPort = sshPort
        self.user = user
        self.moshServer = moshServer
        self.udpPorts = udpPorts
    }

    /// Whether the form can be submitted.
    public var isComplete: Bool {
        !host.trimmingCharacters(in: .whitespaces).isEmpty
            && !user.trimmingCharacters(in: .whitespaces).isEmpty
            && (1...65535).contains(sshPort)
            && !moshServer.isEmpty
    }

    /// The command to run over SSH, from the library's `serverCommand`.
    public var serverCommand: String {
        MoshKit.serverCommand(options: ServerCommandOptions(
            server: moshServer,
            port: udpPorts.isEmpty ? nil : udpPorts))
    }
}

/// Runs the mosh-server command over SSH and returns everything it printed (stdout
/// and stderr), where the `MOSH CONNECT` line is.
public protocol ServerBootstrap: Sendable {
    func startServer(_ settings: ConnectionSettings, command: String) async throws -> String
}

/// Where the saved session lives between launches: its 54-byte secret in the
/// Keychain (the app's implementation), its sealed state in a file.
public protocol SnapshotStore: Sendable {
    func load() throws -> SavedSession?
    func save(_ saved: SavedSession) throws
    func clear() throws
}

/// A store in memory (tests, previews).
public final class MemorySnapshotStore: SnapshotStore, @unchecked Sendable {
    private let lock = NSLock()
    private var saved: SavedSession?

    public init(_ saved: SavedSession? = nil) {
        self.saved = saved
    }

    public func load() throws -> SavedSession? { lock.withLock { saved } }
    public func save(_ saved: SavedSession) throws { lock.withLock { self.saved = saved } }
    public func clear() throws { lock.withLock { saved = nil } }
}


