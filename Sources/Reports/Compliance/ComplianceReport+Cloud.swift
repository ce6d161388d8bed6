import Foundation
import Model

/// The report's education-cloud section: each site side by side with its capacity, what is reserved there (service
/// replicas and allocations) under the overcommit ratio, the measured p95 use and what is left.
extension ComplianceReport {
    /// One site and one resource.
    public struct CloudRow: Sendable, Hashable, Encodable {
        public var site: String
        public var name: String
        public var resource: Resources.Kind
        public var capacity: Double
        /// Capacity × the overcommit ratio.
        public var admissible: Double
        public var reserved: Double
        /// p95 use over the window; nil for storage (see the storage findings) and where nothing was measured.
        public var measuredP95: Double?

        public init(
            site: String, name: String, resource: Resources.Kind, capacity: Double, admissible: Double, reserved: Double, measuredP95: Double?
        ) {
            self.site = site
            self.name = name
            self.resource = resource
            self.capacity = capacity
            self.admissible = admissible
            self.reserved = reserved
            self.measuredP95 = measuredP95
        }

        /// What may still be reserved here.
        public var headroom: Double { admissible - reserved }
    }

    static func cloudColumns(english: Bool) -> [TextTable.Column] {
        func label(_ zh: String, _ en: String) -> String { english ? en : "\(zh) \(en)" }
        return [
            .init(label("中心", "Site")), .init(label("资源", "Resource")), .init(label("容量", "Capacity"), alignRight: true),
            .init(label("可分配", "Admissible"), alignRight: true), .init(label("已预留", "Reserved"), alignRight: true),
            .init(label("P95 实测", "p95 used"), alignRight: true), .init(label("余量", "Headroom"), alignRight: true),
        ]
    }

    /// One row's cells, as the text, HTML and `edunet pool status` show them.
    public static func cloudCells(_ r: CloudRow, english: Bool) -> [String] {
        [
            english ? r.site : "\(r.name) \(r.site)", r.resource.rawValue, Resources.text(r.capacity, r.resource),
            Resources.text(r.admissible, r.resource), Resources.text(r.reserved, r.resource),
            r.measuredP95.map { Resources.text($0, r.resource) } ?? "—",
            (r.headroom < 0 ? "−" + Resources.text(-r.headroom, r.resource) : Resources.text(r.headroom, r.resource)),
        ]
    }

    /// The cloud section as a table; empty when the city has no compute pool.
    func cloudText(english: Bool) -> String {
        guard !cloud.isEmpty else { return "" }
        return "\n" + (english ? "Education cloud" : "教育云 Education cloud") + "\n"
            + TextTable(columns: Self.cloudColumns(english: english), rows: cloud.map { Self.cloudCells($0, english: english) }).render()
    }

    /// The cloud section as HTML; empty when the city has no compute pool.
    func cloudHTML() -> String {
        guard !cloud.isEmpty else { return "" }
        var html = "<section id=\"cloud\">\n<h2>\(Self.both("教育云", "Education cloud"))</h2>\n<table><thead><tr>"
        for (zh, en) in [
            ("中心", "Site"), ("资源", "Resource"), ("容量", "Capacity"), ("可分配", "Admissible"), ("已预留", "Reserved"), ("P95 实测", "p95 used"),
            ("余量", "Headroom"),
        ] {
            html += "<th>\(Self.both(zh, en))</th>"
        }
        html += "</tr></thead><tbody>\n"
        for r in cloud {
            let cells = Self.cloudCells(r, english: false)
            html +=
                "<tr id=\"cloud-\(Self.escape(r.site))-\(r.resource.rawValue)\"\(r.headroom < 0 ? " class=\"fail\"" : "")><td>\(Self.escape(cells[0]))</td>"
                + cells.dropFirst().map { "<td class=\"num\">\(Self.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }
}
