import Foundation
import Testing

/// The helpers the end-to-end tests stand on.
@Suite struct SupportTests {
    /// A child that fills its stderr pipe before writing stdout: reading stdout to its end
    /// first would wait for ever.
    @Test func aChildWithALongStderrIsReadWithoutDeadlock() throws {
        let run = try CLI.run(["-c", "head -c 300000 /dev/zero | tr '\\\\0' e >&2; echo done"], executable: "/bin/sh")
        #expect(run.status == 0)
        #expect(run.stdout == "done\n")
        #expect(run.stderr.utf8.count == 300_000)
    }
}
