package dev.moshmobile.demo

import android.content.Context
import android.net.ConnectivityManager
import android.net.LinkProperties
import android.net.Network
import android.net.NetworkCapabilities
import dev.moshmobile.demo.core.NetworkChangeFilter

/**
 * The default network's callbacks → [onChange] when the path really changed (another
 * network, or new addresses on the same one); the session then calls `networkChanged()`.
 * [onMetered] hears whether the default network is metered (no `NOT_METERED`), for the
 * data saver.
 */
class NetworkMonitor(
    context: Context,
    private val onMetered: (Boolean) -> Unit = {},
    private val onChange: () -> Unit,
) {
    private val connectivity = context.getSystemService(ConnectivityManager::class.java)
    private val filter = NetworkChangeFilter()
    private var registered = false

    private val callback = object : ConnectivityManager.NetworkCallback() {
        override fun onAvailable(network: Network) {
            if (filter.available(network)) onChange()
        }

        override fun onLost(network: Network) {
            filter.lost(network)
        }

        override fun onCapabilitiesChanged(network: Network, capabilities: NetworkCapabilities) {
            onMetered(!capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED))
        }

        override fun onLinkPropertiesChanged(network: Network, linkProperties: LinkProperties) {
            val addresses = linkProperties.linkAddresses.map { it.address.hostAddress ?: it.toString() }.toSet()
            if (filter.linkAddresses(network, addresses)) onChange()
        }
    }

    fun start() {
        if (registered) return
        connectivity?.registerDefaultNetworkCallback(callback)
        registered = true
    }

    fun stop() {
        if (!registered) return
        registered = false
        try {
            connectivity?.unregisterNetworkCallback(callback)
        } catch (_: IllegalArgumentException) {
            // Not registered.
        }
    }
}
