public import TraceAssembly
import TraceModel

extension Timeline {
    /// Counts `traces`: each trace's root span as a request of the whole input and of its entry
    /// point (at the trace's start, for the trace's duration, failed when the root span failed);
    /// every server, consumer or root span as a request its service served; every call between
    /// services (`ServiceCalls`) at the callee's span's start.
    ///
    /// The rung is chosen first, from the start of every span of the traces (a superset of the
    /// requests' times, so nothing counted later moves it): the lowest whose buckets hold them
    /// in at most `tallyLimit`, with what is counted already. Then each trace is counted once.
    public init(traces: some Collection<Trace>, grid: BucketGrid = BucketGrid()) {
        self.init(grid: grid)
        add(traces)
    }

    /// Counts `traces` (see `init(traces:grid:)`).
    mutating func add(_ traces: some Collection<Trace>) {
        var rung = self.rung
        var size = grid.size(ofRung: rung)
        var numbers = occupied
        for trace in traces {
            var last: UInt64?
            trace.spans.withUnsafeBufferPointer { spans in
                for index in spans.indices {
                    let number = spans[index].startTimeUnixNano / size
                    // Spans of a trace mostly start in the bucket of the one before.
                    guard number != last else { continue }
                    last = number
                    guard numbers.insert(number).inserted, numbers.count > tallyLimit else { continue }
                    // One rung up (or more), and the buckets so far with it.
                    while rung < grid.topRung, numbers.count > tallyLimit {
                        rung += 1
                        let factor = grid.size(ofRung: rung) / size
                        size = grid.size(ofRung: rung)
                        numbers = Set(numbers.lazy.map { $0 / factor })
                    }
                    last = spans[index].startTimeUnixNano / size
                }
            }
        }
        coarsen(to: rung)
        occupied = numbers
        for trace in traces { count(trace) }
    }

    /// Counts the requests of one trace, at the timeline's rung.
    private mutating func count(_ trace: Trace) {
        let root = trace.rootIndices[0]
        let rootFailed = trace.spans[root].status.isError
        let (start, duration) = (trace.startTimeUnixNano, trace.durationNano)
        let entryPoint = ServiceGraph.OperationKey(service: trace.spans[root].service, operation: trace.spans[root].name)
        note(.all, at: start, durationNano: duration, error: rootFailed)
        note(.entryPoint(entryPoint), at: start, durationNano: duration, error: rootFailed)
        for index in trace.spans.indices {
            let kind = trace.spans[index].kind
            guard kind == .server || kind == .consumer || trace.parentIndex[index] == nil else { continue }
            note(
                .service(trace.spans[index].service), at: trace.spans[index].startTimeUnixNano,
                durationNano: trace.spans[index].durationNano,
                error: trace.spans[index].status.isError)
        }
        for call in ServiceCalls.derive(trace) {
            note(
                .edge(caller: call.caller, callee: call.callee), at: trace.spans[call.spanIndex].startTimeUnixNano,
                durationNano: call.durationNano, error: call.isError)
        }
    }
}
