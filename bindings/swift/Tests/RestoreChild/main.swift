// The other processes of the snapshot tests (MoshKitTests):
//
//   MoshKitRestoreChild connect SERVER_OUTPUT_FILE SNAPSHOT_FILE
//     connects with the MOSH CONNECT line in the file, sets X=kept42 in the shell,
//     goes to the background and writes the snapshot, then waits to be killed (as
//     iOS ends a suspended app).
//   MoshKitRestoreChild restore SNAPSHOT_FILE LINE EXPECTED
//     restores the snapshot, types LINE, waits for EXPECTED on the screen, closes.
// Exits 0 on success, 1 with the screen printed otherwise.

import Foundation
import MoshKit

func fail(_ message: String) -> Never {
    print(message)
    exit(1)
}

/// Blocks this thread (main.swift's top level is async because of `await`).
func pause(_ seconds: TimeInterval) {
    Thread.sleep(forTimeInterval: seconds)
}

func waitFor(_ session: MoshSession, _ needle: String) {
    let deadline = Date().addingTimeInterval(15)
    while !session.screen.text.contains(needle) {
        if Date() > deadline { fail("child did not see \(needle):\n\(session.screen.text)") }
        Thread.sleep(forTimeInterval: 0.01)
    }
}

/// A key at a time, as a person types: a datagram per key.
func typeSlowly(_ session: MoshSession, _ line: String) throws {
    for character in line + "\r" {
        try session.send(String(character))
        Thread.sleep(forTimeInterval: 0.03)
    }
}

let arguments = CommandLine.arguments
switch (arguments.count, arguments.dropFirst().first) {
case (4, "connect"):
    let output = try String(contentsOfFile: arguments[2], encoding: .utf8)
    let session = try await MoshSession.connect(host: "127.0.0.1", serverOutput: output)
    waitFor(session, "$")
    try typeSlowly(session, "X=kept''42; echo s''et")
    waitFor(session, "set")
    let saved = try await session.enterBackground()
    // Each part written whole or not at all, the state first, as an app's store
    // would (the app keeps the secret in the Keychain).
    let file = URL(fileURLWithPath: arguments[3])
    try saved.state.write(to: file.appendingPathExtension("state"), options: .atomic)
    try saved.secret.write(to: file.appendingPathExtension("secret"), options: .atomic)
    // Unbuffered: this process is killed, never exits.
    FileHandle.standardOutput.write(Data("child saved the snapshot\n".utf8))
    pause(600)
    fail("child was not killed")

case (5, "restore"):
    let file = URL(fileURLWithPath: arguments[2])
    let saved = SavedSession(
        secret: try Data(contentsOf: file.appendingPathExtension("secret")),
        state: try Data(contentsOf: file.appendingPathExtension("state")))
    let session = try await MoshSession.restore(saved: saved)
    try typeSlowly(session, arguments[3])
    waitFor(session, arguments[4])
    print("child saw \(arguments[4])")
    // A polite close, finished before this process exits.
    session.shutdown()
    let closing = Date()
    while true {
        if case .closed(let reason) = session.status.state {
            print("child closed: \(reason)")
            exit(reason == .closed ? 0 : 1)
        }
        if Date().timeIntervalSince(closing) > 15 { fail("child: the session did not close") }
        pause(0.01)
    }

default:
    fail("usage: MoshKitRestoreChild connect SERVER_OUTPUT_FILE SNAPSHOT_FILE\n"
        + "       MoshKitRestoreChild restore SNAPSHOT_FILE LINE EXPECTED")
}
