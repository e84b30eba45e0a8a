// How a timeline is written down for `merge`: series in subject order, buckets in time order.
// Decoding checks what it reads (a rung on the grid, errors no more than requests, every bucket's
// latencies counted once, at most `tallyLimit` buckets), so a damaged part is an error.

extension Timeline: Codable {
    private enum Keys: String, CodingKey { case bucketNano, requestedNano, rung, series }

    private struct SeriesFields: Codable {
        var kind: String
        var service: String
        var other: String?
        var buckets: [BucketFields]
    }

    private struct BucketFields: Codable {
        var number: UInt64
        var requests: UInt64
        var errors: UInt64
        var latency: LatencySketch
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(grid: BucketGrid(requestedNano: try container.decodeIfPresent(UInt64.self, forKey: .requestedNano)))
        let rung = try container.decode(Int.self, forKey: .rung)
        guard (0...grid.topRung).contains(rung), try container.decode(UInt64.self, forKey: .bucketNano) == grid.size(ofRung: rung) else {
            throw DecodingError.dataCorruptedError(forKey: .rung, in: container, debugDescription: "a bucket size off the grid")
        }
        self.rung = rung
        for fields in try container.decode([SeriesFields].self, forKey: .series) {
            let subject: Subject
            switch (fields.kind, fields.other) {
            case ("all", nil): subject = .all
            case ("entry-point", let operation?):
                subject = .entryPoint(ServiceGraph.OperationKey(service: fields.service, operation: operation))
            case ("service", nil): subject = .service(fields.service)
            case ("edge", let callee?): subject = .edge(caller: fields.service, callee: callee)
            default:
                throw DecodingError.dataCorruptedError(forKey: .series, in: container, debugDescription: "unknown series '\(fields.kind)'")
            }
            var buckets: [UInt64: Bucket] = [:]
            for entry in fields.buckets {
                guard entry.errors <= entry.requests, entry.latency.count == entry.requests, buckets[entry.number] == nil else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .series, in: container, debugDescription: "a bucket whose counts disagree")
                }
                var bucket = Bucket()
                (bucket.requests, bucket.errors, bucket.latency) = (entry.requests, entry.errors, entry.latency)
                buckets[entry.number] = bucket
                occupied.insert(entry.number)
            }
            guard series[subject] == nil, occupied.count <= tallyLimit else {
                throw DecodingError.dataCorruptedError(
                    forKey: .series, in: container, debugDescription: "too many buckets or a series twice")
            }
            series[subject] = buckets
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(bucketNano, forKey: .bucketNano)
        try container.encodeIfPresent(grid.requestedNano, forKey: .requestedNano)
        try container.encode(rung, forKey: .rung)
        let fields = series.sorted { $0.key < $1.key }.map { subject, buckets in
            let (kind, service, other): (String, String, String?) =
                switch subject {
                case .all: ("all", "", nil)
                case .entryPoint(let key): ("entry-point", key.service, key.operation)
                case .service(let name): ("service", name, nil)
                case .edge(let caller, let callee): ("edge", caller, callee)
                }
            return SeriesFields(
                kind: kind, service: service, other: other,
                buckets: buckets.sorted { $0.key < $1.key }.map {
                    BucketFields(number: $0.key, requests: $0.value.requests, errors: $0.value.errors, latency: $0.value.latency)
                })
        }
        try container.encode(fields, forKey: .series)
    }
}
