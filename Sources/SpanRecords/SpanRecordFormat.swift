/// tracereport's own binary format for spans: what the `partition` stage writes and `build`
/// reads, what a run larger than its memory spills to disk, and how `build` keeps its traces for
/// `merge`. Every field of a span survives the round trip.
///
/// A file is the 8-byte magic `TRSPANS` + version byte, the 16-byte identity of the run that
/// wrote it (a partition run's: see `PartitionManifest.run`; zeros for none), the partition it
/// holds and how many the run wrote (4-byte little-endian each; zeros for none), then chunks, each
/// a 4-byte little-endian length, the 4-byte little-endian CRC-32C of its records, and that many
/// bytes of records. A chunk whose checksum does not match is refused: a flipped bit never
/// becomes a wrong span. Every chunk stands alone: its resources, scopes and string table start
/// empty, so a chunk can be read by its offset without the rest of the file. A record is a kind
/// byte and its fields:
///
/// - resource (1): id, schema URL, attributes: defined once per chunk, before the first span
///   that names it;
/// - scope (2): id, name, version, attributes: likewise;
/// - span (3): trace id (16 bytes, big-endian), span id (8), parent id (8, zero for none),
///   start and end (8 each, nanoseconds), flags byte (bit 0: FOLLOWS_FROM parent, bit 1: shares
///   its client's id), kind, status code, status message, name, resource id, scope id, trace
///   state, W3C flags, attributes, events, links, warnings;
/// - span id location (4): span id (8), trace id (16), service, operation: where a span id was
///   seen, for the check of span ids used in more than one trace (see `SpanIDLocation`).
///
/// Integers are LEB128 varints (signed ones zigzag-encoded) unless a width is given. Strings are a
/// varint `n`: 0 for the empty string; `2 × length + 1` and the UTF-8 bytes for a string written
/// out (which, if it is at most `tableableLength` bytes and the table is not full, also takes the
/// next number in the file's string table); or `2 × (number + 1)` for a string of the table.
/// Attribute values are a tag byte (`ValueTag`) and the value; lists and key-value lists nest at
/// most `maximumDepth` deep. A chunk holds whole records.
public enum SpanRecordFormat {
    /// The first bytes of every file: "TRSPANS" and the version.
    public static let magic: [UInt8] = Array("TRSPANS".utf8) + [version]
    /// Changes whenever the layout changes; readers refuse other versions.
    public static let version: UInt8 = 2
    /// Where the writing run's identity is, and its length.
    public static let identityRange = 8..<24
    /// Where the partition and the partition count are.
    static let partitionRange = 24..<32
    /// The bytes before the first chunk.
    public static let headerLength = partitionRange.upperBound
    /// The bytes before a chunk's records: its length and checksum.
    public static let chunkPrefixLength = 8
    /// Strings up to this long are numbered in the chunk's table when first written.
    static let tableableLength = 64
    /// The string table stops growing at this many entries.
    static let tableLimit = 1 << 16
    /// How deeply attribute values nest.
    public static let maximumDepth = 64

    enum RecordKind: UInt8 {
        case resource = 1
        case scope = 2
        case span = 3
        case spanIDLocation = 4
    }

    enum ValueTag: UInt8 {
        case empty = 0
        case string = 1
        case boolFalse = 2
        case boolTrue = 3
        case int = 4
        case double = 5
        case bytes = 6
        case array = 7
        case keyValueList = 8
    }

    /// Whether `bytes` begins like a span records file (of any version).
    public static func recognises(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count - 1 && zip(bytes.prefix(magic.count - 1), magic).allSatisfy { $0 == $1 }
    }
}
