// swift-tools-version: 6.1
// The libFuzzer target for the REST API's JSON bodies (scripts/fuzz-json.sh builds and runs it).
// A package of its own, so that the main package's build is unchanged: it needs
// `-sanitize=fuzzer` and `-parse-as-library` on the command line, which only this build passes.
import PackageDescription

let package = Package(
    name: "SwiftLBFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SwiftLB", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "SwiftLBJSONFuzz",
            dependencies: [
                .product(name: "SwiftLBCore", package: "SwiftLB"),
                .product(name: "Logging", package: "swift-log"),
            ])
    ],
    swiftLanguageModes: [.v6]
)
