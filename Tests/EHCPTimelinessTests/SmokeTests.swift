import Testing
@testable import EHCPIngest
@testable import EHCPRules
@testable import EHCPStore
@testable import EHCPTimeliness
@testable import Generator
@Test func toolHasName() { #expect(Tool.name == "ehcp-timeliness") }
