import TraceModel

/// Strings, numbers and booleans.
extension JSONReader {
    /// Scans a string starting at the opening quote at `offset`; returns the offset just past the
    /// closing quote and whether any escape occurred. Rejects control characters and bad escapes.
    mutating func scanString() throws(JSONFailure) -> (end: Int, hasEscapes: Bool) {
        let open = offset
        var index = offset + 1
        var hasEscapes = false
        while true {
            index = nextSpecialByte(from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                offset = index + 1
                return (index + 1, hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                guard index + 1 < bytes.count else { break }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 6 <= bytes.count,
                        (2..<6).allSatisfy({ HexDigits.value(of: bytes[index + $0]) != nil })
                    else { throw failure("invalid \\u escape in a string", at: index) }
                    index += 6
                default:
                    throw failure(
                        "invalid escape '\\\(Character(Unicode.Scalar(bytes[index + 1])))' in a string", at: index)
                }
                continue
            }
            throw failure("unescaped control character 0x\(String(byte, radix: 16)) in a string", at: index)
        }
        throw failure("unterminated string", at: open)
    }

    /// The offset of the first quote, backslash or control byte at or after `start`, or the end of
    /// the input: eight bytes at a time, the first such byte located by its bit in a mask.
    @inline(__always)
    func nextSpecialByte(from start: Int) -> Int {
        var index = start
        let count = bytes.count
        let base = bytes.baseAddress!
        while index + 8 <= count {
            let mask = Self.specialByteMask(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if mask != 0 { return index + mask.trailingZeroBitCount &>> 3 }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return count
    }

    /// A mask with the top bit set in the bytes of `word` (first byte lowest) that are '"', '\\'
    /// or below 0x20 ("Bit Twiddling Hacks": a byte is zero after XOR with the searched value).
    /// Bytes above a flagged one may be flagged wrongly (a borrow runs upward), but the lowest flag
    /// is always right, and only it is used.
    @inline(__always)
    static func specialByteMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    /// Reads a string value. Invalid UTF-8 is replaced with U+FFFD rather than rejected.
    mutating func readString() throws(JSONFailure) -> String {
        guard peek() == UInt8(ascii: "\"") else {
            throw failure("expected a string but found \(describeNext())")
        }
        let start = offset + 1
        // Most strings hold no escape or control character: their first special byte closes them.
        var end = nextSpecialByte(from: start)
        var hasEscapes = false
        if end == bytes.count || bytes[end] != UInt8(ascii: "\"") {
            (end, hasEscapes) = try scanString()
            end -= 1
        } else {
            offset = end + 1
        }
        if !hasEscapes {
            let text = UnsafeRawBufferPointer(start: bytes.baseAddress! + start, count: end - start)
            return strings?.string(text) ?? String(decoding: text, as: UTF8.self)
        }
        return String(decoding: try unescape(from: start, to: end), as: UTF8.self)
    }

    /// Reads a string value, lower-cased. When it spells one of `names` (ASCII, any case) that
    /// name is returned, so that the common tokens of a format cost no allocation.
    mutating func readLowercased(knowing names: [String]) throws(JSONFailure) -> String {
        let position = offset
        let known = try withStringBytes { text -> String? in
            names.first { name in
                name.utf8.count == text.count
                    && zip(name.utf8, text).allSatisfy { expected, byte in
                        expected == (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                    }
            }
        }
        if let known { return known }
        offset = position
        return try readString().lowercased()
    }

    /// The common spelling of an id: a string of exactly 16 hex digits (one pair of 32-bit
    /// words) or 32 (two pairs), read in place as its high and low 64 bits (high is 0 for 16
    /// digits). Anything else (another length, an escape, base64) consumes nothing and returns
    /// nil for the general path.
    @inline(__always)
    mutating func readHexID(wordPairs: Int) -> (high: UInt64, low: UInt64)? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        let start = offset + 1
        let end = start + 16 * wordPairs
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let low = HexDigits.parse(buffer: UnsafeBufferPointer(start: base + end - 16, count: 16)) else { return nil }
        var high: UInt64 = 0
        if wordPairs == 2 {
            guard let value = HexDigits.parse(buffer: UnsafeBufferPointer(start: base + start, count: 16)) else { return nil }
            high = value
        }
        offset = end + 1
        return (high, low)
    }

    /// Reads a string value and hands its raw UTF-8 bytes (escapes resolved) to `body`,
    /// without building a String when there are no escapes.
    mutating func withStringBytes<R>(
        _ body: (UnsafeRawBufferPointer) throws(JSONFailure) -> R
    ) throws(JSONFailure) -> R {
        guard peek() == UInt8(ascii: "\"") else {
            throw failure("expected a string but found \(describeNext())")
        }
        let start = offset + 1
        let (end, hasEscapes) = try scanString()
        if !hasEscapes {
            return try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(end - 1)]))
        }
        let decoded = try unescape(from: start, to: end - 1)
        return try decoded.withUnsafeBufferPointer { (buffer) throws(JSONFailure) -> R in
            try body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Resolves the escapes of the (already validated) string body between two offsets.
    func unescape(from start: Int, to end: Int) throws(JSONFailure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let code = bytes[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= end,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                // A lone surrogate cannot be encoded: it becomes U+FFFD.
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(character)!)
            default: out.append(code)  // '"', '\\' and '/' stand for themselves
            }
        }
        return out
    }

    private func hex4(at index: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 4 | UInt32(HexDigits.value(of: bytes[index + $1])!) }
    }

    /// Scans a number at `offset` following JSON's grammar; returns its byte range and whether it
    /// has a fraction or exponent.
    mutating func scanNumber() throws(JSONFailure) -> (start: Int, end: Int, isInteger: Bool) {
        let start = offset
        var index = offset
        let count = bytes.count
        func digits(_ index: inout Int) -> Int {
            let first = index
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index - first
        }
        if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let leadingZero = index < count && bytes[index] == UInt8(ascii: "0")
        let integerDigits = digits(&index)
        guard integerDigits > 0, !(leadingZero && integerDigits > 1) else {
            throw failure("invalid number", at: start)
        }
        var isInteger = true
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard digits(&index) > 0 else { throw failure("invalid number: no digits after '.'", at: start) }
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            isInteger = false
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&index) > 0 else { throw failure("invalid number: no digits in exponent", at: start) }
        }
        offset = index
        return (start, index, isInteger)
    }

    /// Reads an unsigned 64-bit integer written as a JSON number or as a string of digits
    /// (the proto3 JSON mapping writes 64-bit integers as strings).
    mutating func readUInt64(_ field: String) throws(JSONFailure) -> UInt64 {
        let value = try readInteger(field)
        guard value.negative == false || value.magnitude == 0 else {
            throw failure("\(field) must not be negative", at: value.position)
        }
        return value.magnitude
    }

    /// Reads a signed 64-bit integer written as a JSON number or as a string of digits.
    mutating func readInt64(_ field: String) throws(JSONFailure) -> Int64 {
        let value = try readInteger(field)
        if value.negative {
            guard value.magnitude <= UInt64(Int64.max) + 1 else {
                throw failure("\(field) is below the 64-bit range", at: value.position)
            }
            return value.magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value.magnitude)
        }
        guard value.magnitude <= UInt64(Int64.max) else {
            throw failure("\(field) is beyond the 64-bit range", at: value.position)
        }
        return Int64(value.magnitude)
    }

    /// An integer as a sign and a magnitude, with the offset it starts at.
    mutating func readInteger(_ field: String) throws(JSONFailure) -> (negative: Bool, magnitude: UInt64, position: Int) {
        if peek() != nil {
            let position = offset
            if let plain = readPlainInteger() { return (plain.negative, plain.magnitude, position) }
        }
        return try readIntegerInFull(field)
    }

    /// `readInteger` for any spelling JSON and the proto3 mapping allow, and every error.
    mutating func readIntegerInFull(_ field: String) throws(JSONFailure) -> (negative: Bool, magnitude: UInt64, position: Int) {
        guard let first = peek() else { throw failure("expected \(field) but found end of input") }
        let position = offset
        let quoted = first == UInt8(ascii: "\"")
        if quoted { offset += 1 }
        guard offset < bytes.count,
            bytes[offset] == UInt8(ascii: "-") || (bytes[offset] >= UInt8(ascii: "0") && bytes[offset] <= UInt8(ascii: "9"))
        else {
            offset = position
            throw failure("expected an integer for \(field) but found \(describeNext())")
        }
        let number = try scanNumber()
        if quoted {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw failure("expected an integer in quotes for \(field)", at: position)
            }
            offset += 1
        }
        var index = number.start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard number.isInteger else {
            // Exporters written in JavaScript may print large integers as 1.7e18.
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[number.start..<number.end]), as: UTF8.self)
            guard let double = Double(text), double.rounded() == double, double.magnitude < 18_446_744_073_709_551_616 else {
                throw failure("\(field) must be an integer, not \(text)", at: position)
            }
            return (double < 0, UInt64(double.magnitude), position)
        }
        var magnitude: UInt64 = 0
        while index < number.end {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure("\(field) is beyond the 64-bit range", at: position) }
            magnitude = sum
            index += 1
        }
        return (negative, magnitude, position)
    }

    /// The common case of `readInteger`, in one pass: an integer of at most 19 digits (which
    /// cannot overflow), bare or in quotes, read eight digits at a time. Anything else (a fraction,
    /// an exponent, a leading zero, more digits, a fault) leaves `offset` alone and returns nil for
    /// the general path, which gives the same value or the exact error.
    @inline(__always)
    private mutating func readPlainInteger() -> (negative: Bool, magnitude: UInt64)? {
        let count = bytes.count
        let base = bytes.baseAddress!
        var index = offset
        let quoted = bytes[index] == UInt8(ascii: "\"")
        if quoted { index += 1 }
        let negative = index < count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        while index + 8 <= count, Self.isEightDigits(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { index += 8 }
        while index < count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        let digitCount = index - digitsStart
        guard digitCount > 0, digitCount <= 19, digitCount == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        if index < count {
            let next = bytes[index]
            if next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") { return nil }
        }
        if quoted {
            guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        }
        var magnitude: UInt64 = 0
        var digit = digitsStart
        while digit + 8 <= index {
            magnitude = magnitude &* 100_000_000 &+ Self.eightDigitsValue(base.loadUnaligned(fromByteOffset: digit, as: UInt64.self))
            digit += 8
        }
        while digit < index {
            magnitude = magnitude &* 10 &+ UInt64(bytes[digit] &- UInt8(ascii: "0"))
            digit += 1
        }
        offset = quoted ? index + 1 : index
        return (negative, magnitude)
    }

    /// True when all eight bytes of `word` are ASCII digits.
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        let word = UInt64(littleEndian: word)
        // Each byte is 0x30...0x39: its high nibble is 3, and adding 6 keeps it 3.
        return word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
            && (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
    }

    /// The value of eight ASCII digits, the first (most significant) in the lowest byte: digits
    /// are combined pairwise, then in fours, then in eights.
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        let digits = UInt64(littleEndian: word) &- 0x3030_3030_3030_3030
        let pairs = (digits &* 10 &+ (digits >> 8)) & 0x00FF_00FF_00FF_00FF
        let fours = (pairs &* 100 &+ (pairs >> 16)) & 0x0000_FFFF_0000_FFFF
        return (fours &* 10_000 &+ (fours >> 32)) & 0xFFFF_FFFF
    }

    /// Reads a double written as a JSON number, a numeric string, or "NaN"/"Infinity"/"-Infinity".
    mutating func readDouble(_ field: String) throws(JSONFailure) -> Double {
        guard let first = peek() else { throw failure("expected \(field) but found end of input") }
        let position = offset
        if first == UInt8(ascii: "\"") {
            let text = try readString()
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let value = Double(text), value.isFinite else {
                    throw failure("expected a number for \(field)", at: position)
                }
                return value
            }
        }
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw failure("expected a number for \(field) but found \(describeNext())")
        }
        let number = try scanNumber()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[number.start..<number.end]), as: UTF8.self)
        guard let value = Double(text) else { throw failure("invalid number for \(field)", at: position) }
        return value
    }

    /// Reads `true` or `false`.
    mutating func readBool(_ field: String) throws(JSONFailure) -> Bool {
        switch peek() {
        case UInt8(ascii: "t")?:
            try literal("true")
            return true
        case UInt8(ascii: "f")?:
            try literal("false")
            return false
        default:
            throw failure("expected true or false for \(field) but found \(describeNext())")
        }
    }
}
