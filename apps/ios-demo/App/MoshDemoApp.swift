// The app: one session controller (MoshDemoCore) wired to the platform. The
// scene phase goes to the controller (background: the saved session is stored, its
// secret in the Keychain and its sealed state in a file; active: resume), NWPathMonitor's reports go to it (a changed path moves
// the session to a fresh socket), and at launch a stored snapshot is restored (the
// app was killed in the background).

import MoshDemoCore
import MoshKit
import SwiftUI
import UIKit

@main
struct MoshDemoApp: App {
    @StateObject private var model = TerminalModel(
        controller: SessionController(store: KeychainSnapshotStore(stateFile: stateFile())))
    @Environment(\.scenePhase) private var scenePhase
    private let network = NetworkMonitor()

    init() {
        initLogging(level: .info)
    }

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                .task {
                    model.controller.options.nonceStoreDir = nonceDirectory()
                    network.start { model.controller.networkPathUpdated($0) }
                    await model.controller.restoreSaved()
                }
        }
        .onChange(of: scenePhase) { _, phase in
            switch phase {
            case .background:
                // Time to store the snapshot before iOS suspends the app.
                let task = UIApplication.shared.beginBackgroundTask()
                model.controller.appPhaseChanged(.background)
                Task {
                    await model.controller.lifecycleSettled()
                    UIApplication.shared.endBackgroundTask(task)
                }
            case .active:
                model.controller.appPhaseChanged(.active)
            case .inactive:
                model.controller.appPhaseChanged(.inactive)
            @unknown default:
                break
            }
        }
    }

    /// Application Support/mosh-nonces: where the library hands out lanes of sequence
    /// numbers. Excluded from backups and device transfer: a store from a backup belongs
    /// to another moment (the library stays safe with one, mosh-core's
    /// crypto/sequence_plan.rs, but it is of no use).
    private func nonceDirectory() -> String? {
        guard let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first
        else { return nil }
        var directory = base.appendingPathComponent("mosh-nonces", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? directory.setResourceValues(values)
        return directory.path
    }
}

/// The controller for SwiftUI: views observing it redraw when the controller says
/// something changed; the remote program's clipboard writes go to the pasteboard.
@MainActor
final class TerminalModel: ObservableObject {
    let controller: SessionController
    /// Taps on the terminal asking for the keyboard (TerminalInputView answers).
    @Published var keyboardRequests = 0

    init(controller: SessionController) {
        self.controller = controller
        controller.onChange = { [weak self] in self?.objectWillChange.send() }
        // OSC 52 writes the controller found to be text for the clipboard.
        controller.onClipboard = { text in UIPasteboard.general.string = text }
    }
}

/// Where the saved session's sealed state goes (the secret is in the Keychain).
private func stateFile() -> URL {
    let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first
        ?? FileManager.default.temporaryDirectory
    try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    return base.appendingPathComponent("mosh-session.state")
}
