import Foundation

/// The Content-Security-Policy every page carries: nothing may load from anywhere, and the only
/// stylesheet (and, on pages that have one, the only script) allowed is the page's own inline
/// one, pinned by its hash.
enum ContentSecurityPolicy {
    static func policy(forInlineStyle css: String, inlineScript script: String? = nil) -> String {
        let scripts = script.map { "script-src '\(hash($0))'; " } ?? ""
        return "\(signature)\(hash(css))'; \(scripts)img-src data:; base-uri 'none'; form-action 'none'"
    }

    /// How every policy begins: what tells a page tracereport wrote (`SingleFile.refusal`).
    static let signature = "default-src 'none'; style-src '"

    private static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.digest(Array(text.utf8))).base64EncodedString()
    }
}
