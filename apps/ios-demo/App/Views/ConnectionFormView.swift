// Host, SSH port and user, password, the server program and UDP ports; why the last
// attempt failed, and when the server's host key was not the saved one, a button to
// forget the saved key.

import MoshDemoCore
import SwiftUI

struct ConnectionFormView: View {
    @Binding var settings: ConnectionSettings
    @Binding var password: String
    let starting: Bool
    let status: String
    /// The last attempt met a host key other than the saved one.
    let hostKeyChanged: HostKeyChanged?
    let forgetHostKey: (HostKeyChanged) -> Void
    let connect: () -> Void

    var body: some View {
        NavigationStack {
            Form {
                Section("Server") {
                    TextField("Host", text: $settings.host)
                        .textContentType(.URL).textInputAutocapitalization(.never).autocorrectionDisabled()
                    TextField("User", text: $settings.user)
                        .textContentType(.username).textInputAutocapitalization(.never).autocorrectionDisabled()
                    SecureField("Password", text: $password).textContentType(.password)
                    TextField("SSH port", value: $settings.sshPort, format: .number.grouping(.never))
                        .keyboardType(.numberPad)
                }
                Section("mosh") {
                    TextField("mosh-server", text: $settings.moshServer)
                        .textInputAutocapitalization(.never).autocorrectionDisabled()
                    TextField("UDP ports (e.g. 60000:61000)", text: $settings.udpPorts)
                        .textInputAutocapitalization(.never).autocorrectionDisabled()
                }
                Section {
                    Button(starting ? "Connecting…" : "Connect", action: connect)
                        .disabled(starting || !settings.isComplete)
                    if !status.isEmpty {
                        Text(status).font(.footnote).foregroundStyle(.secondary)
                    }
                    if let hostKeyChanged {
                        Button("Forget the saved host key", role: .destructive) { forgetHostKey(hostKeyChanged) }
                    }
                }
            }
            .navigationTitle("Mosh")
        }
    }
}
