package dev.moshmobile.mosh

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ConnectConfig
import dev.moshmobile.ffi.ConnectInfo
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.ffi.MouseEvent
import dev.moshmobile.ffi.OutputMode
import dev.moshmobile.ffi.PredictionMode
import dev.moshmobile.ffi.SavedSession
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.ScreenRow
import dev.moshmobile.ffi.ScreenUpdate
import dev.moshmobile.ffi.ScrollTarget
import dev.moshmobile.ffi.ScrollbackLines
import dev.moshmobile.ffi.ScrollbackRange
import dev.moshmobile.ffi.Session
import dev.moshmobile.ffi.SessionListener
import dev.moshmobile.ffi.SessionKey
import dev.moshmobile.ffi.SessionOptions
import dev.moshmobile.ffi.Status
import dev.moshmobile.ffi.Subscription
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.map

/**
 * A mosh session with Kotlin idioms over the generated [Session]: events as cold
 * [Flow]s, `Int` sizes, arguments checked into [MoshException]s. Every behaviour is the
 * library's (Rust); this class only adapts the calling style.
 *
 * Calls that only post to the session ([type], [sendKey], [resize], [networkChanged],
 * [enterForeground], [shutdown], the reads) return at once and may be made from any thread,
 * including Android's main thread. The `suspend` ones ([connect], [restore],
 * [enterBackground], [snapshot], [detach], [awaitClosed]) do their work on the library's
 * own threads: call them from any coroutine, `Dispatchers.Main` included.
 *
 * Three endings: [detach] stops everything and returns a snapshot, leaving the remote
 * shell for it to resume (a tab the user closed but may reopen); [shutdown] ends the
 * remote shell politely; [close] (or garbage collection of an unreferenced session)
 * releases the native session, which then stops quietly as [detach] would, without a
 * snapshot. Collecting [events] keeps the session referenced while the collector runs.
 *
 * A [SavedSession] is two parts: a 54-byte secret for the Android Keystore-encrypted store,
 * and the state the library sealed under it, for an ordinary file.
 */
