import EHCPRules
import EHCPStore

/// A review row as compact bytes, so that `ReviewPlans` can hand rows to an external sort
/// instead of keeping a `ReviewRow` (with its Strings and Arrays) per row in memory.
///
/// Layout (the bytes never leave this process, so byte order is little-endian throughout
/// and there is no version): the line (varint); a mask of which dates are present (plan,
/// meeting, decision, notice, amended plan, ceased, date of birth, no amendment, transfer
/// in, transfer-in notice: bits 0–9, as a varint); a byte with the decision (0 none, 1 +
/// its index in `ReviewDecision.allCases`) and whether team (bit 4) and caseworker (bit 5)
/// are present; a byte with the exception ground (0 none, 1 + its index in
/// `ExceptionCode.allCases`; an unrecognised reason was reported when read and counts as
/// none); each present date as a 4-byte day number; the case id; the cohort values (count,
/// then each); the age-band slots (count, then each); team and caseworker if present; a
/// byte of the unusable fields. Strings are a varint length then UTF-8 bytes. A typical
/// row of the generator's extract takes about 60 bytes.
package enum ReviewRowCoding {
    package static func encode(_ row: ReviewRow, into bytes: inout [UInt8]) {
        putVarint(UInt64(row.line), into: &bytes)
        let dates = [row.planDate, row.meetingDate, row.decisionDate, row.amendmentNoticeDate, row.amendedPlanDate,
                     row.ceasedDate, row.cohort.dateOfBirth, row.noAmendmentDate, row.transferInDate, row.transferInNoticeDate]
        var mask: UInt64 = 0
        for (bit, date) in dates.enumerated() where date != nil { mask |= 1 << UInt64(bit) }
        putVarint(mask, into: &bytes)
        var flags: UInt8 = row.decision.flatMap { d in ReviewDecision.allCases.firstIndex(of: d).map { UInt8($0 + 1) } } ?? 0
        if row.cohort.team != nil { flags |= 1 << 4 }
        if row.cohort.caseworker != nil { flags |= 1 << 5 }
        bytes.append(flags)
        bytes.append(row.exception.code.flatMap { c in ExceptionCode.allCases.firstIndex(of: c).map { UInt8($0 + 1) } } ?? 0)
        for date in dates {
            guard let date else { continue }
            putFixed(UInt32(bitPattern: date.number), into: &bytes)
        }
        put(row.caseID, into: &bytes)
        putVarint(UInt64(row.cohort.values.count), into: &bytes)
        for value in row.cohort.values { put(value, into: &bytes) }
        putVarint(UInt64(row.cohort.ageBandSlots.count), into: &bytes)
        for slot in row.cohort.ageBandSlots { putVarint(UInt64(slot), into: &bytes) }
        if let team = row.cohort.team { put(team, into: &bytes) }
        if let caseworker = row.cohort.caseworker { put(caseworker, into: &bytes) }
        var unusable: UInt8 = 0
        for (bit, name) in unusableNames.enumerated() where row.unusable.contains(name) { unusable |= 1 << bit }
        bytes.append(unusable)
    }

    /// The fields of a reviews row that can be unusable yet keep the row, by bit.
    private static let unusableNames = ["review_decision_date", "review_decision", "amendment_notice_date",
                                        "amended_plan_date", "ceased_date", "no_amendment_date", "transfer_in_notice_date"]

    /// The dates a row may hold, by bit of the mask.
    private static let dateCount = 10

    /// The row `encode` wrote; nil if the bytes are not one whole encoded row (a temporary
    /// file damaged under us: the caller reports it rather than trapping).
    package static func decode(_ bytes: Span<UInt8>) -> ReviewRow? {
        var r = Reader(count: bytes.count)
        guard let line = r.varint(bytes), let mask = r.varint(bytes), mask < 1 << UInt64(dateCount), let flags = r.byte(bytes),
              let ground = r.byte(bytes), Int(ground) <= ExceptionCode.allCases.count else { return nil }
        var dates = [Day?](repeating: nil, count: dateCount)
        for bit in 0..<dateCount where mask & (1 << UInt64(bit)) != 0 {
            guard let number = r.int32(bytes) else { return nil }
            dates[bit] = Day(number: number)
        }
        let decisionCode = Int(flags & 0x0F)
        guard decisionCode <= ReviewDecision.allCases.count else { return nil }
        let decision = decisionCode == 0 ? nil : ReviewDecision.allCases[decisionCode - 1]
        guard let caseID = r.string(bytes), let valueCount = r.varint(bytes) else { return nil }
        var values: [String] = []
        for _ in 0..<valueCount {
            guard let v = r.string(bytes) else { return nil }
            values.append(v)
        }
        guard let slotCount = r.varint(bytes) else { return nil }
        var slots: [Int] = []
        for _ in 0..<slotCount {
            guard let s = r.varint(bytes) else { return nil }
            slots.append(Int(s))
        }
        var team: String?, caseworker: String?
        if flags & (1 << 4) != 0 { guard let t = r.string(bytes) else { return nil }; team = t }
        if flags & (1 << 5) != 0 { guard let c = r.string(bytes) else { return nil }; caseworker = c }
        guard let unusable = r.byte(bytes), r.atEnd, let lineNumber = Int(exactly: line) else { return nil }
        var row = ReviewRow(caseID: caseID, line: lineNumber, planDate: dates[0], meetingDate: dates[1], decisionDate: dates[2],
                            decision: decision, amendmentNoticeDate: dates[3], amendedPlanDate: dates[4], noAmendmentDate: dates[7],
                            ceasedDate: dates[5], transferInDate: dates[8], transferInNoticeDate: dates[9],
                            exception: ground == 0 ? .none : .code(ExceptionCode.allCases[Int(ground) - 1]),
                            cohort: Cohort(values: values, ageBandSlots: slots, dateOfBirth: dates[6], team: team, caseworker: caseworker))
        if unusable != 0 { row.unusable = unusableNames.indices.filter { unusable & (1 << $0) != 0 }.map { unusableNames[$0] } }
        return row
    }

    /// Bytes that are equal exactly when two case ids are equal as Swift Strings.
    ///
    /// Plans used to be gathered in a `[String: Int]`, and String equality is canonical
    /// equivalence: `e` + combining acute and precomposed `é` are one plan. Sorting by raw
    /// UTF-8 would split them, so a non-ASCII id is keyed by its NFC form, the form the
    /// standard library itself compares and hashes (ASCII is already in NFC).
    package static func groupingKey(_ caseID: String, into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: caseID.utf8)
        if key.contains(where: { $0 >= 0x80 }) {
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: caseID._nfcCodeUnits)
        }
    }

    // MARK: - Bytes

    package static func putVarint(_ value: UInt64, into bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private static func put(_ text: String, into bytes: inout [UInt8]) {
        putVarint(UInt64(text.utf8.count), into: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    /// `value` as 8 bytes, little-endian.
    @inline(__always)
    package static func putFixed(_ value: UInt64, into bytes: inout [UInt8]) {
        Bytes.appendLittleEndian(value, to: &bytes)
    }

    /// `value` as 4 bytes, little-endian.
    @inline(__always)
    package static func putFixed(_ value: UInt32, into bytes: inout [UInt8]) {
        Bytes.appendLittleEndian(value, to: &bytes)
    }

    /// The little-endian `UInt64` at `bytes[at ..< at + 8]`, which the caller has checked exist.
    @inline(__always)
    package static func fixedUInt64(_ bytes: Span<UInt8>, at start: Int) -> UInt64 {
        Bytes.loadUInt64(littleEndianFrom: bytes, at: start)
    }

    /// Reads what `encode` wrote, refusing to run past the end. It holds only the place
    /// it has reached; each read is given the bytes (a span cannot be kept in a struct
    /// without lifetime annotations).
    package struct Reader {
        package let count: Int
        package var at = 0

        package init(count: Int) { self.count = count }

        package var atEnd: Bool { at == count }

        package mutating func byte(_ bytes: Span<UInt8>) -> UInt8? {
            guard at < count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }

        package mutating func varint(_ bytes: Span<UInt8>) -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard let b = byte(bytes) else { return nil }
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
            }
            return nil
        }

        package mutating func int32(_ bytes: Span<UInt8>) -> Int32? {
            guard count - at >= 4 else { return nil }
            defer { at += 4 }
            return Int32(bitPattern: Bytes.loadUInt32(littleEndianFrom: bytes, at: at))
        }

        package mutating func string(_ bytes: Span<UInt8>) -> String? {
            guard let n = varint(bytes), n <= UInt64(count - at) else { return nil }
            defer { at += Int(n) }
            return Bytes.string(bytes.extracting(at ..< at + Int(n)))
        }
    }
}
