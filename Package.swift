// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "perfjournal",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "perfjournal", targets: ["perfjournal"]),
        .library(name: "PerfJournalCore", targets: ["PerfJournalCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libgit2 as found by pkg-config; Debian's libgit2-dev, Homebrew's libgit2.
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        // The safe layer: owns every libgit2 pointer, throws GitError, speaks Swift types.
        .target(name: "Git", dependencies: ["CGit2"]),
        // Formats -> results model -> statistics -> rules -> journal. Writes to streams, never prints.
        .target(
            name: "PerfJournalCore",
            dependencies: ["Git", .product(name: "Mustache", package: "swift-mustache")],
            plugins: ["EmbedResourcesPlugin"]
        ),
        .executableTarget(name: "perfjournal", dependencies: [
            "PerfJournalCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Build-time tool: turns Hooks/ and Templates/ into Swift literals so the binary is self-contained.
        .executableTarget(name: "EmbedResources"),
        .plugin(name: "EmbedResourcesPlugin", capability: .buildTool(), dependencies: ["EmbedResources"]),
        // Helpers every test target shares (a seeded random generator).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git"]),
        .testTarget(name: "PerfJournalCoreTests", dependencies: ["PerfJournalCore", "TestSupport"]),
        // Drives the built binary through real git; depending on it makes `swift test` build it.
        .testTarget(name: "EndToEndTests", dependencies: ["perfjournal", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
