import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

@Suite struct HeaderMatchingTests {
    static let minimal = ["case_id", "request_date"]

    @Test(arguments: ["Request Date", "request-date", "RequestDate", "REQUEST_DATE", "request date.", "\u{FEFF}Request Date"])
    func headerVariantsMatchTheCanonicalName(header: String) throws {
        let layout = try ColumnLayout(kind: .requests, header: [header, "Case ID"], profile: MappingProfile(), file: "r.csv")
        #expect(layout.fieldIndex["request_date"] == 0)
        #expect(layout.fieldIndex["case_id"] == 1)
    }

    @Test func byteOrderMarkIsDroppedFromTheFirstHeader() throws {
        let layout = try ColumnLayout(kind: .requests, header: ["\u{FEFF}team", "case_id", "request_date"], profile: MappingProfile(), file: "r.csv")
        #expect(layout.header[0] == "team")
        #expect(layout.dimensionIndex(named: "team") == 0)
    }

    @Test func missingRequiredColumnNamesTheColumnAndWhatTheHeaderHas() {
        #expect(throws: InputError.missingColumns(file: "r.csv", kind: "requests", columns: ["request_date"], found: ["case_id", "Received"])) {
            try ColumnLayout(kind: .requests, header: ["case_id", "Received"], profile: MappingProfile(), file: "r.csv")
        }
        let message = InputError.missingColumns(file: "r.csv", kind: "requests", columns: ["request_date"], found: ["case_id"]).description
        #expect(message.contains("r.csv") && message.contains("request_date") && message.contains("--profile"))
    }

    @Test func twoHeadersMeaningOneFieldStopTheRun() {
        #expect(throws: InputError.ambiguousColumns(file: "r.csv", field: "request_date", headers: ["Request Date", "request_date"])) {
            try ColumnLayout(kind: .requests, header: ["case_id", "Request Date", "request_date"], profile: MappingProfile(), file: "r.csv")
        }
    }

    @Test func nonCanonicalColumnsAreKeptAsDimensions() throws {
        let layout = try ColumnLayout(kind: .requests, header: ["case_id", "Team", "request_date", "Primary Need"], profile: MappingProfile(), file: "r.csv")
        #expect(layout.dimensions.map(\.name) == ["Team", "Primary Need"])
        #expect(layout.dimensionIndex(named: "primary_need") == 3)
    }

    @Test func profileRenamesFieldsAndDimensions() throws {
        var profile = MappingProfile()
        profile.columns = ["case_id": "Involvement ID", "request_date": "Received Date", "team": "Locality"]
        let layout = try ColumnLayout(kind: .requests, header: ["Locality", "Received Date", "Involvement ID"], profile: profile, file: "r.csv")
        #expect(layout.fieldIndex["case_id"] == 2)
        #expect(layout.fieldIndex["request_date"] == 1)
        #expect(layout.dimensionIndex(named: "team") == 0)
        #expect(layout.columnName("request_date") == "Received Date")
    }

    /// A profile field whose header is not in the file would be read as blank: every
    /// final plan then counts as open. It stops the run instead (issue 12).
    @Test func profileFieldAbsentFromTheFileStopsTheRunNamingTheHeaderAndTheClosestFirst() throws {
        var profile = MappingProfile()
        profile.path = "system.toml"
        profile.columns = ["final_plan_date": "Final EHC Plan Issued"]
        let header = ["case_id", "request_date", "Team", "Final EHCP Issued"]
        #expect(throws: InputError.profileHeaderMissing(
            file: "r.csv", profile: "system.toml", entry: "[columns] final_plan_date", header: "Final EHC Plan Issued",
            found: ["Final EHCP Issued", "case_id", "request_date", "Team"])) {
            try ColumnLayout(kind: .requests, header: header, profile: profile, file: "r.csv")
        }
        let message = InputError.profileHeaderMissing(file: "r.csv", profile: "system.toml", entry: "[columns] final_plan_date",
                                                      header: "Final EHC Plan Issued", found: ["Final EHCP Issued"]).description
        #expect(message.hasPrefix("r.csv: the profile system.toml maps [columns] final_plan_date to \"Final EHC Plan Issued\""))
        #expect(message.contains("closest first: Final EHCP Issued"))
    }

    @Test func aRequiredFieldMappedToAMissingHeaderNamesTheProfileEntry() {
        var profile = MappingProfile()
        profile.kindColumns[.reviews] = ["case_id": "Plan ID"]
        #expect(throws: InputError.profileHeaderMissing(file: "v.csv", profile: "the profile", entry: "[reviews.columns] case_id",
                                                        header: "Plan ID", found: ["Plan Ref", "plan_date"])) {
            try ColumnLayout(kind: .reviews, header: ["plan_date", "Plan Ref"], profile: profile, file: "v.csv")
        }
    }

    @Test func fieldsOfOtherKindsInASharedProfileAreIgnored() throws {
        var profile = MappingProfile()
        profile.columns = ["final_plan_date": "Date Final Issued", "plan_date": "EHCP Start", "transfer_type": "Move"]
        let layout = try ColumnLayout(kind: .requests, header: ["case_id", "request_date", "Date Final Issued"], profile: profile, file: "r.csv")
        #expect(layout.fieldIndex["final_plan_date"] == 2)
        #expect(layout.warnings.isEmpty)
    }

    @Test func aMappedDimensionThisFileLacksIsRecordedForTheRunToJudge() throws {
        var profile = MappingProfile()
        profile.columns = ["team": "Locality"]
        let layout = try ColumnLayout(kind: .requests, header: Self.minimal, profile: profile, file: "r.csv")
        #expect(layout.unmatchedDimensions.map(\.name) == ["team"])
        #expect(layout.unmatchedDimensions.map(\.entry) == ["[columns] team"])
    }

    @Test func closestHeadersComeFirstAndTiesKeepTheFileOrder() {
        #expect(NameMatching.closestFirst(["Team", "Final EHCP Issued", "Final Plan", "case_id"], to: "Final EHC Plan Issued")
                == ["Final EHCP Issued", "Final Plan", "case_id", "Team"])
        #expect(NameMatching.closestFirst(["b", "a"], to: "x") == ["b", "a"])
        #expect(NameMatching.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(NameMatching.distance([Character](), Array("abc")) == 3)
    }
}

