// Shared by the MoshKit tests: servers (ours and the stock mosh-server) started on
// loopback and read from their `MOSH CONNECT` output, waiting for text on the screen,
// and a recorder of events. A server that cannot be found or started fails the test.

import Foundation
import MoshKit
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a step on loopback may take before the test fails.
let wait: TimeInterval = 15

enum TestError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self { case .failed(let message): return message }
    }
}

/// Which `mosh-server` a test starts.
enum ServerKind: String {
    /// target/debug/mosh-server (or $MOSHKIT_OUR_SERVER): dual stack.
    case ours
    /// Debian's mosh 1.4 on PATH, bound to 127.0.0.1.
    case stock

    /// Where the server binary is; throws when it is missing.
    func binary() throws -> String {
        switch self {
        case .ours:
            let path = ProcessInfo.processInfo.environment["MOSHKIT_OUR_SERVER"]
                ?? URL(fileURLWithPath: #filePath)  // bindings/swift/Tests/MoshKitTests/…
                    .deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent()
                    .appendingPathComponent("target/debug/mosh-server").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestError.failed(
                    "our mosh-server missing at \(path): cargo build -p mosh-server")
            }
            return path
        case .stock:
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/mosh-server"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            throw TestError.failed("stock mosh-server not on PATH: install Debian's mosh")
        }
    }

    /// The `mosh-server new` arguments.
    var arguments: [String] {
        switch self {
        case .ours: return ["new", "-p", "0", "--", "/bin/sh"]
        case .stock: return ["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"]
        }
    }
}

/// A detached server running /bin/sh; its daemon is killed by `stop()`.
final class ServerProcess {
    let kind: ServerKind
    /// What the server printed (stdout then stderr), `MOSH CONNECT` line included.
    let output: String
    let pid: pid_t

    /// Runs `mosh-server new` with LANG=C.UTF-8, SHELL=/bin/sh and PS1='$ ', and
    /// reads the daemon's pid from `[mosh-server detached, pid = N]`.
    init(_ kind: ServerKind) throws {
        self.kind = kind
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["SHELL"] = "/bin/sh"
        environment["PS1"] = "$ "
        let started = Date()
        let run = try runProcess(try kind.binary(), kind.arguments, environment: environment)
        guard Date().timeIntervalSince(started) < 10 else {
            throw TestError.failed("mosh-server (\(kind)) took over 10 s to detach")
        }
        let err = run.stderr
        output = run.stdout + run.stderr
        guard run.status == 0 else {
            throw TestError.failed("mosh-server (\(kind)) failed: \(output)")
        }
        let marker = "[mosh-server detached, pid = "
        guard let line = err.split(separator: "\n").first(where: { $0.hasPrefix(marker) }),
              let pid = pid_t(line.dropFirst(marker.count).dropLast())
        else {
            throw TestError.failed("no detached pid in \(err)")
        }
        self.pid = pid
    }

    /// Whether the daemon still runs.
    var alive: Bool { kill(pid, 0) == 0 }

    func stop() {
        if alive { kill(pid, SIGKILL) }
    }

    deinit { stop() }

    /// Waits until the daemon has exited.
    func waitForExit(_ limit: TimeInterval = wait) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while alive {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }
}

/// Runs `path` with `arguments` and waits for it to exit; returns its exit status
/// and what it printed. posix_spawn and waitpid rather than Foundation's Process,
/// whose Linux implementation lets a detached daemon's inherited descriptors delay
/// the parent's exit by the daemon's lifetime; output goes to files, not pipes, for
/// the same reason.
func runProcess(
    _ path: String, _ arguments: [String], environment: [String: String]
) throws -> (status: Int32, stdout: String, stderr: String) {
    let child = try ChildProcess(path, arguments, environment: environment)
    let status = child.wait()
    return (status, child.stdout, child.stderr)
}

/// A program started with posix_spawn, its output in files.
final class ChildProcess {
    let pid: pid_t
    private let directory: URL
    private var exitStatus: Int32?

    init(_ path: String, _ arguments: [String], environment: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("moshkit-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 1, directory.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(
            &actions, 2, directory.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw TestError.failed("cannot run \(path): error \(spawned)") }
        self.pid = pid
    }

