/// The release of tracereport: what `tracereport --version` prints and `summary.json` names as
/// its generator. The one place it is written; raise it with every release.
public enum Release {
    public static let version = "0.9.0"
    /// "tracereport 0.9.0".
    public static let generator = "tracereport \(version)"
}
