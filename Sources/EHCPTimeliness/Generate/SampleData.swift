/// Writes a complete synthetic sample: the canonical extract, the same data as
/// another system exports it, and the profile that reads that export.
public enum SampleData {
    public static let requestsFile = "requests.csv"
    public static let otherSystemFile = "requests-other-system.csv"
    public static let otherSystemProfileFile = "other-system-profile.toml"

    /// Returns the file names written.
    public static func write(to folder: String, seed: UInt64, requests: Int, asAt: Day) throws -> [String] {
        try OutputFolder.makeFolders(folder)
        let generator = RequestGenerator(seed: seed, count: requests, asAt: asAt)
        try generator.writeCanonical(to: folder + "/" + requestsFile)
        try generator.writeOtherSystem(to: folder + "/" + otherSystemFile)
        try OutputFolder.writeFile(folder + "/" + otherSystemProfileFile, RequestGenerator.otherSystemProfile)
        return [requestsFile, otherSystemFile, otherSystemProfileFile]
    }
}