class MoshSession private constructor(
    /** The generated object, for anything this layer does not adapt. */
    val session: Session,
) : AutoCloseable {
    /**
     * This session's events, cold: each collector gets its own coalesced stream from the
     * library. Its first events say everything a view needs (every row, the status, the
     * title), so nothing is missed by collecting late; a slow collector gets fewer, fuller
     * events and never loses a title, clipboard, status or the end. Completes after
     * [Event.Closed]. Suspends without holding a thread.
     */
    val events: Flow<Event> = flow {
        val stream = session.events()
        try {
            while (true) {
                val batch = stream.next() ?: break
                for (event in batch) emit(event)
            }
        } finally {
            stream.cancel()
            stream.close()
        }
    }

    /**
     * The screen now, then again after every change: what a view collects to redraw.
     * Conflated before the copy: a slow collector gets the newest screen, never a backlog.
     */
    val screens: Flow<Screen> = events
        .filterIsInstance<Event.ScreenChanged>()
        .conflate()
        .map { session.screen() }

    /** The status now, then after every change. */
    val statuses: Flow<Status> = events.filterIsInstance<Event.StatusChanged>().map { it.status }

    /** What to draw now: rows of styled runs (predictions marked), cursor, title. */
    val screen: Screen get() = session.screen()

    /** The connection status now. */
    val status: Status get() = session.status()

    /**
     * What a view redraws after [Event.ScreenChanged]: cursor, title, modes and only the
     * given rows (cheaper than [screen] on a busy screen).
     */
    fun screenUpdate(rows: List<Int>): ScreenUpdate =
        session.screenUpdate(rows.filter { it in 0..0xFFFF }.map { it.toUShort() })

    /**
     * The server's screen as text rows: what the remote program wrote, without local echo
     * or the notification bar (for search and copy).
     */
    val confirmedText: List<String> get() = session.confirmedText()

    /**
     * Lines of scrollback held: rows that scrolled off the top of the screen, as captured
     * on this client (a stock server's lines that scrolled away between two screens the
     * client never saw cannot be recovered). [Event.ScrollbackAdded] says when it grows.
     */
    val scrollbackSize: Long get() = session.scrollbackLen().toLong()

    /**
     * The numbers of the scrollback lines held, `first until end`. A line keeps its number
     * while the oldest lines go, so a list view can use it as the item id.
     */
    val scrollbackRange: ScrollbackRange get() = session.scrollbackRange()

    /**
     * Up to [count] scrollback lines from line number [from] on, oldest first, and the
     * number of the first one ([ScrollbackLines.first]: the oldest held when [from] had
     * already gone). Rows are styled like [screen]'s, without trailing blanks. A negative
     * argument is [MoshException.InvalidArgument].
     */
    fun scrollback(from: Long, count: Int): ScrollbackLines {
        if (from < 0 || count < 0) throw MoshException.InvalidArgument("negative range $from, $count")
        return session.scrollback(from.toULong(), count.toUInt())
    }

    /** The newest [count] scrollback lines (those just above the screen), oldest first. */
    fun recentScrollback(count: Int): List<ScreenRow> {
        if (count < 0) throw MoshException.InvalidArgument("negative count $count")
        val end = scrollbackRange.end.toLong()
        return scrollback(maxOf(0L, end - count), count).rows
    }

    /**
     * Calls [block] with this session's events on the library's event threads until the
     * returned [Subscription] is closed (or garbage collected) or the session ends: keep it
     * as long as the view that listens. For code that prefers callbacks to [events].
     */
    fun subscribe(block: (Event) -> Unit): Subscription = session.subscribe(sessionListener(block))

    /** Bytes typed by the user, already encoded. */
    fun sendInput(bytes: ByteArray) = session.sendInput(bytes)

    /** Text typed by the user (sent as UTF-8). */
    fun type(text: String) = session.sendInput(text.encodeToByteArray())

    /** A key, encoded by the library for the remote program's modes. */
    fun sendKey(key: Key, modifiers: KeyModifiers = KeyModifiers()) = session.sendKey(key, modifiers)

    /** Pasted text (bracketed when the remote program asked for it). */
    fun paste(text: String) = session.paste(text)

    /**
     * A touch or mouse event, encoded for the remote program's mouse mode; nothing is sent
     * when `screen.modes.mouseTracking` is `OFF` (then a swipe should scroll local
     * scrollback).
     */
    fun sendMouse(event: MouseEvent) = session.sendMouse(event)

    /**
     * A swipe of [steps] lines at a cell (positive: towards later content, the finger moving
     * up). [ScrollTarget.PROGRAM]: the remote program took it as wheel events;
     * [ScrollTarget.SCROLLBACK]: nothing was sent, scroll the local scrollback by [steps].
     * A cell outside 0..65535 is [MoshException.InvalidArgument].
     */
    fun scroll(steps: Int, column: Int, row: Int): ScrollTarget {
        if (column !in 0..0xFFFF || row !in 0..0xFFFF) throw MoshException.InvalidArgument("cell $column, $row")
        return session.scroll(steps, column.toUShort(), row.toUShort())
    }

    /** The view gained or lost focus (reported when the program asked for it). */
    fun sendFocus(focused: Boolean) = session.sendFocus(focused)

    /** The view's size in cells changed. */
    fun resize(columns: Int, rows: Int) {
        val (width, height) = cells(columns, rows)
        session.resize(width, height)
    }

    /**
     * Data saver, for a metered network (a `NetworkCapabilities` without `NOT_METERED`):
     * from now on the server sends at most the newest [lines] of output that scrolls off
     * (0: only the screen; skipped lines are a gap in the scrollback). Call again with the
     * session's `scrollbackLines` when the network is free again. A negative count is
     * [MoshException.InvalidArgument].
     */
    fun setScrollbackBudget(lines: Int) {
        if (lines < 0) throw MoshException.InvalidArgument("negative line count $lines")
        session.setScrollbackBudget(lines.toUInt())
    }

    /** The OS reported a new network path (Wi-Fi ↔ cellular, a new address). */
    fun networkChanged() = session.networkChanged()

    /**
     * The app leaves the foreground: timers and sends stop, the socket is not read. Returns
     * the session saved for a later process: [SavedSession.secret] under an Android
     * Keystore key, [SavedSession.state] (sealed by the library) in a file.
     */
    suspend fun enterBackground(): SavedSession = session.enterBackground()

    /** The app is back: the library resynchronizes at once. */
    fun enterForeground() = session.enterForeground()

    /**
     * The session saved now, for [restore] in a new process ([SavedSession] says where each
     * part goes). Which saves resume: with our `mosh-server`, any save of a live session (taken in
     * use, restored before, moved to another device: the server follows the newest process, the
     * other ends with `CloseReason.SUPERSEDED`). With stock `mosh-server`, only the newest one the
     * session took, as long as no other process of the session talked to the server after it (the
     * one [enterBackground] or [detach] returns is such); an older one ends as
     * `CloseReason.OUT_OF_SYNC` at the server's first reply, or hears nothing from the server;
     * then start a new session over SSH and delete the snapshot.
     */
    suspend fun snapshot(): SavedSession = session.snapshot()

    /**
     * Stops the session for good without ending the remote shell and returns it saved (it
     * resumes with [restore]). The socket and timers go at once; [events] end
     * with `CloseReason.DETACHED`.
     */
    suspend fun detach(): SavedSession = session.detach()

    /**
     * Ends the session politely (the server hangs up the remote program) and returns at
     * once; [Event.Closed] follows. Calling it again, or after the end, does nothing.
     */
    fun shutdown() = session.shutdown()

    /** Suspends until the session has ended, and says why. */
    suspend fun awaitClosed(): CloseReason = session.closed()

    /**
     * Releases the native session now: it stops quietly, as [detach] does, and the remote
     * shell stays for a stored snapshot. The object is unusable afterwards. (For the polite
     * end, call [shutdown] first.)
     */
    override fun close() = session.close()

    companion object {
        /** Adaptive prediction, screen output: what a terminal view drawing [screen] wants. */
        val DEFAULT_OPTIONS: SessionOptions =
            SessionOptions(PredictionMode.ADAPTIVE, false, OutputMode.SCREEN)

        /**
         * Starts a session with the port and key of a `MOSH CONNECT` line
         * ([dev.moshmobile.ffi.parseConnect]). A host that does not answer ends the session
         * with [Event.Closed] (`CONNECT_TIMED_OUT` after 15 s).
         */
        suspend fun connect(
            host: String,
            connectInfo: ConnectInfo,
            columns: Int = 80,
            rows: Int = 24,
            options: SessionOptions = DEFAULT_OPTIONS,
        ): MoshSession = connect(host, connectInfo.port.toInt(), connectInfo.key, columns, rows, options)

        /**
         * Starts a session to `host:port` with a [SessionKey] (its `toString()` shows only a
         * fingerprint). Bad arguments (a port outside 1..65535, a size outside 1..65535) are
         * [MoshException]s.
         */
        suspend fun connect(
            host: String,
            port: Int,
            key: SessionKey,
            columns: Int = 80,
            rows: Int = 24,
            options: SessionOptions = DEFAULT_OPTIONS,
        ): MoshSession {
            if (port !in 0..0xFFFF) throw MoshException.InvalidPort(port)
            val (width, height) = cells(columns, rows)
            val config = ConnectConfig(host, port.toUShort(), key, width, height, options)
            return MoshSession(Session.connect(config))
        }

        /**
         * Starts a session to `host:port` with the printable session `key` (22 characters);
         * a malformed one is [MoshException.InvalidKey].
         */
        suspend fun connect(
            host: String,
            port: Int,
            key: String,
            columns: Int = 80,
            rows: Int = 24,
            options: SessionOptions = DEFAULT_OPTIONS,
        ): MoshSession = connect(host, port, SessionKey.parse(key), columns, rows, options)

        /**
         * Resumes a saved session (both parts of one [SavedSession]), in this process or a new
         * one. A state from another save is [MoshException.StateMismatch].
         */
        suspend fun restore(saved: SavedSession, options: SessionOptions = DEFAULT_OPTIONS): MoshSession =
            MoshSession(Session.restore(saved, options))

        /** A window size as the library's cells, or [MoshException.InvalidSize]. */
        private fun cells(columns: Int, rows: Int): Pair<UShort, UShort> {
            if (columns !in 0..0xFFFF || rows !in 0..0xFFFF) throw MoshException.InvalidSize(columns, rows)
            return columns.toUShort() to rows.toUShort()
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
