import Foundation
import Model

/// The bandwidth compliance report: the window, every finding, and the counts rolled up school → county → city.
/// Its JSON form (`edunet.report.bandwidth/v1`) is the stable schema other systems read.
public struct ComplianceReport: Sendable, Encodable {
    /// Findings by verdict, and the share that passed among those with a verdict (unknown never counts as pass).
    public struct Counts: Sendable, Hashable, Encodable {
        public var pass = 0
        public var fail = 0
        public var unknown = 0
        public var total: Int { pass + fail + unknown }
        /// pass / total: an unknown lowers it as a fail does.
        public var passShare: Double? { total == 0 ? nil : Double(pass) / Double(total) }

        mutating func add(_ verdict: Finding.Verdict) {
            switch verdict {
            case .pass: pass += 1
            case .fail: fail += 1
            case .unknown: unknown += 1
            }
        }

        private enum CodingKeys: String, CodingKey { case pass, fail, unknown, total, passShare }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pass, forKey: .pass)
            try container.encode(fail, forKey: .fail)
            try container.encode(unknown, forKey: .unknown)
            try container.encode(total, forKey: .total)
            try container.encodeIfPresent(passShare, forKey: .passShare)
        }
    }

    /// One county's counts, in the inventory's county order.
    public struct CountyCounts: Sendable, Hashable, Encodable {
        public var county: String
        public var name: String
        public var counts: Counts
    }

    public var from: Date
    public var to: Date
    /// Failing first, then unknown, then passing; by rule and subject within each.
    public var findings: [Finding]
    public var city: Counts
    public var counties: [CountyCounts]
    public var schools: [String: Counts]
    /// The e-book terminals per county and for the city (empty when none is registered).
    public var fleet: [FleetRow]
    /// The education cloud's sites side by side (empty when the city has none, or the report leaves it out).
    public var cloud: [CloudRow] = []
    /// The graded-protection posture per county and for the city (empty when no posture check has a finding).
    public var security: [SecurityRow]
    /// Each school's terminals, for `filtered`.
    let fleetBySchool: [String: FleetCounts]
    /// The subjects' names, for the text and HTML forms (JSON and CSV keep the ids).
    let names: SubjectNames
    /// What the text and HTML forms are headed: the whole report, or the rules it was filtered to.
    public var title = Title.bandwidth

    /// A report's heading in both languages.
    public struct Title: Sendable, Hashable {
        public var zh: String
        public var en: String
        public static let bandwidth = Title(zh: "带宽达标报告", en: "Bandwidth compliance")
        public static let fleet = Title(zh: "电子书包达标报告", en: "E-book terminal compliance")
        public static let pool = Title(zh: "教育云达标报告", en: "Education cloud compliance")
        public static let security = Title(zh: "等级保护安全检查报告", en: "Security posture")
    }

    private enum CodingKeys: String, CodingKey { case from, to, findings, city, counties, schools, fleet, cloud, security }

    /// `fleet` holds each school's terminals (`ComplianceEvaluator.fleetCounts`).
    public init(findings: [Finding], inventory: Inventory, from: Date, to: Date, fleet: [String: FleetCounts] = [:]) {
        self.from = from
        self.to = to
        fleetBySchool = fleet
        self.fleet = Self.fleetRows(fleet, inventory: inventory)
        names = SubjectNames(inventory: inventory)
        let order: [Finding.Verdict: Int] = [.fail: 0, .unknown: 1, .pass: 2]
        self.findings = findings.sorted { (order[$0.verdict]!, $0.rule.rawValue, $0.id) < (order[$1.verdict]!, $1.rule.rawValue, $1.id) }
        var city = Counts()
        var byCounty: [String: Counts] = [:]
        var bySchool: [String: Counts] = [:]
        for finding in findings {
            city.add(finding.verdict)
            if let county = finding.subject.county { byCounty[county, default: Counts()].add(finding.verdict) }
            if let school = finding.subject.school { bySchool[school, default: Counts()].add(finding.verdict) }
        }
        self.city = city
        counties = inventory.counties.map { CountyCounts(county: $0.id, name: $0.name, counts: byCounty[$0.id] ?? Counts()) }
        schools = bySchool
        security = Self.securityRows(findings, inventory: inventory)
    }

    /// Only the findings about one county or one school, of the rules given (all when nil); the counts are
    /// recomputed for them.
    public func filtered(
        county: String?, school: String?, rules: Set<Finding.Rule>? = nil, title: Title = .bandwidth, inventory: Inventory
    ) -> ComplianceReport {
        let countyOf = Dictionary(inventory.schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        var report = ComplianceReport(
            findings: findings.filter { finding in
                (county == nil || finding.subject.county == county) && (school == nil || finding.subject.school == school)
                    && (rules?.contains(finding.rule) ?? true)
            }, inventory: inventory, from: from, to: to,
            fleet: fleetBySchool.filter { id, _ in (county == nil || countyOf[id] == county) && (school == nil || id == school) })
        report.title = title
        report.cloud = county == nil && school == nil && (rules.map { !$0.isDisjoint(with: Finding.Rule.pool) } ?? true) ? cloud : []
        return report
    }

    public func json() throws -> Data { try JSONDocument.encode(schema: "edunet.report.bandwidth/v1", key: "report", self) }

    /// One row per finding, Excel-ready (UTF-8 with BOM, CRLF).
    public func csv() -> String {
        CSVTable.render(
            header: [
                "id", "verdict", "rule", "subject_kind", "subject", "direction", "county", "school", "target", "measured", "reason",
                "samples", "coverage", "evidence",
            ],
            rows: findings.map { f in
                [
                    f.id, f.verdict.rawValue, f.rule.rawValue, f.subject.kind.rawValue, f.subject.id, f.direction ?? "", f.subject.county ?? "",
                    f.subject.school ?? "",
                    f.target, f.measured ?? "", f.reason ?? "", String(f.evidence.samples),
                    f.evidence.coverage.map { String(format: "%.3f", $0) } ?? "", f.evidence.source,
                ]
            })
    }

    /// For people: the county summary, then what fails and what is unknown, each with target, measured and why.
    public func text(english: Bool = false) -> String {
        func label(_ zh: String, _ en: String) -> String { english ? en : "\(zh) \(en)" }
        var out =
            (english ? title.en : "\(title.zh) \(title.en)")
            + "  \(CityTime.minute(from)) – \(CityTime.minute(to))\n\n"
        let summaryRows =
            counties.filter { $0.counts.total > 0 }.map { c in
                [c.county, c.name, String(c.counts.pass), String(c.counts.fail), String(c.counts.unknown), RateText.percent(c.counts.passShare)]
            } + [["city", english ? "City" : "全市", String(city.pass), String(city.fail), String(city.unknown), RateText.percent(city.passShare)]]
        out += TextTable(
            columns: [
                .init("ID"), .init(label("区县", "County")), .init(label("达标", "Pass"), alignRight: true),
                .init(label("不达标", "Fail"), alignRight: true), .init(label("未知", "Unknown"), alignRight: true),
                .init(label("达标率", "Pass rate"), alignRight: true),
            ], rows: summaryRows
        ).render()
        out += fleetText(english: english)
        out += cloudText(english: english)
        out += securityText(english: english)
        for (verdict, title) in [(Finding.Verdict.fail, label("不达标", "Failing")), (.unknown, label("无法判定", "Unknown"))] {
            let rows = findings.filter { $0.verdict == verdict }
            out += "\n\(title): \(rows.count)\n"
            guard !rows.isEmpty else { continue }
            out += TextTable(
                columns: [
                    .init(label("规则", "Rule")), .init(label("对象", "Subject")), .init(label("目标", "Target")),
                    .init(label("实测", "Measured")), .init(label("原因", "Why")),
                ],
                rows: rows.map { f in
                    [
                        english ? f.rule.title.en : f.rule.title.zh, names.label(f, english: english), f.target(english: english),
                        f.measured(english: english) ?? "—", f.reason(english: english) ?? "",
                    ]
                }
            ).render()
        }
        return out
    }
}
