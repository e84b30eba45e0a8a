// swift-tools-version:6.0
import Foundation
import PackageDescription

/// SwiftPM names a package given by path after its folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Benchmarks, kept out of the main package so that `swift test` never builds them.
let package = Package(
    name: "tracereport-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        // Writes synthetic exports of any size in every input format.
        .executableTarget(
            name: "GenerateSpans",
            dependencies: [
                .product(name: "TestSupport", package: root),
                .product(name: "TraceModel", package: root),
            ]
        ),
        // Times decode, assembly and aggregation of span files, without HTML.
        .executableTarget(
            name: "Ingest",
            dependencies: [
                .product(name: "TraceImport", package: root),
                .product(name: "TraceAssembly", package: root),
                .product(name: "TraceAnalysis", package: root),
                .product(name: "TraceModel", package: root),
            ]
        ),
        // Times chart validation alone on a folder of SVG files.
        .executableTarget(
            name: "ValidateFiles",
            dependencies: [.product(name: "XMLValidation", package: root)]
        ),
        // Times drawing, validating and rendering trace pages, and a whole site.
        .executableTarget(
            name: "PageRendering",
            dependencies: [
                .product(name: "ReportSite", package: root),
                .product(name: "TestSupport", package: root),
                .product(name: "TraceAnalysis", package: root),
                .product(name: "TraceAssembly", package: root),
                .product(name: "TraceCharts", package: root),
                .product(name: "XMLValidation", package: root),
            ]
        ),
        // Times trace assembly on chains, fan-outs and random trees of growing size.
        .executableTarget(
            name: "AssemblyScaling",
            dependencies: [
                .product(name: "TestSupport", package: root),
                .product(name: "TraceAssembly", package: root),
                .product(name: "TraceModel", package: root),
            ]
        ),
        // Times tracereport's own OTLP protobuf reader against swift-protobuf's generated messages.
        .executableTarget(
            name: "ProtobufComparison",
            dependencies: [
                .product(name: "TraceImport", package: root),
                .product(name: "TraceModel", package: root),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
