import EHCPRules
import EHCPStore
import EHCPIngest
import EHCPTimeliness
import Mustache

/// report.html: one self-contained page (inline CSS and SVG, no script, no fetch of any
/// kind, and a Content-Security-Policy that blocks one made by mistake).
public enum HTMLReport {
    package static let library: MustacheLibrary = {
        do {
            return MustacheLibrary(templates: [
                "page": try MustacheTemplate(string: ReportTemplates.html),
                "table": try MustacheTemplate(string: ReportTemplates.htmlTable),
            ])
        } catch {
            preconditionFailure("the report.html templates do not parse: \(error)")
        }
    }()

    public static func render(_ model: ReportModel) -> String {
        library.render(ReportContext.make(model, charts: true), withTemplate: "page") ?? ""
    }

    public static func render(_ result: AnalysisResult) -> String { render(ReportModel(result)) }
}
