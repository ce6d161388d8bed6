import Foundation
import Model

/// The report's graded-protection (等级保护) section: per county and for the city, how many devices the posture
/// checks judged and how many answer a default community, are managed below SNMPv3 authPriv, or leave unused ports
/// open — the security findings counted, so the section and the findings never disagree.
extension ComplianceReport {
    /// One county's (or the city's, `county == "city"`) posture.
    public struct SecurityRow: Sendable, Hashable, Encodable {
        public var county: String
        public var name: String
        /// Devices with at least one posture finding.
        public var devices = 0
        /// Devices that answer a forbidden community.
        public var defaultCommunity = 0
        /// Devices of a v3-required role managed with v1, v2c or v3 below authPriv.
        public var belowV3AuthPriv = 0
        /// Devices with unused ports left open, and those ports.
        public var unusedPortDevices = 0
        public var unusedPorts = 0
        /// Posture findings that could not be judged (not probed, not polled).
        public var unknown = 0
        public var failing: Int { defaultCommunity + belowV3AuthPriv + unusedPortDevices }

        mutating func add(_ finding: Finding, newDevice: Bool) {
            if newDevice { devices += 1 }
            guard finding.verdict != .unknown else {
                unknown += 1
                return
            }
            guard finding.verdict == .fail else { return }
            switch finding.rule {
            case .snmpDefaultCommunity: defaultCommunity += 1
            case .snmpV3Required: belowV3AuthPriv += 1
            case .unusedPorts:
                unusedPortDevices += 1
                unusedPorts += Int(finding.measuredValue ?? 0)
            default: break
            }
        }
    }

    static func securityRows(_ findings: [Finding], inventory: Inventory) -> [SecurityRow] {
        let posture = findings.filter { Finding.Rule.security.contains($0.rule) }
        guard !posture.isEmpty else { return [] }
        var byCounty: [String: SecurityRow] = [:]
        var city = SecurityRow(county: "city", name: "全市")
        var seen: Set<String> = []
        for finding in posture {
            let newDevice = seen.insert(finding.subject.id).inserted
            city.add(finding, newDevice: newDevice)
            guard let county = finding.subject.county else { continue }
            byCounty[county, default: SecurityRow(county: county, name: county)].add(finding, newDevice: newDevice)
        }
        return inventory.counties.compactMap { county in
            byCounty[county.id].map { row in
                var row = row
                row.name = county.name
                return row
            }
        } + [city]
    }

    private static let securityColumns = [
        ("设备", "Devices"), ("默认团体名", "Default community"), ("未用 v3 加密", "Below v3 authPriv"), ("闲置端口设备", "Unused-port devices"),
        ("闲置端口", "Unused ports"), ("无法判定", "Unknown"),
    ]

    private static func securityCells(_ row: SecurityRow) -> [String] {
        [row.devices, row.defaultCommunity, row.belowV3AuthPriv, row.unusedPortDevices, row.unusedPorts, row.unknown].map(String.init)
    }

    /// The security section as a table; empty when no posture check has a finding.
    func securityText(english: Bool) -> String {
        guard !security.isEmpty else { return "" }
        func label(_ zh: String, _ en: String) -> String { english ? en : "\(zh) \(en)" }
        return "\n" + label("等级保护安全检查", "Security posture") + "\n"
            + TextTable(
                columns: [.init("ID"), .init(label("区县", "County"))]
                    + Self.securityColumns.map { .init(label($0.0, $0.1), alignRight: true) },
                rows: security.map { row in [row.county, row.county == "city" && english ? "City" : row.name] + Self.securityCells(row) }
            ).render()
    }

    /// The security section as HTML; empty when no posture check has a finding.
    func securityHTML() -> String {
        guard !security.isEmpty else { return "" }
        var html = "<section id=\"security\">\n<h2>\(Self.both("等级保护安全检查", "Security posture"))</h2>\n<table><thead><tr>"
        for (zh, en) in [("区县", "County")] + Self.securityColumns { html += "<th>\(Self.both(zh, en))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in security {
            let failing = row.failing > 0 ? " class=\"fail\"" : ""
            html +=
                "<tr id=\"security-\(Self.escape(row.county))\"\(failing)><td>\(row.county == "city" ? Self.both("全市", "City") : Self.escape(row.name))</td>"
                + Self.securityCells(row).map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }
}
