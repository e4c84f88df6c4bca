import EHCPRules
import EHCPStore

/// Gathers review rows into plans (a plan's rows may be anywhere in the file) in memory that
/// does not grow with the number of plans or rows, and makes the checks that need the whole plan.
///
/// Holding every row until the file ended cost about 1.26 KB per plan (470 MB for 390,000
/// plans). Instead each row is encoded compactly (`ReviewRowCoding`) and goes through two
/// external sorts (`ExternalSorter`: radix sort in memory, runs on disk, stable merge):
/// 1. by case id, so a plan's rows come together, in file order (the sort is stable); the
///    first of them is the plan's first appearance;
/// 2. by that first appearance, so plans come out in the order the old dictionary-and-array
///    gave them, which fixes the order of cases.csv and the `sequence` numbers.
/// Only one plan's rows are decoded at a time. The bound: each sorter keeps at most
/// `memoryBudget` in memory (and as much again in read buffers while merging), so about
/// 3 × `memoryBudget` at the peak (12 MB at the default 4 MB), plus the rows of the largest
/// single plan, whatever the number of plans. Disk: about twice the encoded rows (~60 bytes
/// a row), in unlinked temporary files.
package struct ReviewPlans {
    package let directory: String
    package let memoryBudget: Int
    private var byCase: ExternalSorter
    /// Accepted rows so far; a row's number is its place in the file among accepted rows.
    package private(set) var count: UInt64 = 0
    private var key: [UInt8] = []
    private var payload: [UInt8] = []

    package init(directory: String, memoryBudget: Int = 4 << 20) {
        self.directory = directory
        self.memoryBudget = memoryBudget
        byCase = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
    }

    /// Sorter runs written to disk so far (tests check that a small budget really spills).
    package var spilledRuns: Int { byCase.spilledRuns }

    package mutating func add(_ row: ReviewRow) throws {
        ReviewRowCoding.groupingKey(row.caseID, into: &key)
        // The row's number first: the first row of each case gives the plan its place.
        payload.removeAll(keepingCapacity: true)
        ReviewRowCoding.putFixed(count, into: &payload)
        ReviewRowCoding.encode(row, into: &payload)
        try byCase.add(key: key, payload: payload)
        count += 1
    }

    /// Calls `body` with every plan in order of first appearance, its rows in file order, and
    /// the plan's case id that of its first row. Call once: the rows are handed over as read.
    package mutating func forEachPlan(_ body: (ReviewPlan) throws -> Void) throws {
        let directory = self.directory
        var byFirstRow = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        var previous: [UInt8] = []
        var first: UInt64 = 0
        var started = false
        var sortKey: [UInt8] = []
        try byCase.forEachSorted(spans: { key, payload in
            guard payload.count >= 8 else { throw Self.damaged(directory) }
            if !started || !Bytes.equal(key, previous.span) {
                previous.removeAll(keepingCapacity: true)
                Bytes.append(key, to: &previous)
                first = ReviewRowCoding.fixedUInt64(payload, at: 0)
                started = true
            }
            // Big-endian, so that byte order is number order.
            sortKey.removeAll(keepingCapacity: true)
            ReviewRowCoding.putFixed(first.byteSwapped, into: &sortKey)
            try byFirstRow.add(key: sortKey.span, payload: payload)
        })
        // The rows are all in the second sorter now: let the first one's memory go.
        byCase = ExternalSorter(directory: directory, memoryBudget: memoryBudget)

        var rows: [ReviewRow] = []
        var current: UInt64 = 0
        try byFirstRow.forEachSorted(spans: { key, payload in
            guard key.count == 8, payload.count >= 8, let row = ReviewRowCoding.decode(payload.extracting(8...)) else {
                throw Self.damaged(directory)
            }
            let plan = ReviewRowCoding.fixedUInt64(key, at: 0).byteSwapped
            if plan != current, let head = rows.first {
                try body(ReviewPlan(caseID: head.caseID, rows: rows))
                rows.removeAll(keepingCapacity: true)
            }
            current = plan
            rows.append(row)
        })
        if let head = rows.first { try body(ReviewPlan(caseID: head.caseID, rows: rows)) }
    }

    private static func damaged(_ directory: String) -> StorageError {
        .cannotRead(directory: directory, reason: "a review row read back from a temporary file is damaged")
    }

    /// What the checks that need the whole plan make of one plan: the rows kept for the
    /// rules (nil if none), the problems found, and how many rows they reject.
    package static func check(_ plan: ReviewPlan, context: ExtractContext) -> (plan: ReviewPlan?, problems: [DataQualityProblem], rejectedRows: Int) {
        var problems: [DataQualityProblem] = []
        var rejected = 0
        func problem(_ row: ReviewRow, _ field: String, _ value: String, _ severity: Severity, _ message: String) {
            problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: row.caseID,
                                               column: context.layout.columnName(field), value: value,
                                               severity: severity, problem: message))
        }
        let dates = plan.rows.compactMap(\.planDate)
        guard let planDate = dates.min() else {
            for row in plan.rows {
                problem(row, "plan_date", "", .error, "no row of plan \(plan.caseID) has a plan_date, so its reviews cannot be measured; give the date the plan was first issued on at least one row")
            }
            rejected += plan.rows.count
            return (nil, problems, rejected)
        }
        var kept: [ReviewRow] = []
        for row in plan.rows {
            if let own = row.planDate, own != planDate {
                problem(row, "plan_date", own.iso, .warning, "plan \(plan.caseID) has more than one plan_date; the earliest, \(planDate.iso), is used")
            }
            if let meeting = row.meetingDate, meeting < planDate {
                problem(row, "review_meeting_date", meeting.iso, .error, "review_meeting_date \(meeting.iso) is before the plan date \(planDate.iso)")
                rejected += 1
                continue
            }
            if let transfer = row.transferInDate, transfer < planDate {
                problem(row, "transfer_in_date", transfer.iso, .error, "transfer_in_date \(transfer.iso) is before the plan date \(planDate.iso); a plan is transferred after it is made")
                rejected += 1
                continue
            }
            kept.append(row)
        }
        checkTransferIn(&kept, caseID: plan.caseID, context: context, into: &problems)
        return (kept.isEmpty ? nil : ReviewPlan(caseID: plan.caseID, rows: kept), problems, rejected)
    }

    /// A plan transferred in (reg 15) has one transfer date and one notice: rows that
    /// disagree are warnings (the earliest of each is used, as for the plan date); a
    /// notice on a row without a transfer date that is before the plan's transfer date is
    /// unusable (read as blank, like a decision before its meeting); and a notice without
    /// a transfer date on any row is measured by nothing.
    private static func checkTransferIn(_ rows: inout [ReviewRow], caseID: String, context: ExtractContext,
                                        into problems: inout [DataQualityProblem]) {
        guard rows.contains(where: { $0.transferInDate != nil || $0.transferInNoticeDate != nil }) else { return }
        func problem(_ row: ReviewRow, _ field: String, _ value: String, _ severity: Severity, _ message: String) {
            problems.append(DataQualityProblem(file: context.file, line: row.line, caseID: row.caseID,
                                               column: context.layout.columnName(field), value: value,
                                               severity: severity, problem: message))
        }
        let transfer = rows.compactMap(\.transferInDate).min()
        for i in rows.indices {
            guard let own = rows[i].transferInNoticeDate, let transfer, own < transfer else { continue }
            problem(rows[i], "transfer_in_notice_date", own.iso, .error,
                    "transfer_in_notice_date \(own.iso) is before the plan's transfer_in_date \(transfer.iso); the field is read as blank, "
                        + "and the plan is not measured for \(MeasureID.transferInNotice6w.rawValue) unless another row gives the notice")
            problems[problems.count - 1].keepsRow = true
            rows[i].transferInNoticeDate = nil
            rows[i].unusable.append("transfer_in_notice_date")
        }
        let notice = rows.compactMap(\.transferInNoticeDate).min()
        for row in rows {
            if let own = row.transferInDate, let transfer, own != transfer {
                problem(row, "transfer_in_date", own.iso, .warning, "plan \(caseID) has more than one transfer_in_date; the earliest, \(transfer.iso), is used")
            }
            if let own = row.transferInNoticeDate, let notice, own != notice {
                problem(row, "transfer_in_notice_date", own.iso, .warning, "plan \(caseID) has more than one transfer_in_notice_date; the earliest, \(notice.iso), is used")
            }
            if transfer == nil, let own = row.transferInNoticeDate {
                problem(row, "transfer_in_notice_date", own.iso, .warning, "transfer_in_notice_date is given but no row of plan \(caseID) has a transfer_in_date; the notice is not measured")
            }
        }
    }
}
