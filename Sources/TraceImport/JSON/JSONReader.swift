/// Why reading a JSON value failed, and at which byte offset.
struct JSONFailure: Error {
    var offset: Int
    var message: String
    /// The input as a whole is not what was expected (another format, another version, logs
    /// rather than traces): no record of it is worth reading.
    var rejectsInput = false
}

/// A pull reader over the bytes of a JSON text, for schema-directed decoders.
///
/// It never builds a document tree: decoders ask for the value they expect next (an object's next
/// key, a string, an integer) and skip what they do not know with `skipValue()`, which is iterative,
/// so hostile nesting cannot overflow the stack. Strings are built only when asked for.
struct JSONReader {
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    var offset: Int
    /// Shares repeated strings among the values read; the decoders of whole inputs set one.
    let strings: StringInterner?

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0, strings: StringInterner? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.strings = strings
    }

    /// A member name inside the input, compared without building a String.
    struct Key {
        var start: Int
        var end: Int
        /// Set when the name held escapes; then `decoded` holds its bytes.
        var decoded: [UInt8]?
    }

    // MARK: Structure

    /// Steps over a UTF-8 byte order mark at the start of the input.
    mutating func skipByteOrderMark() {
        if offset == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            offset = 3
        }
    }

    /// Skips JSON whitespace and returns the next byte without consuming it, or nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        while offset < bytes.count {
            let byte = bytes[offset]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
            offset += 1
        }
        return nil
    }

    func failure(_ message: String, at position: Int? = nil) -> JSONFailure {
        JSONFailure(offset: min(position ?? offset, bytes.count), message: message)
    }

    /// A failure that rejects the whole input (see `JSONFailure.rejectsInput`).
    func rejection(_ message: String, at position: Int? = nil) -> JSONFailure {
        JSONFailure(offset: min(position ?? offset, bytes.count), message: message, rejectsInput: true)
    }

    /// A readable name for the byte at the current offset, for error messages.
    func describeNext() -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONFailure) {
        guard peek() == byte else { throw failure("expected \(what) but found \(describeNext())") }
        offset += 1
    }

    /// Consumes a `null` literal if one comes next.
    mutating func consumeNull() throws(JSONFailure) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ word: StaticString) throws(JSONFailure) {
        let length = word.utf8CodeUnitCount
        guard offset + length <= bytes.count,
            sameBytes(bytes.baseAddress! + offset, word.utf8Start, length)
        else { throw failure("expected '\(word)' but found \(describeNext())") }
        offset += length
    }

    /// Consumes `{`.
    mutating func beginObject() throws(JSONFailure) {
        try expect(UInt8(ascii: "{"), "'{' (an object)")
    }

    /// Reads the next member name of an object begun with `beginObject()` and consumes the `:`
    /// after it; returns nil after consuming the closing `}`.
    ///
    /// - Parameter first: true before the first member, when no `,` is expected.
    mutating func nextKey(first: inout Bool) throws(JSONFailure) -> Key? {
        let next = peek()
        if next == UInt8(ascii: "}") {
            offset += 1
            return nil
        }
        if first {
            first = false
        } else {
            guard next == UInt8(ascii: ",") else {
                throw failure("expected ',' or '}' after an object member but found \(describeNext())")
            }
            offset += 1
        }
        guard peek() == UInt8(ascii: "\"") else {
            throw failure("expected a member name in quotes but found \(describeNext())")
        }
        let start = offset + 1
        // A plain name ends at the first special byte; an escape or control character sends the
        // name to the full scan.
        let index = nextSpecialByte(from: start)
        var key: Key
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            offset = index + 1
            key = Key(start: start, end: index, decoded: nil)
        } else {
            let (end, hasEscapes) = try scanString()
            key = Key(start: start, end: end - 1, decoded: nil)
            if hasEscapes {
                key.decoded = try unescape(from: start, to: end - 1)
            }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ":") {
            offset += 1
        } else {
            try expect(UInt8(ascii: ":"), "':' after a member name")
        }
        return key
    }

    /// Consumes `text` if the input continues with exactly it (no whitespace skipped).
    @inline(__always)
    mutating func consume(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard offset + length <= bytes.count, sameBytes(bytes.baseAddress! + offset, text.utf8Start, length) else {
            return false
        }
        offset += length
        return true
    }

    /// Consumes `[`.
    mutating func beginArray() throws(JSONFailure) {
        try expect(UInt8(ascii: "["), "'[' (an array)")
    }

    /// Moves to the next element of an array begun with `beginArray()`; false after consuming `]`.
    mutating func nextElement(first: inout Bool) throws(JSONFailure) -> Bool {
        let next = peek()
        if next == UInt8(ascii: "]") {
            offset += 1
            return false
        }
        if first {
            first = false
            return true
        }
        guard next == UInt8(ascii: ",") else {
            throw failure("expected ',' or ']' after an array element but found \(describeNext())")
        }
        offset += 1
        return true
    }

    /// True when `key` spells `name`.
    @inline(__always)
    func matches(_ key: Key, _ name: StaticString) -> Bool {
        let length = name.utf8CodeUnitCount
        if let decoded = key.decoded {
            return decoded.count == length
                && decoded.withUnsafeBytes { sameBytes($0.baseAddress!, name.utf8Start, length) }
        }
        return key.end - key.start == length
            && sameBytes(bytes.baseAddress! + key.start, name.utf8Start, length)
    }

    /// The member name as a String (for messages, and for formats that use names as data).
    func text(of key: Key) -> String {
        if let decoded = key.decoded { return String(decoding: decoded, as: UTF8.self) }
        let text = UnsafeRawBufferPointer(rebasing: bytes[key.start..<key.end])
        return strings?.string(text) ?? String(decoding: text, as: UTF8.self)
    }

    // MARK: Skipping

    /// Skips one value of any kind. Iterative, so hostile nesting cannot overflow the stack.
    mutating func skipValue() throws(JSONFailure) {
        var containers: [Bool] = []  // true for an object, false for an array
        while true {
            guard let byte = peek() else { throw failure("unexpected end of input; expected a value") }
            switch byte {
            case UInt8(ascii: "{"):
                offset += 1
                if peek() == UInt8(ascii: "}") {
                    offset += 1
                } else {
                    containers.append(true)
                    try skipMemberName()
                    continue
                }
            case UInt8(ascii: "["):
                offset += 1
                if peek() == UInt8(ascii: "]") {
                    offset += 1
                } else {
                    containers.append(false)
                    continue
                }
            case UInt8(ascii: "\""): _ = try scanString()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
            default: throw failure("expected a value but found \(describeNext())")
            }
            // A value is complete: close finished containers, or step to the next member.
            while let isObject = containers.last {
                let next = peek()
                if next == UInt8(ascii: ",") {
                    offset += 1
                    if isObject { try skipMemberName() }
                    break
                }
                guard next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw failure("expected ',' or '\(isObject ? "}" : "]")' but found \(describeNext())")
                }
                offset += 1
                containers.removeLast()
            }
            if containers.isEmpty { return }
        }
    }

    /// The offset of the first line after `offset` whose first byte is `byte`, if any.
    func nextLine(beginningWith byte: UInt8, after offset: Int) -> Int? {
        var index = offset
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A, bytes[index + 1] == byte { return index + 1 }
            index += 1
        }
        return nil
    }

    /// The bytes of `range`.
    func text(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    private mutating func skipMemberName() throws(JSONFailure) {
        guard peek() == UInt8(ascii: "\"") else {
            throw failure("expected a member name in quotes but found \(describeNext())")
        }
        _ = try scanString()
        try expect(UInt8(ascii: ":"), "':' after a member name")
    }
}

/// True when the `count` bytes at `lhs` equal those at `rhs`.
@inline(__always)
func sameBytes(_ lhs: UnsafeRawPointer, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    ByteRuns.same(lhs, UnsafeRawPointer(rhs), count: count)
}
