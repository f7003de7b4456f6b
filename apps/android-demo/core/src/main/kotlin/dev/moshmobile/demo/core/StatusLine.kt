package dev.moshmobile.demo.core

import dev.moshmobile.ffi.ConnectionState
import dev.moshmobile.ffi.Status

/**
 * The status line under the terminal, drawn natively (the library's notification bar is
 * off): the remote title, connected / last contact / RTT, input not reaching the server,
 * input dropped, or what went wrong.
 */
object StatusLine {
    /** Over this, typed keys are not reaching the server (what mosh's bar calls "Last reply"). */
    private const val REPLY_LATE_MS = 10_000uL

    fun format(state: UiState): String {
        val line = when (state.phase) {
            UiState.Phase.IDLE, UiState.Phase.BOOTSTRAPPING, UiState.Phase.ENDED -> return state.message
            UiState.Phase.RUNNING -> running(state.status)
        }
        val notes = listOfNotNull(line, state.message.ifEmpty { null })
        val text = notes.joinToString(" · ")
        return if (state.title.isEmpty()) text else "${state.title} — $text"
    }

    private fun running(status: Status?): String {
        if (status == null) return "Connecting…"
        if (status.background) return "Paused in the background"
        val state = when (val s = status.state) {
            ConnectionState.Connecting -> "Connecting…"
            ConnectionState.Connected -> {
                val reply = status.lastReplyMs
                if (reply != null && reply > REPLY_LATE_MS) {
                    "Typing not reaching the server · last reply ${reply.toLong() / 1000} s ago"
                } else {
                    "Connected · RTT ${status.rttMs} ms"
                }
            }
            ConnectionState.Waiting ->
                "Last contact ${(status.lastContactMs ?: 0u).toLong() / 1000} s ago · reconnecting"
            is ConnectionState.Closed -> SessionController.closeMessage(s.reason)
        }
        return if (status.inputDroppedBytes > 0uL) "$state · ${status.inputDroppedBytes} bytes of input dropped" else state
    }
}
