// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Stratum",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stratum", targets: ["stratum"]),
        .library(name: "StratumCore", targets: ["StratumCore"]),
    ],
    dependencies: [
        // Subcommands, typed options and help text for the `stratum` executable.
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Property-based tests of the clinical invariants (depth bounds, stop => do-not-treat, overrides never widen).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Pure clinical domain: policy as data, screening, guardrails, planner. Foundation only, no I/O.
        .target(name: "StratumCore"),
        // The command implementations and their text rendering, kept in a library so tests run them in-process.
        .target(
            name: "StratumCLI",
            dependencies: [
                "StratumCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "stratum", dependencies: ["StratumCLI"]),
        // Speed targets are checked here, not in timed tests (bench/README.md).
        .executableTarget(name: "StratumBench", dependencies: ["StratumCore"], path: "bench/StratumBench"),
        .testTarget(
            name: "StratumCoreTests",
            dependencies: [
                "StratumCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "StratumCLITests",
            dependencies: ["StratumCLI", "StratumCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
