import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

@testable import ReportSite

/// The values that crashed whole runs (issue 20), written in every format whose fields can hold
/// them and read back: every page of their site renders.
struct HostileValuesTests {
    static let start: UInt64 = 1_795_478_400_000_000_000

    static func resource(_ service: String, host: String) -> Resource {
        Resource(attributes: [.init(key: "service.name", value: .string(service)), .init(key: "host.name", value: .string(host))])
    }

    /// `spans` written in each format that can hold their times (Zipkin, Jaeger and Python's
    /// console output count in microseconds), decoded, and made into a whole site.
    static func sites(of spans: [Span], formats: [InputFormat] = InputFormat.allCases) throws -> [InputFormat: [String: String]] {
        var sites: [InputFormat: [String: String]] = [:]
        for format in formats {
            let bytes: [UInt8]
            switch format {
            case .otlpJSON: bytes = Array(SpanEncoders.otlpJSON(spans).utf8)
            case .otlpProtobuf: bytes = SpanEncoders.otlpProtobuf(spans)
            case .jaegerJSON: bytes = Array(SpanEncoders.jaegerJSON(spans).utf8)
            case .zipkinJSON: bytes = Array(SpanEncoders.zipkinJSON(spans).utf8)
            case .zipkinProtobuf: bytes = SpanEncoders.zipkinProtobuf(spans)
            case .goStdoutTrace: bytes = Array(SpanEncoders.goStdoutTrace(spans).utf8)
            case .pythonConsole: bytes = Array(SpanEncoders.pythonConsole(spans).utf8)
            case .collectorDebug: bytes = Array(SpanEncoders.collectorDebug(spans).utf8)
            case .dotnetConsole: bytes = Array(SpanEncoders.dotnetConsole(spans).utf8)
            // X-Ray has no events but exceptions: its hostile times are XRayDecoderTests'.
            case .spanRecords, .xray: continue
            }
            var decoded: [Span] = []
            _ = try bytes.withUnsafeBytes { try SpanFileReader(format: format).decode($0, name: "hostile", into: &decoded) }
            #expect(decoded.count == spans.count, "\(format)")
            sites[format] = try WholeSite.render(decoded)
        }
        return sites
    }

    @Test func anEventBeforeItsSpanReadsAsANegativeOffsetWithAWarning() throws {
        let span = Span(
            traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: "checkout", kind: .server, startTimeUnixNano: Self.start,
            endTimeUnixNano: Self.start + 10_000_000, events: [SpanEvent(timeUnixNano: Self.start - 3_000_000, name: "early")],
            resource: Self.resource("shop", host: "a"))
        for (format, site) in try Self.sites(of: [span]) {
            let page = try #require(site["traces/\(span.traceID.hex).html"], "\(format)")
            #expect(page.contains("\u{2212}3 ms  early"), "\(format)")
            #expect(page.contains("1 of its events lies outside the span&#39;s time (the earliest 3 ms before its start)"), "\(format)")
        }
    }

    @Test func anEndOfTwoToThe64MinusOne() throws {
        let span = Span(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(1), name: "forever", startTimeUnixNano: Self.start,
            endTimeUnixNano: .max, resource: Self.resource("shop", host: "a"))
        let site = try #require(try Self.sites(of: [span], formats: [.otlpJSON, .otlpProtobuf])[.otlpJSON])
        #expect(site["traces/\(span.traceID.hex).html"]!.contains(DurationFormat.string(nanoseconds: .max - Self.start)))
    }

    @Test func aTraceFromTheFirstMicrosecondToPastMid2028() throws {
        let spans = [
            Span(
                traceID: TraceID(high: 1, low: 3), spanID: SpanID(1), name: "long", startTimeUnixNano: 1_000,
                endTimeUnixNano: 1_870_000_000_000_000_000, resource: Self.resource("shop", host: "a")),
            Span(
                traceID: TraceID(high: 1, low: 4), spanID: SpanID(1), name: "short", startTimeUnixNano: Self.start,
                endTimeUnixNano: Self.start + 1_000, resource: Self.resource("shop", host: "a")),
        ]
        for (_, site) in try Self.sites(of: spans) { #expect(site["index.html"]!.contains("<svg")) }
    }

    @Test func aParentNearTwoToThe64WithItsChildAtZeroOnAnotherHost() throws {
        let trace = TraceID(high: 1, low: 5)
        let spans = [
            Span(
                traceID: trace, spanID: SpanID(1), name: "parent", kind: .client, startTimeUnixNano: .max - 10_000,
                endTimeUnixNano: .max - 1_000, resource: Self.resource("a", host: "one")),
            Span(
                traceID: trace, spanID: SpanID(2), parentSpanID: SpanID(1), name: "child", kind: .server, startTimeUnixNano: 1,
                endTimeUnixNano: 5_000, resource: Self.resource("b", host: "two")),
        ]
        for (_, site) in try Self.sites(of: spans, formats: [.otlpJSON, .otlpProtobuf]) {
            #expect(site["traces/\(trace.hex).html"]!.contains("beyond the adjustment limit"))
        }
        var unlimited = AssemblyOptions()
        unlimited.maximumClockSkewNano = .max
        let site = try WholeSite.render(spans, assembly: unlimited)
        #expect(site["traces/\(trace.hex).html"]!.contains("clock skew: shifted +"))
    }
}
