import EHCPRules
import EHCPStore
import EHCPIngest

public enum Tool { public static let name = "ehcp-timeliness"; public static let version = "0.1.0" }
