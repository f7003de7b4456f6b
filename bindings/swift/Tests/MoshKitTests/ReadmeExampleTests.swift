// README.md's connect example: the same code as ReadmeExample.swift, run against
// our server.

import Foundation
import XCTest

@testable import MoshKit

final class ReadmeExampleTests: XCTestCase {
    func testTheReadmeExampleIsThisCodeAndRuns() async throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let readme = try String(contentsOf: here.appendingPathComponent("../../README.md"), encoding: .utf8)
        let source = try String(contentsOf: here.appendingPathComponent("ReadmeExample.swift"), encoding: .utf8)
        let example = try XCTUnwrap(
            source.components(separatedBy: "// BEGIN README EXAMPLE\n").last?
                .components(separatedBy: "// END README EXAMPLE").first)
        XCTAssertTrue(readme.contains("```swift\n" + example + "```"),
                      "README.md's example differs from ReadmeExample.swift")

        let server = try ServerProcess(.ours)
        let text = try await runOnServer(host: "127.0.0.1", serverOutput: server.output)
        XCTAssertTrue(text.contains("hello from mosh"), text)
        XCTAssertTrue(server.waitForExit(), "the shell exited, so the server did")
    }
}
