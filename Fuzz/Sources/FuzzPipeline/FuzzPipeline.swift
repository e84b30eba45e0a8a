// libFuzzer entry point for the whole pipeline: each input goes through format recognition,
// decompression and decoding, then assembly (clock skew adjusted, or not, or without limit, by
// the input's length), analysis, and every page of a site with a page for every trace, with every
// chart validated, in memory (TestSupport's WholeSite). Anything may be rejected with a
// positioned error; nothing may trap, hang, read out of bounds or draw an invalid chart.
import Foundation
import LibFuzzerDriver
import TestSupport
import TraceAssembly
import TraceImport
import TraceModel

@_cdecl("FuzzPipeline_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzz(data, size) }
}

private let assemblies = [
    AssemblyOptions(),
    AssemblyOptions(adjustClockSkew: true, maximumClockSkewNano: .max, maximumSpansPerTrace: 5),
    AssemblyOptions(adjustClockSkew: false),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var spans: [Span] = []
    do {
        try SpanFileReader().decode(bytes, name: "fuzz", into: &spans)
    } catch {
        // A rejected input must say where: an error without a position is a bug.
        if error.line == nil && error.offset == nil { fatalError("error without a position: \(error)") }
        return 0
    }
    guard !spans.isEmpty else { return 0 }
    do {
        _ = try WholeSite.render(spans, assembly: assemblies[size % assemblies.count], rowBudget: size % 2 == 0 ? 2_000 : 4)
    } catch {
        fatalError("the site of a decoded input failed: \(error)")
    }
    return 0
}
