import Foundation
import Model
import Reports

/// The dashboard's landing page: what a bureau asks first. The plan's figures (bandwidth per tier, Wi-Fi coverage,
/// terminals, the cloud), the schools below target first, the city → county → school tree with each place's counts in
/// all and by group of rules (bandwidth, Wi-Fi, terminals, cloud, graded protection), and the alerts firing now. One
/// self-contained page (its style and its few lines of script inline, no font or file from elsewhere: it works on a
/// closed network), Chinese by default, English by `?lang=en`; a school is a line of about two hundred bytes, so that a
/// city of 2,000 schools stays within the page budget (gzip'd).
public struct LandingPage: Sendable {
    public let token: APIToken
    public let inventory: Inventory
    public let findings: [Finding]
    /// The alerts firing that the page lists, in the order it lists them (the most severe and longest firing first).
    public let alerts: [Alert]
    /// How many alerts fire in all (the page lists the first 200).
    public let firing: Int
    public let english: Bool
    public let now: Date

    public init(token: APIToken, inventory: Inventory, findings: [Finding], alerts: [Alert], firing: Int, english: Bool, now: Date) {
        self.token = token
        self.inventory = inventory
        self.findings = findings
        self.alerts = alerts
        self.firing = firing
        self.english = english
        self.now = now
    }

    /// How many alerts the page lists at most.
    public static let alertsListed = 200

    func text(_ zh: String, _ en: String) -> String { ComplianceReport.escape(english ? en : zh) }

    /// pass, fail and unknown counts.
    struct Counts {
        var pass = 0, fail = 0, unknown = 0

        mutating func add(_ verdict: Finding.Verdict) {
            switch verdict {
            case .pass: pass += 1
            case .fail: fail += 1
            case .unknown: unknown += 1
            }
        }

        var cells: String { "<td class=p>\(pass)</td><td class=f>\(fail)</td><td class=u>\(unknown)</td>" }

        /// One cell of `pass/fail/unknown`, coloured by the worst; empty where nothing was judged.
        var compact: String {
            guard pass + fail + unknown > 0 else { return "<td></td>" }
            return "<td class=\(fail > 0 ? "f" : unknown > 0 ? "u" : "p")>\(pass)/\(fail)/\(unknown)</td>"
        }
    }

    /// The groups of rules the plan's figures and the tree count by: what a bureau asks of a place, one column each.
    static let groups: [(id: String, zh: String, en: String, rules: Set<Finding.Rule>)] = [
        ("bandwidth", "带宽", "Bandwidth", [.provisionedCapacity, .deliveredCapacity, .redundancy, .campusBackbone, .liveClassHeadroom]),
        ("wifi", "无线覆盖", "Wi-Fi coverage", [.wifiCoverage, .wirelessAccess]),
        ("terminals", "电子书包", "E-book terminals", [.terminalRatio, .terminalUse]),
        ("cloud", "教育云", "Education cloud", Finding.Rule.pool),
        ("security", "等级保护", "Graded protection", Finding.Rule.security),
    ]

    /// A place's counts: in all, and by group.
    struct PlaceCounts {
        var total = Counts()
        var byGroup = [Counts](repeating: Counts(), count: LandingPage.groups.count)
        static let groupOf: [Finding.Rule: Int] = Dictionary(
            LandingPage.groups.enumerated().flatMap { index, group in group.rules.map { ($0, index) } }, uniquingKeysWith: { a, _ in a })

        init(_ findings: some Sequence<Finding>) {
            for finding in findings {
                total.add(finding.verdict)
                if let group = Self.groupOf[finding.rule] { byGroup[group].add(finding.verdict) }
            }
        }

        var cells: String { total.cells + byGroup.map(\.compact).joined() }
    }

