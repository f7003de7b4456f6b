// Trust on first use for SSH host keys: the first key a host presents is stored
// (UserDefaults: host keys are public); a different key later fails the connection
// until the user forgets the saved one (the form offers that with the error).

import Foundation
import NIOCore
import NIOSSH

struct HostKeyChanged: Error, CustomStringConvertible {
    /// "host:port", as the key was saved.
    let host: String
    var description: String {
        "The SSH host key of \(host) is not the one saved when you first connected. If the server's key "
            + "was replaced on purpose, forget the saved key and connect again; otherwise someone may be "
            + "intercepting the connection."
    }
}

final class KnownHosts: @unchecked Sendable {
    private let defaults = UserDefaults.standard
    private let key = "knownHostKeys"
    private let lock = NSLock()

    /// A validator for one connection to `host` ("host:port").
    func validator(for host: String) -> HostKeyValidator {
        HostKeyValidator(host: host, knownHosts: self)
    }

    /// Forgets the saved key of `host`: the next connection trusts what it presents.
    func forget(_ host: String) {
        lock.withLock {
            var known = defaults.dictionary(forKey: key) as? [String: String] ?? [:]
            known[host] = nil
            defaults.set(known, forKey: key)
        }
    }

    /// Whether `presented` is the key saved for `host`; the first key seen is saved.
    fileprivate func check(_ host: String, presented: String) -> Bool {
        lock.withLock {
            var known = defaults.dictionary(forKey: key) as? [String: String] ?? [:]
            guard let stored = known[host] else {
                known[host] = presented
                defaults.set(known, forKey: key)
                return true
            }
            return stored == presented
        }
    }
}

/// Checks the key one connection's server presents, and remembers a refusal: the
/// handshake then fails with errors of the SSH library's own, so the bootstrap asks
/// the validator why.
final class HostKeyValidator: NIOSSHClientServerAuthenticationDelegate, @unchecked Sendable {
    let host: String
    private let knownHosts: KnownHosts
    private let lock = NSLock()
    private var refused: HostKeyChanged?

    fileprivate init(host: String, knownHosts: KnownHosts) {
        self.host = host
        self.knownHosts = knownHosts
    }

    /// The refusal, if the presented key was not the saved one.
    var rejection: HostKeyChanged? {
        lock.withLock { refused }
    }

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        if knownHosts.check(host, presented: Self.text(of: hostKey)) {
            validationCompletePromise.succeed(())
        } else {
            let changed = HostKeyChanged(host: host)
            lock.withLock { refused = changed }
            validationCompletePromise.fail(changed)
        }
    }

    /// The key as known_hosts writes it after the key type: its SSH wire encoding
    /// (which begins with the type) in base64. `write(to:)` is public in every
    /// version of the swift-nio-ssh fork Citadel uses; `String(openSSHPublicKey:)`
    /// only in its newest.
    static func text(of key: NIOSSHPublicKey) -> String {
        var buffer = ByteBuffer()
        key.write(to: &buffer)
        return Data(buffer.readableBytesView).base64EncodedString()
    }
}
