// How a timeline is written down for `merge`: series in subject order, buckets in time order.
// Decoding checks what it reads (a rung on the grid, at most `tallyLimit` buckets occupied and
// every series' buckets among them, errors no more than requests, every bucket's latencies counted
// once), so a damaged part is an error.

extension Timeline: Codable {
    private enum Keys: String, CodingKey { case bucketNano, requestedNano, rung, occupied, series }

    /// A series as lists of plain numbers, one entry per bucket (objects per bucket cost a part
    /// file several times the bytes, and their decoding several times the time).
    private struct SeriesFields: Codable {
        var kind: String
        var service: String
        var other: String?
        var numbers: [UInt64]
        var requests: [UInt64]
        var errors: [UInt64]
        /// Each bucket's `CoarseLatency.flatten(into:)`, one after another.
        var latency: [UInt64]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(grid: BucketGrid(requestedNano: try container.decodeIfPresent(UInt64.self, forKey: .requestedNano)))
        let rung = try container.decode(Int.self, forKey: .rung)
        guard (0...grid.topRung).contains(rung), try container.decode(UInt64.self, forKey: .bucketNano) == grid.size(ofRung: rung) else {
            throw DecodingError.dataCorruptedError(forKey: .rung, in: container, debugDescription: "a bucket size off the grid")
        }
        self.rung = rung
        occupied = Set(try container.decode([UInt64].self, forKey: .occupied))
        guard occupied.count <= tallyLimit else {
            throw DecodingError.dataCorruptedError(forKey: .occupied, in: container, debugDescription: "too many buckets")
        }
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
            var position = 0
            guard fields.requests.count == fields.numbers.count, fields.errors.count == fields.numbers.count else {
                throw DecodingError.dataCorruptedError(forKey: .series, in: container, debugDescription: "lists of different lengths")
            }
            for (index, number) in fields.numbers.enumerated() {
                guard let latency = CoarseLatency(reading: fields.latency, at: &position), fields.errors[index] <= fields.requests[index],
                    latency.count == fields.requests[index], buckets[number] == nil, occupied.contains(number)
                else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .series, in: container, debugDescription: "a bucket whose counts disagree")
                }
                var bucket = Bucket()
                (bucket.errors, bucket.latency) = (fields.errors[index], latency)
                buckets[number] = bucket
            }
            guard position == fields.latency.count else {
                throw DecodingError.dataCorruptedError(forKey: .series, in: container, debugDescription: "latencies left over")
            }
            guard series[subject] == nil else {
                throw DecodingError.dataCorruptedError(forKey: .series, in: container, debugDescription: "a series twice")
            }
            series[subject] = buckets
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(bucketNano, forKey: .bucketNano)
        try container.encodeIfPresent(grid.requestedNano, forKey: .requestedNano)
        try container.encode(rung, forKey: .rung)
        try container.encode(occupied.sorted(), forKey: .occupied)
        let fields = series.sorted { $0.key < $1.key }.map { subject, buckets in
            let (kind, service, other): (String, String, String?) =
                switch subject {
                case .all: ("all", "", nil)
                case .entryPoint(let key): ("entry-point", key.service, key.operation)
                case .service(let name): ("service", name, nil)
                case .edge(let caller, let callee): ("edge", caller, callee)
                }
            let sorted = buckets.sorted { $0.key < $1.key }
            var latency: [UInt64] = []
            for (_, bucket) in sorted { bucket.latency.flatten(into: &latency) }
            return SeriesFields(
                kind: kind, service: service, other: other, numbers: sorted.map(\.key), requests: sorted.map(\.value.requests),
                errors: sorted.map(\.value.errors), latency: latency)
        }
        try container.encode(fields, forKey: .series)
    }
}
