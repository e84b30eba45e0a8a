import TraceModel

/// Values decoded from JSON objects that recur word for word across an input, such as the
/// resource and scope that every export batch of a service instance repeats: each distinct text is
/// decoded once, and every later batch shares the result (and its memory).
///
/// Keyed by the object's exact bytes; bounded, so that an input of endlessly different objects
/// does not grow it without end.
final class RecurringObjects<Value> {
    private static var capacity: Int { 4_096 }

    private struct Entry {
        var bytes: [UInt8]
        var value: Value
    }

    private var entries: [UInt64: Entry] = [:]

    /// The value decoded before from exactly `text`, if any.
    func value(for text: UnsafeRawBufferPointer) -> Value? {
        guard let entry = entries[ByteRuns.hash(text)], entry.bytes.withUnsafeBytes({ ByteRuns.equal($0, text) }) else {
            return nil
        }
        return entry.value
    }

    /// Remembers `value` as decoded from `text`.
    func insert(_ value: Value, for text: UnsafeRawBufferPointer) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[ByteRuns.hash(text)] = Entry(bytes: Array(text), value: value)
    }
}

/// A resource's attributes as decoded once, and the resources made of them (one per schema URL).
final class DecodedResource {
    private static let schemaURLsKept = 8

    let attributes: [Attribute]
    private var made: [Resource] = []

    init(attributes: [Attribute]) {
        self.attributes = attributes
    }

    /// The resource of these attributes and `schemaURL`, shared with the batches before.
    func resource(schemaURL: String) -> Resource {
        if let known = made.first(where: { $0.schemaURL == schemaURL }) { return known }
        let resource = Resource(attributes: attributes, schemaURL: schemaURL)
        if made.count < Self.schemaURLsKept { made.append(resource) }
        return resource
    }
}

/// What a decoder remembers between the pieces of one input.
final class DecodingCaches {
    let strings = StringInterner()
    let resources = RecurringObjects<DecodedResource>()
    let scopes = RecurringObjects<InstrumentationScope>()
    let attributes = AttributeStack()
}
