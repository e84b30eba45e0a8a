/// The file tracereport writes into every folder it makes (a site, partitions, a built part): it
/// marks the folder as one tracereport may replace, and as one that is not read as input.
public enum OutputMarker {
    public static let fileName = ".tracereport-site"
}
