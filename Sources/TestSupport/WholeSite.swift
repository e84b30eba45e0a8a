import Foundation
public import ReportSite
import SpanRecords
import TraceAnalysis
public import TraceAssembly
public import TraceModel

/// Everything a run makes of some spans, in memory: for property tests and the pipeline fuzzer.
public enum WholeSite {
    /// The built-in templates, compiled once.
    private static let templates = Result { try TemplateSet() }

    /// Every file of the site of `spans` with a page for every trace (`--select all`), and every
    /// trace's incident page (`tracereport trace`) under `incident/`. On the way the spans go
    /// through span records (what `partition` writes) and the report through JSON (what `build`
    /// writes and `merge` reads), so that those readers meet the same values.
    /// - Throws: `ReportError` (a chart failing validation is a bug), or a span-record or JSON
    ///   failure on reading back what was just written (also a bug).
    public static func render(
        _ spans: [Span], assembly: AssemblyOptions = AssemblyOptions(), rowBudget: Int = ReportBuilder.defaultRowBudget
    ) throws -> [String:
        String]
    {
        let writer = SpanRecordWriter()
        for span in spans { writer.append(span) }
        var records = SpanRecordWriter.header()
        records += writer.takeChunk()
        var read: [Span] = []
        try records.withUnsafeBytes { bytes in try SpanRecordReader.decode(bytes, into: &read) }

        let places = InstrumentationHealth.Tally.spanIDsInSeveralTraces(in: read)
        let traces = TraceAssembler(options: assembly).assemble(read, workers: 2)
        let built = PartialReport(traces: traces, keyAttributes: InstrumentationHealth.defaultKeyAttributes, spanIDsInSeveralTraces: places)
        let report = try JSONDecoder().decode(PartialReport.self, from: JSONEncoder().encode(built))

        let templates = try Self.templates.get()
        let builder = ReportBuilder(templates: templates, rowBudget: rowBudget)
        var options = ReportBuilder.Options()
        options.selection.all = true
        let site = SiteInMemory()
        let inputs = [ReportBuilder.Input(path: "extreme.json", byteCount: records.count, spanCount: spans.count, format: "OTLP JSON")]
        _ = try builder.write(report: report, inputs: inputs, options: options, pages: TracesInMemory(traces), to: site)
        for trace in traces {
            try site.write(try builder.incidentPage(trace, path: "incident.html"), to: "incident/\(trace.traceID.hex).html")
        }
        return site.files
    }
}
