import EHCPStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input file and the extract kind it holds.
public struct InputFile: Sendable, Equatable {
    public var kind: ExtractKind
    /// The path as the user gave it (outputs name files this way, never absolutely).
    public var path: String
    public init(kind: ExtractKind, path: String) { self.kind = kind; self.path = path }
}

/// What reading the extracts depends on: the files, the profile, how the bytes are
/// read, how many threads read them and where temporary files go.
public struct InputSettings: Sendable {
    public var inputs: [InputFile]
    /// The council's school closures (`--term-dates`), read before the extracts; nil
    /// leaves `school_closure` claims unchecked.
    public var termDatesPath: String?
    public var profilePath: String?
    /// A key file: when given, `case_id` and `person_id` are replaced by keyed hashes in every output.
    public var pseudonymiseKeyPath: String?
    /// Text encoding of the extracts; nil takes the profile's, else `.auto`.
    public var encoding: TextEncoding?
    /// Pinned delimiter; nil detects it from each header line (or takes the profile's).
    public var delimiter: UInt8?
    /// Threads that read one large extract in parallel; 1 reads every file in one pass.
    /// The outputs are the same bytes either way.
    public var jobs: Int = InputSettings.defaultJobs
    /// Extracts of at least this many bytes are read in parallel (tests lower it).
    package var parallelThreshold = 8 << 20
    /// A thread with no chunk left splits another's unread rest when it is at least this
    /// long (`ChunkQueue`): about 30 ms of reading here, each half worth more than the few
    /// milliseconds a new part costs (tests lower it, to split small files).
    package var minimumSplit = 2 << 20
    /// Where temporary files of a run go (cases and the action list wait there until written).
    public var scratchDirectory: String = ScratchSpace.directory
    /// Show a progress line on stderr (the command line sets this when stderr is a terminal).
    public var showProgress = false
    /// Which copy of a repeated case is analysed.
    public var duplicates: DuplicatePolicy = .first

    /// One thread per core, at most 8.
    public static var defaultJobs: Int { max(1, min(8, ProcessorCount.online)) }

    public init(inputs: [InputFile]) { self.inputs = inputs }
}

/// Which row of a case that appears more than once (the same `case_id` in requests; the
/// same case, type and date in transfers) is analysed; the others are rejected, and each
/// rejection names the fields in which the copies differ.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// The first row in the file (the default, and the only choice for input that cannot be read twice).
    case first
    /// The last row: in exports that append a case's newer state, the current one.
    case last
    /// None: every copy is rejected, so that nobody relies on a guess.
    case reject

    /// Of `count` copies in file order, the one analysed (nil: none) and, for each other
    /// copy `i`, the one it is compared with: the copy kept, or (none kept) the first,
    /// itself compared with the second.
    package func kept(of count: Int) -> Int? {
        switch self {
        case .first: 0
        case .last: count - 1
        case .reject: nil
        }
    }

    package func reference(for i: Int, of count: Int) -> Int { kept(of: count) ?? (i == 0 ? 1 : 0) }
}

/// The number of processors available to this process.
package enum ProcessorCount {
    package static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
