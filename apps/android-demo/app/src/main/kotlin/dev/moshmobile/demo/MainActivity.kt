package dev.moshmobile.demo

import android.app.Activity
import android.content.ClipData
import android.content.ClipboardManager
import android.graphics.Color
import android.graphics.Typeface
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.text.InputType
import android.view.Gravity
import android.view.HapticFeedbackConstants
import android.view.View
import android.view.WindowInsets
import android.view.WindowManager
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.HorizontalScrollView
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import dev.moshmobile.demo.core.Alert
import dev.moshmobile.demo.core.BarKey
import dev.moshmobile.demo.core.SessionController
import dev.moshmobile.demo.core.SshBootstrap
import dev.moshmobile.demo.core.SshLogin
import dev.moshmobile.demo.core.StatusLine
import dev.moshmobile.demo.core.UiState
import dev.moshmobile.ffi.LogLevel
import dev.moshmobile.ffi.ServerCommandOptions
import dev.moshmobile.ffi.initLogging
import dev.moshmobile.mosh.MoshSession
import java.io.File
import javax.crypto.SecretKey
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

/**
 * The demo terminal. A connection form (host, port, user, password or private key, the
 * server program), SSH bootstrap, then the terminal with a status line and a key bar.
 * Platform classes only (no AndroidX).
 *
 * Wiring: onStart → enterForeground, onStop → enterBackground and the encrypted snapshot
 * stored (launched: the main thread never waits); a stored snapshot is restored when the
 * Activity is created (after the process was killed), off the main thread; the default
 * network's callbacks → networkChanged. The library's notification bar is off: the status
 * line says the same natively, with the remote title. The bell is a haptic tap, OSC 52
 * writes go to the clipboard, swipes go to the program or the scrollback, and the content
 * is padded by the system bars and the keyboard (edge to edge from Android 11 on).
 */
class MainActivity : Activity() {
    lateinit var controller: SessionController
        private set
    lateinit var terminal: TerminalView
        private set
    lateinit var statusLine: TextView
        private set
    lateinit var form: ConnectForm
        private set

    private val main = Handler(Looper.getMainLooper())
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private lateinit var network: NetworkMonitor
    /** The terminal, its status line and key bar: the content while a session runs. */
    lateinit var terminalScreen: LinearLayout
        private set
    private lateinit var formScreen: ScrollView
    private val barButtons = mutableMapOf<BarKey, Button>()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // The terminal shows what the user types and reads: keep it out of Recents
        // thumbnails and screenshots.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) window.setDecorFitsSystemWindows(false)
        initLogging(LogLevel.INFO)
        val store = KeystoreSnapshotStore(
            File(filesDir, "session.secret"),
            File(filesDir, "session.state"),
            snapshotKey ?: KeystoreSnapshotStore::keystoreKey,
        )
        val bootstrap = { login: SshLogin ->
            SshBootstrap(File(filesDir, "known_hosts"), ServerCommandOptions(server = form.serverProgram())).start(login)
        }
        // The library hands out lanes of sequence numbers per key in this folder, so no
        // two restores repeat a nonce even if the device clock went backwards. The
        // no-backup folder: a store from a backup belongs to another moment (harmless,
        // but useless).
        // The status line under the terminal says what mosh's notification bar would, so the
        // bar is off and the remote program keeps the top row.
        val options = MoshSession.DEFAULT_OPTIONS.copy(
            nonceStoreDir = File(noBackupFilesDir, "nonces").apply { mkdirs() }.path,
            notificationBar = false,
        )
        controller = SessionController(
            store, bootstrap, { screen -> main.post { terminal.show(screen) } }, options,
            onAlert = { alert -> main.post { alert(alert) } },
        )
        network = NetworkMonitor(this, onMetered = { metered -> controller.meteredNetwork(metered) }) {
            controller.networkChanged()
        }

        terminal = TerminalView(this).apply {
            onInput = { input -> followScreen(); controller.send(input); refreshBar() }
            onResize = { columns, rows -> controller.resize(columns, rows) }
            onSwipe = { steps, column, row -> controller.scroll(steps, column, row) }
            scrollback = object : ScrollbackSource {
                override fun range() = controller.scrollbackRange()
                override fun lines(from: Long, count: Int) = controller.scrollback(from, count)
            }
        }
        statusLine = TextView(this).apply {
            setPadding(dp(8), dp(4), dp(8), dp(4))
            setBackgroundColor(Color.rgb(40, 40, 48))
            setTextColor(Color.rgb(220, 220, 220))
            typeface = Typeface.MONOSPACE
            setOnClickListener { if (controller.state.value.phase == UiState.Phase.ENDED) showForm() }
        }
        terminalScreen = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            addView(statusLine, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
            addView(terminal, LinearLayout.LayoutParams(MATCH_PARENT, 0, 1f))
            addView(keyBar(), LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        }
        form = ConnectForm(this) { login -> connect(login) }
        // One container for the form, made once: the form's views keep their parent.
        formScreen = ScrollView(this).apply { addView(form.view) }
        padForSystemBars(terminalScreen)
        padForSystemBars(formScreen)

        scope.launch {
            controller.state.collect { state -> main.post { statusLine.text = StatusLine.format(state); form.message.text = state.message } }
        }
        scope.launch {
            val restored = controller.restoreSaved()
            main.post { if (restored) showTerminal() else showForm() }
        }
    }

    private fun connect(login: SshLogin) {
        form.connectButton.isEnabled = false
        scope.launch {
            val result = runCatching { controller.connect(login) }
            main.post {
                form.connectButton.isEnabled = true
                if (result.isSuccess) showTerminal()
            }
        }
    }

