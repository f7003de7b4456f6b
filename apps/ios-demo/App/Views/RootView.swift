// The form while no session runs; the terminal, key bar and status line while one
// does; the last screen and why it ended afterwards.

import MoshDemoCore
import SwiftUI
import UIKit

struct RootView: View {
    @ObservedObject var model: TerminalModel
    @AppStorage("connection") private var savedSettings = Data()
    @State private var settings = ConnectionSettings()
    @State private var password = ""
    @State private var offeredClipboard: String?
    private let knownHosts = KnownHosts()

    private var controller: SessionController { model.controller }

    var body: some View {
        switch controller.phase {
        case .idle, .starting:
            ConnectionFormView(
                settings: $settings, password: $password,
                starting: controller.phase == .starting, status: controller.status,
                connect: connect)
                .onAppear {
                    if let saved = try? JSONDecoder().decode(ConnectionSettings.self, from: savedSettings) {
                        settings = saved
                    }
                }
        case .running, .ended:
            terminal
        }
    }

    private var terminal: some View {
        VStack(spacing: 0) {
            TerminalScreenView(model: model)
            HStack {
                Text(controller.status).font(.caption).lineLimit(1)
                Spacer()
                if case .ended = controller.phase {
                    Button("Done") { controller.dismiss() }
                } else {
                    Button("Disconnect") { controller.disconnect() }.font(.caption)
                }
            }
            .padding(.horizontal, 8)
            .padding(.vertical, 4)
            .background(.bar)
        }
        .navigationTitle(controller.title)
        .sensoryFeedback(.impact(weight: .light), trigger: controller.bells)
        .onChange(of: controller.clipboard) { _, payload in
            offeredClipboard = payload
            _ = controller.takeClipboard()
        }
        .alert("Copy to the clipboard?", isPresented: .constant(offeredClipboard != nil)) {
            Button("Copy") {
                UIPasteboard.general.string = offeredClipboard
                offeredClipboard = nil
            }
            Button("Ignore", role: .cancel) { offeredClipboard = nil }
        } message: {
            Text("The remote program wants to copy \(offeredClipboard?.count ?? 0) characters.")
        }
    }

    private func connect() {
        savedSettings = (try? JSONEncoder().encode(settings)) ?? Data()
        let bootstrap = CitadelBootstrap(password: password, knownHosts: knownHosts)
        password = ""
        Task { await controller.connect(settings, via: bootstrap) }
    }
}
