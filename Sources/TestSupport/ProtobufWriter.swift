import ByteLayout

/// A protobuf wire-format writer, for tests and sample files that need OTLP protobuf bytes.
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }

    public mutating func tag(_ field: UInt64, _ wireType: UInt64) { varint(field << 3 | wireType) }

    public mutating func varintField(_ field: UInt64, _ value: UInt64) {
        tag(field, 0)
        varint(value)
    }

    public mutating func fixed64Field(_ field: UInt64, _ value: UInt64) {
        tag(field, 1)
        LittleEndian.append(value, to: &bytes)
    }

    public mutating func fixed32Field(_ field: UInt64, _ value: UInt32) {
        tag(field, 5)
        LittleEndian.append(value, to: &bytes)
    }

    public mutating func bytesField(_ field: UInt64, _ value: [UInt8]) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func stringField(_ field: UInt64, _ value: String) { bytesField(field, Array(value.utf8)) }

    /// A sub-message written by `body`.
    public mutating func messageField(_ field: UInt64, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytesField(field, inner.bytes)
    }
}
