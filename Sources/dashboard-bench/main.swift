import API
import BenchSupport
import Foundation
import Model

/// The dashboard's page budget (scripts/bench-dashboard.sh): the landing page of a city of SCHOOLS schools in six
/// counties, each school judged on eight rules (one school in five failing one, one in ten unknown on one), with 200
/// alerts firing, rendered for a city-wide token and written to PATH. Prints `step=render …` and `bytes=N`.
@main
struct DashboardBench {
    static func main() throws {
        var command = BenchCommandLine()
        let schoolCount = command.option("--schools", 2_000)
        guard let path = command.arguments.first else { BenchCommandLine.usage("dashboard-bench PAGE.html [--schools N]") }
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let counties = (1...6).map { County(id: "c\($0)", name: "第\($0)区县", nameEN: "County \($0)") }
        let schools = (0..<schoolCount).map { n in
            School(
                id: "school-\(n)", name: "第\(n)学校", nameEN: "School \(n)", county: counties[n % 6].id, kind: n % 10 == 0 ? .vocational : .primary,
                students: 1200, teachers: 80, subnets: [], areas: [])
        }
        let rules: [Finding.Rule] = [
            .provisionedCapacity, .deliveredCapacity, .redundancy, .campusBackbone, .wifiCoverage, .wirelessAccess, .terminalRatio, .terminalUse,
        ]
        var findings: [Finding] = []
        for (n, school) in schools.enumerated() {
            for (k, rule) in rules.enumerated() {
                var finding = Finding(
                    rule: rule, subject: .init(kind: .school, id: school.id, county: school.county, school: school.id), target: "≥ 1G",
                    targetValue: 1e9,
                    source: "bench")
                let failing = n % 5 == 0 && k == n % 8
                let unknown = n % 10 == 1 && k == 3
                finding.verdict = failing ? Finding.Verdict.fail : unknown ? Finding.Verdict.unknown : Finding.Verdict.pass
                findings.append(finding)
            }
        }
        let alerts = (0..<200).map { n -> Alert in
            let severity: AlertSeverity = n % 4 == 0 ? .critical : .warning
            let summary = BilingualText(zh: "第\(n)学校接入交换机不可达", en: "School \(n) access switch unreachable")
            let signal = AlertSignal(
                rule: "device_unreachable", subject: "sw-\(n)", severity: severity, labels: ["county": counties[n % 6].id], summary: summary)
            return Alert(id: Int64(n), signal: signal, at: now.addingTimeInterval(-Double(n) * 60))
        }
        let token = APIToken(name: "bench", hint: "edn_…", scope: .read, counties: [], createdAt: now, expiresAt: nil)
        var page = ""
        BenchCommandLine.measure("dashboard-bench", "render", rows: schoolCount) {
            page = LandingPage(
                token: token, inventory: Inventory(counties: counties, schools: schools), findings: findings,
                alerts: alerts.sorted { ($0.severity, $1.startsAt) > ($1.severity, $0.startsAt) }, firing: alerts.count, english: false, now: now
            ).render()
        }
        try page.write(toFile: path, atomically: true, encoding: .utf8)
        print("bytes=\(page.utf8.count)")
    }
}
