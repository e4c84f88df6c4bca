import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import Mustache

/// report.md: the evidence pack's tables and words for board papers (no charts).
public enum MarkdownReport {
    /// Escapes text for Markdown: characters that would start emphasis, code, links,
    /// HTML or a table cell are backslash-escaped, so a cohort named `<script>` or
    /// `a|b` is shown as written and a table keeps its columns; line breaks become spaces.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "#", "~", "!", "{", "}":
                out.unicodeScalars.append("\\")
                out.unicodeScalars.append(c)
            case "\n", "\r", "\t":
                out += " "
            default:
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    package struct ContentType: MustacheContentType {
        package func escapeText(_ text: String) -> String { MarkdownReport.escape(text) }
    }

    package static let library: MustacheLibrary = {
        MustacheContentTypes.register(ContentType(), named: "MARKDOWN")
        do {
            return MustacheLibrary(templates: [
                "page": try MustacheTemplate(string: ReportTemplates.markdown),
                "table": try MustacheTemplate(string: ReportTemplates.markdownTable),
            ])
        } catch {
            preconditionFailure("the report.md templates do not parse: \(error)")
        }
    }()

    public static func render(_ model: ReportModel) -> String {
        library.render(ReportContext.make(model, charts: false), withTemplate: "page") ?? ""
    }

    public static func render(_ result: AnalysisResult) -> String { render(ReportModel(result)) }
}
