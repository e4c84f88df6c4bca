import EHCPTimeliness
import EHCPOutputs
import EHCPStore
import EHCPRules

/// Writes a complete synthetic sample: the canonical requests extract, the same data as
/// another system exports it, the profile that reads that export, canonical reviews
/// and transfers extracts, and the council's term dates (`--term-dates`).
public enum SampleData {
    public static let requestsFile = "requests.csv"
    public static let otherSystemFile = "requests-other-system.csv"
    public static let otherSystemProfileFile = "other-system-profile.toml"
    public static let reviewsFile = "reviews.csv"
    public static let transfersFile = "transfers.csv"
    /// The synthetic council's school closures, for `--term-dates`.
    public static let termDatesFile = "term-dates.csv"
    /// Requests to re-assess a plan (`--reassessments`) and Tribunal orders (`--orders`).
    public static let reassessmentsFile = "reassessments.csv"
    public static let ordersFile = "orders.csv"
    /// The synthetic SEN2 return (`generate --sen2`), written on its own.
    public static let sen2File = "sen2.xml"

    /// Writes `requests` request rows, the reviews of `reviews` plans and `transfers`
    /// transfer rows. The reviews and transfers use seeds derived from `seed`
    /// (`seed &+ 1`, `seed &+ 2`), so the requests files do not depend on them.
    /// Returns the file names written.
    /// `reassessments` and `orders` rows (seeds `seed &+ 3`, `seed &+ 4`) come after the
    /// deliberate boundary rows of each; 0 writes no file.
    public static func write(to folder: String, seed: UInt64, requests: Int, reviews: Int, transfers: Int,
                             reassessments: Int = 0, orders: Int = 0, asAt: Day) throws -> [String] {
        try OutputFolder.makeFolders(folder)
        let generator = RequestGenerator(seed: seed, count: requests, asAt: asAt)
        try generator.writeCanonical(to: folder + "/" + requestsFile)
        try generator.writeOtherSystem(to: folder + "/" + otherSystemFile)
        try OutputFolder.writeFile(folder + "/" + otherSystemProfileFile, RequestGenerator.otherSystemProfile)
        try ReviewGenerator(seed: seed &+ 1, plans: reviews, asAt: asAt).write(to: folder + "/" + reviewsFile)
        try TransferGenerator(seed: seed &+ 2, count: transfers, asAt: asAt).write(to: folder + "/" + transfersFile)
        try TermDatesGenerator(asAt: asAt).write(to: folder + "/" + termDatesFile)
        var written = [requestsFile, otherSystemFile, otherSystemProfileFile, reviewsFile, transfersFile, termDatesFile]
        if reassessments > 0 {
            try ReassessmentGenerator(seed: seed &+ 3, count: reassessments, asAt: asAt).write(to: folder + "/" + reassessmentsFile)
            written.append(reassessmentsFile)
        }
        if orders > 0 {
            try OrderGenerator(seed: seed &+ 4, count: orders, asAt: asAt).write(to: folder + "/" + ordersFile)
            written.append(ordersFile)
        }
        return written
    }
}
