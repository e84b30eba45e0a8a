internal import CLibXML2

/// Gathers libxml2's structured errors for one operation.
class MessageCollector {
    var messages: [String] = []

    /// Runs `body` with an unretained pointer to this collector, for libxml2's `userData`.
    func withContext(_ body: (UnsafeMutableRawPointer) -> Void) {
        body(Unmanaged.passUnretained(self).toOpaque())
    }

    static func describe(_ error: UnsafePointer<xmlError>) -> String {
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        var text = Substring(message)
        while text.last?.isWhitespace == true { text.removeLast() }
        let file = error.pointee.file.map { String(cString: $0) } ?? "chart.svg"
        // Name the element, as xmllint does: "element rect: Type decimal doesn't allow value 'NaN'".
        var element = ""
        if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), let name = node.pointee.name {
            element = "element \(String(cString: name)): "
        }
        let line = error.pointee.line > 0 ? "\(error.pointee.line):" : ""
        return "\(file):\(line) \(element)\(text)"
    }
}

/// libxml2's structured error callback: appends the message to the collector in `userData`.
let collectMessage: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let collector = Unmanaged<MessageCollector>.fromOpaque(userData).takeUnretainedValue()
    collector.messages.append(MessageCollector.describe(error))
}