    var stdout: String {
        (try? String(contentsOf: directory.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
    }

    var stderr: String {
        (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    }

    /// Whether it has exited (without waiting).
    var hasExited: Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return true
    }

    /// Waits for the exit; the exit code, or 128 + the signal.
    @discardableResult
    func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        return code
    }

    /// SIGKILL, as iOS ends a suspended app.
    func kill() {
        if exitStatus == nil { _ = signalProcess(pid, SIGKILL) }
        wait()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// kill(2), out of reach of `ChildProcess.kill()`.
private func signalProcess(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}

/// Polls `screen` until its text contains `needle`; returns how long it took.
@discardableResult
func waitForText(
    _ session: MoshSession, _ needle: String, _ limit: TimeInterval = wait,
    file: StaticString = #filePath, line: UInt = #line
) throws -> TimeInterval {
    let start = Date()
    while !session.screen.text.contains(needle) {
        if Date().timeIntervalSince(start) > limit {
            XCTFail("\(needle.debugDescription) not on screen within \(limit) s:\n\(session.screen.text)",
                    file: file, line: line)
            throw TestError.failed("no \(needle)")
        }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return Date().timeIntervalSince(start)
}

/// Polls `condition` until it holds; fails the test after `limit`.
func eventually(
    _ what: String, _ limit: TimeInterval = wait,
    file: StaticString = #filePath, line: UInt = #line,
    _ condition: () -> Bool
) throws {
    let deadline = Date().addingTimeInterval(limit)
    while !condition() {
        if Date() > deadline {
            XCTFail("not within \(limit) s: \(what)", file: file, line: line)
            throw TestError.failed(what)
        }
        Thread.sleep(forTimeInterval: 0.01)
    }
}

/// Types `line` and Enter.
func typeLine(_ session: MoshSession, _ line: String) throws {
    try session.send(line + "\r")
}

/// Collects a session's events from its stream, with the name of the thread each
/// arrived on (the stream's producer: the library's thread).
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    private var arrivals: [Date] = []
    private var ended = false
    private(set) var task: Task<Void, Never>?

    /// Starts consuming `session.events`.
    init(_ session: MoshSession) {
        let events = session.events
        task = Task.detached { [weak self] in
            for await event in events {
                self?.append(event)
            }
            self?.end()
        }
    }

    private func end() {
        lock.withLock { ended = true }
    }

    /// Whether the stream has finished.
    var finished: Bool { lock.withLock { ended } }

    private func append(_ event: Event) {
        lock.withLock {
            events.append(event)
            arrivals.append(Date())
        }
    }

    var all: [Event] { lock.withLock { events } }

    /// When each event came out of the stream.
    var times: [Date] { lock.withLock { arrivals } }

    /// Waits for an event `matches` accepts.
    @discardableResult
    func waitFor(
        _ what: String, _ limit: TimeInterval = wait,
        file: StaticString = #filePath, line: UInt = #line,
        _ matches: (Event) -> Bool
    ) throws -> Event {
        var found: Event?
        try eventually(what, limit, file: file, line: line) {
            found = all.first(where: matches)
            return found != nil
        }
        return found!
    }

    /// Waits for `.closed` and returns its reason.
    func closed(_ limit: TimeInterval = wait) throws -> CloseReason {
        let event = try waitFor("a closed event", limit) {
            if case .closed = $0 { return true } else { return false }
        }
        guard case .closed(let reason) = event else { fatalError() }
        return reason
    }
}

/// The name of the calling thread (pthread), "" when it has none.
func currentThreadName() -> String {
    #if os(Linux)
    let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return comm.trimmingCharacters(in: .newlines)
    #else
    var buffer = [CChar](repeating: 0, count: 64)
    pthread_getname_np(pthread_self(), &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #endif
}

/// Blocks the calling thread (also from an async test, which XCTest runs on its own
/// thread).
func pause(_ seconds: TimeInterval) {
    Thread.sleep(forTimeInterval: seconds)
}

/// Where the test products are (the restore child sits beside the test bundle).
func productsDirectory() -> URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    fatalError("no .xctest bundle")
    #else
    return Bundle.main.bundleURL
    #endif
}

/// Asserts that `call` throws, and checks the error.
func assertThrows<T>(
    _ call: @autoclosure () async throws -> T,
    file: StaticString = #filePath, line: UInt = #line,
    _ check: (Error) -> Void
) async {
    do {
        _ = try await call()
        XCTFail("no error thrown", file: file, line: line)
    } catch {
        check(error)
    }
}

/// Runs an async call from a plain thread (a `DispatchQueue.concurrentPerform`
/// worker), waiting for it there.
func blocking<T: Sendable>(_ call: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await call()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Where ``blocking(_:)`` leaves the result (written before the semaphore signals).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Writes a saved session as the restore child reads it: `FILE.secret` and
/// `FILE.state` (an app keeps the secret in the Keychain).
func writeSaved(_ saved: SavedSession, to file: URL) throws {
    try saved.state.write(to: file.appendingPathExtension("state"), options: .atomic)
    try saved.secret.write(to: file.appendingPathExtension("secret"), options: .atomic)
}
