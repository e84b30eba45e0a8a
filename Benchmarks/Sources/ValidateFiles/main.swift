import Dispatch
import Foundation
import XMLValidation

let folder = CommandLine.arguments[1]
let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
let documents = try names.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
let bytes = documents.reduce(0) { $0 + $1.utf8.count }
let validator = SVGValidator()
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    for document in documents { try validator.validate(document) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print("\(documents.count) documents, \(bytes) bytes: \(Int(seconds * 1000)) ms, \(Int(Double(bytes) / seconds / 1e6)) MB/s")
}
