package dev.moshmobile.demo.core

import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

class KeyBarTest {
    @Test
    fun `ctrl latches for one key`() {
        val bar = KeyBarState()
        assertEquals(KeyInput.None, bar.press(BarKey.CTRL))
        assertTrue(bar.ctrlLatched)
        assertEquals(KeyInput.Special(Key.Character("c"), KeyModifiers(ctrl = true)), bar.typed("c"))
        assertFalse(bar.ctrlLatched)
        assertEquals(KeyInput.Text("ls\r"), bar.typed("ls\n"))
        assertEquals(KeyInput.Special(Key.Escape), bar.press(BarKey.ESC))
        assertEquals(KeyInput.Text("|"), bar.press(BarKey.PIPE))
        assertEquals(KeyInput.Text("~"), bar.press(BarKey.TILDE))
        bar.press(BarKey.CTRL)
        assertEquals(KeyInput.Special(Key.Left, KeyModifiers(ctrl = true)), bar.press(BarKey.LEFT))
        bar.press(BarKey.CTRL)
        bar.press(BarKey.CTRL)
        assertFalse(bar.ctrlLatched, "a second Ctrl unlatches")
    }

    @Test
    fun `only a different network or new addresses are changes`() {
        val filter = NetworkChangeFilter()
        assertFalse(filter.available("wifi"), "the first report is the current path")
        assertFalse(filter.linkAddresses("wifi", setOf("192.0.2.1")))
        assertFalse(filter.available("wifi"))
        assertTrue(filter.linkAddresses("wifi", setOf("192.0.2.7")))
        assertFalse(filter.linkAddresses("cell", setOf("10.0.0.1")), "not the default network")
        filter.lost("wifi")
        assertTrue(filter.available("cell"))
        assertTrue(filter.available("wifi"))
    }
}
