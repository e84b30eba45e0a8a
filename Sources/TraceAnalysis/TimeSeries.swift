public import TraceModel

/// One series of a `Timeline` as a chart shows it: consecutive buckets over the window where the
/// bulk of the requests lie, and how many requests fell before and after it.
public struct TimeSeries: Sendable, Equatable {
    /// One bucket.
    public struct Point: Sendable, Equatable {
        public var startUnixNano: UInt64
        public var requests: UInt64
        public var errors: UInt64
        /// Latency percentiles (0 when the bucket is empty).
        public var p50Nano: UInt64
        public var p95Nano: UInt64
        public var p99Nano: UInt64

        public init(startUnixNano: UInt64, requests: UInt64, errors: UInt64, p50Nano: UInt64, p95Nano: UInt64, p99Nano: UInt64) {
            (self.startUnixNano, self.requests, self.errors) = (startUnixNano, requests, errors)
            (self.p50Nano, self.p95Nano, self.p99Nano) = (p50Nano, p95Nano, p99Nano)
        }

        /// Errors per request, 0 when the bucket is empty.
        public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
    }

    public let subject: Timeline.Subject
    public let bucketNano: UInt64
    public let points: [Point]
    /// Requests that started before the window and after it, not in `points`.
    public let earlier: UInt64
    public let later: UInt64

    public init(subject: Timeline.Subject, bucketNano: UInt64, points: [Point], earlier: UInt64, later: UInt64) {
        (self.subject, self.bucketNano, self.points, self.earlier, self.later) = (subject, bucketNano, points, earlier, later)
    }

    /// All requests, in the window and out.
    public var requests: UInt64 { points.reduce(earlier.saturatingAdding(later)) { $0.saturatingAdding($1.requests) } }
}

extension Timeline {
    /// The buckets charts show: where the bulk of the traces started, cut into at most `limit`
    /// buckets of a rung at or above the timeline's.
    public struct Window: Sendable, Equatable {
        public let rung: Int
        public let bucketNano: UInt64
        /// The numbers (start / `bucketNano`) of the first and last bucket shown.
        public let first: UInt64
        public let last: UInt64

        public var count: Int { Int(last - first) + 1 }
    }

    /// The most buckets a chart shows: 300, or 2,000 when a bucket size was asked for.
    public var chartLimit: Int { grid.requestedNano == nil ? 300 : 2_000 }

    /// The window over the bulk of `traceStarts` (the traces' start times, in increasing order):
    /// far-off starts are left out as the index's scatter plot leaves them out (`OutlierFence`).
    public func window(traceStarts: [UInt64]) -> Window {
        let fence = OutlierFence.keptRange(traceStarts.map { Double($0) }, least: 60e9)
        let kept = traceStarts.lazy.filter { fence.contains(Double($0)) }
        let (low, high) = (kept.first ?? traceStarts.first ?? 0, kept.last ?? traceStarts.last ?? 0)
        let rung = grid.rung(covering: low, high, inAtMost: chartLimit, from: rung)
        let size = grid.size(ofRung: rung)
        return Window(rung: rung, bucketNano: size, first: low / size, last: high / size)
    }

    /// The series of `subject` in `window` (empty buckets where it has no requests).
    public func series(of subject: Subject, in window: Window) -> TimeSeries {
        let factor = window.bucketNano / bucketNano
        var merged = [Bucket](repeating: Bucket(), count: window.count)
        var (earlier, later): (UInt64, UInt64) = (0, 0)
        for (number, bucket) in series[subject] ?? [:] {
            let shown = number / factor
            if shown < window.first {
                earlier = earlier.saturatingAdding(bucket.requests)
            } else if shown > window.last {
                later = later.saturatingAdding(bucket.requests)
            } else {
                merged[Int(shown - window.first)].merge(bucket)
            }
        }
        let points = merged.enumerated().map { offset, bucket in
            let percentiles = bucket.latency.quantiles([0.5, 0.95, 0.99])
            return TimeSeries.Point(
                startUnixNano: (window.first + UInt64(offset)).saturatingMultiplied(by: window.bucketNano),
                requests: bucket.requests, errors: bucket.errors, p50Nano: percentiles[0], p95Nano: percentiles[1], p99Nano: percentiles[2])
        }
        return TimeSeries(subject: subject, bucketNano: window.bucketNano, points: points, earlier: earlier, later: later)
    }
}
