// The terminal: the controller's visible lines (the scrollback lines the user swiped
// back to, then the screen's rows), one TerminalLineView each, keyed by line number
// or row; a tap brings up the keyboard; a vertical drag scrolls, as whole lines
// (SwipeSteps), through SessionController.scroll, which sends it to the remote
// program as wheel events when it takes them and otherwise moves the scrollback
// viewport. Its size in cells goes to the controller (resize). Keyboard:
// TerminalInputView, with the key bar as its input accessory.

import MoshDemoCore
import SwiftUI

struct TerminalScreenView: View {
    @ObservedObject var model: TerminalModel
    private let font = TerminalFont.standard
    @State private var swipe = SwipeSteps(lineHeight: TerminalFont.standard.cell.height)

    private var controller: SessionController { model.controller }

    var body: some View {
        let theme = controller.renderer.theme
        let cursor = controller.cursor
        GeometryReader { geometry in
            ZStack(alignment: .topLeading) {
                TerminalInputView(model: model, keyboardRequests: model.keyboardRequests)
                    .frame(width: 1, height: 1)
                    .opacity(0.01)
                VStack(alignment: .leading, spacing: 0) {
                    ForEach(controller.visibleLines) { line in
                        TerminalLineView(
                            line: line,
                            cursorColumn: cursor.visible && line.id == .screen(cursor.row) ? cursor.column : nil,
                            theme: theme, font: font)
                        .equatable()
                    }
                }
            }
            .frame(width: geometry.size.width, height: geometry.size.height, alignment: .topLeading)
            .clipped()
            .background(SwiftUI.Color(theme.background))
            .contentShape(Rectangle())
            .onTapGesture { model.keyboardRequests += 1 }
            .gesture(drag)
            .onAppear { resize(geometry.size) }
            .onChange(of: geometry.size) { _, size in resize(size) }
        }
    }

    private var drag: some Gesture {
        DragGesture(minimumDistance: 10)
            .onChanged { value in
                let steps = swipe.dragged(to: value.translation.height)
                guard steps != 0 else { return }
                controller.scroll(steps: steps,
                                  column: Int(value.location.x / font.cell.width),
                                  viewRow: Int(value.location.y / font.cell.height))
            }
            .onEnded { _ in swipe.end() }
    }

    private func resize(_ size: CGSize) {
        controller.resize(columns: Int(size.width / font.cell.width), rows: Int(size.height / font.cell.height))
    }
}
