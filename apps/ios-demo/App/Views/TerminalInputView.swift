// The keyboard: a first-responder UIView taking the software keyboard's text
// (UIKeyInput) and hardware keys (pressesBegan), with the key bar as its input
// accessory. Keys go to the controller, which hands them to the library (and
// returns the view to the live screen). A tap on the terminal counts a keyboard
// request; a new count makes this view first responder again.

import MoshDemoCore
import MoshKit
import SwiftUI
import UIKit

struct TerminalInputView: UIViewRepresentable {
    let model: TerminalModel
    /// Taps on the terminal so far (TerminalModel.keyboardRequests).
    let keyboardRequests: Int

    func makeUIView(context: Context) -> KeyInputView {
        let view = KeyInputView()
        view.controller = model.controller
        let bar = UIHostingController(rootView: KeyBarView(model: model))
        bar.view.frame = CGRect(x: 0, y: 0, width: 0, height: 44)
        bar.view.autoresizingMask = .flexibleWidth
        view.accessory = bar.view
        view.accessoryController = bar
        view.keyboardRequests = keyboardRequests
        DispatchQueue.main.async { view.becomeFirstResponder() }
        return view
    }

    func updateUIView(_ view: KeyInputView, context: Context) {
        guard view.keyboardRequests != keyboardRequests else { return }
        view.keyboardRequests = keyboardRequests
        view.becomeFirstResponder()
    }
}

final class KeyInputView: UIView, UIKeyInput {
    var controller: SessionController?
    var accessory: UIView?
    /// Keeps the key bar's hosting controller alive with its view.
    var accessoryController: UIViewController?
    /// The keyboard requests answered so far.
    var keyboardRequests = 0

    override var canBecomeFirstResponder: Bool { true }
    override var inputAccessoryView: UIView? { accessory }
    var hasText: Bool { true }
    var autocorrectionType: UITextAutocorrectionType { get { .no } set {} }
    var autocapitalizationType: UITextAutocapitalizationType { get { .none } set {} }
    var smartQuotesType: UITextSmartQuotesType { get { .no } set {} }
    var smartDashesType: UITextSmartDashesType { get { .no } set {} }
    var keyboardType: UIKeyboardType { get { .asciiCapable } set {} }

    func insertText(_ text: String) {
        controller?.type(text == "\n" ? "\r" : text)
    }

    func deleteBackward() {
        controller?.press(HardwareKeyPress(usage: 0x2A, characters: ""))  // Backspace
    }

    // A hardware keyboard: named keys and Ctrl/Alt chords by HID usage, the rest as
    // the characters typed.
    override func pressesBegan(_ presses: Set<UIPress>, with event: UIPressesEvent?) {
        var unhandled = Set<UIPress>()
        for press in presses {
            guard let key = press.key, let controller else {
                unhandled.insert(press)
                continue
            }
            let flags = key.modifierFlags
            let modifiers = KeyModifiers(shift: flags.contains(.shift), alt: flags.contains(.alternate),
                                         ctrl: flags.contains(.control))
            if flags.contains(.command) {
                unhandled.insert(press)  // system shortcuts (paste…)
                continue
            }
            controller.press(HardwareKeyPress(
                usage: key.keyCode.rawValue,
                characters: modifiers.ctrl || modifiers.alt ? key.charactersIgnoringModifiers : key.characters,
                modifiers: modifiers))
        }
        if !unhandled.isEmpty { super.pressesBegan(unhandled, with: event) }
    }

    override func paste(_ sender: Any?) {
        if let text = UIPasteboard.general.string { controller?.paste(text) }
    }

    override func canPerformAction(_ action: Selector, withSender sender: Any?) -> Bool {
        action == #selector(paste(_:))
    }
}
