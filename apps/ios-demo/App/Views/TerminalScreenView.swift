// Draws the controller's lines on a grid of monospaced cells: backgrounds,
// colours, bold/italic, underline (predicted cells too), wide characters in two
// cells, the cursor. Its size in cells goes to the controller (resize). Keyboard:
// TerminalInputView, with the key bar as its input accessory.

import MoshDemoCore
import SwiftUI
import UIKit

extension SwiftUI.Color {
    init(_ rgb: RGB) {
        self.init(red: Double(rgb.red) / 255, green: Double(rgb.green) / 255, blue: Double(rgb.blue) / 255)
    }
}

struct TerminalScreenView: View {
    let model: TerminalModel
    private var controller: SessionController { model.controller }
    private let uiFont = UIFont.monospacedSystemFont(ofSize: 13, weight: .regular)

    private var cell: CGSize {
        CGSize(width: ("M" as NSString).size(withAttributes: [.font: uiFont]).width.rounded(.up),
               height: uiFont.lineHeight.rounded(.up))
    }

    var body: some View {
        GeometryReader { geometry in
            ZStack(alignment: .topLeading) {
                Canvas { context, _ in draw(in: &context) }
                TerminalInputView(model: model).frame(width: 1, height: 1).opacity(0.01)
            }
            .background(SwiftUI.Color(controller.renderer.theme.background))
            .onAppear { resize(geometry.size) }
            .onChange(of: geometry.size) { _, size in resize(size) }
        }
    }

    private func resize(_ size: CGSize) {
        controller.resize(columns: Int(size.width / cell.width), rows: Int(size.height / cell.height))
    }

    private func draw(in context: inout GraphicsContext) {
        let theme = controller.renderer.theme
        for line in controller.lines {
            let y = CGFloat(line.id) * cell.height
            for span in line.spans {
                let rect = CGRect(x: CGFloat(span.column) * cell.width, y: y,
                                  width: CGFloat(span.width) * cell.width, height: cell.height)
                if span.background != theme.background {
                    context.fill(Path(rect), with: .color(SwiftUI.Color(span.background)))
                }
                // Every character in its own cell (or two), so the grid holds
                // whatever the font's glyph widths.
                let step = CGFloat(span.wide ? 2 : 1) * cell.width
                for (index, character) in span.text.enumerated() where character != " " {
                    var text = Text(String(character))
                        .font(.system(size: 13, weight: span.bold ? .bold : .regular, design: .monospaced))
                        .foregroundColor(SwiftUI.Color(span.foreground))
                    if span.italic { text = text.italic() }
                    if span.underline { text = text.underline() }
                    context.draw(text, at: CGPoint(x: rect.minX + CGFloat(index) * step, y: y), anchor: .topLeading)
                }
                if span.predicted {
                    // Predictions: underlined even where the text is blank.
                    context.fill(Path(CGRect(x: rect.minX, y: rect.maxY - 1, width: rect.width, height: 1)),
                                 with: .color(SwiftUI.Color(span.foreground)))
                }
            }
        }
        let cursor = controller.cursor
        if cursor.visible {
            let rect = CGRect(x: CGFloat(cursor.column) * cell.width, y: CGFloat(cursor.row) * cell.height,
                              width: cell.width, height: cell.height)
            context.fill(Path(rect), with: .color(SwiftUI.Color(theme.cursor).opacity(0.6)))
        }
    }
}
