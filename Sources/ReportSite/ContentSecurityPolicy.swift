import Foundation

/// The Content-Security-Policy every page carries: nothing may load from anywhere, no script
/// runs, and the only stylesheet allowed is the page's own inline one, pinned by its hash.
enum ContentSecurityPolicy {
    static func policy(forInlineStyle css: String) -> String {
        let hash = Data(SHA256.digest(Array(css.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(hash)'; img-src data:; base-uri 'none'; form-action 'none'"
    }
}
