// NWPathMonitor → the controller. The controller decides what is a change (not the
// first report, not a repeat); a change calls the library's network_changed.

import MoshDemoCore
import Network

final class NetworkMonitor: @unchecked Sendable {
    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "dev.moshmobile.demo.network-path")

    func start(_ update: @escaping @MainActor (NetworkPath) -> Void) {
        monitor.pathUpdateHandler = { path in
            let reduced = NetworkPath(
                satisfied: path.status == .satisfied,
                interfaces: path.availableInterfaces.map(\.name),
                gateways: path.gateways.map { "\($0)" },
                metered: path.isExpensive || path.isConstrained)
            Task { @MainActor in update(reduced) }
        }
        monitor.start(queue: queue)
    }

    deinit {
        monitor.cancel()
    }
}
