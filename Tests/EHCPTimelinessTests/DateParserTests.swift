import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import EHCPOutputs
@testable import Generator

private let jan6 = Day(year: 2025, month: 1, day: 6)!

private func pinned(_ formats: String...) -> DateParser {
    try! DateParser(formats: formats)
}

private func formatError(_ formats: [String]) -> DateFormatError? {
    do {
        _ = try DateParser(formats: formats)
        return nil
    } catch {
        return error
    }
}

// MARK: Automatic

@Test(arguments: [
    "2025-01-06", "2025-01-06T00:00:00", "2025-01-06 00:00", "2025-01-06 00:00:00",
    "2025-01-06T00:00:00Z", "2025-01-06T00:00:00.000", "2025-01-06T13:45:10.123456Z",
    "2025-01-06T00:00:00+01:00", "2025-01-06T23:59:59-0500", "2025-01-06T00:00",
])
func automaticReadsIsoDatesWithOrWithoutATime(text: String) {
    #expect(DateParser.automatic.parse(text) == .success(jan6))
}

@Test(arguments: [
    "06/01/2025", "6/1/2025", "06-01-2025", "06.01.2025", "6-1-2025", "6.1.2025",
    "06/01/2025 00:00", "06/01/2025 00:00:00", "6/1/2025 0:00", "06/01/2025 13:45",
])
func automaticReadsDayFirstNumericDates(text: String) {
    #expect(DateParser.automatic.parse(text) == .success(jan6))
}

@Test(arguments: [
    "06-Jan-2025", "6 Jan 2025", "06 January 2025", "6-jan-2025", "06 JANUARY 2025",
    "6 jAn 2025", "06 Jan 2025 00:00", "06-Jan-2025 00:00:00",
])
func automaticReadsDayFirstMonthNames(text: String) {
    #expect(DateParser.automatic.parse(text) == .success(jan6))
}

@Test func automaticReadsEveryMonthNameAbbreviatedAndInFull() {
    let abbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let names = ["January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"]
    for month in 1...12 {
        let expected = Day(year: 2025, month: month, day: 1)!
        for name in [abbreviations[month - 1], names[month - 1]] {
            for text in ["01-\(name)-2025", "1 \(name.uppercased()) 2025", "2025-\(name.lowercased())-01"] {
                #expect(DateParser.automatic.parse(text) == .success(expected), "\(text)")
            }
        }
    }
    #expect(DateParser.automatic.parse("1 Sept 2025") == .success(Day(year: 2025, month: 9, day: 1)!))
    #expect(DateParser.automatic.parse("01-SEPT-2025") == .success(Day(year: 2025, month: 9, day: 1)!))
}

@Test(arguments: ["2025-Jan-06 00:00:00", "2025-Jan-06", "2025-JAN-06T00:00:00"])
func automaticReadsTheSen2CollectExport(text: String) {
    #expect(DateParser.automatic.parse(text) == .success(jan6))
}

@Test func automaticNeverGuessesMonthFirst() {
    // 01/06/2025 is 1 June, never 6 January.
    #expect(DateParser.automatic.parse("01/06/2025") == .success(Day(year: 2025, month: 6, day: 1)!))
    #expect(DateParser.automatic.parse("12/25/2025") == .failure(.impossibleDate("12/25/2025")))
}

@Test(arguments: ["06/01/25", "6/1/25", "06-Jan-25", "6 Jan 25", "06.01.25", "06/01/25 00:00"])
func automaticRejectsTwoDigitYears(text: String) {
    #expect(DateParser.automatic.parse(text) == .failure(.twoDigitYear(text)))
}

@Test(arguments: [
    "31/02/2025", "29/02/2025", "00/00/0000", "06/13/2025", "2025-13-01", "2025-02-30",
    "32/01/2025", "0/1/2025", "06/00/2025", "9999-12-31", "31/12/9999", "31/12/1899",
    "01/01/3000", "1066-10-14", "2025-00-10",
])
func automaticRejectsImpossibleDates(text: String) {
    #expect(DateParser.automatic.parse(text) == .failure(.impossibleDate(text)))
}

@Test func automaticAcceptsTheEdgesOfTheYearRange() {
    #expect(DateParser.automatic.parse("1900-01-01") == .success(Day(year: 1900, month: 1, day: 1)!))
    #expect(DateParser.automatic.parse("31/12/2999") == .success(Day(year: 2999, month: 12, day: 31)!))
    #expect(DateParser.automatic.parse("29/02/2024") == .success(Day(year: 2024, month: 2, day: 29)!))
}

