// The form while no session runs, and again with the reason when a connection could
// not start (with "Forget the saved host key" when that was the reason); the
// terminal, key bar and status line in a navigation stack titled with the remote
// program's window title while a session runs; the last screen and why it ended
// afterwards.

import MoshDemoCore
import SwiftUI

struct RootView: View {
    @ObservedObject var model: TerminalModel
    @AppStorage("connection") private var savedSettings = Data()
    @State private var settings = ConnectionSettings()
    @State private var password = ""
    /// What the form says after the user acted on a failure (a forgotten host key).
    @State private var note = ""
    private let knownHosts = KnownHosts()

    private var controller: SessionController { model.controller }

    var body: some View {
        Group {
            switch controller.phase {
            case .idle, .starting:
                form
            case .ended where controller.startFailure != nil:
                form
            case .running, .ended:
                terminal
            }
        }
        .onAppear {
            if let saved = try? JSONDecoder().decode(ConnectionSettings.self, from: savedSettings) {
                settings = saved
            }
        }
    }

    private var form: some View {
        ConnectionFormView(
            settings: $settings, password: $password,
            starting: controller.phase == .starting,
            status: note.isEmpty ? controller.status : note,
            hostKeyChanged: controller.startFailure as? HostKeyChanged,
            forgetHostKey: forgetHostKey,
            connect: connect)
    }

    private var terminal: some View {
        NavigationStack {
            VStack(spacing: 0) {
                TerminalScreenView(model: model)
                Text(controller.status)
                    .font(.caption)
                    .lineLimit(2)
                    .frame(maxWidth: .infinity, alignment: .leading)
                    .padding(.horizontal, 8)
                    .padding(.vertical, 4)
                    .background(.bar)
            }
            .navigationTitle(windowTitle)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .topBarTrailing) {
                    if case .ended = controller.phase {
                        Button("Done") { controller.dismiss() }
                    } else {
                        Button("Disconnect") { controller.disconnect() }
                    }
                }
            }
        }
        .sensoryFeedback(.impact(weight: .light), trigger: controller.bells)
    }

    /// The remote program's window title, else the host.
    private var windowTitle: String {
        if !controller.title.isEmpty { return controller.title }
        return settings.host.isEmpty ? "Mosh" : settings.host
    }

    private func connect() {
        note = ""
        savedSettings = (try? JSONEncoder().encode(settings)) ?? Data()
        let bootstrap = CitadelBootstrap(password: password, knownHosts: knownHosts)
        password = ""
        Task { await controller.connect(settings, via: bootstrap) }
    }

    private func forgetHostKey(_ changed: HostKeyChanged) {
        knownHosts.forget(changed.host)
        controller.dismiss()
        note = "Forgot the saved host key of \(changed.host). Connecting again trusts the key it presents then."
    }
}
