// The SSH step, with Citadel (https://github.com/orlandos-nl/Citadel, on SwiftNIO
// SSH): log in, run the library's mosh-server command, return what it printed.
// This file and KnownHosts.swift are the only code that touches the SSH library;
// everything after the MOSH CONNECT line is MoshKit's. Fetched and compiled by Xcode
// on the developer's Mac only (project.yml).

import Citadel
import MoshDemoCore
import NIOCore

struct CitadelBootstrap: ServerBootstrap {
    /// The SSH password (kept in memory for this connection only).
    let password: String
    let knownHosts: KnownHosts

    func startServer(_ settings: ConnectionSettings, command: String) async throws -> String {
        let client = try await SSHClient.connect(
            host: settings.host,
            port: settings.sshPort,
            authenticationMethod: .passwordBased(username: settings.user, password: password),
            hostKeyValidator: .custom(knownHosts.validator(for: "\(settings.host):\(settings.sshPort)")),
            reconnect: .never)
        do {
            // mosh-server prints MOSH CONNECT, detaches and exits: the channel closes.
            let output = try await client.executeCommand(command, mergeStreams: true)
            try await client.close()
            return String(buffer: output)
        } catch {
            try? await client.close()
            throw error
        }
    }
}
