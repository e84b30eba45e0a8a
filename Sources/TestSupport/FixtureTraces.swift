import Foundation
public import TraceAssembly
import TraceImport
import TraceModel

/// Traces assembled from files of `../shared/fixtures`.
public enum FixtureTraces {
    /// Every trace of one fixture file, e.g. `zipkin-json/zipkin-lens__skew.json`.
    public static func all(_ relativePath: String, options: AssemblyOptions = AssemblyOptions()) throws -> [Trace] {
        var spans: [Span] = []
        guard let folder = Fixtures.sharedDirectory else { return [] }
        _ = try SpanFileReader().read(folder.appendingPathComponent(relativePath).path, into: &spans)
        return TraceAssembler(options: options).assemble(spans)
    }

    /// The one trace of a fixture file.
    public static func single(_ relativePath: String, options: AssemblyOptions = AssemblyOptions()) throws -> Trace {
        let traces = try all(relativePath, options: options)
        precondition(traces.count == 1, "\(relativePath) holds \(traces.count) traces")
        return traces[0]
    }
}
