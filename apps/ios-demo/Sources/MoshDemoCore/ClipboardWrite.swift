// What goes on the system clipboard when the remote program writes one (OSC 52,
// decoded by the library into a selection and bytes).

import Foundation

/// The text for the system clipboard, or nil when the write is not for it: a
/// selection other than the clipboard (`c`; empty means the default, which for a
/// phone is the clipboard too), bytes that are not UTF-8 (not text to paste), or
/// nothing at all.
public func clipboardText(selection: String, bytes: Data) -> String? {
    guard selection.isEmpty || selection.contains("c") else { return nil }
    guard let text = String(data: bytes, encoding: .utf8), !text.isEmpty else { return nil }
    return text
}
