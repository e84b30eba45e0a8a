// swift-tools-version:6.0
import Foundation
import PackageDescription

/// SwiftPM names a package given by path after its folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// libFuzzer harnesses for the decoders, kept out of the main package: they are built with
/// `-sanitize=fuzzer,address` (see README, "Fuzzing").
let package = Package(
    name: "tracereport-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzDecoders",
            dependencies: [
                .product(name: "TraceImport", package: root),
                .product(name: "TraceModel", package: root),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ],
    swiftLanguageModes: [.v6]
)