@Suite struct MappingProfileTests {
    static let example = """
        # Example: an export with its own column names and UK dates
        [columns]
        case_id = "Involvement ID"
        request_date = "Received Date"
        team = "Locality"

        [dates]
        formats = ["dd/MM/yyyy", "yyyy-MM-dd"]

        [values.assessment_decision]
        "Agreed" = "assess"
        "Not agreed" = "refuse"

        [csv]
        delimiter = ";"
        """

    @Test func theDocumentedExampleLoads() throws {
        let p = try MappingProfile(toml: Self.example, file: "p.toml")
        #expect(p.columns["case_id"] == "Involvement ID")
        #expect(p.columns["team"] == "Locality")
        #expect(p.dateFormats == ["dd/MM/yyyy", "yyyy-MM-dd"])
        #expect(p.values["assessment_decision"]?[NameMatching.key("Not agreed")] == "refuse")
        #expect(p.delimiter == UInt8(ascii: ";"))
    }

    @Test func syntaxErrorNamesTheFileAndLine() {
        do {
            _ = try MappingProfile(toml: "[columns]\ncase_id = \n", file: "p.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("p.toml"))
            #expect(error.description.contains("line 2"))
        }
    }

    @Test func mappingToAnUnknownCodeIsRejectedWithTheAcceptedCodes() {
        do {
            _ = try MappingProfile(toml: "[values.assessment_decision]\n\"Agreed\" = \"asses\"\n", file: "p.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("assess, refuse"))
        }
    }

    @Test func twoFieldsMappedToOneHeaderAreRejected() {
        #expect(throws: InputError.self) {
            try MappingProfile(toml: "[columns]\nrequest_date = \"Date\"\nfinal_plan_date = \"Date\"\n", file: "p.toml")
        }
    }

    @Test func unknownTablesAndBadFormatsAreRejected() {
        #expect(throws: InputError.self) { try MappingProfile(toml: "[colums]\ncase_id = \"x\"\n", file: "p.toml") }
        #expect(throws: InputError.self) { try MappingProfile(toml: "[dates]\nformats = [\"YYYY-qq\"]\n", file: "p.toml") }
        #expect(throws: InputError.self) { try MappingProfile(toml: "[csv]\ndelimiter = \"|\"\n", file: "p.toml") }
    }

    @Test func perExtractColumnsOverrideTheSharedOnes() throws {
        let p = try MappingProfile(toml: """
            [columns]
            case_id = "Involvement ID"
            team = "Locality"
            [reviews.columns]
            case_id = "Plan ID"
            """, file: "p.toml")
        #expect(p.columns(for: .requests)["case_id"] == "Involvement ID")
        #expect(p.columns(for: .reviews)["case_id"] == "Plan ID")
        #expect(p.columns(for: .reviews)["team"] == "Locality")
        let layout = try ColumnLayout(kind: .reviews, header: ["Plan ID", "Plan Date", "Locality"], profile: p, file: "r.csv")
        #expect(layout.fieldIndex["case_id"] == 0)
        #expect(layout.fieldIndex["plan_date"] == 1)
        #expect(layout.dimensionIndex(named: "team") == 2)
        #expect(throws: InputError.self) { try MappingProfile(toml: "[reviews]\nfoo = 1\n", file: "p.toml") }
    }

    @Test func missingProfileFileSaysWhatToCheck() {
        do {
            _ = try MappingProfile.load(path: "/nonexistent/profile.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent/profile.toml"))
            #expect(error.description.contains("No such file"))
        }
    }
}

@Suite struct AgeBandTests {
    @Test(arguments: [
        ("2020-01-07", "under 5"), ("2020-01-06", "5 to 10"), ("2014-01-07", "5 to 10"), ("2014-01-06", "11 to 15"),
    ])
    func ageIsCompletedYearsOnTheStartDate(dob: String, expected: String) {
        #expect(AgeBand.label(dateOfBirth: Day(iso: dob), on: Day(iso: "2025-01-06")) == expected)
    }

    @Test func bandsFollowDfE() {
        let on = Day(iso: "2025-06-01")!
        func band(_ years: Int) -> String { AgeBand.label(dateOfBirth: on.addingMonths(-12 * years), on: on) }
        #expect(band(4) == "under 5"); #expect(band(5) == "5 to 10"); #expect(band(10) == "5 to 10")
        #expect(band(11) == "11 to 15"); #expect(band(15) == "11 to 15"); #expect(band(16) == "16 to 19")
        #expect(band(19) == "16 to 19"); #expect(band(20) == "20 to 25"); #expect(band(25) == "20 to 25")
        #expect(band(26) == "26 and over")
        #expect(AgeBand.label(dateOfBirth: nil, on: on) == "unknown")
    }
}
