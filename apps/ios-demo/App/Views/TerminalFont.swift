// The terminal's font and the size of one cell in it.

import SwiftUI
import UIKit

struct TerminalFont: Equatable {
    static let standard = TerminalFont(size: 13)

    let size: CGFloat
    /// One cell. Its width is the font's advance, not rounded: SF Mono advances every
    /// printable ASCII character by exactly that, so a span drawn as one text run
    /// stays on the grid; a rounded width would drift from it along a row.
    let cell: CGSize

    init(size: CGFloat) {
        let font = UIFont.monospacedSystemFont(ofSize: size, weight: .regular)
        self.size = size
        cell = CGSize(width: ("M" as NSString).size(withAttributes: [.font: font]).width,
                      height: font.lineHeight.rounded(.up))
    }

    /// SwiftUI's spelling of the same font (SF Mono), regular or bold (same advance).
    func font(bold: Bool) -> Font {
        .system(size: size, weight: bold ? .bold : .regular, design: .monospaced)
    }
}
