// INTERFACE STUB — to be implemented (see helper task).

/// Why a date could not be read; `description` is a message for an analyst.
public enum DateParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case unrecognised(String)
    case twoDigitYear(String)
    case impossibleDate(String)
    case excelSerialTooSmall(String)
    public var description: String { fatalError() }
}

/// A profile's `[dates] formats` entry could not be understood.
public struct DateFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let format: String
    public let reason: String
    public var description: String { "date format \"\(format)\": \(reason)" }
}

/// Reads dates from field bytes into `Day`s.
public struct DateParser: Sendable {
    /// Every format extract-format.md recognises without configuration.
    public static var automatic: DateParser { fatalError() }
    /// Only the given formats (profile tokens or `excel`), tried in order.
    public init(formats: [String]) throws(DateFormatError) { fatalError() }
    /// `bytes` is a non-empty field with surrounding spaces already trimmed.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Day, DateParseError> { fatalError() }
    public func parse(_ text: String) -> Result<Day, DateParseError> {
        var t = text
        return t.withUTF8 { parse($0) }
    }
}
