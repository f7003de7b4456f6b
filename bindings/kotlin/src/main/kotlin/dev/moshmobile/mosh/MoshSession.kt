package dev.moshmobile.mosh

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ConnectConfig
import dev.moshmobile.ffi.ConnectInfo
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.ffi.OutputMode
import dev.moshmobile.ffi.PredictionMode
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.ScreenRow
import dev.moshmobile.ffi.Session
import dev.moshmobile.ffi.SessionListener
import dev.moshmobile.ffi.SessionOptions
import dev.moshmobile.ffi.Status
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

/**
 * A mosh session with Kotlin idioms over the generated [Session]: events as a [Flow][kotlinx.coroutines.flow.Flow],
 * `suspend` for the calls that wait for the library's runtime, [AutoCloseable], `Int` sizes.
 * Every behaviour is the library's (Rust); this class only adapts the calling style.
 *
 * Calls other than [enterBackground], [snapshot] and [closeAndWait] return at once and
 * may be made from any thread, including Android's main thread. Events are emitted on the
 * library's event thread (one per session); collect them on the dispatcher you draw from.
 *
 * Snapshots ([enterBackground], [snapshot]) hold the session key: store them as secrets
 * (Android Keystore-encrypted), never in plain files or logs.
 */
class MoshSession private constructor(open: (SessionListener) -> Session) : AutoCloseable {
    private val mutableEvents = MutableSharedFlow<Event>(
        extraBufferCapacity = EVENT_BUFFER,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )
    private val mutableStatus = MutableStateFlow<Status?>(null)
    private val closedReason = CompletableDeferred<CloseReason>()

    private val listener = object : SessionListener {
        override fun onEvent(event: Event) {
            when (event) {
                is Event.StatusChanged -> mutableStatus.value = event.status
                is Event.Closed -> closedReason.complete(event.reason)
                else -> Unit
            }
            mutableEvents.tryEmit(event)
        }
    }

    /** The generated object, for anything this layer does not adapt. */
    val session: Session = open(listener)

    /**
     * Every event, hot: collectors see events from the time they subscribe. The library
     * coalesces screen changes; a collector slower than [EVENT_BUFFER] events loses the
     * oldest ones (redraw from [screen] on the newest).
     */
    val events: SharedFlow<Event> = mutableEvents.asSharedFlow()

    /**
     * The screen now, then again after every change: what a view collects to redraw.
     * Conflated: a slow collector gets the newest screen, never a backlog.
     */
    val screens: Flow<Screen> = events
        .onSubscription { emit(Event.ScreenChanged(emptyList())) }
        .filterIsInstance<Event.ScreenChanged>()
        .map { session.screen() }
        .conflate()

    /** The status of the newest [Event.StatusChanged] (`null` before the first). */
    val statusUpdates: StateFlow<Status?> = mutableStatus.asStateFlow()

    /** What to draw now: rows of styled runs (predictions marked), cursor, title. */
    val screen: Screen get() = session.screen()

    /** The connection status now. */
    val status: Status get() = session.status()

    /**
     * Lines of scrollback held: rows that scrolled off the top of the screen, as captured
     * on this client (a stock server's lines that scrolled away between two screens the
     * client never saw cannot be recovered). [Event.ScrollbackAdded] says when it grows.
     */
    val scrollbackSize: Long get() = session.scrollbackLen().toLong()

    /**
     * Up to [count] scrollback lines from index [from], oldest first: 0 is the oldest line
     * held, `scrollbackSize - 1` the one just above the screen. Rows are styled like
     * [screen]'s, without trailing blanks.
     */
    fun scrollback(from: Long, count: Int): List<ScreenRow> {
        require(from >= 0 && count >= 0) { "negative range $from, $count" }
        return session.scrollback(from.toULong(), count.toUInt())
    }

    /** The newest [count] scrollback lines (those just above the screen), oldest first. */
    fun recentScrollback(count: Int): List<ScreenRow> {
        require(count >= 0) { "negative count $count" }
        val size = scrollbackSize
        return scrollback(maxOf(0L, size - count), count)
    }

    /** Bytes typed by the user, already encoded. */
    fun sendInput(bytes: ByteArray) = session.sendInput(bytes)

    /** Text typed by the user (sent as UTF-8). */
    fun type(text: String) = session.sendInput(text.encodeToByteArray())

    /** A key, encoded by the library for the remote program's modes. */
    fun sendKey(key: Key, modifiers: KeyModifiers = KeyModifiers()) = session.sendKey(key, modifiers)

