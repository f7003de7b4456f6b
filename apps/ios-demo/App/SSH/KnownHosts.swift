// Trust on first use for SSH host keys: the first key a host presents is stored
// (UserDefaults: host keys are public); a different key later fails the connection.

import Foundation
import NIOCore
import NIOSSH

struct HostKeyChanged: Error, CustomStringConvertible {
    let host: String
    var description: String {
        "The SSH host key of \(host) changed. If that is expected, forget the host in Settings."
    }
}

final class KnownHosts: @unchecked Sendable {
    private let defaults = UserDefaults.standard
    private let key = "knownHostKeys"

    func validator(for host: String) -> NIOSSHClientServerAuthenticationDelegate {
        Validator(host: host, knownHosts: self)
    }

    func forget(_ host: String) {
        var known = defaults.dictionary(forKey: key) as? [String: String] ?? [:]
        known[host] = nil
        defaults.set(known, forKey: key)
    }

    fileprivate func check(_ host: String, presented: String) -> Bool {
        var known = defaults.dictionary(forKey: key) as? [String: String] ?? [:]
        guard let stored = known[host] else {
            known[host] = presented
            defaults.set(known, forKey: key)
            return true
        }
        return stored == presented
    }

    private struct Validator: NIOSSHClientServerAuthenticationDelegate {
        let host: String
        let knownHosts: KnownHosts

        func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
            if knownHosts.check(host, presented: String(openSSHPublicKey: hostKey)) {
                validationCompletePromise.succeed(())
            } else {
                validationCompletePromise.fail(HostKeyChanged(host: host))
            }
        }
    }
}
