import ArgumentParser
import ReportStages
import TraceModel

/// A duration on the command line: a number with a unit, such as 500us, 30s or 1m.
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible {
    let nanoseconds: UInt64
    /// As it was written, for help's defaults.
    let description: String

    init(nanoseconds: UInt64, written: String) {
        (self.nanoseconds, description) = (nanoseconds, written)
    }

    init?(argument: String) {
        guard let nanoseconds = DurationFormat.nanoseconds(parsing: argument) else { return nil }
        self.init(nanoseconds: nanoseconds, written: argument)
    }

    /// The duration `text` gives, or an error saying what is wanted.
    static func parse(_ text: String) throws -> DurationArgument {
        guard let duration = DurationArgument(argument: text) else {
            throw ValidationError("wants a duration with a unit, such as 500us, 30s or 1m, not '\(text)'")
        }
        return duration
    }
}

/// A size on the command line, such as 800M or 4G.
struct SizeArgument: ExpressibleByArgument, CustomStringConvertible {
    let bytes: Int
    /// As it was written.
    let description: String

    init?(argument: String) {
        guard let bytes = MemoryBudget.bytes(parsing: argument) else { return nil }
        (self.bytes, description) = (bytes, argument)
    }

    /// The size `text` gives, or an error saying what is wanted.
    static func parse(_ text: String) throws -> SizeArgument {
        guard let size = SizeArgument(argument: text) else {
            throw ValidationError("wants a size of at least 16M, such as 800M or 4G, not '\(text)'")
        }
        return size
    }
}
