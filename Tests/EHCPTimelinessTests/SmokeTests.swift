import Testing
@testable import EHCPTimeliness
@Test func toolHasName() { #expect(Tool.name == "ehcp-timeliness") }
