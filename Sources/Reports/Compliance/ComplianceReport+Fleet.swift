import Foundation
import Model

/// The report's e-book terminal section: per county and for the city, terminals assigned against students and
/// teachers, in use, in repair and lost — the schools' `FleetCounts` summed.
extension ComplianceReport {
    /// One county's (or the city's, `county == "city"`) terminals.
    public struct FleetRow: Sendable, Hashable, Encodable {
        public var county: String
        public var name: String
        public var counts: FleetCounts
        /// Assigned per student and teacher.
        public var ratio: Double?
        public var inUseShare: Double?
    }

    static func fleetRows(_ bySchool: [String: FleetCounts], inventory: Inventory) -> [FleetRow] {
        guard bySchool.values.contains(where: { $0.registered > 0 }) else { return [] }
        var byCounty: [String: FleetCounts] = [:]
        for school in inventory.schools {
            if let counts = bySchool[school.id] { byCounty[school.county] = (byCounty[school.county] ?? FleetCounts()) + counts }
        }
        func row(_ id: String, _ name: String, _ counts: FleetCounts) -> FleetRow {
            FleetRow(county: id, name: name, counts: counts, ratio: counts.ratio, inUseShare: counts.inUseShare)
        }
        let counties = inventory.counties.compactMap { county in byCounty[county.id].map { row(county.id, county.name, $0) } }
        return counties + [row("city", "全市", counties.map(\.counts).reduce(FleetCounts(), +))]
    }

    /// The fleet section as a table; empty when no terminal is registered.
    func fleetText(english: Bool) -> String {
        guard !fleet.isEmpty else { return "" }
        func label(_ zh: String, _ en: String) -> String { english ? en : "\(zh) \(en)" }
        let rows = fleet.map { r in
            [
                r.county, r.county == "city" && english ? "City" : r.name, String(r.counts.students + r.counts.teachers), String(r.counts.assigned),
                r.ratio.map { String(format: "%.2f", $0) } ?? "—", String(r.counts.inUse), RateText.percent(r.inUseShare), String(r.counts.repair),
                String(r.counts.lost), String(r.counts.inStock),
            ]
        }
        return "\n" + label("电子书包", "E-book terminals") + "\n"
            + TextTable(
                columns: [
                    .init("ID"), .init(label("区县", "County")), .init(label("师生", "People"), alignRight: true),
                    .init(label("已分配", "Assigned"), alignRight: true), .init(label("人均", "Per person"), alignRight: true),
                    .init(label("在用", "In use"), alignRight: true), .init(label("在用率", "In use %"), alignRight: true),
                    .init(label("维修", "Repair"), alignRight: true), .init(label("丢失", "Lost"), alignRight: true),
                    .init(label("在库", "In stock"), alignRight: true),
                ], rows: rows
            ).render()
    }

    /// The fleet section as HTML; empty when no terminal is registered.
    func fleetHTML() -> String {
        guard !fleet.isEmpty else { return "" }
        var html = "<section id=\"fleet\">\n<h2>\(Self.both("电子书包", "E-book terminals"))</h2>\n<table><thead><tr>"
        for (zh, en) in [
            ("区县", "County"), ("师生", "People"), ("已分配", "Assigned"), ("人均", "Per person"), ("在用", "In use"), ("维修", "Repair"),
            ("丢失", "Lost"), ("在库", "In stock"),
        ] {
            html += "<th>\(Self.both(zh, en))</th>"
        }
        html += "</tr></thead><tbody>\n"
        for r in fleet {
            let cells = [
                String(r.counts.students + r.counts.teachers), String(r.counts.assigned), r.ratio.map { String(format: "%.2f", $0) } ?? "—",
                "\(r.counts.inUse) (\(RateText.percent(r.inUseShare)))", String(r.counts.repair), String(r.counts.lost), String(r.counts.inStock),
            ]
            let below = (r.ratio ?? 0) < 1 ? " class=\"fail\"" : ""
            html +=
                "<tr id=\"fleet-\(Self.escape(r.county))\"\(below)><td>\(r.county == "city" ? Self.both("全市", "City") : Self.escape(r.name))</td>"
                + cells.map { "<td class=\"num\">\(Self.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }
}
