// swift-tools-version:6.0
import PackageDescription

/// Upcoming language features enabled for every target (an idea borrowed from swift-log).
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tracereport",
    products: [
        .executable(name: "tracereport", targets: ["tracereport"]),
        // For Benchmarks/, which is a package of its own.
        .library(name: "TraceImport", targets: ["TraceImport"]),
        .library(name: "SpanRecords", targets: ["SpanRecords"]),
        .library(name: "TraceModel", targets: ["TraceModel"]),
        .library(name: "TraceAssembly", targets: ["TraceAssembly"]),
        .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
        .library(name: "TraceCharts", targets: ["TraceCharts"]),
        .library(name: "XMLValidation", targets: ["XMLValidation"]),
        .library(name: "ReportSite", targets: ["ReportSite"]),
        .library(name: "ReportRun", targets: ["ReportRun"]),
        .library(name: "TestSupport", targets: ["TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // Ids, spans, attributes, traces: plain values, no I/O.
        .target(name: "TraceModel"),
        // The system calls of writing and publishing (files, folders, renames, locks, the mount
        // table, memory), with typed errors: the one place they are made.
        .target(name: "SystemCalls"),
        .target(name: "ByteLayout"),
        // tracereport's own binary format for spans: what partitions and spills are made of.
        .target(name: "SpanRecords", dependencies: ["TraceModel", "ByteLayout"]),
        // The partition, build and merge stages: a report made in parts, on one machine or many.
        .target(
            name: "ReportStages",
            dependencies: ["TraceModel", "SpanRecords", "TraceImport", "TraceAssembly", "TraceAnalysis", "ReportSite", "SystemCalls"]),
        // A whole run of `tracereport report`, in memory or spilled: what the command calls.
        .target(
            name: "ReportRun",
            dependencies: ["TraceModel", "TraceImport", "TraceAssembly", "TraceAnalysis", "ReportSite", "ReportStages"]),
        // Bytes to spans: format detection, decompression, decoders, input discovery.
        .target(name: "TraceImport", dependencies: ["TraceModel", "SpanRecords", "ByteLayout", "SystemCalls", "CZlib", "CZstd"]),
        // zlib and zstd, seen only by TraceImport's Decompression.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd"),
        // Spans to traces: grouping, trees, duplicates, orphans, self time.
        .target(name: "TraceAssembly", dependencies: ["TraceModel"]),
        // Across traces: service calls, dependency graphs, latency sketches, slowest hops.
        .target(name: "TraceAnalysis", dependencies: ["TraceModel", "TraceAssembly"]),
        // Traces to SVG: the waterfall, the service graph and their helpers.
        .target(name: "TraceCharts", dependencies: ["TraceModel", "TraceAssembly", "TraceAnalysis"]),
        // libxml2, seen only by XMLValidation.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // RELAX NG validation of every SVG the project emits.
        .target(
            name: "XMLValidation",
            dependencies: ["CLibXML2"],
            plugins: ["EmbedFiles"]
        ),
        // Traces and charts to HTML pages, written as a site and published atomically.
        .target(
            name: "ReportSite",
            dependencies: [
                "TraceModel", "TraceAssembly", "TraceAnalysis", "TraceCharts", "XMLValidation", "SystemCalls",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            plugins: ["EmbedFiles"]
        ),
        // The command line: parses arguments, calls the libraries.
        .executableTarget(
            name: "tracereport",
            dependencies: [
                "TraceImport", "TraceAssembly", "TraceAnalysis", "ReportSite", "ReportStages", "ReportRun", "TraceModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Build-time embedding of Templates/ and Schemas/ as string literals.
        .executableTarget(name: "EmbedFilesTool"),
        .plugin(
            name: "EmbedFiles",
            capability: .buildTool(),
            dependencies: ["EmbedFilesTool"]
        ),
        // Helpers shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "TraceModel", "TraceImport", "TraceAssembly", "TraceAnalysis", "SpanRecords", "ReportSite", "ByteLayout", "CZlib", "CZstd",
            ]),

        .testTarget(name: "TraceModelTests", dependencies: ["TraceModel"]),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
        .testTarget(name: "ByteLayoutTests", dependencies: ["ByteLayout"]),
        .testTarget(
            name: "CommandLineTests",
            dependencies: [
                "tracereport", "ReportRun", "ReportSite", "ReportStages", "TraceAnalysis", "TraceImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "SpanRecordsTests", dependencies: ["SpanRecords", "TestSupport"]),
        .testTarget(
            name: "ReportStagesTests",
            dependencies: [
                "ReportStages", "ReportRun", "ReportSite", "SpanRecords", "TraceImport", "TraceAssembly", "TraceAnalysis", "TestSupport",
            ]),
        .testTarget(name: "TraceImportTests", dependencies: ["TraceImport", "SpanRecords", "TraceAssembly", "TestSupport"]),
        .testTarget(name: "TraceAssemblyTests", dependencies: ["TraceAssembly", "TestSupport"]),
        .testTarget(
            name: "TraceChartsTests", dependencies: ["TraceCharts", "TraceAnalysis", "XMLValidation", "TestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(name: "XMLValidationTests", dependencies: ["XMLValidation"]),
        .testTarget(name: "TraceAnalysisTests", dependencies: ["TraceAnalysis", "TraceAssembly", "TestSupport"]),
        .testTarget(
            name: "ReportSiteTests",
            dependencies: [
                "ReportSite", "TraceImport", "TraceAssembly", "TraceAnalysis", "TraceCharts", "XMLValidation", "TestSupport",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}
