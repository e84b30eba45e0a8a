import TraceModel

// How the workflows' tally is written down for `merge`: ids as hex, lists in their order.
// Decoding checks the ids and puts the lists in order, so a damaged part is an error.

extension Workflows.Tally: Codable {
    private enum Keys: String, CodingKey { case joinAttribute, senders, receivers, keyed }

    private struct SenderFields: Codable {
        var trace: String
        var span: String
        var end: UInt64
        var message: UInt64?
    }

    private struct ReceiverFields: Codable {
        var trace: String
        var span: String
        var start: UInt64
        /// For a link: the trace and span it points at.
        var linkTrace: String?
        var linkSpan: String?
        var message: UInt64?
    }

    private struct KeyedFields: Codable {
        var value: String
        var trace: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(joinAttribute: try container.decodeIfPresent(String.self, forKey: .joinAttribute))
        func traceID(_ text: String) throws -> TraceID {
            guard let id = TraceID(hex: text) else {
                throw DecodingError.dataCorruptedError(forKey: .senders, in: container, debugDescription: "bad trace id '\(text)'")
            }
            return id
        }
        func ids(_ trace: String, _ span: String) throws -> (TraceID, SpanID) {
            guard let spanID = SpanID(hex: span) else {
                throw DecodingError.dataCorruptedError(forKey: .senders, in: container, debugDescription: "bad span id '\(span)'")
            }
            return (try traceID(trace), spanID)
        }
        senders = try container.decode([SenderFields].self, forKey: .senders).map { fields in
            let (trace, span) = try ids(fields.trace, fields.span)
            return Sender(trace: trace, span: span, endUnixNano: fields.end, message: fields.message)
        }
        receivers = try container.decode([ReceiverFields].self, forKey: .receivers).map { fields in
            let (trace, span) = try ids(fields.trace, fields.span)
            let pointer: Receiver.Pointer
            switch (fields.linkTrace, fields.linkSpan, fields.message) {
            case (let linkTrace?, let linkSpan?, nil):
                let (target, targetSpan) = try ids(linkTrace, linkSpan)
                pointer = .link(trace: target, span: targetSpan)
            case (nil, nil, let message?): pointer = .message(message)
            default:
                throw DecodingError.dataCorruptedError(forKey: .receivers, in: container, debugDescription: "a receiver pointing nowhere")
            }
            return Receiver(trace: trace, span: span, startUnixNano: fields.start, pointer: pointer)
        }
        keyed = try container.decode([KeyedFields].self, forKey: .keyed).map { Keyed(value: $0.value, trace: try traceID($0.trace)) }
        sort()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(joinAttribute, forKey: .joinAttribute)
        try container.encode(
            senders.map { SenderFields(trace: $0.trace.hex, span: $0.span.hex, end: $0.endUnixNano, message: $0.message) }, forKey: .senders
        )
        try container.encode(
            receivers.map { receiver in
                switch receiver.pointer {
                case .link(let trace, let span):
                    ReceiverFields(
                        trace: receiver.trace.hex, span: receiver.span.hex, start: receiver.startUnixNano, linkTrace: trace.hex,
                        linkSpan: span.hex)
                case .message(let message):
                    ReceiverFields(trace: receiver.trace.hex, span: receiver.span.hex, start: receiver.startUnixNano, message: message)
                }
            }, forKey: .receivers)
        try container.encode(keyed.map { KeyedFields(value: $0.value, trace: $0.trace.hex) }, forKey: .keyed)
    }
}
