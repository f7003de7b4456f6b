// The saved session: its 54-byte secret in the Keychain (it unlocks the state,
// which holds the session key, so it never goes to UserDefaults or a file: a
// generic-password item, readable after the first unlock, since the app saves while
// going to the background, possibly as the device locks, never migrated to another
// device or into backups), and the state the library sealed under it in a file in
// Application Support, excluded from backups.

import Foundation
import MoshDemoCore
import Security

struct KeychainError: Error, CustomStringConvertible {
    let status: OSStatus
    var description: String {
        (SecCopyErrorMessageString(status, nil) as String?) ?? "Keychain error \(status)"
    }
}

final class KeychainSnapshotStore: SnapshotStore {
    private let service = "dev.moshmobile.demo.session"
    private let account = "secret"
    private let stateFile: URL

    init(stateFile: URL) {
        self.stateFile = stateFile
    }

    private var item: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }

    func load() throws -> SavedSession? {
        guard let secret = try loadSecret(),
              let state = try? Data(contentsOf: stateFile)
        else { return nil }
        return SavedSession(secret: secret, state: state)
    }

    /// The state first, the secret last: a process killed between the two leaves a
    /// new state with the old secret, which the library refuses (StateMismatch)
    /// rather than misreads.
    func save(_ saved: SavedSession) throws {
        try saved.state.write(
            to: stateFile, options: [.atomic, .completeFileProtectionUntilFirstUserAuthentication])
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        var url = stateFile
        try url.setResourceValues(values)
        try saveSecret(saved.secret)
    }

    func clear() throws {
        try? FileManager.default.removeItem(at: stateFile)
        try clearSecret()
    }

    private func loadSecret() throws -> Data? {
        var query = item
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess else { throw KeychainError(status: status) }
        return result as? Data
    }

    private func saveSecret(_ secret: Data) throws {
        let update = SecItemUpdate(item as CFDictionary, [kSecValueData as String: secret] as CFDictionary)
        if update == errSecSuccess { return }
        guard update == errSecItemNotFound else { throw KeychainError(status: update) }
        var add = item
        add[kSecValueData as String] = secret
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainError(status: status) }
    }

    private func clearSecret() throws {
        let status = SecItemDelete(item as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw KeychainError(status: status)
        }
    }
}
