import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Requests, errors and latency over time: buckets that merge exactly, a change point found where
/// an incident was planted, and hostile times that cost nothing but resolution.
struct TimelineTests {
    static let incident = PlantedTraffic.Incident(startSeconds: 4_210, endSeconds: 6_030)
    static let traces = TraceAssembler().assemble(PlantedTraffic.incident(incident).spans)

    @Test func everyRungIsAWholeMultipleOfTheOneBelowAndAtMostSixTimesIt() {
        for grid in [BucketGrid(), BucketGrid(requestedNano: 90_000_000_000), BucketGrid(requestedNano: 1)] {
            for rung in 0..<grid.topRung {
                let (low, high) = (grid.size(ofRung: rung), grid.size(ofRung: rung + 1))
                #expect(high % low == 0 && high / low >= 2 && high / low <= 6, "rung \(rung): \(low) → \(high)")
            }
        }
        #expect(BucketGrid(requestedNano: 1).size(ofRung: 0) == 1_000_000)
    }

    static let spans: [UInt64] = [1, 60, 3_600, 10_800, 86_400, 2_592_000]

    @Test(arguments: spans)
    func chartsHaveFiftyToThreeHundredBuckets(seconds: UInt64) {
        let grid = BucketGrid()
        let first: UInt64 = 1_800_000_000_123_456_789
        let rung = grid.rung(covering: first, first + seconds * 1_000_000_000, inAtMost: 300)
        let size = grid.size(ofRung: rung)
        let count = (first + seconds * 1_000_000_000) / size - first / size + 1
        #expect((50...300).contains(count), "\(seconds) s in \(count) buckets of \(size) ns")
    }

    /// The change point of order-service's errors and latency, and of the edge and the entry
    /// point, in a timeline of `traces`.
    static func changes(_ timeline: Timeline, traces: [Trace]) -> [Timeline.Subject: [ChangePoint]] {
        let window = timeline.window(traceStarts: traces.map(\.startTimeUnixNano).sorted())
        return Dictionary(
            uniqueKeysWithValues: timeline.series.keys.map { subject in
                (subject, ChangePoint.find(in: timeline.series(of: subject, in: window)))
            })
    }

    @Test func theChangePointIsFoundWithinOneBucketOfThePlantedIncident() throws {
        let timeline = Timeline(traces: Self.traces)
        let window = timeline.window(traceStarts: Self.traces.map(\.startTimeUnixNano).sorted())
        #expect(window.bucketNano == 60_000_000_000)
        #expect(window.count == 180)
        let epochMinute = PlantedTraffic.epochMicros / 60_000_000
        #expect(window.first == epochMinute)
        let (start, end) = (Int(Self.incident.startSeconds / 60), Int(Self.incident.endSeconds / 60))
        for subject in [Timeline.Subject.service("order-service"), .edge(caller: "frontend", callee: "order-service"), .all] {
            let series = timeline.series(of: subject, in: window)
            for metric in [ChangePoint.Metric.errors, .latency] {
                let change = try #require(ChangePoint.find(metric, in: series), "\(subject) \(metric)")
                #expect(change.isNotable, "\(subject) \(metric): score \(change.score)")
                #expect(
                    abs(change.start - start) <= 1 && abs(change.end - end) <= 1, "\(subject) \(metric): \(change.start)..<\(change.end)")
                #expect(change.inside > change.outside)
            }
            // The traffic itself did not change.
            #expect(ChangePoint.find(.requests, in: series).map(\.isNotable) != true, "\(subject)")
        }
        let errors = try #require(ChangePoint.find(.errors, in: timeline.series(of: .service("order-service"), in: window)))
        #expect(abs(errors.inside - 0.2) < 0.05 && errors.outside < 0.01, "\(errors.outside) → \(errors.inside)")
        let text = errors.sentence(in: timeline.series(of: .service("order-service"), in: window)) {
            String($0 / 60_000_000_000 - epochMinute)
        }
        #expect(text.hasPrefix("errors ") && text.hasSuffix("from \(errors.start) until \(errors.end)"), "\(text)")
    }

    @Test func steadyTrafficHasNoNotableChange() {
        let traces = TraceAssembler().assemble(PlantedTraffic.incident(PlantedTraffic.Incident(startSeconds: 0, endSeconds: 0)).spans)
        let found = Self.changes(Timeline(traces: traces), traces: traces)
        #expect(found.values.joined().filter(\.isNotable).isEmpty, "\(found.values.joined().filter(\.isNotable))")
    }

    /// Parts counted apart (by trace id, and by time, so that they reach different rungs) and
    /// merged, through the file `build` writes, give the series and change points of one count.
    @Test(arguments: ["by id", "by time"])
    func partsMergeIntoExactlyTheTimelineOfTheWhole(split: String) throws {
        let whole = Timeline(traces: Self.traces)
        let parts: [[Trace]] =
            split == "by id"
            ? (0..<3).map { part in Self.traces.filter { $0.traceID.low % 3 == UInt64(part) } }
            : [Array(Self.traces.prefix(40)), Array(Self.traces.dropFirst(40).prefix(1_000)), Array(Self.traces.dropFirst(1_040))]
        var merged = Timeline()
        for part in parts {
            let counted = Timeline(traces: part)
            let decoded = try JSONDecoder().decode(Timeline.self, from: JSONEncoder().encode(counted))
            merged.merge(decoded)
        }
        if split == "by time" { #expect(Timeline(traces: parts[0]).rung < whole.rung) }
        #expect(merged.rung == whole.rung)
        let window = whole.window(traceStarts: Self.traces.map(\.startTimeUnixNano).sorted())
        #expect(merged.window(traceStarts: Self.traces.map(\.startTimeUnixNano).sorted()) == window)
        #expect(Set(merged.series.keys) == Set(whole.series.keys))
        for subject in whole.series.keys {
            #expect(merged.series(of: subject, in: window) == whole.series(of: subject, in: window), "\(subject)")
        }
    }

    /// Times anywhere in 64 bits: nothing traps, at most `tallyLimit` buckets are used, and the
    /// bulk of the traffic still gets a window of its own.
    @Test func hostileTimesCostResolutionNotMemory() {
        var timeline = Timeline()
        var state: UInt64 = 0x1234_5678
        for index in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let start: UInt64 = index.isMultiple(of: 2) ? state : [0, .max, .max - 1][index % 3]
            timeline.add(.all, at: start, durationNano: index % 5 == 0 ? .max : state >> 3, error: index % 7 == 0)
        }
        #expect(timeline.occupied.count <= timeline.tallyLimit)
        #expect(timeline.series[.all]?.count ?? 0 <= timeline.tallyLimit)
        let total = timeline.series[.all]!.values.reduce(0) { $0 + $1.requests }
        #expect(total == 20_000)
        let window = timeline.window(traceStarts: [0, 1, .max])
        let series = timeline.series(of: .all, in: window)
        #expect(series.requests == 20_000)
        _ = ChangePoint.find(in: series)
    }

    @Test func aDamagedPartIsRefused() throws {
        let counted = Timeline(traces: Array(Self.traces.prefix(50)))
        let text = String(decoding: try JSONEncoder().encode(counted), as: UTF8.self)
        for (from, to) in [
            ("\"rung\":", "\"rung\":9"), ("\"errors\":", "\"errors\":9999"), ("\"kind\":\"all\"", "\"kind\":\"everything\""),
        ] {
            let damaged = text.replacingOccurrences(of: from, with: to)
            #expect(throws: DecodingError.self, "\(from)") { try JSONDecoder().decode(Timeline.self, from: Data(damaged.utf8)) }
        }
    }
}
