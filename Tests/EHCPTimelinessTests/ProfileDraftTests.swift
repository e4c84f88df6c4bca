import Foundation
import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPTimeliness
@testable import EHCPOutputs

/// `profile init` (issue 14): a first profile drafted from an export.
@Suite struct ProfileDraftTests {
    static let otherExport = Repo.root + "/SampleData/requests-other-system.csv"

    /// Drafts `text` (written as `name`) and returns the draft with its profile read back.
    func draft(_ text: String, kind: ExtractKind? = .requests, name: String = "export.csv", limit: Int = 200,
               in folder: TemporaryFolder) throws -> (ProfileDraft, MappingProfile) {
        let path = try folder.write(name, text)
        let draft = try ProfileDraft.draft(path: path, kind: kind, distinctLimit: limit)
        return (draft, try MappingProfile(toml: draft.toml, file: "draft.toml"))
    }

    func field(_ draft: ProfileDraft, _ name: String) -> ProfileDraft.FieldMatch? { draft.fields.first { $0.name == name } }

    func cases(_ export: String, profile: String, folder: TemporaryFolder) throws -> String {
        var options = AnalysisOptions(inputs: [InputFile(kind: .requests, path: export)], asAt: Day(iso: "2025-10-31")!)
        options.profilePath = profile
        options.by = ["team", "caseworker", "primary_need", "age_band"]
        options.scratchDirectory = folder.path
        return try OutputFiles.cases(AnalysedRun.analyse(options))
    }

    @Test func draftOfTheOtherSystemExportReadsItToTheSameCasesAsTheShippedProfile() throws {
        let folder = try TemporaryFolder()
        let draft = try ProfileDraft.draft(path: Self.otherExport)
        let drafted = try folder.write("drafted.toml", draft.toml)
        let shipped = try cases(Self.otherExport, profile: Repo.root + "/SampleData/other-system-profile.toml", folder: folder)
        let fromDraft = try cases(Self.otherExport, profile: drafted, folder: folder)
        #expect(shipped.split(separator: "\n").count > 3000)
        #expect(Array(fromDraft.utf8) == Array(shipped.utf8))
        // The same fields as the shipped profile, found without it.
        let profile = try MappingProfile(toml: draft.toml, file: drafted)
        let shippedProfile = try MappingProfile.load(path: Repo.root + "/SampleData/other-system-profile.toml")
        for spec in ExtractKind.requests.fields {
            #expect(profile.columns[spec.name] == shippedProfile.columns[spec.name], "\(spec.name)")
        }
        #expect(draft.kind == .requests && draft.kindGuess != nil)
        #expect(draft.toml.contains("# Kind: requests, guessed from the header"))
    }