    private fun showForm() {
        (formScreen.parent as? android.view.ViewGroup)?.removeView(formScreen)
        setContentView(formScreen)
    }

    private fun showTerminal() {
        (terminalScreen.parent as? android.view.ViewGroup)?.removeView(terminalScreen)
        setContentView(terminalScreen)
        controller.screen?.let { terminal.show(it) }
        terminal.requestFocus()
    }

    /** What the remote program asked of the device: a haptic bell, text for the clipboard. */
    private fun alert(alert: Alert) {
        when (alert) {
            Alert.Bell -> terminal.performHapticFeedback(HapticFeedbackConstants.KEYBOARD_TAP)
            is Alert.Copy -> getSystemService(ClipboardManager::class.java)
                ?.setPrimaryClip(ClipData.newPlainText("terminal", alert.text))
        }
    }

    /**
     * Pads [view] by the system bars, the display cutout and the keyboard. From Android 11
     * on the window draws edge to edge (Android 15 enforces it for targetSdk 35), so the
     * status line and key bar would otherwise sit under the bars and the keyboard. Before
     * Android 11 the window fits the system bars itself and `adjustResize` makes room for
     * the keyboard.
     */
    private fun padForSystemBars(view: View) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.R) return
        view.setOnApplyWindowInsetsListener { v, insets ->
            val types = WindowInsets.Type.systemBars() or WindowInsets.Type.displayCutout() or WindowInsets.Type.ime()
            val bars = insets.getInsets(types)
            v.setPadding(bars.left, bars.top, bars.right, bars.bottom)
            WindowInsets.CONSUMED
        }
    }

    private fun keyBar(): View {
        val bar = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
        fun button(label: String, onClick: () -> Unit) = Button(this).apply {
            text = label
            isAllCaps = false
            minWidth = dp(44)
            setOnClickListener { onClick(); terminal.requestFocus() }
        }.also { bar.addView(it, LinearLayout.LayoutParams(WRAP_CONTENT, WRAP_CONTENT)) }
        for (key in BarKey.entries) {
            barButtons[key] = button(key.label) { controller.send(terminal.keyBar.press(key)); refreshBar() }
        }
        button("Paste") { terminal.paste() }
        button("A−") { terminal.fontSizePx /= 1.15f }
        button("A+") { terminal.fontSizePx *= 1.15f }
        button("⌨") { terminal.showKeyboard() }
        return HorizontalScrollView(this).apply { addView(bar) }
    }

    private fun refreshBar() {
        barButtons[BarKey.CTRL]?.isSelected = terminal.keyBar.ctrlLatched
        barButtons[BarKey.CTRL]?.setTextColor(if (terminal.keyBar.ctrlLatched) Color.rgb(79, 195, 247) else Color.BLACK)
    }

    override fun onStart() {
        super.onStart()
        controller.foreground()
        network.start()
    }

    override fun onStop() {
        network.stop()
        // Stores the snapshot (a few milliseconds, off the main thread) even if the
        // Activity is destroyed meanwhile.
        controller.backgroundSoon()
        super.onStop()
    }

    override fun onDestroy() {
        scope.cancel()
        controller.release()
        super.onDestroy()
    }

    private fun dp(value: Int): Int = (value * resources.displayMetrics.density).toInt()

    companion object {
        /**
         * The snapshot key; null means the Android Keystore key. Robolectric has no
         * AndroidKeyStore provider, so the tests set a software AES key here.
         */
        @JvmStatic
        var snapshotKey: (() -> SecretKey)? = null
    }
}

/** The connection form: host, port, user, password or private key, server program. */
class ConnectForm(activity: Activity, private val onConnect: (SshLogin) -> Unit) {
    val host = field(activity, "Host", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
    val port = field(activity, "SSH port", InputType.TYPE_CLASS_NUMBER).apply { setText("22") }
    val user = field(activity, "User", InputType.TYPE_CLASS_TEXT)
    val password = field(activity, "Password (or a private key below)", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD)
    val privateKey = field(activity, "Private key (OpenSSH or PEM)", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE).apply {
        minLines = 3
        typeface = Typeface.MONOSPACE
    }
    val server = field(activity, "Server program", InputType.TYPE_CLASS_TEXT).apply { setText("mosh-server") }
    val message = TextView(activity)
    val connectButton = Button(activity).apply {
        text = "Connect"
        setOnClickListener { submit() }
    }

    val view: LinearLayout = LinearLayout(activity).apply {
        orientation = LinearLayout.VERTICAL
        gravity = Gravity.CENTER_HORIZONTAL
        val pad = (16 * activity.resources.displayMetrics.density).toInt()
        setPadding(pad, pad, pad, pad)
        addView(TextView(activity).apply { text = "mosh"; textSize = 24f })
        for (v in listOf(host, port, user, password, privateKey, server, connectButton, message)) {
            addView(v, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        }
    }

    fun serverProgram(): String = server.text.toString().trim().ifEmpty { "mosh-server" }

    fun submit() {
        val portNumber = port.text.toString().toIntOrNull()
        if (host.text.isBlank() || user.text.isBlank() || portNumber == null || portNumber !in 1..65535) {
            message.text = "Host, user and a port from 1 to 65535, please"
            return
        }
        onConnect(
            SshLogin(
                host = host.text.toString().trim(),
                port = portNumber,
                user = user.text.toString().trim(),
                password = password.text.toString().ifEmpty { null },
                privateKey = privateKey.text.toString().ifBlank { null },
            ),
        )
    }

    private fun field(activity: Activity, hint: String, type: Int) = EditText(activity).apply {
        this.hint = hint
        inputType = type
    }
}
