import CShims

/// The process's freed memory.
public enum FreedMemory {
    /// Hands memory freed so far back to the system. glibc keeps a freed chunk that lies
    /// between live ones resident; after an analysis that is several megabytes, which
    /// then count again in the peak of whatever the run does next.
    public static func giveBack() { ehcp_return_freed_memory() }
}
