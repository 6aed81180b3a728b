// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Stratum",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stratum", targets: ["stratum"]),
        .library(name: "StratumCore", targets: ["StratumCore"]),
        .library(name: "StratumStore", targets: ["StratumStore"]),
        .library(name: "StratumWeb", targets: ["StratumWeb"])
    ],
    dependencies: [
        // Subcommands, typed options and help text for the `stratum` executable.
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // One model and migration set for the embedded SQLite file and for PostgreSQL (docs/architecture.md: persistence).
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        // The clinic server (docs/architecture.md: web framework), its OpenAPI-generated API and the test client.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        // The generated server's request and answer heads (StratumWeb's own transport connects them to Vapor).
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Mail to the clinic's relay (docs/decisions/0012): SMTP lines over SwiftNIO, STARTTLS and TLS with NIOSSL,
        // both already in the graph under Vapor.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Reads the bundled openapi.yaml to build the /docs page (already in the graph: the generator uses it).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Server-rendered pages for the treatment room (docs/architecture.md: web pages), escaped by default.
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        // Leaf's template sources and configuration, to serve templates from the resource bundle.
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        // Prometheus text at /metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // HMAC-SHA256 for the audit chain and token hashing.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // Property-based tests of the clinical invariants (depth bounds, stop => do-not-treat, overrides never widen).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // Tests only: a maintained CSV reader checks what the core's CSV writer exports (docs/decisions/0010).
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2")
    ],
    targets: [
        // Pure clinical domain: policy as data, screening, guardrails, planner. Foundation only, no I/O.
        .target(name: "StratumCore"),
        // Records, migrations, organization-scoped stores and the audit chain. FluentKit only, no Vapor.
        .target(
            name: "StratumStore",
            dependencies: [
                "StratumCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        // The Vapor app: configuration, OpenAPI handlers, browser pages, authentication, permissions, errors.
        .target(
            name: "StratumWeb",
            dependencies: [
                "StratumCore",
                "StratumStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Yams", package: "Yams")
            ],
            // Templates, static files and the API contract travel with the binary as a resource bundle.
            resources: [.copy("Views"), .copy("Public"), .copy("openapi.yaml"), .copy("openapi-generator-config.yaml")],
            // openapi.yaml in the target is the source of truth; types and the server protocol are generated.
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The command implementations and their text rendering, kept in a library so tests run them in-process.
        .target(
            name: "StratumCLI",
            dependencies: [
                "StratumCore",
                "StratumStore",
                "StratumWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        .executableTarget(name: "stratum", dependencies: ["StratumCLI"]),
        // Speed targets are checked here, not in timed tests (bench/README.md).
        .executableTarget(name: "StratumBench", dependencies: ["StratumCore"], path: "bench/StratumBench"),
        .executableTarget(name: "RecallBench", dependencies: ["StratumStore"], path: "bench/RecallBench"),
        .executableTarget(name: "OutcomeReportBench", dependencies: ["StratumStore"], path: "bench/OutcomeReportBench"),
        .executableTarget(
            name: "ReminderBench", dependencies: ["StratumStore", .product(name: "SQLKit", package: "sql-kit")], path: "bench/ReminderBench"),
        // Test inputs shared by several test targets (photo fixtures).
        .target(name: "StratumTestFixtures", path: "Tests/StratumTestFixtures"),
        .testTarget(
            name: "StratumCoreTests",
            dependencies: [
                "StratumCore",
                "StratumTestFixtures",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "CSV", package: "CSV.swift")
            ]
        ),
        .testTarget(
            name: "StratumStoreTests",
            dependencies: [
                "StratumStore",
                "StratumTestFixtures",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PropertyBased", package: "swift-property-based")
            ]
        ),
        .testTarget(
            name: "StratumWebTests",
            dependencies: [
                "StratumTestFixtures",
                "StratumWeb",
                "StratumStore",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams")
            ]
        ),
        .testTarget(
            name: "StratumCLITests",
            dependencies: ["StratumCLI", "StratumCore", "StratumStore"]
        )
    ],
    swiftLanguageModes: [.v6]
)
