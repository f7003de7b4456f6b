// The SSH step, with Citadel 0.11.1 (https://github.com/orlandos-nl/Citadel, on the
// swift-nio-ssh fork it pins): log in, run the library's mosh-server command, return
// what it printed. This file and KnownHosts.swift are the only code that touches the
// SSH library; everything after the MOSH CONNECT line is MoshKit's. Fetched and
// compiled by Xcode on the developer's Mac only (project.yml).

import Citadel
import Foundation
import MoshDemoCore
import NIOCore

struct CitadelBootstrap: ServerBootstrap {
    /// The SSH password (kept in memory for this connection only).
    let password: String
    let knownHosts: KnownHosts

    func startServer(_ settings: ConnectionSettings, command: String) async throws -> String {
        let validator = knownHosts.validator(for: "\(settings.host):\(settings.sshPort)")
        let client: SSHClient
        do {
            client = try await SSHClient.connect(
                host: settings.host,
                port: settings.sshPort,
                authenticationMethod: .passwordBased(username: settings.user, password: password),
                hostKeyValidator: .custom(validator),
                reconnect: .never)
        } catch {
            // A refused host key surfaces as the handshake's own error: say why.
            throw validator.rejection ?? error
        }
        do {
            let output = try await run(command, on: client)
            try await client.close()
            return output
        } catch {
            try? await client.close()
            throw error
        }
    }

    /// Runs `command` and returns its stdout and stderr together: mosh-server prints
    /// MOSH CONNECT on one and its complaints on the other. mosh-server detaches and
    /// exits, which closes the channel. A failing command (Citadel's `CommandFailed`
    /// carries only the status) keeps what it printed, where the reason is.
    private func run(_ command: String, on client: SSHClient) async throws -> String {
        var printed = ByteBuffer()
        do {
            for try await chunk in try await client.executeCommandStream(command) {
                switch chunk {
                case .stdout(let bytes), .stderr(let bytes):
                    printed.writeImmutableBuffer(bytes)
                }
            }
        } catch let failed as SSHClient.CommandFailed {
            throw ServerCommandFailed(exitCode: failed.exitCode, output: String(buffer: printed))
        }
        return String(buffer: printed)
    }
}

/// The server command (the login shell running mosh-server) exited with an error.
struct ServerCommandFailed: Error, CustomStringConvertible {
    let exitCode: Int
    let output: String

    var description: String {
        let said = output.trimmingCharacters(in: .whitespacesAndNewlines)
        let status = "the server command exited with status \(exitCode)"
        return said.isEmpty ? status : "\(status): \(said)"
    }
}
