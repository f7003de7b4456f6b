package dev.moshmobile.demo.core

import dev.moshmobile.ffi.ConnectionState
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.Screen
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.PathRelay
import dev.moshmobile.mosh.text
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import dev.moshmobile.ffi.SavedSession
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/** An in-memory [SnapshotStore] (the app's one encrypts with an Android Keystore key). */
class MemoryStore : SnapshotStore {
    @Volatile var saved: SavedSession? = null
    // A copy, as a real store writes it away: the controller zeroes the secret after.
    override fun save(saved: SavedSession) { this.saved = SavedSession(saved.secret.copyOf(), saved.state.copyOf()) }
    override fun load(): SavedSession? = saved
    override fun clear() { saved = null }
}

/** The demo's controller against our real server (the bootstrap is SshBootstrapTest's). */
class SessionControllerTest {
    private fun SessionController.waitForScreen(needle: String, latest: AtomicReference<Screen?>) {
        val deadline = System.nanoTime() + 20_000_000_000
        while (latest.get()?.text?.contains(needle) != true) {
            check(System.nanoTime() < deadline) { "\"$needle\" never drawn:\n${latest.get()?.text}" }
            Thread.sleep(5)
        }
        val now = screen!!.text
        check(needle in now) { "drawn but not on controller.screen: $needle\n$now" }
    }

    @Test
    fun `connect, input, lifecycle, network change, restore in a new controller, close`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            val store = MemoryStore()
            val nonces = java.nio.file.Files.createTempDirectory("mosh-demo-nonces").toFile()
            val options = dev.moshmobile.mosh.MoshSession.DEFAULT_OPTIONS.copy(nonceStoreDir = nonces.path)
            val drawn = AtomicReference<Screen?>()
            val first = SessionController(store, { server.connectInfo }, { drawn.set(it) }, options)
            first.resize(100, 30)
            first.connect(SshLogin("127.0.0.1", user = "unused"))
            assertEquals(UiState.Phase.RUNNING, first.state.value.phase)
            first.waitForScreen("$", drawn)
            assertEquals(100, first.screen!!.columns.toInt())
            first.send(KeyInput.Text("X=kept''42; echo s''et\r"))
            first.waitForScreen("\nset", drawn)
            first.send(KeyInput.Text("echo abc"))
            first.send(KeyInput.Special(Key.Left))
            first.send(KeyInput.Special(Key.Character("c"), dev.moshmobile.ffi.KeyModifiers(ctrl = true)))
            first.waitForScreen("^C", drawn)
            first.send(KeyInput.Paste("echo pas''ted\r"))
            first.waitForScreen("pasted", drawn)

            val connected = withTimeout(20_000) { first.state.first { it.status?.state == ConnectionState.Connected } }
            assertTrue(StatusLine.format(connected).startsWith("Connected · RTT "), StatusLine.format(connected))

            first.networkChanged()
            assertEquals(1, first.networkChanges.get())
            first.send(KeyInput.Text("echo after''roam\r"))
            first.waitForScreen("afterroam", drawn)

            first.foreground() // harmless when not in the background
            first.background()
            assertNotNull(store.saved, "the snapshot was stored")
            assertTrue(first.session!!.status.background)
            assertEquals("Paused in the background", StatusLine.format(first.state.value))
            first.foreground() // the runtime applies it at once, asynchronously
            val deadline = System.nanoTime() + 5_000_000_000
            while (first.session!!.status.background) {
                check(System.nanoTime() < deadline) { "still in the background after foreground()" }
                Thread.sleep(1)
            }
            first.send(KeyInput.Text("echo fore''ground\r"))
            first.waitForScreen("foreground", drawn)

            // The process dies right after storing: a new controller restores it.
            first.background()
            first.release().join()
            val redrawn = AtomicReference<Screen?>()
            val second = SessionController(store, { error("no bootstrap on restore") }, { redrawn.set(it) }, options)
            assertTrue(second.restoreSaved())
            assertNull(store.saved, "a used save is deleted")
            second.send(KeyInput.Text("echo restored \$X\r"))
            second.waitForScreen("restored kept42", redrawn)

            assertTrue(nonces.listFiles()!!.isNotEmpty(), "the library reserved nonces in the app's folder")
            second.disconnect()
            val ended = withTimeout(20_000) { second.state.first { it.phase == UiState.Phase.ENDED } }
            assertEquals("Disconnected", StatusLine.format(ended))
            assertNull(store.saved, "an ended session leaves nothing to restore")
            second.release()
            nonces.deleteRecursively()
        }
    }

    @Test
    fun `a dead path shows last contact on the status line, not in a bar, networkChanged recovers`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            PathRelay(server.port).use { path ->
                val drawn = AtomicReference<Screen?>()
                val info = dev.moshmobile.ffi.ConnectInfo(path.port.toUShort(), server.connectInfo.key)
                // As the app runs it: no notification bar, the status line says it all.
                val options = dev.moshmobile.mosh.MoshSession.DEFAULT_OPTIONS.copy(notificationBar = false)
                val controller = SessionController(MemoryStore(), { info }, { drawn.set(it) }, options)
                controller.connect(SshLogin("127.0.0.1", user = "unused"))
                controller.waitForScreen("$", drawn)
                path.killCurrentPath() // Wi-Fi gone, the app not told yet
                val waiting = withTimeout(20_000) { controller.state.first { it.status?.state == ConnectionState.Waiting } }
                val line = StatusLine.format(waiting)
                println("RESULT status line after the path died: $line")
                assertTrue(Regex("Last contact \\d+ s ago · reconnecting").matches(line), line)
                // The bar is off: the remote program keeps the top row.
                assertTrue(drawn.get()!!.rows.none { row -> row.text.startsWith("mosh:") }, drawn.get()!!.text)
                controller.networkChanged()
                val back = withTimeout(20_000) { controller.state.first { it.status?.state == ConnectionState.Connected } }
                assertTrue(StatusLine.format(back).startsWith("Connected"))
                controller.send(KeyInput.Text("echo back''on''line\r"))
                controller.waitForScreen("backonline", drawn)
                controller.disconnect()
                controller.release()
            }
        }
    }

    @Test
    fun `a failed bootstrap or a damaged snapshot is reported, not thrown at launch`() = runBlocking<Unit> {
        val store = MemoryStore()
        val controller = SessionController(store, { throw BootstrapException("SSH login failed: Auth fail") })
        val failure = runCatching { controller.connect(SshLogin("127.0.0.1", user = "u")) }.exceptionOrNull()
        assertTrue(failure is BootstrapException)
        assertEquals("SSH login failed: Auth fail", StatusLine.format(controller.state.value))
        store.save(SavedSession("damaged".encodeToByteArray(), ByteArray(0)))
        assertTrue(!controller.restoreSaved())
        assertNull(store.saved)
        assertTrue(controller.state.value.message.startsWith("Could not resume"), controller.state.value.message)
        controller.release()
    }
}