@Test(arguments: [
    "", "2025/13/01", "2025/01/06", "20250106", "45658", "06/01/2025x", "06/01-2025",
    "06 01 2025", "Jan 6 2025", "January 6, 2025", "06-Foo-2025", "06-Ja-2025",
    "06/01/20255", "06/01/225", "006/01/2025", "06/001/2025", "2025-01-006", "2025-001-06",
    "06/01/2025T00:00", "06/01/2025 ", "06/01/2025 25:00", "06/01/2025 00:60",
    "06/01/2025 00", "2025-01-06T", "2025-01-06X00:00", "2025-01-06T00:00:00ZZ",
    "2025-01-06T00:00:00+1", "2025-01-06T00:00:00.", "06-Janu-2025", "06-Janux-2025",
    "Monday 6 January 2025", "06/Jan-2025", "2025", "06", "06/", "06/01", "06/01/",
    "not a date", "2025-01", "25-01-06-01",
])
func automaticRejectsOtherText(text: String) {
    #expect(DateParser.automatic.parse(text) == .failure(.unrecognised(text)))
}

@Test func automaticReadsStraightFromBytes() {
    let bytes = Array("06/01/2025".utf8)
    let result = DateParser.automatic.parse(bytes.span)
    #expect(result == .success(jan6))
}

@Test func automaticReadsOnlyTheBytesItIsGiven() {
    // A field inside a larger buffer: only its own bytes are read.
    let line = Array("x,06/01/2025,2025-02-17,y".utf8)
    let all = line.span
    #expect(DateParser.automatic.parse(all.extracting(2..<12)) == .success(jan6))
    #expect(DateParser.automatic.parse(all.extracting(13..<23)) == .success(Day(year: 2025, month: 2, day: 17)!))
    #expect(DateParser.automatic.parse(all.extracting(2..<11)) == .failure(.unrecognised("06/01/202")))
}

// MARK: Pinned formats

@Test func pinnedNumericTokens() {
    #expect(pinned("dd/MM/yyyy").parse("06/01/2025") == .success(jan6))
    #expect(pinned("d/M/yyyy").parse("6/1/2025") == .success(jan6))
    #expect(pinned("d/M/yyyy").parse("06/01/2025") == .success(jan6))
    #expect(pinned("yyyy-MM-dd").parse("2025-01-06") == .success(jan6))
    #expect(pinned("MM/dd/yyyy").parse("01/06/2025") == .success(jan6))
    #expect(pinned("yyyyMMdd").parse("20250106") == .success(jan6))
    #expect(pinned("ddMMyyyy").parse("06012025") == .success(jan6))
}

@Test func pinnedTwoDigitTokensNeedTwoDigits() {
    #expect(pinned("dd/MM/yyyy").parse("6/01/2025") == .failure(.unrecognised("6/01/2025")))
    #expect(pinned("dd/MM/yyyy").parse("06/1/2025") == .failure(.unrecognised("06/1/2025")))
    #expect(pinned("d/M/yyyy").parse("006/1/2025") == .failure(.unrecognised("006/1/2025")))
}

@Test func pinnedMonthNameTokens() {
    #expect(pinned("dd-MMM-yyyy").parse("06-Jan-2025") == .success(jan6))
    #expect(pinned("dd-MMM-yyyy").parse("06-JAN-2025") == .success(jan6))
    #expect(pinned("d MMM yyyy").parse("1 Sept 2025") == .success(Day(year: 2025, month: 9, day: 1)!))
    #expect(pinned("dd-MMM-yyyy").parse("06-January-2025") == .failure(.unrecognised("06-January-2025")))
    #expect(pinned("d MMMM yyyy").parse("6 january 2025") == .success(jan6))
    #expect(pinned("d MMMM yyyy").parse("6 May 2025") == .success(Day(year: 2025, month: 5, day: 6)!))
    #expect(pinned("d MMMM yyyy").parse("6 Jan 2025") == .failure(.unrecognised("6 Jan 2025")))
    #expect(pinned("yyyy-MMM-dd HH:mm:ss").parse("2025-Jan-06 00:00:00") == .success(jan6))
}

@Test func pinnedTimeTokensAreReadAndIgnored() {
    let parser = pinned("dd/MM/yyyy HH:mm")
    #expect(parser.parse("06/01/2025 23:59") == .success(jan6))
    #expect(parser.parse("06/01/2025") == .failure(.unrecognised("06/01/2025")))
    #expect(parser.parse("06/01/2025 00:00:00") == .failure(.unrecognised("06/01/2025 00:00:00")))
    #expect(parser.parse("06/01/2025 0:00") == .failure(.unrecognised("06/01/2025 0:00")))
    #expect(parser.parse("06/01/2025 24:60") == .failure(.unrecognised("06/01/2025 24:60")))
    #expect(pinned("d/M/yyyy H:mm").parse("6/1/2025 9:05") == .success(jan6))
    #expect(pinned("yyyy-MM-ddTHH:mm:ss").parse("2025-01-06T10:11:12") == .success(jan6))
    #expect(pinned("yyyy-MM-dd'T'HH:mm:ss'Z'").parse("2025-01-06T10:11:12Z") == .success(jan6))
}

