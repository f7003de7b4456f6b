package dev.moshmobile.demo.core

import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers

/** The keys above the soft keyboard. */
enum class BarKey(val label: String) {
    ESC("Esc"), CTRL("Ctrl"), TAB("Tab"), LEFT("←"), DOWN("↓"), UP("↑"), RIGHT("→"), PIPE("|"), TILDE("~"),
}

/**
 * The key bar and the soft keyboard together: Ctrl latches until the next key, which is
 * then sent with Ctrl (Ctrl then `c` from the soft keyboard sends Ctrl-C).
 */
class KeyBarState {
    /** Whether Ctrl is latched (the view highlights it). */
    var ctrlLatched: Boolean = false
        private set

    fun press(key: BarKey): KeyInput {
        val mods = KeyModifiers(ctrl = ctrlLatched)
        if (key != BarKey.CTRL) ctrlLatched = false
        return when (key) {
            BarKey.CTRL -> { ctrlLatched = !ctrlLatched; KeyInput.None }
            BarKey.ESC -> KeyInput.Special(Key.Escape, mods)
            BarKey.TAB -> KeyInput.Special(Key.Tab, mods)
            BarKey.LEFT -> KeyInput.Special(Key.Left, mods)
            BarKey.DOWN -> KeyInput.Special(Key.Down, mods)
            BarKey.UP -> KeyInput.Special(Key.Up, mods)
            BarKey.RIGHT -> KeyInput.Special(Key.Right, mods)
            BarKey.PIPE -> text("|", mods)
            BarKey.TILDE -> text("~", mods)
        }
    }

    /** Text committed by the soft keyboard. */
    fun typed(text: String): KeyInput {
        if (text.isEmpty()) return KeyInput.None
        val mods = KeyModifiers(ctrl = ctrlLatched)
        ctrlLatched = false
        return text(text.replace("\n", "\r"), mods)
    }

    private fun text(text: String, mods: KeyModifiers): KeyInput =
        if (mods.ctrl) KeyInput.Special(Key.Character(text), mods) else KeyInput.Text(text)
}

/**
 * Decides whether the OS's network callbacks mean a new path: a different default
 * network, or the same network with different addresses. The first report (at
 * registration) is the current path, not a change.
 */
class NetworkChangeFilter {
    private var network: Any? = null
    private var addresses: Set<String>? = null

    /** A default network became available; true if it differs from the one known. */
    @Synchronized
    fun available(network: Any): Boolean {
        val changed = this.network != null && this.network != network
        if (this.network != network) addresses = null
        this.network = network
        return changed
    }

    /** The default network was lost: the next one is a change. */
    @Synchronized
    fun lost(network: Any) {
        if (this.network == network) this.network = LOST
    }

    /** The link's addresses changed; true when they differ from the ones known for it. */
    @Synchronized
    fun linkAddresses(network: Any, addresses: Set<String>): Boolean {
        if (this.network != network) return false
        val changed = this.addresses != null && this.addresses != addresses
        this.addresses = addresses
        return changed
    }

    private object LOST
}
