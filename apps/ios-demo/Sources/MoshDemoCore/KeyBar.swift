// The accessory key bar (Esc, Ctrl, Tab, arrows) and the hardware keyboard. Neither
// encodes anything: keys go to the library's send_key, which encodes them for the
// remote program's current modes (application cursor keys and so on).

import MoshKit

/// Where keys go: a `MoshSession`, or a recorder in tests.
public protocol KeyInput {
    func send(_ text: String) throws
    func send(_ key: Key, modifiers: KeyModifiers) throws
}

extension MoshSession: KeyInput {}

/// A key on the bar.
public enum KeyBarKey: String, CaseIterable, Sendable, Identifiable {
    case escape, control, tab, up, down, left, right

    public var id: String { rawValue }

    /// What the button shows.
    public var label: String {
        switch self {
        case .escape: return "esc"
        case .control: return "ctrl"
        case .tab: return "tab"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        }
    }

    /// The library key it sends (`control` is a modifier, not a key).
    var key: Key? {
        switch self {
        case .escape: return .escape
        case .control: return nil
        case .tab: return .tab
        case .up: return .up
        case .down: return .down
        case .left: return .left
        case .right: return .right
        }
    }
}

/// The bar's state: Ctrl latches until the next key or character.
public struct KeyBar: Sendable {
    /// Ctrl is latched: the next key or character is sent with it.
    public private(set) var controlLatched = false

    public init() {}

    /// A bar button was tapped.
    public mutating func tap(_ key: KeyBarKey, into input: KeyInput) throws {
        guard let libraryKey = key.key else {
            controlLatched.toggle()
            return
        }
        try input.send(libraryKey, modifiers: takeModifiers())
    }

    /// Text from the software keyboard: with Ctrl latched, its first character goes as
    /// a character with Ctrl (Ctrl-C), the rest as typed.
    public mutating func type(_ text: String, into input: KeyInput) throws {
        guard !text.isEmpty else { return }
        if controlLatched, let first = text.first {
            try input.send(.character(text: String(first)), modifiers: takeModifiers())
            let rest = text.dropFirst()
            if !rest.isEmpty { try input.send(String(rest)) }
        } else {
            try input.send(text)
        }
    }

    private mutating func takeModifiers() -> KeyModifiers {
        defer { controlLatched = false }
        return KeyModifiers(ctrl: controlLatched)
    }
}

/// A key of a hardware keyboard: its HID usage (`UIKey.keyCode.rawValue`), the
/// characters it typed, and the modifiers held.
public struct HardwareKeyPress: Sendable {
    public var usage: Int
    public var characters: String
    public var modifiers: KeyModifiers

    public init(usage: Int, characters: String, modifiers: KeyModifiers = KeyModifiers()) {
        self.usage = usage
        self.characters = characters
        self.modifiers = modifiers
    }

    /// HID usages (USB HID Usage Tables, keyboard page) of the keys sent by name.
    static let named: [Int: Key] = [
        0x28: .enter, 0x29: .escape, 0x2A: .backspace, 0x2B: .tab,
        0x49: .insert, 0x4A: .home, 0x4B: .pageUp, 0x4C: .delete, 0x4D: .end,
        0x4E: .pageDown, 0x4F: .right, 0x50: .left, 0x51: .down, 0x52: .up,
    ]

    /// The library key for this press: a named key, F1–F12, a character with Ctrl or
    /// Alt, or nil for plain text (sent as typed).
    public var key: Key? {
        if let key = Self.named[usage] { return key }
        if (0x3A...0x45).contains(usage) { return .function(number: UInt8(usage - 0x3A + 1)) }
        if (modifiers.ctrl || modifiers.alt), !characters.isEmpty {
            return .character(text: characters)
        }
        return nil
    }

    /// Sends the press: by key, or as text.
    public func send(into input: KeyInput) throws {
        if let key {
            try input.send(key, modifiers: modifiers)
        } else if !characters.isEmpty {
            try input.send(characters)
        }
    }
}
