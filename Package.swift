// swift-tools-version: 6.0
import PackageDescription

// The pipeline, bottom to top; each target sees only the ones below it (see ARCHITECTURE.md):
// Support -> Results -> Statistics; Config; Git -> Store -> Rules -> Journal -> Runner -> PerfJournalKit -> perfjournal.
// Across targets the code uses `package` access; `public` is the library's API.
let package = Package(
    name: "perfjournal",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "perfjournal", targets: ["perfjournal"]),
        .library(name: "PerfJournalKit", targets: ["PerfJournalKit"]),
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
        // zlib, which libgit2 requires: big note blobs compressed on every core (Sources/Git/LooseObject.swift).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // mbedTLS's SHA-1, which Debian's libgit2 links: big note blobs hashed faster than by libgit2's
        // collision-detecting SHA-1. Elsewhere libgit2 hashes them.
        .systemLibrary(name: "CMbedCrypto", providers: [.apt(["libmbedtls-dev"])]),
        // The safe layer: owns every libgit2 pointer, throws GitError, speaks Swift types.
        .target(
            name: "Git",
            dependencies: ["CGit2", "CZlib", .target(name: "CMbedCrypto", condition: .when(platforms: [.linux])), "Support"]
        ),
        // What every layer shares: output streams, PerfJournalError, display, files, locks, child processes, hashing,
        // and the embedded Hooks/, Templates/ and Helpers/ (`Resources`), which the rules, the journal and init read.
        .target(name: "Support", plugins: ["EmbedResourcesPlugin"]),
        // The results model and the readers of pytest-benchmark, hyperfine and Google Benchmark files.
        .target(name: "Results", dependencies: ["Support"]),
        // The verdict: estimators, tests and Holm correction over two sides' results, and its table.
        .target(name: "Statistics", dependencies: ["Results", "Support"]),
        // `.perfjournal.toml`: the TOML parser, the schema and the typed config.
        .target(name: "Config", dependencies: ["Results", "Support"]),
        // Runs and notes in git (refs/notes/perfjournal), history walks, machines, and the Workspace.
        .target(name: "Store", dependencies: ["Git", "Config", "Statistics", "Results", "Support"]),
        // The commit rules (one change, API surface, baseline, tests, improvement) and the check engine.
        .target(name: "Rules", dependencies: ["Git", "Store", "Config", "Statistics", "Results", "Support"]),
        // The progress log, the checklist, the PR summary and their templates.
        .target(
            name: "Journal",
            dependencies: [
                "Git", "Rules", "Store", "Config", "Statistics", "Results", "Support",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Measuring a commit, the job queue and its runner, trust, re-runs, and the daemon.
        .target(name: "Runner", dependencies: ["Git", "Journal", "Rules", "Store", "Config", "Statistics", "Results", "Support"]),
        // One entry point per command (XCommand.swift for `perfjournal X`), which the CLI calls.
        .target(
            name: "PerfJournalKit",
            dependencies: ["Git", "Runner", "Journal", "Rules", "Store", "Config", "Statistics", "Results", "Support"]
        ),
        // The command line: argument parsing only; `perfjournal X` is XCommand.swift, calling PerfJournalKit.XCommand.
        .executableTarget(
            name: "perfjournal",
            dependencies: [
                "PerfJournalKit", "Journal", "Results", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Build-time tool: turns Hooks/, Templates/ and Helpers/ into Swift literals so the binary is self-contained.
        .executableTarget(name: "EmbedResources"),
        .plugin(name: "EmbedResourcesPlugin", capability: .buildTool(), dependencies: ["EmbedResources"]),
        // Helpers every test target shares (a seeded random generator).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git"]),
        // Unit tests of the library targets.
        .testTarget(
            name: "PerfJournalCoreTests",
            dependencies: ["PerfJournalKit", "Runner", "Journal", "Rules", "Store", "Config", "Statistics", "Results", "Support", "TestSupport"]
        ),
        // Drives the built binary through real git; depending on it makes `swift test` build it.
        .testTarget(name: "EndToEndTests", dependencies: ["perfjournal", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
