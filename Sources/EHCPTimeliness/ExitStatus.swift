/// The exit statuses of every command: the contract that scripts and cron jobs rely on
/// (README, "Usage" and "The action list for cron"). The executable exits only with these.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    /// The outputs were written, or the action list was printed (or is empty).
    case success = 0
    /// `exceptions --fail-on-overdue`, and a listed case is overdue (after printing).
    case overdue = 1
    /// A fatal problem in the input or the set-up stopped the run before any output.
    case fatal = 2
    /// A mistake in the command line (swift-argument-parser's `EX_USAGE`).
    case usage = 64

    /// What the status means, for help text and documentation.
    public var meaning: String {
        switch self {
        case .success: return "outputs written, or the list printed (or empty)"
        case .overdue: return "--fail-on-overdue and a listed case is overdue"
        case .fatal: return "a fatal problem stopped the run before any output was written"
        case .usage: return "a mistake in the command line"
        }
    }
}