    /** Pasted text (bracketed when the remote program asked for it). */
    fun paste(text: String) = session.paste(text)

    /** The view's size in cells changed. */
    fun resize(columns: Int, rows: Int) = session.resize(columns.toCells(), rows.toCells())

    /** The OS reported a new network path (Wi-Fi ↔ cellular, a new address). */
    fun networkChanged() = session.networkChanged()

    /**
     * The app leaves the foreground: timers and sends stop. Returns a snapshot to store
     * (it holds the session key). Waits for the library's runtime (milliseconds; at most
     * 5 s before [MoshException.Busy]), so it runs on [Dispatchers.IO].
     */
    suspend fun enterBackground(): ByteArray = withContext(Dispatchers.IO) { session.enterBackground() }

    /** The app is back: the library resynchronizes at once. */
    fun enterForeground() = session.enterForeground()

    /**
     * Bytes that let a new process resume this session with [restore] (a secret). Which
     * snapshots resume: the newest one the session took, as long as no other process of
     * the session talked to the server after it (the one [enterBackground] returns is
     * such). An older one ends as `CloseReason.OUT_OF_SYNC` at the server's first reply,
     * or hears nothing from the server; either way, start a new session over SSH and
     * delete the snapshot.
     */
    suspend fun snapshot(): ByteArray = withContext(Dispatchers.IO) { session.snapshot() }

    /** Suspends until the session has ended, and says why. */
    suspend fun awaitClosed(): CloseReason = closedReason.await()

    /**
     * Starts the polite shutdown and returns at once; [Event.Closed] follows. Closing a
     * session that has already ended (or was freed by [closeAndWait]) does nothing.
     */
    override fun close() {
        if (session.uniffiIsDestroyed) return
        try {
            session.shutdown()
        } catch (_: MoshException.SessionClosed) {
            // Already ended or closing.
        }
    }

    /**
     * Closes, waits for the server's acknowledgement (or the library's verdict), then
     * frees the native session; the object is unusable afterwards.
     */
    suspend fun closeAndWait(): CloseReason {
        close()
        val reason = awaitClosed()
        session.destroy()
        return reason
    }

    companion object {
        /** How many events a slow collector may lag behind before the oldest are dropped. */
        const val EVENT_BUFFER: Int = 1024

        /** Adaptive prediction, screen output: what a terminal view drawing [screen] wants. */
        val DEFAULT_OPTIONS: SessionOptions =
            SessionOptions(PredictionMode.ADAPTIVE, false, OutputMode.SCREEN)

        /**
         * Starts a session with the port and key of a `MOSH CONNECT` line
         * ([dev.moshmobile.ffi.parseConnect]). Returns at once; a host that does not
         * answer ends the session with [Event.Closed].
         */
        fun connect(
            host: String,
            connectInfo: ConnectInfo,
            columns: Int = 80,
            rows: Int = 24,
            options: SessionOptions = DEFAULT_OPTIONS,
        ): MoshSession = connect(host, connectInfo.port.toInt(), connectInfo.key, columns, rows, options)

        /** Starts a session to `host:port` with the printable session `key`. */
        fun connect(
            host: String,
            port: Int,
            key: String,
            columns: Int = 80,
            rows: Int = 24,
            options: SessionOptions = DEFAULT_OPTIONS,
        ): MoshSession = MoshSession { listener ->
            Session.connect(
                ConnectConfig(host, port.toPort(), key, columns.toCells(), rows.toCells(), options),
                listener,
            )
        }

        /** Resumes a session from [snapshot] bytes, in this process or a new one. */
        fun restore(snapshot: ByteArray, options: SessionOptions = DEFAULT_OPTIONS): MoshSession =
            MoshSession { listener -> Session.restore(snapshot, options, listener) }

        private fun Int.toCells(): UShort {
            require(this in 0..0xFFFF) { "size $this out of range" }
            return toUShort()
        }

        private fun Int.toPort(): UShort {
            require(this in 0..0xFFFF) { "port $this out of range" }
            return toUShort()
        }
    }
}

/** The row's text (wide characters once, as the runs hold them). */
val ScreenRow.text: String get() = runs.joinToString("") { it.text }

/** The screen's text, rows joined by newlines. */
val Screen.text: String get() = rows.joinToString("\n") { it.text }

/** A [SessionListener] from a lambda, for the generated [Session] API. */
fun sessionListener(block: (Event) -> Unit): SessionListener = object : SessionListener {
    override fun onEvent(event: Event) = block(event)
}
