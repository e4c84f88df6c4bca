import EHCPRules
import EHCPStore
import EHCPIngest

/// The rows of DfE's `timeliness_20_week.csv` that the benchmark uses: calendar years,
/// breakdown "All EHC plans issued", the rate excluding exceptions
/// (`PC_plans_issued_20_weeks_ex`) for England, each region and each local authority.
///
/// Rates are kept as read (with their line) and turned into numbers only when used, so
/// an odd value in another council's row does not stop a run.
public struct PublishedTimeliness: Sendable {
    /// A published percentage as read: a number, blank, or a DfE code (x, z, c).
    package struct Value: Sendable, Equatable {
        package var text: String
        package var line: Int
    }

    /// One local authority's row for one year.
    package struct Authority: Sendable, Equatable {
        package var year: Int
        package var oldCode: String
        package var newCode: String
        package var name: String
        package var regionCode: String
        package var regionName: String
        package var rate: Value
    }

    /// The file as named in messages and outputs.
    public let file: String
    /// Calendar years the file covers, ascending.
    public private(set) var years: [Int] = []
    package var england: [Int: Value] = [:]
    /// Region code → year → rate.
    package var regions: [String: [Int: Value]] = [:]
    /// Local authority rows in file order.
    package var authorities: [Authority] = []

    /// The column holding the rate excluding exceptions.
    package static let rateColumn = "PC_plans_issued_20_weeks_ex"
    package static let columns = ["time_period", "time_identifier", "geographic_level", "region_code", "region_name",
                          "new_la_code", "old_la_code", "la_name", "breakdown_topic", "breakdown", rateColumn]
    package static let allPlans = "All EHC plans issued"

    /// Reads `path` (named `file` in messages) with the libcsv reader.
    public init(path: String, file: String) throws {
        self.file = file
        let reader: CSVReader
        do { reader = try CSVReader(path: path, delimiter: UInt8(ascii: ",")) } catch {
            throw BenchmarkError.unreadable(file: file, reason: error.description)
        }
        var index: [Int]?
        var seenYears = Set<Int>()
        var england: [Int: Value] = [:]
        var regions: [String: [Int: Value]] = [:]
        var authorities: [Authority] = []
        do {
            try reader.read(onRow: { row in
                guard let columns = index else {
                    let header = (0..<row.count).map { Self.key(row.string($0)) }
                    let missing = Self.columns.filter { !header.contains(Self.key($0)) }
                    guard missing.isEmpty else { throw BenchmarkError.missingColumns(file: file, columns: missing) }
                    index = Self.columns.map { name in header.firstIndex(of: Self.key(name))! }
                    return
                }
                func cell(_ i: Int) -> String { row.string(columns[i]) }
                guard cell(1).lowercased() == "calendar year",
                      cell(8) == Self.allPlans, cell(9) == Self.allPlans else { return }
                guard let year = Int(cell(0)), (1900...2999).contains(year) else {
                    throw BenchmarkError.invalidValue(file: file, line: row.line, column: "time_period", value: cell(0))
                }
                let rate = Value(text: cell(10), line: row.line)
                switch cell(2).lowercased() {
                case "national":
                    if england[year] == nil { england[year] = rate }
                case "regional":
                    if regions[cell(3), default: [:]][year] == nil { regions[cell(3), default: [:]][year] = rate }
                case "local authority":
                    authorities.append(Authority(year: year, oldCode: cell(6), newCode: cell(5).uppercased(), name: cell(7),
                                                        regionCode: cell(3), regionName: cell(4), rate: rate))
                default:
                    return
                }
                seenYears.insert(year)
            }, onProblem: { problem in
                throw BenchmarkError.malformed(file: file, line: problem.line, column: problem.column, message: problem.message)
            })
        } catch let error as BenchmarkError {
            throw error
        } catch let error as InputError {
            throw BenchmarkError.unreadable(file: file, reason: error.description)
        }
        guard index != nil else { throw BenchmarkError.noHeader(file: file) }
        guard !seenYears.isEmpty else { throw BenchmarkError.noRows(file: file) }
        self.years = seenYears.sorted()
        self.england = england
        self.regions = regions
        self.authorities = authorities
    }

    /// Header names match ignoring case and surrounding spaces (DfE mixes `pc_` and `PC_`).
    package static func key(_ name: String) -> String {
        var s = Substring(name.lowercased())
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// A published percentage: nil for blank and for DfE's codes x (not available),
    /// z (not applicable) and c (suppressed); an error for anything else that is not
    /// a percentage.
    package func rate(_ value: Value?) throws -> Double? {
        guard let value else { return nil }
        let text = Self.key(value.text)
        if text.isEmpty || text == "x" || text == "z" || text == "c" { return nil }
        guard let number = Double(text), number.isFinite, number >= 0, number <= 100 else {
            throw BenchmarkError.invalidValue(file: file, line: value.line, column: Self.rateColumn, value: value.text)
        }
        return number
    }
}
