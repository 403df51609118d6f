// swift-tools-version: 6.1
import PackageDescription

// The release daemon links the Swift runtime and Foundation statically: its resident set with
// 10,000 services was 4 MiB smaller (fewer file-backed pages touched than in the shared
// libraries, no dynamic symbol binding), and calls into the runtime skip the PLT. The group
// names the Foundation archives the toolchain's static-stdlib-args.lnk leaves out; the linker
// finds them through the -L that -static-stdlib adds.
let staticSwiftRuntime =
    ["-static-stdlib", "-Xlinker", "--start-group"]
    + [
        "Foundation", "CoreFoundation", "FoundationInternationalization", "FoundationEssentials", "_FoundationICU",
        "_FoundationCShims", "_FoundationCollections", "swiftSynchronization",
    ].flatMap { ["-Xlinker", "-l\($0)"] } + ["-Xlinker", "--end-group"]

let package = Package(
    name: "SwiftLB",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftlb", targets: ["swiftlb"]),
        .executable(name: "swiftlbctl", targets: ["swiftlbctl"]),
        .executable(name: "swiftlb-kube", targets: ["swiftlb-kube"]),
        .library(name: "SwiftLBCore", targets: ["SwiftLBCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // gobgpd's gRPC API (BGP): the generated code in Sources/GoBGPAPI needs these exact versions.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [
        // The shared C header: every map's key and value layout.
        .target(name: "SwiftLBABI", path: "Sources/SwiftLBABI"),
        // libbpf from Debian's libbpf-dev.
        .systemLibrary(name: "CLibBPF", path: "Sources/CLibBPF"),
        // The compiled BPF object, embedded by the build-tool plugin.
        .target(name: "BPFObjects", plugins: [.plugin(name: "BPFCompilerPlugin")]),
        // Benchmark-only BPF objects (bpf/bench), kept out of the daemon's.
        .target(name: "BPFBenchObjects", dependencies: ["BPFObjects"], plugins: [.plugin(name: "BPFCompilerPlugin")]),
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
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // swiftlbctl's grammar, HTTP client and tables.
        .target(
            name: "SwiftLBCLI",
            dependencies: [
                "SwiftLBCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
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
        // gobgp's API (messages and gRPC client), generated by scripts/generate-gobgp-api.sh and committed.
        .target(
            name: "GoBGPAPI",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]),
        // BGP through gobgpd: config file, supervisor, VIP advertisement, learned routes.
        .target(
            name: "SwiftLBBGP",
            dependencies: [
                "SwiftLBCore", "GoBGPAPI",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // High availability: BFD sessions between instances (RFC 5880/5881).
        // Conntrack sync reads and writes the datapath's tables (SwiftLBDatapath, its ABI).
        .target(
            name: "SwiftLBHA",
            dependencies: [
                "SwiftLBCore", "SwiftLBDatapath", "SwiftLBABI", "BPFLoader",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // HMAC-SHA256 of the sync link's authentication.
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The L7 proxy of fullproxy rules (SwiftNIO): TCP relay, HTTP/1.1, HTTP/2, TLS, PROXY protocol v2.
        .target(
            name: "SwiftLBProxy",
            dependencies: [
                "SwiftLBCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "swiftlb",
            dependencies: [
                "CLibBPF", "SwiftLBCore", "SwiftLBDatapath", "SwiftLBStore", "SwiftLBAPI", "SwiftLBHealth",
                "SwiftLBBGP", "SwiftLBHA", "SwiftLBProxy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            linkerSettings: [.unsafeFlags(staticSwiftRuntime, .when(platforms: [.linux], configuration: .release))]),
        .executableTarget(name: "swiftlbctl", dependencies: ["SwiftLBCLI"]),
        // The Kubernetes controller: Services of type LoadBalancer become SwiftLB rules (kube-loxilb's job).
        .target(
            name: "SwiftLBKube",
            dependencies: [
                "SwiftLBCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "swiftlb-kube",
            dependencies: [
                "SwiftLBKube", "SwiftLBCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Packet builder and checksum checker for datapath fixtures and benchmarks.
        .target(name: "PacketTestSupport"),
        // Datapath cost per packet through BPF_PROG_TEST_RUN (bench/datapath.sh runs it).
        .executableTarget(
            name: "swiftlb-bench",
            dependencies: [
                "SwiftLBDatapath", "SwiftLBCore", "BPFLoader", "PacketTestSupport", "SwiftLBABI", "BPFObjects",
                "BPFBenchObjects",
            ],
            path: "bench/DatapathBench"),
        // Also the conntrack table protocol of swiftlb_ct_user.h, on slots in ordinary memory.
        .testTarget(name: "SwiftLBCoreTests", dependencies: ["SwiftLBCore", "SwiftLBABI"]),
        .testTarget(
            name: "SwiftLBStoreTests",
            dependencies: ["SwiftLBStore", "SwiftLBCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "SwiftLBAPITests",
            dependencies: [
                "SwiftLBAPI", "SwiftLBCore", "SwiftLBHA",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SwiftLBCLITests", dependencies: ["SwiftLBCLI", "SwiftLBCore"]),
        .testTarget(
            name: "SwiftLBProxyTests",
            dependencies: [
                "SwiftLBProxy", "SwiftLBCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBKubeTests",
            dependencies: [
                "SwiftLBKube", "SwiftLBCore", "SwiftLBAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBHATests",
            dependencies: [
                "SwiftLBHA", "SwiftLBCore", "SwiftLBDatapath", "SwiftLBABI",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBHealthTests",
            dependencies: [
                "SwiftLBHealth", "SwiftLBCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBBGPTests",
            dependencies: [
                "SwiftLBBGP", "SwiftLBCore", "GoBGPAPI", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwiftLBDatapathTests",
            dependencies: [
                "SwiftLBDatapath", "SwiftLBCore", "BPFLoader", "SwiftLBABI", "PacketTestSupport", "SwiftLBHA",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
