// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SwiftLB",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftlb", targets: ["swiftlb"]),
        .executable(name: "swiftlbctl", targets: ["swiftlbctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // The shared C header: every map's key and value layout.
        .target(name: "SwiftLBABI", path: "Sources/SwiftLBABI"),
        // libbpf from Debian's libbpf-dev.
        .systemLibrary(name: "CLibBPF", path: "Sources/CLibBPF"),
        // The compiled BPF object, embedded by the build-tool plugin.
        .target(name: "BPFObjects", plugins: [.plugin(name: "BPFCompilerPlugin")]),
        .plugin(name: "BPFCompilerPlugin", capability: .buildTool()),
        // The only importer of libbpf.
        .target(name: "BPFLoader", dependencies: ["CLibBPF"]),
        // Pure Swift: models, validation, desired state, reconciler.
        .target(name: "SwiftLBCore", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The Datapath protocol over the real kernel datapath.
        .target(
            name: "SwiftLBDatapath",
            dependencies: [
                "SwiftLBCore", "BPFLoader", "SwiftLBABI", "BPFObjects",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Durable configuration (SQLite through GRDB).
        .target(
            name: "SwiftLBStore",
            dependencies: ["SwiftLBCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // loxilb-compatible REST API.
        .target(
            name: "SwiftLBAPI",
            dependencies: [
                "SwiftLBCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // swiftlbctl's grammar, HTTP client and tables.
        .target(
            name: "SwiftLBCLI",
            dependencies: ["SwiftLBCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Endpoint health probes (ping, tcp, udp, http, https) and the service that schedules them.
        .target(
            name: "SwiftLBHealth",
            dependencies: [
                "SwiftLBCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "swiftlb",
            dependencies: [
                "SwiftLBCore", "SwiftLBDatapath", "SwiftLBStore", "SwiftLBAPI", "SwiftLBHealth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .executableTarget(name: "swiftlbctl", dependencies: ["SwiftLBCLI"]),
        // Packet builder and checksum checker for datapath fixtures and benchmarks.
        .target(name: "PacketTestSupport"),
        // Datapath cost per packet through BPF_PROG_TEST_RUN (bench/datapath.sh runs it).
        .executableTarget(
            name: "swiftlb-bench",
            dependencies: [
                "SwiftLBDatapath", "SwiftLBCore", "BPFLoader", "PacketTestSupport", "SwiftLBABI", "BPFObjects",
            ],
            path: "bench/DatapathBench"),
        .testTarget(name: "SwiftLBCoreTests", dependencies: ["SwiftLBCore"]),
        .testTarget(name: "SwiftLBStoreTests", dependencies: ["SwiftLBStore", "SwiftLBCore"]),
        .testTarget(
            name: "SwiftLBAPITests",
            dependencies: [
                "SwiftLBAPI", "SwiftLBCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SwiftLBCLITests", dependencies: ["SwiftLBCLI", "SwiftLBCore"]),
        .testTarget(
            name: "SwiftLBHealthTests",
            dependencies: [
                "SwiftLBHealth", "SwiftLBCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBDatapathTests",
            dependencies: ["SwiftLBDatapath", "SwiftLBCore", "BPFLoader", "SwiftLBABI", "PacketTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
