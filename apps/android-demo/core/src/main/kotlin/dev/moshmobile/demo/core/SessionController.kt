package dev.moshmobile.demo.core

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ConnectInfo
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.ffi.SavedSession
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.ScrollTarget
import dev.moshmobile.ffi.ScrollbackLines
import dev.moshmobile.ffi.ScrollbackRange
import dev.moshmobile.ffi.SessionOptions
import dev.moshmobile.ffi.Status
import dev.moshmobile.mosh.MoshSession
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import java.util.concurrent.atomic.AtomicInteger

/**
 * Where the saved session lives between process deaths: its secret in the platform's
 * secret store (implementations encrypt it under a Keystore key), its sealed state in a
 * file.
 */
interface SnapshotStore {
    fun save(saved: SavedSession)
    fun load(): SavedSession?
    fun clear()
}

/** What the app shows around the terminal. */
data class UiState(
    val phase: Phase = Phase.IDLE,
    val status: Status? = null,
    val message: String = "",
    /** The window title the remote program set (empty: none). */
    val title: String = "",
) {
    enum class Phase { IDLE, BOOTSTRAPPING, RUNNING, ENDED }
}

/**
 * The demo's session controller, free of Android: SSH bootstrap → connect, restore after
 * process death, lifecycle (background stores the snapshot, foreground resyncs), network
 * changes, input, and the UI state (phase, status line). The Activity forwards its
 * callbacks here and draws [screen] when [onScreen] fires.
 *
 * Threading: every method may be called from the UI thread and none blocks it: the
 * library's own calls suspend without holding a thread, and the store is read and
 * written off the main thread under one lock taken in call order (so a restore in a new
 * Activity reads the save the previous one's onStop was still making).
 * [onScreen] and [state] updates come from a background dispatcher.
 */
