import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import ReportSite

enum TraceAssemblerHelper {
    static func traces(_ spans: [Span]) -> [Trace] { TraceAssembler().assemble(spans) }
}

@Test(arguments: [
    (UInt64(0), "1970-01-01 00:00:00.000"),
    (951_782_400_123_000_000, "2000-02-29 00:00:00.123"),
    (1_544_712_660_000_000_000, "2018-12-13 14:51:00.000"),
    (4_102_444_799_999_000_000, "2099-12-31 23:59:59.999"),
])
func utcTimesMatchTheCalendar(_ nanoseconds: UInt64, _ text: String) {
    #expect(UTCTime.string(unixNano: nanoseconds) == text)
}

@Test func utcTimesAgreeWithFoundationsCalendar() throws {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
    var random = SplitMix64(seed: 11)
    for nanoseconds in [UInt64.max, UInt64.max - 999_999_999] + (0..<2_000).map({ _ in random.next() }) {
        let seconds = nanoseconds / 1_000_000_000
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        let expected = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
            parts.second!, Int(nanoseconds / 1_000_000 % 1000))
        #expect(UTCTime.string(unixNano: nanoseconds) == expected)
    }
}

@Test func timesCanBeShownInANamedZone() throws {
    let winter: UInt64 = 1_544_712_660_000_000_000  // 2018-12-13 14:51 UTC
    let summer: UInt64 = 1_530_000_000_000_000_000  // 2018-06-26 08:00 UTC
    let berlin = try #require(TimeDisplay(identifier: "Europe/Berlin"))
    #expect(berlin.name == "Europe/Berlin")
    #expect(berlin.string(unixNano: winter) == "2018-12-13 15:51:00.000")
    #expect(berlin.string(unixNano: summer) == "2018-06-26 10:00:00.000")
    #expect(TimeDisplay(identifier: "UTC")?.string(unixNano: winter) == "2018-12-13 14:51:00.000")
    #expect(TimeDisplay(identifier: "Mars/Olympus_Mons") == nil)
}

@Test func sha256MatchesPublishedVectors() {
    func hex(_ text: String) -> String {
        SHA256.digest(Array(text.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
    #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hex(String(repeating: "a", count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
}

@Test func inlineJSONCannotCloseItsScriptBlock() {
    #expect(
        DataIsland.jsonString("a</script><!--\u{2028}\u{2029}&\"\\\u{1}") == #""a\u003c/script\u003e\u003c!--\u2028\u2029\u0026\"\\\u0001""#
    )
}