    @Test func headerIsMatchedDespiteCaseSpacesAndPunctuation() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("CASE-ID,Request Date.,Final_Plan_Date\nA1,06/01/2025,\n", in: folder)
        #expect(field(draft, "case_id")?.match == .exact(column: 0))
        #expect(field(draft, "request_date")?.match == .exact(column: 1))
        #expect(field(draft, "final_plan_date")?.match == .exact(column: 2))
        #expect(profile.columns["request_date"] == "Request Date.")
        #expect(draft.toml.contains("request_date = \"Request Date.\""))
        #expect(draft.toml.contains("the same name, but for case, spaces or punctuation"))
    }

    @Test func nearMissHeadersAreGuessedAndSaySo() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("Referral ID,Requst Date,Date Final EHCP Issued\nA1,06/01/2025,\n", in: folder)
        #expect(profile.columns["case_id"] == "Referral ID")
        #expect(profile.columns["request_date"] == "Requst Date")
        #expect(profile.columns["final_plan_date"] == "Date Final EHCP Issued")
        guard case .close(_, let score)? = field(draft, "request_date")?.match else {
            Issue.record("request_date is not a close match"); return
        }
        #expect(score >= 0.8)
        // A typo the word table does not know is still close by edit distance.
        #expect(HeaderCloseness.keyScore("request_date", "Request Dat") >= 0.8)
        #expect(HeaderCloseness.score("final_plan_date", "Colour") == 0)
        #expect(draft.toml.contains("request_date = \"Requst Date\""))
        #expect(draft.toml.contains("guessed (likeness "))
    }

    @Test func fieldWithNoCloseHeaderIsLeftAsACommentedLine() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,request_date,Colour\nA1,06/01/2025,red\n", in: folder)
        #expect(profile.columns["withdrawn_date"] == nil)
        if case .none(let note)? = field(draft, "withdrawn_date")?.match {
            #expect(note.contains("no header close enough"))
        } else {
            Issue.record("withdrawn_date was matched")
        }
        let line = draft.toml.split(separator: "\n").first { $0.hasPrefix("# withdrawn_date = \"\"") }
        #expect(line?.contains("no header close enough; closest: \"Colour\"") == true)
        // A required field says so.
        let (missing, _) = try self.draft("Involvement Ref,Colour\nA1,red\n", in: folder)
        #expect(missing.toml.contains("# request_date = \"\""))
        #expect(missing.toml.split(separator: "\n").contains { $0.hasPrefix("# request_date") && $0.contains("required;") })
    }

    @Test func guessedHeaderWhoseColumnHoldsNoDatesIsNotOfferedForADate() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,request_date,Withdrawn Reason\nA1,06/01/2025,moved away\n", in: folder)
        #expect(profile.columns["withdrawn_date"] == nil)
        #expect(draft.toml.contains("holds no dates"))
    }

    @Test func ukDateColumnNeedsNoFormatsListAndNamesItsFormat() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,request_date\nA1,06/01/2025\nA2,6/1/2025\nA3,31/12/2024\n", in: folder)
        #expect(draft.dateFormats == [.init(format: "dd/MM/yyyy", count: 2), .init(format: "d/M/yyyy", count: 1)])
        #expect(!draft.needsDateFormats)
        #expect(profile.dateFormats == nil)
        #expect(draft.toml.contains("# [dates] formats: not needed"))
        #expect(draft.toml.contains("dd/MM/yyyy: 2; d/M/yyyy: 1"))
    }

    @Test func ukDatesBesideAFormatTheToolNeedsToBeToldGiveTheFormatsLine() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,request_date,final_plan_date\nA1,06/01/2025,2025/03/01\nA2,07/01/2025,\n", in: folder)
        #expect(draft.needsDateFormats)
        #expect(profile.dateFormats == ["dd/MM/yyyy", "yyyy/MM/dd"])
        #expect(draft.toml.contains("[dates]"))
        #expect(draft.toml.contains("formats = [\"dd/MM/yyyy\", \"yyyy/MM/dd\"]"))
        // The list reads every date of the file.
        let parser = try DateParser(formats: try #require(profile.dateFormats))
        for text in ["06/01/2025", "07/01/2025", "2025/03/01"] {
            #expect((try? parser.parse(text).get()) != nil, "\(text)")
        }
    }

    @Test func excelSerialsGiveTheExcelFormat() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,request_date,final_plan_date\nA1,45658,45700.5\nA2,45659,\n", in: folder)
        #expect(draft.needsDateFormats)
        #expect(profile.dateFormats == ["excel"])
        #expect(draft.dateFormats == [.init(format: "excel", count: 3)])
        #expect(draft.toml.contains("formats = [\"excel\"]"))
        let parser = try DateParser(formats: ["excel"])
        #expect(try parser.parse("45658").get() == Day(iso: "2025-01-01"))
    }

    @Test func unreadableDatesAreCountedWithExamples() throws {
        let folder = try TemporaryFolder()
        let (draft, _) = try draft("case_id,request_date\nA1,06/01/2025\nA2,31/02/2025\nA3,soon\n", in: folder)
        #expect(draft.unreadableDates == 2)
        #expect(draft.toml.contains("2 date cells are not a date in any format the tool reads, e.g. \"31/02/2025\", \"soon\""))
    }

    @Test func codeColumnListsEachValueWithItsCountGuessedOrNot() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,Decision Outcome,Exception\n"
        let outcomes = Array(repeating: "Agreed", count: 5) + Array(repeating: "Not agreed", count: 3) + ["maybe", "assess", ""]
        let reasons = ["PC", "PC", "SC", "missed appointment", "Yes", "", "", "", "", "", ""]
        for (i, (o, r)) in zip(outcomes, reasons).enumerated() { text += "A\(i),06/01/2025,\(o),\(r)\n" }
        let (draft, profile) = try draft(text, in: folder)

        let decision = try #require(draft.codes.first { $0.field == "assessment_decision" })
        #expect(decision.header == "Decision Outcome" && decision.blank == 1)
        #expect(decision.values.map(\.value) == ["Agreed", "Not agreed", "assess", "maybe"])
        #expect(decision.values.map(\.count) == [5, 3, 1, 1])
        #expect(decision.values.map(\.guess) == ["assess", "refuse", nil, nil])
        #expect(decision.values.map(\.readAsIs) == [nil, nil, "assess", nil])
        #expect(profile.values["assessment_decision"] == ["agreed": "assess", "notagreed": "refuse"])
        #expect(draft.toml.contains("\"Agreed\" = \"assess\""))
        #expect(draft.toml.contains("# \"maybe\" = \"\""))
        #expect(draft.toml.contains("1 cell; no guess: one of assess, refuse"))
        #expect(draft.toml.contains("# \"assess\" = \"assess\""))

        let reason = try #require(draft.codes.first { $0.field == "exception_reason" })
        #expect(reason.values.map(\.value) == ["PC", "SC", "Yes", "missed appointment"])
        #expect(reason.values.map(\.count) == [2, 1, 1, 1])
        #expect(profile.values["exception_reason"] == ["pc": "personal_circumstances", "sc": "school_closure"])
        #expect(draft.toml.contains("# \"missed appointment\" = \"\""))
        #expect(draft.toml.contains("no guess: one of school_closure, early_years_closure, personal_circumstances"))
    }

    @Test func codeGuessesFollowTheSpellingsExportsUse() {
        #expect(CodeGuess.guess("Y", field: "plan_decision") == "issue")
        #expect(CodeGuess.guess("N", field: "plan_decision") == "no_plan")
        #expect(CodeGuess.guess("Not approved", field: "assessment_decision") == "refuse")
        #expect(CodeGuess.guess("EY", field: "exception_reason") == "early_years_closure")
        #expect(CodeGuess.guess("AA", field: "decision_exception_reason") == "absent_from_area")
        #expect(CodeGuess.guess("COV", field: "exception_reason") == "covid_2020")
        #expect(CodeGuess.guess("N/A", field: "exception_reason") == "none")
        #expect(CodeGuess.guess("Ceased", field: "review_decision") == "cease")
        #expect(CodeGuess.guess("Primary - Secondary", field: "transfer_type") == "primary_to_secondary")
        // Two codes fit: no guess.
        #expect(CodeGuess.guess("Primary", field: "transfer_type") == nil)
        #expect(CodeGuess.guess("parent on holiday", field: "exception_reason") == nil)
    }

    @Test func distinctValuesAreCappedAndTheDraftSaysSo() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,plan_decision\n"
        for i in 0..<10 { text += "A\(i),06/01/2025,value \(i % 5)\n" }
        let (draft, _) = try draft(text, limit: 3, in: folder)
        let column = try #require(draft.codes.first)
        #expect(column.values.count == 3)
        #expect(column.uncounted == 4)
        #expect(draft.toml.contains("3+ distinct values"))
        #expect(draft.toml.contains("More than 3 distinct values: 4 further cells not counted"))
    }

    @Test func draftIsTheSameBytesEveryTimeWithTiesInValueOrder() throws {
        let folder = try TemporaryFolder()
        var text = "case_id,request_date,Plan Outcome,Exception\n"
        for (i, v) in ["zz", "Y", "aa", "N", "mm", "Y", "N"].enumerated() { text += "A\(i),06/01/2025,\(v),\(v)\n" }
        let path = try folder.write("export.csv", text)
        let first = try ProfileDraft.draft(path: path, kind: .requests).toml
        for _ in 0..<3 { #expect(try ProfileDraft.draft(path: path, kind: .requests).toml == first) }
        let column = try #require(try ProfileDraft.draft(path: path, kind: .requests).codes.first { $0.field == "plan_decision" })
        #expect(column.values.map(\.value) == ["N", "Y", "aa", "mm", "zz"])
        let sample = try ProfileDraft.draft(path: Self.otherExport).toml
        #expect(try ProfileDraft.draft(path: Self.otherExport).toml == sample)
    }

    @Test func kindIsGuessedFromTheHeaderUnlessGiven() throws {
        for (file, kind) in [("requests.csv", ExtractKind.requests), ("reviews.csv", .reviews), ("transfers.csv", .transfers)] {
            let draft = try ProfileDraft.draft(path: Repo.root + "/SampleData/" + file)
            #expect(draft.kind == kind, "\(file)")
            #expect(draft.toml.contains("# Kind: \(kind.rawValue), guessed from the header"))
            // Every draft of the sample reads back as a profile.
            _ = try MappingProfile(toml: draft.toml, file: file)
        }
        let given = try ProfileDraft.draft(path: Repo.root + "/SampleData/reviews.csv", kind: .requests)
        #expect(given.kind == .requests && given.kindGuess == nil)
        #expect(given.toml.contains("# Kind: requests (--kind)."))
    }

    @Test func delimiterAndEncodingOtherThanTheDefaultsAreWritten() throws {
        let folder = try TemporaryFolder()
        let (semicolon, profile) = try draft("case_id;request_date;team\nA1;06/01/2025;Nord\n", in: folder)
        #expect(profile.delimiter == UInt8(ascii: ";"))
        #expect(semicolon.toml.contains("delimiter = \";\""))
        // "Café" in Windows-1252: é is 0xE9, never UTF-8 on its own.
        let bytes = Array("case_id,request_date,team\nA1,06/01/2025,Caf".utf8) + [0xE9] + Array("\n".utf8)
        let path = folder.path + "/cp1252.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let cp1252 = try ProfileDraft.draft(path: path, kind: .requests)
        #expect(try MappingProfile(toml: cp1252.toml, file: "d.toml").encoding == .windows1252)
        #expect(cp1252.toml.contains("encoding = \"windows-1252\""))
        let (plain, plainProfile) = try draft("case_id,request_date\nA1,06/01/2025\n", in: folder)
        #expect(plainProfile.delimiter == nil && plainProfile.encoding == nil)
        #expect(plain.toml.contains("# [csv]: not needed"))
    }

    @Test func headersAndValuesWithQuotesAndLineBreaksStayValidTOML() throws {
        let folder = try TemporaryFolder()
        let (draft, profile) = try draft("case_id,\"Request\nDate \"\"UK\"\"\",Plan \\ Outcome\nA1,06/01/2025,\"Y \"\"yes\"\"\"\nA2,07/01/2025,\"a\nb\"\n", in: folder)
        #expect(profile.columns["request_date"] == "Request\nDate \"UK\"")
        #expect(profile.columns["plan_decision"] == "Plan \\ Outcome")
        #expect(draft.toml.contains("# \"a\\nb\" = \"\""))
    }

    @Test func unreadableFileIsAnInputErrorNamingTheFile() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path + "/no-such-export.csv"
        #expect(throws: InputError.self) { try ProfileDraft.draft(path: missing) }
        do {
            _ = try ProfileDraft.draft(path: missing)
        } catch {
            guard case .cannotOpen(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == missing)
            #expect(error.description.contains("no-such-export.csv"))
        }
        #expect(throws: InputError.isDirectory(path: folder.path)) { try ProfileDraft.draft(path: folder.path) }
        let empty = try folder.write("empty.csv", "")
        #expect(throws: InputError.noHeader(file: empty)) { try ProfileDraft.draft(path: empty) }
    }

    @Test func profileInitCommandPrintsTheDraft() throws {
        let run = try CLI.run(["profile", "init", "SampleData/requests-other-system.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        // The library's draft; only the file's name in the first line differs (the binary ran in Repo.root).
        let library = try ProfileDraft.draft(path: Self.otherExport).toml
        #expect(run.stdout == library.replacingOccurrences(of: "\"" + Self.otherExport + "\"", with: "\"SampleData/requests-other-system.csv\""))
        #expect(run.stdout.contains("case_id = \"Involvement ID\""))
        #expect(run.stdout.contains("\"Not agreed\" = \"refuse\""))
        let kind = try CLI.run(["profile", "init", "SampleData/reviews.csv", "--kind", "reviews"])
        #expect(kind.status == 0 && kind.stdout.contains("# Kind: reviews (--kind)."))
        let missing = try CLI.run(["profile", "init", "no-such-export.csv"])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("no-such-export.csv"))
        let wrong = try CLI.run(["profile", "init", "SampleData/reviews.csv", "--kind", "plans"])
        #expect(wrong.status == 64 && wrong.stderr.contains("--kind plans"))
        let help = try CLI.run(["profile", "init", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: ehcp-timeliness profile init <file> [--kind <kind>]"))
    }
}
