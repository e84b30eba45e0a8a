import TraceAssembly
import TraceCharts
import TraceModel

/// Every span of a large trace as the trace page's script needs it to draw the waterfall's rows
/// as they scroll into view (the static drawing summarises above the row budget). A JSON object
/// written inside a `<script type="application/json">` block:
/// - `top`: where the rows begin in the static drawing (below its legend and ruler);
/// - `services` and `classes`: service names and their colour classes; `names`: operation names;
/// - per span, in the page's order (parents before children): `d` depth, `t` start after the
///   trace's start and `w` duration (nanoseconds), `s` service and `o` operation (indices into the
///   tables), `f` flags (1 failed, 2 on the critical path, 4 follows from its parent, 8 shifted for
///   clock skew), each a base64url variable-length quantity (`DataIsland.vlq`); `ids`: each span's
///   anchor on the page less its `span-` prefix, joined by commas.
struct WaterfallData {
    let trace: Trace

    func json(rowsTop: Double, palette: ServicePalette) -> String {
        let services = trace.services
        let serviceIndex = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1, $0) })
        var names: [String] = []
        var nameIndex: [String: Int] = [:]
        var columns = (d: [Int](), t: [UInt64](), w: [UInt64](), s: [Int](), o: [Int](), f: [Int]())
        var ids: [String] = []
        var anchors = SpanAnchors()
        for (index, span) in trace.spans.enumerated() {
            columns.d.append(trace.depth[index])
            columns.t.append(span.startTimeUnixNano >= trace.startTimeUnixNano ? span.startTimeUnixNano - trace.startTimeUnixNano : 0)
            columns.w.append(span.durationNano)
            columns.s.append(serviceIndex[span.service] ?? 0)
            if let known = nameIndex[span.name] {
                columns.o.append(known)
            } else {
                nameIndex[span.name] = names.count
                columns.o.append(names.count)
                names.append(span.name)
            }
            var flags = span.status.isError ? 1 : 0
            if trace.criticalPathNano[index] > 0 { flags |= 2 }
            if span.parentRelation == .followsFrom { flags |= 4 }
            if trace.clockSkewShiftNano[index] != 0 { flags |= 8 }
            columns.f.append(flags)
            ids.append(String(anchors.next(for: span.spanID).dropFirst(5)))
        }
        var out = "{\"top\":\(SVGNumber.format(rowsTop)),\"services\":\(DataIsland.jsonStrings(services)),"
        out += "\"classes\":\(DataIsland.jsonStrings(services.map(palette.colorClass))),\"names\":\(DataIsland.jsonStrings(names)),"
        out += "\"d\":\"\(DataIsland.vlq(columns.d))\",\"t\":\"\(DataIsland.vlq(columns.t))\",\"w\":\"\(DataIsland.vlq(columns.w))\","
        out += "\"s\":\"\(DataIsland.vlq(columns.s))\",\"o\":\"\(DataIsland.vlq(columns.o))\",\"f\":\"\(DataIsland.vlq(columns.f))\","
        out += "\"ids\":\"\(ids.joined(separator: ","))\"}"
        return out
    }
}
