package dev.moshmobile.demo

import android.graphics.Bitmap
import android.graphics.Canvas
import android.net.ConnectivityManager
import android.os.Looper
import android.view.inputmethod.EditorInfo
import dev.moshmobile.demo.core.Palette
import dev.moshmobile.demo.core.UiState
import dev.moshmobile.mosh.testing.Peers
import dev.moshmobile.mosh.testing.Sshd
import dev.moshmobile.mosh.text
import java.io.File
import javax.crypto.KeyGenerator
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowNetwork

/**
 * The demo's Activity under Robolectric (Android 14 framework), against a real throwaway
 * sshd and our real mosh-server: the form bootstraps over SSH, the view draws the real
 * screen into a bitmap, onStop/onStart drive background/foreground with the encrypted
 * snapshot, a network callback reaches networkChanged, and a new Activity with no state
 * but the stored snapshot resumes the same shell.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class MainActivityTest {
    private lateinit var sshd: Sshd

    @Before
    fun setUp() {
        MainActivity.snapshotKey = { KEY }
        sshd = Sshd()
    }

    @After
    fun tearDown() {
        sshd.close()
    }

    private fun idleUntil(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 20_000_000_000
        while (true) {
            shadowOf(Looper.getMainLooper()).idle()
            if (condition()) return
            check(System.nanoTime() < deadline) { "no $what within 20 s" }
            Thread.sleep(10)
        }
    }

    private fun MainActivity.screenText(): String = controller.screen?.text ?: ""

    private fun MainActivity.type(text: String) {
        terminal.onCreateInputConnection(EditorInfo()).commitText(text, 1)
    }

    /** Fills the form as a user would and connects over SSH. */
    private fun connectedActivity(): ActivityController<MainActivity> {
        val controller = Robolectric.buildActivity(MainActivity::class.java).setup()
        val activity = controller.get()
        // Nothing stored: the form comes up once the (off-thread) restore found nothing.
        idleUntil("the form") { activity.form.view.isAttachedToWindow }
        with(activity.form) {
            host.setText("127.0.0.1")
            port.setText("${sshd.port}")
            user.setText(sshd.user)
            privateKey.setText(sshd.userKey.readText())
            server.setText(Peers.ourServerBinary().path)
            connectButton.performClick()
        }
        idleUntil("shell prompt") { activity.screenText().contains("#") }
        idleUntil("terminal shown") { activity.terminal.isAttachedToWindow }
        // Kept out of Recents thumbnails and screenshots; the nonce store not backed up.
        val flags = activity.window.attributes.flags
        assertTrue("FLAG_SECURE", flags and android.view.WindowManager.LayoutParams.FLAG_SECURE != 0)
        assertTrue("nonce store in noBackupFilesDir", File(activity.noBackupFilesDir, "nonces").listFiles()!!.isNotEmpty())
        return controller
    }

    @Test
    fun theFormBootstrapsOverSshAndTheViewDrawsTheRealScreen() {
        val controller = connectedActivity()
        val activity = controller.get()
        val view = activity.terminal
        idleUntil("a laid-out terminal") { view.width > 0 && view.height > 0 && view.columns > 0 }
        // The session has the view's size in cells.
        activity.type("stty size\n")
        idleUntil("the view's size on the remote side") { activity.screenText().contains("${view.rows} ${view.columns}") }
        // A larger font: fewer cells, and the remote side follows.
        val before = view.columns to view.rows
        view.fontSizePx *= 1.5f
        assertTrue("fewer cells with a larger font", view.columns < before.first && view.rows < before.second)
        activity.type("clear; stty size\n")
        idleUntil("the new size on the remote side") { activity.screenText().contains("${view.rows} ${view.columns}") }
        // A red block and bold text.
        activity.type("clear; printf '\\033[41m      \\033[m \\033[1mdrawn\\033[m\\n'\n")
        // The screen event reached the view (posted to the main thread).
        idleUntil("the output in the view") {
            view.shown?.lines?.any { line -> line.joinToString("") { it.text }.trim() == "drawn" } == true
        }
        idleUntil("status line") { activity.statusLine.text.startsWith("Connected") }

        val bitmap = Bitmap.createBitmap(view.width, view.height, Bitmap.Config.ARGB_8888)
        view.draw(Canvas(bitmap))
        val pixels = IntArray(bitmap.width * bitmap.height).also { bitmap.getPixels(it, 0, bitmap.width, 0, 0, bitmap.width, bitmap.height) }
        val red = Palette().indexed(1)
        val redPixels = pixels.count { it == red }
        val background = Palette().background
        val textPixels = pixels.count { it != background && it != red }
        println("RESULT terminal view drew ${view.columns}x${view.rows} cells: $redPixels red background pixels, $textPixels text/cursor pixels")
        assertTrue("the red block is drawn", redPixels > 6 * 20)
        assertTrue("text is drawn", textPixels > 50)

        runBlocking { activity.controller.disconnect() }
        idleUntil("the session's end") { activity.controller.state.value.phase == UiState.Phase.ENDED }
        assertEquals("Disconnected", activity.statusLine.text.toString())
        controller.pause().stop().destroy()
    }

    @Test
    fun lifecycleNetworkCallbackAndRestoreAfterTheProcessStateIsGone() {
        val controller = connectedActivity()
        val activity = controller.get()
        activity.type("X=kept''42; echo set\n")
        idleUntil("set") { activity.screenText().lines().any { it.trim() == "set" } }

        // onStop: background, snapshot stored encrypted.
        controller.pause().stop()
        val session = activity.controller.session!!
        idleUntil("background after onStop") { session.status.background }
        val file = File(activity.filesDir, "session.secret")
        val stateFile = File(activity.filesDir, "session.state")
        idleUntil("saved session stored") { file.exists() && stateFile.exists() }
        val stored = file.readBytes()
        assertTrue(String(stored, 0, 8) == "MOSHSKEY")
        assertTrue("the state is the library's sealed state", String(stateFile.readBytes(), 0, 8) == "MOSHSTAT")
        val saved = KeystoreSnapshotStore(file, stateFile) { KEY }.load()
        assertNotNull(saved)
        val secret = saved!!.secret
        assertTrue("a small secret", secret.size <= 1024)
        assertFalse("the secret stored encrypted", stored.toList().windowed(secret.size).contains(secret.toList()))
        idleUntil("paused status") { activity.statusLine.text.toString() == "Paused in the background" }

        // onStart: foreground, typing works again.
        controller.restart().resume()
        idleUntil("foreground after onStart") { !session.status.background }
        activity.type("echo back''again\n")
        idleUntil("typing after foreground") { activity.screenText().contains("backagain") }

        // The default network's callbacks: the first report is the current network; a
        // different network is a change.
        val connectivity = activity.getSystemService(ConnectivityManager::class.java)
        val callbacks = shadowOf(connectivity).networkCallbacks
        assertEquals(1, callbacks.size)
        callbacks.forEach { it.onAvailable(ShadowNetwork.newInstance(100)) }
        assertEquals(0, activity.controller.networkChanges.get())
        callbacks.forEach { it.onAvailable(ShadowNetwork.newInstance(101)) }
        assertEquals(1, activity.controller.networkChanges.get())
        activity.type("echo after''roam\n")
        idleUntil("typing after the network change") { activity.screenText().contains("afterroam") }

        // The process goes away after onStop: only the encrypted snapshot survives.
        controller.pause().stop().destroy()
        val restarted = Robolectric.buildActivity(MainActivity::class.java).setup()
        val second = restarted.get()
        idleUntil("restored at launch") { second.controller.session != null && second.terminal.isAttachedToWindow }
        second.type("echo restored \$X\n")
        idleUntil("the same shell") { second.screenText().contains("restored kept42") }

        runBlocking { second.controller.disconnect() }
        idleUntil("the end") { second.controller.state.value.phase == UiState.Phase.ENDED }
        assertFalse("nothing left to restore", file.exists() || stateFile.exists())
        restarted.pause().stop().destroy()
    }

    private companion object {
        val KEY = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }
}
