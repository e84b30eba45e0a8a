import TraceModel

/// Values decoded from JSON objects that recur word for word across an input, such as the
/// resource and scope that every export batch of a service instance repeats: each distinct text is
/// decoded once, and every later batch shares the result (and its memory).
///
/// Direct-mapped by a hash of the object's exact bytes, which are compared in full: a miss
/// replaces the slot, so the cache stays small however many different objects an input holds.
final class RecurringObjects<Value> {
    private static var slotCount: Int { 1_024 }

    private struct Entry {
        var hash: UInt64
        var bytes: [UInt8]
        var value: Value
    }

    private let slots: UnsafeMutablePointer<Entry?>

    init() {
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: nil, count: Self.slotCount)
    }

    deinit {
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
    }

    /// The value decoded before from exactly `text`, if any.
    func value(for text: UnsafeRawBufferPointer) -> Value? {
        let hash = ByteRuns.hash(text)
        let slot = slots + Int(truncatingIfNeeded: hash & UInt64(Self.slotCount - 1))
        guard let entry = slot.pointee, entry.hash == hash, entry.bytes.withUnsafeBytes({ ByteRuns.equal($0, text) }) else {
            return nil
        }
        return entry.value
    }

    /// Remembers `value` as decoded from `text`.
    func insert(_ value: Value, for text: UnsafeRawBufferPointer) {
        let hash = ByteRuns.hash(text)
        slots[Int(truncatingIfNeeded: hash & UInt64(Self.slotCount - 1))] = Entry(hash: hash, bytes: Array(text), value: value)
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