@Test func pinnedFormatsAcceptNothingElse() {
    let parser = pinned("dd/MM/yyyy")
    for text in ["2025-01-06", "06-01-2025", "6 Jan 2025", "06/01/2025 00:00", "45658"] {
        #expect(parser.parse(text) == .failure(.unrecognised(text)))
    }
}

@Test func pinnedFormatsReportTwoDigitYearsAndImpossibleDates() {
    let parser = pinned("dd/MM/yyyy")
    #expect(parser.parse("06/01/25") == .failure(.twoDigitYear("06/01/25")))
    #expect(parser.parse("31/02/2025") == .failure(.impossibleDate("31/02/2025")))
    #expect(parser.parse("01/13/2025") == .failure(.impossibleDate("01/13/2025")))
    #expect(parser.parse("31/12/9999") == .failure(.impossibleDate("31/12/9999")))
    #expect(parser.parse("06/01/202") == .failure(.unrecognised("06/01/202")))
}

@Test func pinnedFormatsAreTriedInOrder() {
    // 01/06/2025 is 1 June under the first format, 6 January under the second.
    let ukFirst = pinned("dd/MM/yyyy", "MM/dd/yyyy")
    let usFirst = pinned("MM/dd/yyyy", "dd/MM/yyyy")
    #expect(ukFirst.parse("01/06/2025") == .success(Day(year: 2025, month: 6, day: 1)!))
    #expect(usFirst.parse("01/06/2025") == .success(jan6))
    // Where the first fails the next is tried.
    #expect(ukFirst.parse("12/25/2025") == .success(Day(year: 2025, month: 12, day: 25)!))
    #expect(pinned("dd/MM/yyyy", "yyyy-MM-dd").parse("2025-01-06") == .success(jan6))
}

@Test func pinnedFormatsReportTheMostSpecificFailure() {
    let parser = pinned("yyyy-MM-dd", "dd/MM/yyyy")
    #expect(parser.parse("31/02/2025") == .failure(.impossibleDate("31/02/2025")))
    #expect(parser.parse("06/01/25") == .failure(.twoDigitYear("06/01/25")))
    #expect(parser.parse("junk") == .failure(.unrecognised("junk")))
}

// MARK: Excel serials

@Test func excelSerialsCountFrom30December1899() {
    let excel = pinned("excel")
    #expect(excel.parse("45658") == .success(Day(year: 2025, month: 1, day: 1)!))
    #expect(excel.parse("45663") == .success(jan6))
    #expect(excel.parse("45658.5") == .success(Day(year: 2025, month: 1, day: 1)!))
    #expect(excel.parse("45658.") == .success(Day(year: 2025, month: 1, day: 1)!))
    #expect(excel.parse("61") == .success(Day(year: 1900, month: 3, day: 1)!))
    #expect(excel.parse("25569") == .success(Day(number: 0)))
    #expect(excel.parse("401768") == .success(Day(year: 2999, month: 12, day: 31)!))
    #expect(pinned("Excel").parse("45658") == .success(Day(year: 2025, month: 1, day: 1)!))
}

@Test func excelSerialsBefore1March1900AreErrors() {
    let excel = pinned("excel")
    for text in ["60", "0", "1", "12", "60.9"] {
        #expect(excel.parse(text) == .failure(.excelSerialTooSmall(text)))
    }
}

@Test func excelRejectsOtherText() {
    let excel = pinned("excel")
    #expect(excel.parse("401769") == .failure(.impossibleDate("401769")))
    #expect(excel.parse("123456789") == .failure(.impossibleDate("123456789")))
    for text in ["2025-01-01", "-5", ".5", "45658.5.1", "45658,5", "4.5658E4", "45 658"] {
        #expect(excel.parse(text) == .failure(.unrecognised(text)))
    }
}

@Test func excelCombinesWithOtherFormats() {
    let parser = pinned("excel", "dd/MM/yyyy")
    #expect(parser.parse("45663") == .success(jan6))
    #expect(parser.parse("06/01/2025") == .success(jan6))
}

// MARK: Bad formats

@Test func anEmptyFormatListThrows() {
    #expect(formatError([])?.reason.contains("no formats") == true)
}

