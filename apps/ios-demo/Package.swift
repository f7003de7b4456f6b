// swift-tools-version:6.0
// The demo's platform-independent part: the session controller, screen → styled
// lines kept current row by row, the scrollback viewport and swipe steps, key bar
// and hardware-key encoding, the status line. No UIKit, no SwiftUI:
// it builds and is tested on Linux (scripts/test-swift.sh). The SwiftUI app in App/
// uses it; project.yml (XcodeGen) makes the Xcode project that builds the app with
// this package, MoshKit and the SSH library (README.md).
import PackageDescription

let package = Package(
    name: "MoshDemo",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "MoshDemoCore", targets: ["MoshDemoCore"]),
    ],
    dependencies: [
        .package(name: "MoshKit", path: "../../bindings/swift"),
    ],
    targets: [
        .target(name: "MoshDemoCore", dependencies: [.product(name: "MoshKit", package: "MoshKit")]),
        .testTarget(name: "MoshDemoCoreTests", dependencies: ["MoshDemoCore"]),
    ]
)