    public func render() -> String {
        let counties = inventory.counties.filter { token.admits(county: $0.id) }
        let schools = inventory.schools.filter { token.admits(county: $0.county) }
        var bySchool: [String: [Finding]] = [:]
        for finding in findings { if let school = finding.subject.school { bySchool[school, default: []].append(finding) } }
        let failing = bySchool.mapValues { $0.filter { $0.verdict == .fail } }
        let below = schools.filter { !(failing[$0.id] ?? []).isEmpty }.sorted {
            (failing[$0.id]?.count ?? 0, $1.id) > (failing[$1.id]?.count ?? 0, $0.id)
        }
        let frame = PageFrame(token: token, english: english, now: now)
        var html = ""
        html += planFigures()
        html += "<h2>\(text("未达标学校", "Schools below target")) <small>\(below.count) / \(schools.count)</small></h2>"
        if below.isEmpty {
            html += "<p>\(text("所有学校均达标或尚无数据。", "Every school meets the targets or has no data yet."))</p>"
        } else {
            html += "<table id=below><tr><th>\(text("学校", "School"))</th><th>\(text("区县", "County"))</th><th>\(text("未达标项", "Failing"))</th></tr>"
            let countyName = Dictionary(inventory.counties.map { ($0.id, english ? $0.nameEN : $0.name) }, uniquingKeysWith: { a, _ in a })
            for school in below {
                let rules = Set((failing[school.id] ?? []).map(\.rule)).sorted { $0.rawValue < $1.rawValue }.map { text($0.title.zh, $0.title.en) }
                html +=
                    "<tr id=\"below-\(school.id)\"><td><a href=\"/schools/\(school.id)\(frame.language)\">\(text(school.name, school.nameEN))</a></td><td>\(ComplianceReport.escape(countyName[school.county] ?? school.county))</td><td>\(rules.joined(separator: "、"))</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>\(text("市 → 区县 → 学校", "City → county → school"))</h2><table id=tree><tr><th></th><th>✓</th><th>✗</th><th>?</th>"
        html += Self.groups.map { "<th title=\"✓/✗/?\">\(text($0.zh, $0.en))</th>" }.joined() + "</tr>"
        html += "<tr class=city><td>\(text("全市", "City"))</td>\(PlaceCounts(findings).cells)</tr>"
        let byCounty = Dictionary(grouping: findings.filter { $0.subject.county != nil }, by: { $0.subject.county ?? "" })
        for county in counties {
            html +=
                "<tr class=county id=\"county-\(county.id)\"><td>\(text(county.name, county.nameEN))</td>\(PlaceCounts(byCounty[county.id] ?? []).cells)</tr>"
            for school in schools where school.county == county.id {
                html +=
                    "<tr id=\"school-\(school.id)\"><td><a href=\"/schools/\(school.id)\(frame.language)\">\(text(school.name, school.nameEN))</a></td>\(PlaceCounts(bySchool[school.id] ?? []).cells)</tr>"
            }
        }
        html += "</table>"
        html += alertsTable()
        return frame.page(title: english ? "School network compliance" : "教育城域网达标", html)
    }

    /// The plan's figures: links by tier against their capacity, Wi-Fi coverage, terminals, the cloud.
    func planFigures() -> String {
        var html = "<h2>\(text("规划指标", "The plan's figures"))</h2><div class=figures>"
        let tierOf = Dictionary(inventory.links.map { ($0.id, $0.tier) }, uniquingKeysWith: { a, _ in a })
        func figure(_ id: String, _ zh: String, _ en: String, _ rules: Set<Finding.Rule>, tier: LinkTier? = nil) {
            var counts = Counts()
            for finding in findings where rules.contains(finding.rule) && (tier == nil || tierOf[finding.subject.id] == tier) {
                counts.add(finding.verdict)
            }
            guard counts.pass + counts.fail + counts.unknown > 0 else { return }
            html +=
                "<div class=figure id=\"figure-\(id)\"><b>\(text(zh, en))</b><span class=p>\(counts.pass)</span><span class=f>\(counts.fail)</span><span class=u>\(counts.unknown)</span></div>"
        }
        for tier in LinkTier.allCases {
            figure(
                "tier-\(tier.rawValue)", "带宽 \(tier.rawValue)", "Bandwidth \(tier.rawValue)",
                [.provisionedCapacity, .deliveredCapacity, .campusBackbone], tier: tier)
        }
        for group in Self.groups.dropFirst() { figure(group.id, group.zh, group.en, group.rules) }
        return html + "</div>"
    }

    func alertsTable() -> String {
        var html = "<h2>\(text("当前告警", "Alerts firing")) <small>\(firing)</small></h2>"
        guard !alerts.isEmpty else { return html + "<p>\(text("无。", "None."))</p>" }
        html += "<table id=alerts><tr><th>\(text("级别", "Severity"))</th><th>\(text("开始", "Since"))</th><th>\(text("告警", "Alert"))</th></tr>"
        for alert in alerts.prefix(Self.alertsListed) {
            html +=
                "<tr class=\(alert.severity.rawValue)><td>\(alert.severity.rawValue)</td><td>\(CityTime.minute(alert.startsAt))</td><td>\(text(alert.summary.zh, alert.summary.en))</td></tr>"
        }
        return html + "</table>"
    }
}
