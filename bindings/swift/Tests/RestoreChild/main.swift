// The second process of the snapshot test (MoshKitTests): restores the snapshot in
// the file it is given, types a line, and waits for its answer on the screen.
//
//   MoshKitRestoreChild SNAPSHOT_FILE LINE EXPECTED
// Prints "child saw EXPECTED" and exits 0, or prints the screen and exits 1.

import Foundation
import MoshKit

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    print("usage: MoshKitRestoreChild SNAPSHOT_FILE LINE EXPECTED")
    exit(2)
}
let snapshot = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
let session = try MoshSession.restore(snapshot: snapshot)
// A key at a time, as a person types: a datagram per key.
for character in arguments[2] + "\r" {
    try session.send(String(character))
    Thread.sleep(forTimeInterval: 0.03)
}
let deadline = Date().addingTimeInterval(15)
while !session.screen.text.contains(arguments[3]) {
    if Date() > deadline {
        print("child did not see \(arguments[3]):\n\(session.screen.text)")
        exit(1)
    }
    Thread.sleep(forTimeInterval: 0.01)
}
print("child saw \(arguments[3])")
// A polite close, finished before this process exits.
try session.close()
let closing = Date()
while true {
    if case .closed(let reason) = session.status.state {
        print("child closed: \(reason)")
        exit(reason == .closed ? 0 : 1)
    }
    if Date().timeIntervalSince(closing) > 15 {
        print("child: the session did not close")
        exit(1)
    }
    Thread.sleep(forTimeInterval: 0.01)
}
