import EHCPRules
import EHCPStore
import EHCPIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress indicator on stderr for long runs. The command line turns it on
/// only when stderr is a terminal, so cron mails and logs never see it.
package final class Progress {
    private let enabled: Bool
    private var lastUpdate: Double = 0
    private var shown = false

    package init(enabled: Bool) {
        self.enabled = enabled
        lastUpdate = Self.now()
    }

    /// Called every few thousand rows; draws at most five times a second.
    package func update(file: String, rows: Int, reader: CSVReader) {
        guard enabled, rows & 4095 == 0, due() else { return }
        var st = stat()
        let position = lseek(reader.fileDescriptor, 0, SEEK_CUR)
        let total = fstat(reader.fileDescriptor, &st) == 0 ? Int(st.st_size) : 0
        show(file: file, rows: rows, position: Int(position), total: total)
    }

    /// For a file read in chunks: the rows and position the reader estimates.
    package func update(file: String, rows: Int, position: Int, total: Int) {
        guard enabled, rows & 4095 == 0, due() else { return }
        show(file: file, rows: rows, position: position, total: total)
    }

    private func due() -> Bool {
        let t = Self.now()
        guard t - lastUpdate >= 0.2 else { return false }
        lastUpdate = t
        return true
    }

    private func show(file: String, rows: Int, position: Int, total: Int) {
        Self.write("\r\u{1B}[K" + Self.line(file: file, rows: rows, position: position, total: total))
        shown = true
    }

    /// Clears the line before the summary is printed.
    package func finish() {
        guard shown else { return }
        Self.write("\r\u{1B}[K")
        shown = false
    }

    /// "reading requests.csv: 45 % (450,000 rows)"
    package static func line(file: String, rows: Int, position: Int, total: Int) -> String {
        let percent = total > 0 && position >= 0 ? " \(min(100, position * 100 / total)) %" : ""
        return "reading \(file):\(percent) (\(grouped(rows)) rows)"
    }

    /// 1234567 → "1,234,567"
    package static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func write(_ text: String) { WriteAll.text(2, text) }
}
