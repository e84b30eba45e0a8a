import TraceModel

/// Jaeger tag values, and the tags that carry span kind and status.
enum JaegerTags {
    /// A tag value by its declared type, tolerating the JSON spellings seen in the wild
    /// (`int64` as a string above 2^53, `bool` as "true", `binary` as base64).
    static func value(_ reader: inout JSONReader, type: String) throws(JSONFailure) -> AttributeValue {
        let position = reader.offset
        let isString = reader.peek() == UInt8(ascii: "\"")
        switch type {
        case "int64":
            return .int(try reader.readInt64("int64 tag value"))
        case "float64":
            return .double(try reader.readDouble("float64 tag value"))
        case "bool":
            if isString {
                switch try reader.readString().lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default: throw reader.failure("bool tag value must be true or false", at: position)
                }
            }
            return .bool(try reader.readBool("bool tag value"))
        case "binary":
            guard let bytes = try reader.withStringBytes({ Base64.decode($0) }) else {
                throw reader.failure("binary tag value is not base64", at: position)
            }
            return .bytes(bytes)
        default:
            // "string", or no type: take the value as the JSON gives it.
            switch reader.peek() {
            case UInt8(ascii: "\"")?: return .string(try reader.readString())
            case UInt8(ascii: "t")?, UInt8(ascii: "f")?: return .bool(try reader.readBool("tag value"))
            case UInt8(ascii: "n")?:
                _ = try reader.consumeNull()
                return .empty
            default:
                let number = try reader.scanNumber()
                var copy = JSONReader(bytes: reader.bytes, offset: number.start)
                return number.isInteger ? .int(try copy.readInt64("tag value")) : .double(try copy.readDouble("tag value"))
            }
        }
    }

    /// A span's tags with those that OpenTracing and the OpenTelemetry-to-Jaeger mapping use for
    /// kind and status (`span.kind`, `error`, `otel.status_code`, `otel.status_description`) taken
    /// out and read.
    struct Special {
        var kind = SpanKind.unspecified
        var status = SpanStatus()
        var attributes: [Attribute]

        init(_ tags: consuming [Attribute]) {
            attributes = consume tags
            var code = SpanStatus.Code.unset
            var statusMessage: String?
            var index = 0
            while index < attributes.count {
                // Most tags are none of these: their keys' lengths tell, and then nothing moves.
                switch attributes[index].key.utf8.count {
                case 5, 9, 16, 23: break
                default:
                    index += 1
                    continue
                }
                let taken: Bool
                switch (attributes[index].key, attributes[index].value) {
                case ("span.kind", .string(let name)):
                    let named = Self.kind(named: name)
                    if let named { kind = named }
                    taken = named != nil
                case ("error", .bool(let failed)):
                    if failed { code = .error }
                    taken = true
                case ("error", .string(let text)) where text.lowercased() == "true":
                    code = .error
                    taken = true
                case ("otel.status_code", .string(let name)):
                    let named: SpanStatus.Code? = ["ERROR": .error, "OK": .ok][name.uppercased()]
                    if let named { code = named }
                    taken = named != nil
                case ("otel.status_description", .string(let message)):
                    statusMessage = message
                    taken = true
                default:
                    taken = false
                }
                if taken {
                    attributes.remove(at: index)
                } else {
                    index += 1
                }
            }
            status = SpanStatus(code: code, message: statusMessage ?? "")
        }

        private static let kinds: [(StaticString, SpanKind)] = [
            ("server", .server), ("client", .client), ("producer", .producer), ("consumer", .consumer), ("internal", .internal),
        ]

        /// The kind `name` spells in any case, compared byte by byte (no lower-cased copy is made).
        private static func kind(named name: String) -> SpanKind? {
            var name = name
            return name.withUTF8 { bytes in
                kinds.first { spelling, _ in
                    bytes.count == spelling.utf8CodeUnitCount
                        && bytes.indices.allSatisfy { bytes[$0] | 0x20 == spelling.utf8Start[$0] && bytes[$0] >= 0x40 }
                }?.1
            }
        }
    }
}
