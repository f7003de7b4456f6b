// One line of the terminal on a grid of monospaced cells: backgrounds, one Text per
// span of printable ASCII (TerminalRenderer makes those spans), every other
// character in its own cell (wide ones in two), predictions underlined, the cursor.
// Equatable, so SwiftUI redraws only the lines that changed.

import MoshDemoCore
import SwiftUI

extension SwiftUI.Color {
    init(_ rgb: RGB) {
        self.init(red: Double(rgb.red) / 255, green: Double(rgb.green) / 255, blue: Double(rgb.blue) / 255)
    }
}

struct TerminalLineView: View, Equatable {
    let line: TerminalLine
    /// The cursor's column, when the cursor is on this line and visible.
    let cursorColumn: Int?
    let theme: TerminalTheme
    let font: TerminalFont

    var body: some View {
        Canvas { context, _ in draw(in: &context) }
            .frame(height: font.cell.height)
    }

    private func draw(in context: inout GraphicsContext) {
        let cell = font.cell
        for span in line.spans {
            let rect = CGRect(x: CGFloat(span.column) * cell.width, y: 0,
                              width: CGFloat(span.width) * cell.width, height: cell.height)
            if span.background != theme.background {
                context.fill(Path(rect), with: .color(SwiftUI.Color(span.background)))
            }
            if span.ascii {
                if span.text.contains(where: { $0 != " " }) {
                    context.draw(text(span.text, styled: span), at: rect.origin, anchor: .topLeading)
                }
            } else {
                // Possibly from a fallback font with its own advances: each in its cell.
                let step = CGFloat(span.wide ? 2 : 1) * cell.width
                for (index, character) in span.text.enumerated() where character != " " {
                    context.draw(text(String(character), styled: span),
                                 at: CGPoint(x: rect.minX + CGFloat(index) * step, y: 0), anchor: .topLeading)
                }
            }
            if span.predicted {
                // Predictions: underlined even where the text is blank.
                context.fill(Path(CGRect(x: rect.minX, y: rect.maxY - 1, width: rect.width, height: 1)),
                             with: .color(SwiftUI.Color(span.foreground)))
            }
        }
        if let cursorColumn {
            let rect = CGRect(x: CGFloat(cursorColumn) * cell.width, y: 0, width: cell.width, height: cell.height)
            context.fill(Path(rect), with: .color(SwiftUI.Color(theme.cursor).opacity(0.6)))
        }
    }

    private func text(_ string: String, styled span: TerminalSpan) -> Text {
        var text = Text(string).font(font.font(bold: span.bold)).foregroundStyle(SwiftUI.Color(span.foreground))
        if span.italic { text = text.italic() }
        if span.underline { text = text.underline() }
        return text
    }
}
