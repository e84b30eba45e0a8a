// swift-tools-version:6.0
import Foundation
import PackageDescription

/// SwiftPM names a package given by path after its folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// libFuzzer harnesses, kept out of the main package. Everything is compiled with the address
/// sanitizer and coverage instrumentation (`-Xswiftc -sanitize=address -Xswiftc
/// -sanitize-coverage=...`, see README, "Fuzzing"); only the harnesses link libFuzzer, so that the
/// build's own tools (the EmbedFiles plugin's) still link and run.
let harness: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

let package = Package(
    name: "tracereport-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's driver, shared by the harnesses.
        .target(name: "LibFuzzerDriver"),
        // The decoders, one chosen by TRACEREPORT_FUZZ_TARGET.
        .executableTarget(
            name: "FuzzDecoders",
            dependencies: [
                "LibFuzzerDriver",
                .product(name: "TraceImport", package: root),
                .product(name: "TraceModel", package: root),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: harness
        ),
        // Bytes to every page of a site.
        .executableTarget(
            name: "FuzzPipeline",
            dependencies: [
                "LibFuzzerDriver",
                .product(name: "TraceImport", package: root),
                .product(name: "TraceAssembly", package: root),
                .product(name: "TraceModel", package: root),
                .product(name: "TestSupport", package: root),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: harness
        ),
    ],
    swiftLanguageModes: [.v6]
)
