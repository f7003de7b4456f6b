// Esc, Ctrl (latching), Tab and the arrows above the software keyboard.

import MoshDemoCore
import SwiftUI

struct KeyBarView: View {
    @ObservedObject var model: TerminalModel

    var body: some View {
        HStack(spacing: 6) {
            ForEach(KeyBarKey.allCases) { key in
                Button(key.label) { model.controller.tap(key) }
                .buttonStyle(.bordered)
                .tint(key == .control && model.controller.keyBar.controlLatched ? .accentColor : .secondary)
                .font(.system(.body, design: .monospaced))
            }
        }
        .padding(.horizontal, 6)
        .frame(maxWidth: .infinity, minHeight: 44)
        .background(.bar)
    }
}