@Test(arguments: [
    ("YYYY-MM-DD", "\"YYYY\""), ("yyyy-MM-DD", "\"DD\""), ("dd/MM/yy", "yy"), ("dd/MM/yyy", "\"yyy\""),
    ("ddd/MM/yyyy", "\"ddd\""), ("dd/MMMMM/yyyy", "\"MMMMM\""), ("dd/MM/yyyy hh:mm", "\"hh\""),
    ("dd/m/yyyy", "\"m\""), ("dd/MM/yyyy HH:mm:ss.SSS", "\"SSS\""), ("dd/MM/yyyy a", "\"a\""),
])
func unknownTokensThrow(format: String, mentions: String) {
    let error = formatError([format])
    #expect(error?.format == format)
    #expect(error?.reason.contains(mentions) == true, "\(String(describing: error))")
}

@Test(arguments: [
    ("", "empty"), ("   ", "empty"), ("MM/yyyy", "no day"), ("dd/yyyy", "no month"), ("dd/MM", "no year"),
    ("dd/MM/yyyy dd", "more than one day"), ("dd/MMM/MM/yyyy", "more than one month"),
    ("yyyy/MM/dd/yyyy", "more than one year"), ("dd/MM/yyyy HH:HH", "more than one hour"),
    ("dMyyyy", "followed directly"), ("dd/MM/yyyy 'T", "not closed"),
])
func malformedFormatsThrow(format: String, mentions: String) {
    let error = formatError([format])
    #expect(error?.reason.contains(mentions) == true, "\(String(describing: error))")
}

@Test func oneBadFormatAmongGoodOnesThrows() {
    let error = formatError(["dd/MM/yyyy", "YYYY-MM-DD"])
    #expect(error?.format == "YYYY-MM-DD")
    #expect(error?.description.hasPrefix("date format \"YYYY-MM-DD\": unknown token") == true)
}

@Test func quotedLettersAndSpacesAtTheEndsOfAFormat() {
    #expect(pinned(" dd/MM/yyyy ").parse("06/01/2025") == .success(jan6))
    #expect(pinned("dd 'of' MMMM yyyy").parse("06 of January 2025") == .success(jan6))
    #expect(pinned("dd''MM''yyyy").parse("06'01'2025") == .success(jan6))
}

// MARK: Messages

@Test func messagesNameTheTextAndSayWhatToDo() {
    #expect(DateParseError.impossibleDate("31/02/2025").description == "\"31/02/2025\" is not a real date")
    #expect(DateParseError.twoDigitYear("06/01/25").description
        == "\"06/01/25\" has a two-digit year; write the year in full (06/01/2025)")
    #expect(DateParseError.unrecognised("2025/13/01").description
        == "\"2025/13/01\" is not a recognised date; use yyyy-mm-dd or dd/mm/yyyy")
    #expect(DateParseError.excelSerialTooSmall("12").description.hasPrefix(
        "Excel serial 12 is before 1 March 1900, where Excel's calendar is wrong"))
}

@Test func twoDigitYearMessagesSuggestTheFullYear() {
    #expect(DateParseError.twoDigitYear("6 Jan 25 00:00").description.hasSuffix("(6 Jan 2025 00:00)"))
    #expect(DateParseError.twoDigitYear("01/01/99").description.hasSuffix("(01/01/1999)"))
}

@Test func sentinelAndOutOfRangeYearMessagesSaySo() {
    let sentinel = DateParseError.impossibleDate("9999-12-31").description
    #expect(sentinel.hasPrefix("\"9999-12-31\" is not a real date"))
    #expect(sentinel.contains("placeholder"))
    #expect(DateParseError.impossibleDate("00/00/0000").description.contains("placeholder"))
    #expect(DateParseError.impossibleDate("31/12/1899").description.contains("between 1900 and 2999"))
    // A time zone offset is not mistaken for a year.
    #expect(DateParseError.impossibleDate("2025-02-30T00:00:00+0100").description
        == "\"2025-02-30T00:00:00+0100\" is not a real date")
}

@Test func unrecognisedSerialNumbersSuggestTheExcelFormat() {
    #expect(DateParseError.unrecognised("45658").description.contains("\"excel\""))
    #expect(DateParseError.unrecognised("45658.25").description.contains("\"excel\""))
    #expect(!DateParseError.unrecognised("2025").description.contains("excel"))
    #expect(DateParseError.unrecognised("").description == "the date is empty")
}

@Test func everyErrorMessageQuotesTheOriginalText() {
    let errors: [DateParseError] = [
        .unrecognised("abc"), .twoDigitYear("1/2/03"), .impossibleDate("30/02/2024"), .excelSerialTooSmall("59"),
    ]
    for (error, text) in zip(errors, ["abc", "1/2/03", "30/02/2024", "59"]) {
        #expect(error.description.contains(text))
    }
}
