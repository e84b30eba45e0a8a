/// A bounded cache of the strings a decoder builds, so that text repeated across spans (operation
/// names, attribute keys and values, user agents, SQL) is built and held once instead of once per
/// span.
///
/// Two direct-mapped tables: a miss replaces the slot, so the cache stays small however many
/// distinct strings pass. Strings of up to 15 bytes live inside a String without an allocation;
/// their table is keyed by the bytes themselves, packed into two words, so that a hit costs a few
/// loads and no hashing of a byte loop and no UTF-8 validation. Longer strings are found by a hash
/// of their bytes and compared in full; very long ones rarely repeat and bypass the cache.
final class StringInterner {
    private static let smallSlotCount = 8_192
    private static let largeSlotCount = 4_096
    private static let largeLengths = 16...1_024

    private let smallKeys: UnsafeMutablePointer<SmallKey>
    private let smallStrings: UnsafeMutablePointer<String>
    private let largeHashes: UnsafeMutablePointer<UInt64>
    private let largeStrings: UnsafeMutablePointer<String?>

    /// Up to 15 bytes and their count, packed so that different texts give different keys.
    private struct SmallKey: Equatable {
        var first: UInt64
        var second: UInt64
    }

    init() {
        smallKeys = .allocate(capacity: Self.smallSlotCount)
        // A count of zero never reaches the table, so the zero key matches nothing.
        smallKeys.initialize(repeating: SmallKey(first: 0, second: 0), count: Self.smallSlotCount)
        smallStrings = .allocate(capacity: Self.smallSlotCount)
        smallStrings.initialize(repeating: "", count: Self.smallSlotCount)
        largeHashes = .allocate(capacity: Self.largeSlotCount)
        largeHashes.initialize(repeating: 0, count: Self.largeSlotCount)
        largeStrings = .allocate(capacity: Self.largeSlotCount)
        largeStrings.initialize(repeating: nil, count: Self.largeSlotCount)
    }

    deinit {
        smallStrings.deinitialize(count: Self.smallSlotCount)
        smallStrings.deallocate()
        smallKeys.deallocate()
        largeStrings.deinitialize(count: Self.largeSlotCount)
        largeStrings.deallocate()
        largeHashes.deallocate()
    }

    /// The String holding `bytes` (UTF-8; invalid sequences become U+FFFD, as `String(decoding:)`).
    @inline(__always)
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.count < 16 { return small(bytes) }
        return large(bytes)
    }

    /// Up to 15 bytes. The same bytes always decode to the same String (repairs included), so
    /// the table is keyed by the raw bytes.
    private func small(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        guard count > 0 else { return "" }
        let key = Self.pack(bytes)
        let mixed = (key.first &* 0x9E37_79B9_7F4A_7C15) ^ (key.second &* 0xC2B2_AE3D_27D4_EB4F)
        let slot = Int(truncatingIfNeeded: mixed >> 51)  // 13 bits: smallSlotCount
        if smallKeys[slot] == key { return smallStrings[slot] }
        let made = String(decoding: bytes, as: UTF8.self)
        smallKeys[slot] = key
        smallStrings[slot] = made
        return made
    }

    /// Packs 1 to 15 bytes and their count into two words with loads that stay inside the bytes;
    /// overlapping loads cover every byte, and the count (in the top byte) tells the overlaps apart.
    @inline(__always)
    private static func pack(_ bytes: UnsafeRawBufferPointer) -> SmallKey {
        let count = bytes.count
        let tag = UInt64(count) << 56
        if count >= 8 {
            let head = bytes.loadUnaligned(as: UInt64.self)
            let tail = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> 8
            return SmallKey(first: head, second: tail | tag)
        }
        if count >= 4 {
            let head = UInt64(bytes.loadUnaligned(as: UInt32.self))
            let tail = UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return SmallKey(first: head | tail << 32, second: tag)
        }
        let head = UInt64(bytes[0])
        let middle = UInt64(bytes[count / 2])
        let tail = UInt64(bytes[count - 1])
        return SmallKey(first: head | middle << 8 | tail << 16, second: tag)
    }

    /// 16 bytes or more: found by hash and compared in full; a string decoded from invalid UTF-8
    /// differs from its bytes, so it never matches them (they are simply decoded again).
    private func large(_ bytes: UnsafeRawBufferPointer) -> String {
        guard Self.largeLengths.contains(bytes.count) else { return String(decoding: bytes, as: UTF8.self) }
        let hash = ByteRuns.hash(bytes)
        let slot = Int(truncatingIfNeeded: hash) & (Self.largeSlotCount - 1)
        if largeHashes[slot] == hash, let cached = largeStrings[slot], Self.holds(cached, bytes) { return cached }
        let made = String(decoding: bytes, as: UTF8.self)
        largeHashes[slot] = hash
        largeStrings[slot] = made
        return made
    }

    /// Whether `string` is made of exactly `bytes`.
    private static func holds(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let same = string.utf8.withContiguousStorageIfAvailable { stored in
            ByteRuns.equal(UnsafeRawBufferPointer(stored), bytes)
        }
        return same ?? false
    }
}