class SessionController(
    private val store: SnapshotStore,
    private val bootstrap: (SshLogin) -> ConnectInfo,
    private val onScreen: (Screen) -> Unit = {},
    /** Prediction, output, and the nonce store directory (the app's `filesDir/nonces`). */
    private val options: SessionOptions = MoshSession.DEFAULT_OPTIONS,
    /** The bell and clipboard writes, from a background dispatcher. */
    private val onAlert: (Alert) -> Unit = {},
) {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val mutableState = MutableStateFlow(UiState())
    private var collector: Job? = null

    // The event thread and the caller's thread both deliver screens and statuses. Each
    // delivery reads the session's current value while holding its lock, so the last
    // one to run delivers the newest value: a value read earlier can never land after
    // a newer one (a stale screen would stay up until the next change, which for an
    // idle shell may never come).
    private val screenLock = Any()
    private val statusLock = Any()

    /** Phase and status for the status line. */
    val state: StateFlow<UiState> = mutableState.asStateFlow()

    /** The running session, if any. */
    @Volatile
    var session: MoshSession? = null
        private set

    /** How many network changes reached the session (for the status line and tests). */
    val networkChanges = AtomicInteger()

    private var columns = 80
    private var rows = 24

    /** The screen now (an empty one before a session). */
    val screen: Screen? get() = session?.screen

    /** Logs in over SSH, starts mosh-server, connects. Throws [BootstrapException] or [MoshException]. */
    suspend fun connect(login: SshLogin) {
        mutableState.value = UiState(UiState.Phase.BOOTSTRAPPING, message = "Starting mosh-server on ${login.host}…")
        try {
            val info = withContext(Dispatchers.IO) { bootstrap(login) }
            attach(MoshSession.connect(login.host, info, columns, rows, options))
        } catch (e: Exception) {
            mutableState.value = UiState(UiState.Phase.IDLE, message = e.message ?: e.toString())
            throw e
        }
    }

    /** At launch: resumes the stored session, if there is one. Returns whether it did. */
    suspend fun restoreSaved(): Boolean {
        val saved = stored { store.load() } ?: return false
        val restored = try {
            MoshSession.restore(saved, options)
        } catch (e: MoshException) {
            stored { store.clear() }
            mutableState.value = UiState(UiState.Phase.IDLE, message = "Could not resume: ${e.message}")
            return false
        }
        // Used: once the restored session talks to the server the save is stale.
        stored { store.clear() }
        attach(restored)
        restored.resize(columns, rows)
        return true
    }

    private fun attach(newSession: MoshSession) {
        session = newSession
        if (metered) applyDataSaver(newSession)
        mutableState.value = UiState(UiState.Phase.RUNNING, newSession.status)
        // Each collector's stream starts with the whole screen and the status, so
        // nothing that happened before it subscribed is missed.
        collector = scope.launch {
            newSession.events.collect { event ->
                when (event) {
                    is Event.ScreenChanged -> publishScreen(newSession)
                    is Event.StatusChanged -> refreshStatus(newSession)
                    is Event.TitleChanged -> mutableState.update { it.copy(title = event.title) }
                    is Event.Bell -> onAlert(Alert.Bell)
                    is Event.Clipboard -> Alert.copy(event.bytes)?.let(onAlert)
                    is Event.Closed -> {
                        if (event.reason != CloseReason.DETACHED) stored { store.clear() }
                        mutableState.value = UiState(UiState.Phase.ENDED, newSession.status, closeMessage(event.reason))
                    }
                    else -> Unit
                }
            }
        }
    }

    private fun publishScreen(from: MoshSession) = synchronized(screenLock) { onScreen(from.screen) }

    private fun refreshStatus(from: MoshSession) = synchronized(statusLock) {
        mutableState.update { if (it.phase == UiState.Phase.RUNNING) it.copy(status = from.status) else it }
    }

    /**
     * The app left the foreground: stop sending and store the snapshot. Nothing escapes: a
     * session that cannot be saved (it ended meanwhile, another save is running) or a store
     * that fails (the Keystore, a full disk) is reported on the status line, since this runs
     * from onStop where an exception would crash the app.
     */
    suspend fun background() {
        val current = session ?: return
        try {
            // One step under the store's lock, from asking the library to the file, so a
            // restore (a new Activity) waits for it rather than reading the older save.
            storeLock.withLock {
                val saved = current.enterBackground()
                withContext(persistence) { store.save(saved) }
                // The secret (it unlocks the state) stays in memory no longer than needed.
                saved.secret.fill(0)
            }
        } catch (_: MoshException.SessionClosed) {
            return
        } catch (e: Exception) {
            if (e is kotlinx.coroutines.CancellationException) throw e
            mutableState.update { it.copy(message = "Could not save the session: ${e.message ?: e}") }
            return
        }
        refreshStatus(current)
    }

    /**
     * [background] from a lifecycle callback: returns at once (onStop must not block the
     * main thread) and finishes even if the Activity is destroyed meanwhile.
     */
    fun backgroundSoon(): Job = saves.launch(start = CoroutineStart.UNDISPATCHED) { background() }

    /** The app is visible again: resync at once. */
    fun foreground() {
        val current = session ?: return
        try {
            current.enterForeground()
        } catch (_: MoshException.SessionClosed) {
            return
        }
        // Stale once the session talks again; after any save still being written.
        saves.launch(start = CoroutineStart.UNDISPATCHED) { stored { store.clear() } }
        mutableState.update { if (it.phase == UiState.Phase.RUNNING) it.copy(message = "") else it }
        refreshStatus(current)
    }

    /** The OS reported a different network path. */
    fun networkChanged() {
        val current = session ?: return
        networkChanges.incrementAndGet()
        try {
            current.networkChanged()
        } catch (_: MoshException.SessionClosed) {
        }
    }

    /** Whether the default network is metered: the data saver is on while it is. */
    @Volatile
    var metered = false
        private set

    /**
     * The default network is metered (or not): on a metered one the server sends at most
     * [SAVER_LINES] of output that scrolls off, the newest; on a free one all the session
     * keeps.
     */
    fun meteredNetwork(metered: Boolean) {
        if (this.metered == metered) return
        this.metered = metered
        session?.let(::applyDataSaver)
    }

    private fun applyDataSaver(to: MoshSession) {
        val budget = if (metered) minOf(SAVER_LINES, options.scrollbackLines.toInt()) else options.scrollbackLines.toInt()
        try {
            to.setScrollbackBudget(budget)
        } catch (_: MoshException) {
        }
    }

    /** The terminal view's size in cells. */
    fun resize(columns: Int, rows: Int) {
        if (columns <= 0 || rows <= 0) return
        this.columns = columns
        this.rows = rows
        try {
            session?.resize(columns, rows)
        } catch (_: MoshException.SessionClosed) {
        }
    }

    /** Input from the keyboards and the key bar. */
    fun send(input: KeyInput) {
        val current = session ?: return
        try {
            when (input) {
                is KeyInput.Text -> current.type(input.text)
                is KeyInput.Special -> current.sendKey(input.key, input.modifiers)
                is KeyInput.Paste -> current.paste(input.text)
                KeyInput.None -> Unit
            }
        } catch (_: MoshException.SessionClosed) {
        }
    }

    /**
     * A swipe of [steps] lines at a cell: to the remote program as wheel events when it
     * takes them ([ScrollTarget.PROGRAM]), else [ScrollTarget.SCROLLBACK]: the view scrolls
     * its local scrollback.
     */
    fun scroll(steps: Int, column: Int, row: Int): ScrollTarget {
        val current = session ?: return ScrollTarget.SCROLLBACK
        return try {
            current.scroll(steps, column, row)
        } catch (_: MoshException) {
            ScrollTarget.SCROLLBACK
        }
    }

    /** The numbers of the scrollback lines held, or null without a session. */
    fun scrollbackRange(): ScrollbackRange? = session?.scrollbackRange

    /** Up to [count] scrollback lines from number [from] (see [MoshSession.scrollback]). */
    fun scrollback(from: Long, count: Int): ScrollbackLines? = session?.scrollback(from, count)

    /** The user ends the session: polite close, forget the snapshot. */
    suspend fun disconnect() {
        session?.shutdown()
        stored { store.clear() }
    }

    /**
     * The controller is no longer used (the activity is destroyed, or a test ends): stops
     * collecting and releases the native session once pending saves are done. The session
     * then stops without the shutdown handshake (it sent nothing after the stored
     * snapshot, which therefore resumes it). Returns at once.
     */
    fun release(): Job {
        collector?.cancel()
        scope.cancel()
        val current = session
        session = null
        return saves.launch(start = CoroutineStart.UNDISPATCHED) { storeLock.withLock { current?.close() } }
    }

    companion object {
        /** Scrollback lines the server may send of a burst while the network is metered. */
        const val SAVER_LINES = 100

        fun closeMessage(reason: CloseReason): String = when (reason) {
            CloseReason.SERVER_EXITED -> "Session ended (the shell exited)"
            CloseReason.CLOSED -> "Disconnected"
            CloseReason.CLOSE_UNACKNOWLEDGED -> "Disconnected (the server did not confirm)"
            CloseReason.CONNECT_TIMED_OUT -> "No answer from the server (wrong port, key, or UDP blocked)"
            CloseReason.HOST_NOT_FOUND -> "Host not found"
            CloseReason.NETWORK_FAILED -> "The network failed"
            CloseReason.OUT_OF_SYNC -> "The server went on without this app; start a new session"
            CloseReason.SUPERSEDED -> "Resumed on another device or app; it goes on there"
            CloseReason.DETACHED -> "Detached (the remote shell goes on)"
        }

        /**
         * Where the snapshot store is read and written: one operation at a time, in call
         * order, process-wide (every controller shares it), off the main thread, and not
         * tied to an Activity's lifetime.
         */
        private val persistence = Dispatchers.IO.limitedParallelism(1)

        /**
         * Held across a whole save (the library's answer, then the write), a load, a clear
         * or a release, in the order they were asked for: lifecycle callbacks take it at
         * once (started undispatched), so a restore in the next Activity waits for the
         * previous one's save.
         */
        private val storeLock = Mutex()

        /** Saves and releases launched from lifecycle callbacks, on [persistence]. */
        private val saves = CoroutineScope(SupervisorJob() + persistence)

        /** One store operation under the lock, off the main thread. */
        private suspend fun <T> stored(operation: () -> T): T =
            storeLock.withLock { withContext(persistence) { operation() } }
    }
}

/** Something the remote program asked the device to do. */
sealed class Alert {
    /** The bell rang. */
    data object Bell : Alert()

    /** Text for the system clipboard (OSC 52). */
    data class Copy(val text: String) : Alert()

    companion object {
        /** A clipboard write as text, or null when its bytes are not UTF-8 (not text to paste). */
        fun copy(bytes: ByteArray): Copy? = try {
            val decoder = Charsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            Copy(decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString())
        } catch (_: java.nio.charset.CharacterCodingException) {
            null
        }
    }
}

/** What a keyboard or the key bar produced. */
sealed class KeyInput {
    data class Text(val text: String) : KeyInput()
    data class Special(val key: Key, val modifiers: KeyModifiers = KeyModifiers()) : KeyInput()
    data class Paste(val text: String) : KeyInput()
    data object None : KeyInput()
}
