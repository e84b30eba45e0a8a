import TraceModel

/// Corrects clock skew between hosts as Jaeger's query service does: walking the tree from the
/// roots, a child on another host that does not fit inside its parent is shifted, with its
/// same-host subtree and events, assuming the network took equally long each way; a child longer
/// than its parent is only moved so as not to start before it. Asynchronous children
/// (FOLLOWS_FROM, or a consumer under a producer) are left alone: they may outlive their parent.
enum ClockSkewAdjuster {
    /// Shifts spans in place. `order` lists every index with parents before children.
    /// - Returns: the shift of each span in nanoseconds (0 for none).
    static func adjust(
        _ spans: SpanBuffer, parent: [Int?], order: [Int], options: AssemblyOptions, warnings: inout [String]
    ) -> [Int64] {
        var shift = [Int64](repeating: 0, count: spans.count)
        var shiftedSpans = 0
        var tooLarge = 0
        var largest: Int64 = 0
        for index in order {
            guard let p = parent[index] else { continue }
            // Like Jaeger, nothing is shifted between spans whose hosts are not both known (see
            // `Resource.host`): without a host, a difference in time cannot be told from a
            // difference in clocks. Spans of one resource share a host.
            let (resource, parentResource) = (spans[index].resource, spans[p].resource)
            if resource === parentResource || resource.host == nil || parentResource.host == nil
                || resource.host == parentResource.host
            {
                shift[index] = shift[p]  // same (or unknown) host: same clock as the parent
            } else if !(spans[index].parentRelation == .followsFrom || spans[index].kind == .consumer || spans[p].kind == .producer) {
                // Asynchronous children may outlive their parent and are left alone.
                let delta = skew(
                    child: (spans[index].startTimeUnixNano, spans[index].durationNano),
                    parent: (spans[p].startTimeUnixNano, spans[p].durationNano))
                if delta != 0 && delta.magnitude > options.maximumClockSkewNano {
                    tooLarge += 1
                    spans[index].warnings.append(
                        "looks \(describe(delta)) off its parent's clock, beyond the adjustment limit; not shifted")
                } else {
                    shift[index] = delta
                }
            }
            guard shift[index] != 0 else { continue }
            apply(shift[index], to: &spans[index])
            if shift[index] != shift[p] {
                shiftedSpans += 1
                if shift[index].magnitude > largest.magnitude { largest = shift[index] }
                spans[index].warnings.append(
                    "clock skew: shifted \(describe(shift[index])) (with the spans below it on the same host) to fit its parent on another host"
                )
            }
        }
        if shiftedSpans > 0 {
            warnings.append(
                "clock skew: \(shiftedSpans) \(shiftedSpans == 1 ? "span was" : "spans were") shifted to fit parents on other hosts (largest \(describe(largest)))"
            )
        }
        if tooLarge > 0 {
            warnings.append(
                "clock skew: \(tooLarge) \(tooLarge == 1 ? "span looks" : "spans look") skewed beyond the adjustment limit and were not shifted"
            )
        }
        return shift
    }

    /// How far the child must move to fit its (already adjusted) parent: zero when it fits.
    /// Both are given as (start, duration) in nanoseconds, with start + duration ≤ 2^64−1 (as
    /// `Span.durationNano` makes them); a shift beyond ±(2^63−1) ns is given as that bound.
    static func skew(child: (start: UInt64, duration: UInt64), parent: (start: UInt64, duration: UInt64)) -> Int64 {
        if child.duration > parent.duration {
            // It cannot fit; only make sure it does not start before its parent.
            return child.start < parent.start ? Int64(clamping: parent.start - child.start) : 0
        }
        if child.start >= parent.start && child.start - parent.start <= parent.duration - child.duration { return 0 }
        let target = parent.start + (parent.duration - child.duration) / 2
        return target >= child.start ? Int64(clamping: target - child.start) : -Int64(clamping: child.start - target)
    }

    private static func apply(_ delta: Int64, to span: inout Span) {
        func moved(_ time: UInt64) -> UInt64 {
            delta >= 0 ? time.saturatingAdding(delta.magnitude) : time.saturatingSubtracting(delta.magnitude)
        }
        span.startTimeUnixNano = moved(span.startTimeUnixNano)
        span.endTimeUnixNano = moved(span.endTimeUnixNano)
        for index in span.events.indices { span.events[index].timeUnixNano = moved(span.events[index].timeUnixNano) }
    }

    /// "+65.9 ms" or "-3 µs".
    static func describe(_ delta: Int64) -> String {
        (delta < 0 ? "-" : "+") + DurationFormat.string(nanoseconds: delta.magnitude)
    }
}
