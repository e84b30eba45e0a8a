// libFuzzer entry point: feeds each input to one decoder, chosen by TRACEREPORT_FUZZ_TARGET:
// otlp-json, otlp-proto, jaeger, zipkin, zipkin-proto, xray, otel-go-stdout, otel-python-console,
// otel-dotnet-console, collector-debug, or detect (format
// recognition and decompression, as for any input file). A decoder may reject an input with an error; it must never crash, hang,
// or read out of bounds (address sanitizer).
import Foundation
import LibFuzzerDriver
import TraceImport
import TraceModel

private let target = ProcessInfo.processInfo.environment["TRACEREPORT_FUZZ_TARGET"] ?? "detect"

@_cdecl("FuzzDecoders_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzz(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var spans: [Span] = []
    do {
        switch target {
        case "otlp-json": try OTLPJSONDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "otlp-proto": try OTLPProtobufDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "jaeger": try JaegerJSONDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "zipkin": try ZipkinJSONDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "zipkin-proto": try ZipkinProtobufDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "xray": try XRayDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "collector-debug": try CollectorDebugDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "otel-dotnet-console": try DotNetConsoleDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "otel-go-stdout": try GoStdoutTraceDecoder().decode(bytes, file: "fuzz", into: &spans)
        case "otel-python-console": try PythonConsoleDecoder().decode(bytes, file: "fuzz", into: &spans)
        default: try SpanFileReader().decode(bytes, name: "fuzz", into: &spans)
        }
    } catch {
        // A rejected input must say where: an error without a position is a bug.
        if error.line == nil && error.offset == nil { fatalError("error without a position: \(error)") }
    }
    return 0
}
