public import TraceAssembly
import TraceModel

extension Timeline {
    /// One request to count.
    struct Request {
        var subject: Subject
        var startUnixNano: UInt64
        var durationNano: UInt64
        var error: Bool
    }

    /// Counts `traces`: each trace's root span as a request of the whole input and of its entry
    /// point (at the trace's start, for the trace's duration, failed when the root span failed);
    /// every server, consumer or root span as a request its service served; every call between
    /// services (`ServiceCalls`) at the callee's span's start.
    public init(traces: some Collection<Trace>, grid: BucketGrid = BucketGrid()) {
        self.init(grid: grid)
        var requests: [Request] = []
        for trace in traces { Self.requests(of: trace, into: &requests) }
        add(requests)
    }

    /// The requests of one trace (see `init(traces:grid:)`).
    static func requests(of trace: Trace, into requests: inout [Request]) {
        let root = trace.rootIndices[0]
        let rootFailed = trace.spans[root].status.isError
        let (start, duration) = (trace.startTimeUnixNano, trace.durationNano)
        requests.append(Request(subject: .all, startUnixNano: start, durationNano: duration, error: rootFailed))
        let entryPoint = ServiceGraph.OperationKey(service: trace.spans[root].service, operation: trace.spans[root].name)
        requests.append(Request(subject: .entryPoint(entryPoint), startUnixNano: start, durationNano: duration, error: rootFailed))
        for index in trace.spans.indices {
            let kind = trace.spans[index].kind
            guard kind == .server || kind == .consumer || trace.parentIndex[index] == nil else { continue }
            requests.append(
                Request(
                    subject: .service(trace.spans[index].service), startUnixNano: trace.spans[index].startTimeUnixNano,
                    durationNano: trace.spans[index].durationNano, error: trace.spans[index].status.isError))
        }
        for call in ServiceCalls.derive(trace) {
            requests.append(
                Request(
                    subject: .edge(caller: call.caller, callee: call.callee), startUnixNano: trace.spans[call.spanIndex].startTimeUnixNano,
                    durationNano: call.durationNano, error: call.isError))
        }
    }

    /// Counts `requests` all at once: the rung is raised first to the lowest that holds them and
    /// what is counted already in `tallyLimit` buckets, so nothing is counted twice over.
    mutating func add(_ requests: [Request]) {
        let starts = requests.map(\.startUnixNano).sorted()
        /// The distinct buckets of rung `rung` the starts and the occupied buckets fall in.
        func buckets(at rung: Int) -> Set<UInt64> {
            let size = grid.size(ofRung: rung)
            let factor = size / bucketNano
            var numbers = Set(occupied.lazy.map { $0 / factor })
            var last: UInt64?
            for start in starts where start / size != last {
                last = start / size
                numbers.insert(start / size)
                if numbers.count > tallyLimit { break }
            }
            return numbers
        }
        var target = rung
        var numbers = buckets(at: target)
        while target < grid.topRung, numbers.count > tallyLimit {
            target += 1
            numbers = buckets(at: target)
        }
        coarsen(to: target)
        let size = bucketNano
        for request in requests {
            series[request.subject, default: [:]][request.startUnixNano / size, default: Bucket()]
                .add(request.durationNano, error: request.error)
        }
        occupied = numbers
    }
}
