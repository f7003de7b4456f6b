// A UDP relay on 127.0.0.1 in front of a server, counting the client's datagrams
// (what the tests watch to see that a session sends nothing: in the background,
// after it was released) and optionally delaying every datagram (a distant
// server). One client address at a time (the newest).

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class UdpRelay: @unchecked Sendable {
    /// Where clients send to.
    let port: UInt16
    private let front: Int32
    private let back: Int32
    private let server: sockaddr_in
    private let lock = NSLock()
    private var upDatagrams = 0
    private var stopped = false
    private var thread: Thread?
    /// One-way delay added to every datagram.
    private let delay: TimeInterval
    private let delayed = DispatchQueue(label: "udp-relay-delay")

    init(toPort serverPort: UInt16, delay: TimeInterval = 0) throws {
        self.delay = delay
        let front = try Self.boundSocket()
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(front, $0, &length) }
        }
        self.front = front
        back = try Self.boundSocket()
        port = UInt16(bigEndian: address.sin_port)
        server = Self.loopback(port: serverPort)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "udp-relay"
        self.thread = thread
        thread.start()
    }

    /// Client datagrams relayed so far.
    var clientDatagrams: Int { lock.withLock { upDatagrams } }

    func stop() {
        lock.withLock { stopped = true }
        while thread?.isFinished == false { Thread.sleep(forTimeInterval: 0.01) }
        // Datagrams still delayed go out before the sockets close.
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        delayed.sync {}
        close(front)
        close(back)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func boundSocket() throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0 else { throw TestError.failed("relay socket: errno \(errno)") }
        return fd
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var client: sockaddr_in?
        var descriptors = [pollfd(fd: front, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: back, events: Int16(POLLIN), revents: 0)]
        while !lock.withLock({ stopped }) {
            guard poll(&descriptors, 2, 20) > 0 else { continue }
            if descriptors[0].revents & Int16(POLLIN) != 0 {
                var from = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let n = withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(front, &buffer, buffer.count, 0, $0, &length)
                    }
                }
                if n > 0 {
                    client = from
                    lock.withLock { upDatagrams += 1 }
                    forward(Array(buffer[0..<n]), from: back, to: server)
                }
            }
            if descriptors[1].revents & Int16(POLLIN) != 0 {
                let n = recv(back, &buffer, buffer.count, 0)
                if n > 0, let client {
                    forward(Array(buffer[0..<n]), from: front, to: client)
                }
            }
        }
    }

    private func forward(_ datagram: [UInt8], from socket: Int32, to address: sockaddr_in) {
        let send: @Sendable () -> Void = {
            var to = address
            _ = withUnsafePointer(to: &to) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket, datagram, datagram.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if delay > 0 {
            delayed.asyncAfter(deadline: .now() + delay, execute: send)
        } else {
            send()
        }
    }
}
