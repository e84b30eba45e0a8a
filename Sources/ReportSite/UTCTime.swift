import Foundation

/// Timestamps as UTC calendar text, computed without locale or time-zone lookups.
enum UTCTime {
    /// "2024-01-15 14:30:00.123" for Unix nanoseconds (milliseconds kept). Unsigned 64-bit
    /// nanoseconds end in the year 2554, so the year always has four digits.
    static func string(unixNano: UInt64) -> String {
        let milliseconds = unixNano / 1_000_000
        let seconds = milliseconds / 1000
        let days = Int64(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        // Written digit by digit into the string's own storage: this runs for every span listed.
        return String(unsafeUninitializedCapacity: 23) { text in
            func put(_ value: Int, width: Int, at start: Int, then separator: UInt8?) {
                var rest = value
                for position in (start..<(start + width)).reversed() {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                if let separator { text[start + width] = separator }
            }
            put(year, width: 4, at: 0, then: UInt8(ascii: "-"))
            put(month, width: 2, at: 5, then: UInt8(ascii: "-"))
            put(day, width: 2, at: 8, then: UInt8(ascii: " "))
            put(secondOfDay / 3600, width: 2, at: 11, then: UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, width: 2, at: 14, then: UInt8(ascii: ":"))
            put(secondOfDay % 60, width: 2, at: 17, then: UInt8(ascii: "."))
            put(Int(milliseconds % 1000), width: 3, at: 20, then: nil)
            return 23
        }
    }

    /// Year, month and day of the proleptic Gregorian calendar for days since 1970-01-01
    /// (Howard Hinnant's days-to-civil algorithm).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

/// How pages show times: UTC by default, or the local time of a named zone (`--time-zone`),
/// with the zone named wherever a time appears.
public struct TimeDisplay: Sendable {
    public static let utc = TimeDisplay(zone: nil)

    let zone: TimeZone?

    private init(zone: TimeZone?) {
        self.zone = zone
    }

    /// A display for an IANA zone such as "Europe/Berlin" ("UTC" gives plain UTC); nil when the
    /// zone is unknown.
    public init?(identifier: String) {
        if identifier == "UTC" {
            self = .utc
            return
        }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// "UTC", or the zone's identifier.
    public var name: String { zone?.identifier ?? "UTC" }

    /// "2024-01-15 14:30:00.123" in this display's zone.
    func string(unixNano: UInt64) -> String {
        guard let zone else { return UTCTime.string(unixNano: unixNano) }
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(unixNano / 1_000_000_000))))
        let shifted = Int64(clamping: unixNano) + offset * 1_000_000_000
        return UTCTime.string(unixNano: UInt64(max(0, shifted)))
    }
}
