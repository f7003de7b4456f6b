package dev.moshmobile.demo

import android.content.ClipboardManager
import android.graphics.Bitmap
import android.graphics.Insets
import android.graphics.Canvas
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.os.Looper
import android.view.HapticFeedbackConstants
import android.view.WindowInsets
import android.view.inputmethod.EditorInfo
import dev.moshmobile.demo.core.Palette
import dev.moshmobile.demo.core.UiState
import dev.moshmobile.mosh.testing.Peers
import dev.moshmobile.mosh.testing.Sshd
import dev.moshmobile.mosh.text
import java.io.File
import java.security.KeyStoreException
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
import org.robolectric.shadows.ShadowNetworkCapabilities

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

    /** Set to make the "Keystore" fail, as a locked or wiped one does. */
    @Volatile
    private var keystoreFails = false

    @Before
    fun setUp() {
        MainActivity.snapshotKey = {
            if (keystoreFails) throw KeyStoreException("Keystore locked")
            KEY
        }
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
        // A metered network turns the data saver on; an unmetered one off again.
        val metered = ShadowNetworkCapabilities.newInstance().apply {
            shadowOf(this).removeCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        }
        callbacks.forEach { it.onCapabilitiesChanged(ShadowNetwork.newInstance(101), metered) }
        assertTrue("data saver on", activity.controller.metered)
        val free = ShadowNetworkCapabilities.newInstance().apply {
            shadowOf(this).addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        }
        callbacks.forEach { it.onCapabilitiesChanged(ShadowNetwork.newInstance(101), free) }
        assertFalse("data saver off", activity.controller.metered)
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

    private fun MainActivity.lines(): List<String> = screenText().lines().map { it.trim() }

    @Test
    fun titleClipboardBellSwipesInsetsAndTheFormAgain() {
        val controller = connectedActivity()
        val activity = controller.get()
        val view = activity.terminal
        idleUntil("a laid-out terminal") { view.rows > 0 }
        // The bar is off: the top row is the program's, the status line is native.
        assertFalse(activity.lines().first().startsWith("mosh:"))

        // The window title shows on the status line; OSC 52 reaches the clipboard; the bell
        // is a haptic tap.
        activity.type("printf '\\033]0;remote title\\007\\033]52;c;w6kgY29waWVk\\007\\007'; echo sen''t\n")
        idleUntil("the title on the status line") { activity.statusLine.text.startsWith("remote title — Connected") }
        val clipboard = activity.getSystemService(ClipboardManager::class.java)
        idleUntil("the clipboard write") { clipboard.primaryClip?.getItemAt(0)?.text?.toString() == "é copied" }
        idleUntil("the bell") { shadowOf(view).lastHapticFeedbackPerformed() == HapticFeedbackConstants.KEYBOARD_TAP }

        // A swipe at the shell reads back through the local scrollback, keyed by line
        // numbers; typing returns to the screen.
        activity.type("clear; seq 1 200\n")
        idleUntil("output") { activity.lines().contains("200") }
        val cell = view.height.toFloat() / view.rows
        idleUntil("scrollback") { (activity.controller.scrollbackRange()?.end ?: 0uL) > 150uL }
        val before = activity.controller.scrollbackRange()!!.end.toLong()
        view.startSwipe()
        view.swipe(-10.5f * cell, 10f, 10f)
        val after = activity.controller.scrollbackRange()!!.end.toLong()
        assertFalse("scrolled back", view.viewport.live)
        val anchored = view.viewport.top!!
        assertTrue("ten lines back: $anchored", anchored in before - 10..after - 10)
        val top = activity.controller.scrollback(anchored, 1)!!.rows.single().text.trim()
        assertTrue("a number at the top: $top", top.toIntOrNull() != null)
        val bitmap = Bitmap.createBitmap(view.width, view.height, Bitmap.Config.ARGB_8888)
        view.draw(Canvas(bitmap)) // draws the history rows without failing
        view.startSwipe()
        view.swipe(4.5f * cell, 10f, 10f)
        assertEquals(anchored + 4, view.viewport.top)
        activity.type("echo typed\n")
        assertTrue("typing returns to the screen", view.viewport.live)

        // In less --mouse the same swipe goes to the program as wheel events.
        activity.type("seq -f 'row %g' 1 300 > /tmp/demo-swipe-$$; less --mouse /tmp/demo-swipe-$$\n")
        idleUntil("less") { activity.lines().firstOrNull() == "row 1" }
        view.startSwipe()
        view.swipe(5.5f * cell, 10f, 10f)
        idleUntil("less scrolled") { activity.lines().firstOrNull() != "row 1" }
        assertTrue("the view stayed live", view.viewport.live)
        activity.type("q")
        activity.type("rm -f /tmp/demo-swipe-$$\n")

        // Edge to edge: the terminal screen is padded by the bars and the keyboard.
        val insets = WindowInsets.Builder()
            .setInsets(WindowInsets.Type.statusBars(), Insets.of(0, 63, 0, 0))
            .setInsets(WindowInsets.Type.navigationBars(), Insets.of(0, 0, 0, 48))
            .setInsets(WindowInsets.Type.ime(), Insets.of(0, 0, 0, 700))
            .build()
        activity.terminalScreen.dispatchApplyWindowInsets(insets)
        assertEquals(63, activity.terminalScreen.paddingTop)
        assertEquals(700, activity.terminalScreen.paddingBottom)

        // The session ends; a tap on the status line shows the form again (a second time).
        runBlocking { activity.controller.disconnect() }
        idleUntil("the end") { activity.controller.state.value.phase == UiState.Phase.ENDED }
        activity.statusLine.performClick()
        idleUntil("the form again") { activity.form.view.isAttachedToWindow }
        controller.pause().stop().destroy()
    }

    @Test
    fun recreationAndAFailingKeystoreKeepTheSession() {
        val controller = connectedActivity()
        val activity = controller.get()
        activity.type("Y=still''here; echo ok\n")
        idleUntil("ok") { activity.lines().contains("ok") }
        // onStop while the Keystore fails: no crash, the status line says so, and the
        // session goes on in the foreground.
        keystoreFails = true
        controller.pause().stop()
        idleUntil("the failure on the status line") {
            activity.statusLine.text.contains("Could not save the session: Keystore locked")
        }
        keystoreFails = false
        controller.restart().resume()
        idleUntil("the message cleared") { !activity.statusLine.text.contains("Could not save") }
        activity.type("echo after \$Y\n")
        idleUntil("typing after the failed save") { activity.screenText().contains("after stillhere") }

        // A recreation (rotation without the manifest's configChanges, which Robolectric does
        // not read here; a locale or font-scale change on a device): the old Activity saves
        // and releases, the new one resumes the same shell from the save.
        controller.recreate()
        val second = controller.get()
        idleUntil("restored after recreation") { second.controller.session != null && second.terminal.isAttachedToWindow }
        second.type("echo again \$Y\n")
        idleUntil("the same shell") { second.screenText().contains("again stillhere") }
        runBlocking { second.controller.disconnect() }
        idleUntil("the end") { second.controller.state.value.phase == UiState.Phase.ENDED }
        controller.pause().stop().destroy()
    }

    private companion object {
        val KEY = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }
}
