package dev.moshmobile.demo.core

import dev.moshmobile.ffi.ConnectionState

/** The status line under the terminal: connected / last contact / RTT, or what went wrong. */
object StatusLine {
    fun format(state: UiState): String {
        val status = state.status
        return when (state.phase) {
            UiState.Phase.IDLE, UiState.Phase.BOOTSTRAPPING -> state.message
            UiState.Phase.ENDED -> state.message
            UiState.Phase.RUNNING -> when {
                status == null -> "Connecting…"
                status.background -> "Paused in the background"
                else -> when (val s = status.state) {
                    ConnectionState.Connecting -> "Connecting…"
                    ConnectionState.Connected -> "Connected · RTT ${status.rttMs} ms"
                    ConnectionState.Waiting ->
                        "Last contact ${(status.lastContactMs ?: 0u).toLong() / 1000} s ago · reconnecting"
                    is ConnectionState.Closed -> SessionController.closeMessage(s.reason)
                }
            }
        }
    }
}
