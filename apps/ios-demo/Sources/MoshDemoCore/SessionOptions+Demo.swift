// The session options the demo uses.

import MoshKit

extension SessionOptions {
    /// Adaptive prediction and the structured screen, as `.standard`, with mosh's
    /// notification bar off: the app draws the connection status natively
    /// (`statusLine`), so the screen's top row always shows the remote program.
    public static let demo = SessionOptions(prediction: .adaptive, output: .screen, notificationBar: false)
}
