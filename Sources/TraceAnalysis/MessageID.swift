public import TraceModel

/// The id of the message a producer span sent or a consumer span received
/// (`messaging.message.id`), by which traces on either side of a queue are joined.
public enum MessageID {
    /// The FNV-1a hash of the id's text (an integer id reads as its digits), if the span has one.
    public static func hash(_ attributes: [Attribute]) -> UInt64? {
        switch attributes[key: "messaging.message.id"] {
        case .string(let text)? where !text.isEmpty: FNV1a.hash(text.utf8)
        case .int(let number)?: FNV1a.hash(String(number).utf8)
        default: nil
        }
    }
}
