import Foundation
import Model
import Monitor
import Reports

/// A school's page: its planned links with their utilisation over the window (the chart, p95 and the threshold), its
/// areas with their access points and what their controllers report, and every finding of the school with its evidence.
struct SchoolPage {
    let frame: PageFrame
    let school: School
    let inventory: Inventory
    let findings: [Finding]
    /// Each link's downstream utilisation, by link id.
    let series: [String: UtilisationSeries]
    /// The school's access points as their controllers reported them over the window, by id.
    let accessPoints: [String: AccessPointRegister.Entry]

    func render() -> String {
        func text(_ zh: String, _ en: String) -> String { frame.text(zh, en) }
        let devices = Set(inventory.devices.filter { $0.school == school.id }.map(\.id))
        let links = inventory.links.filter { devices.contains($0.a.device) || devices.contains($0.b.device) }
        var html =
            "<h1>\(text(school.name, school.nameEN))</h1><p>\(text("学生", "Students")) \(school.students) · \(text("教师", "Teachers")) \(school.teachers)</p>"
        html += "<h2>\(text("链路", "Links"))</h2>"
        for link in links {
            html +=
                "<h3 id=\"link-\(link.id)\"><a href=\"/links/\(link.id)\(frame.language)\">\(ComplianceReport.escape(link.id))</a> <small>\(link.tier.rawValue)</small></h3>"
            html += series[link.id].map(ComplianceReport.chart) ?? "<p class=u>\(text("窗口内无测量数据", "nothing measured in the window"))</p>"
        }
        html += "<h2>\(text("区域与无线接入点", "Areas and access points"))</h2><table><tr><th>\(text("区域", "Area"))</th><th>AP</th></tr>"
        for area in school.areas {
            let aps = area.accessPoints.map { id in
                let entry = accessPoints[id]
                let up = entry?.upShare.map { " " + RateText.percent($0) } ?? ""
                return
                    "<span class=\(entry?.reading?.up == true ? "p" : entry?.reading?.up == false ? "f" : "u")>\(ComplianceReport.escape(id))</span>"
                    + " <small>\(ComplianceReport.escape(entry?.state ?? "not reported"))\(up)</small>"
            }
            html +=
                "<tr><td>\(ComplianceReport.escape(area.name)) <small>\(area.kind.rawValue)</small></td><td>\(aps.joined(separator: ", "))</td></tr>"
        }
        html += "</table>"
        html += FindingsTable(frame: frame, findings: findings).render()
        return frame.page(title: english(school.nameEN, school.name), html)
    }

    func english(_ en: String, _ zh: String) -> String { frame.english ? en : zh }
}

/// Findings with their target, what was measured and why.
struct FindingsTable {
    let frame: PageFrame
    let findings: [Finding]

    func render() -> String {
        func text(_ zh: String, _ en: String) -> String { frame.text(zh, en) }
        var html = "<h2>\(text("检查结果", "Findings"))</h2><table id=findings><tr><th>\(text("规则", "Rule"))</th><th>\(text("对象", "Subject"))</th>"
        html +=
            "<th>\(text("目标", "Target"))</th><th>\(text("测得", "Measured"))</th><th>\(text("结论", "Verdict"))</th><th>\(text("说明", "Why"))</th></tr>"
        let order: [Finding.Verdict: Int] = [.fail: 0, .unknown: 1, .pass: 2]
        for finding in findings.sorted(by: { (order[$0.verdict] ?? 3, $0.id) < (order[$1.verdict] ?? 3, $1.id) }) {
            html += "<tr id=\"finding-\(ComplianceReport.escape(finding.id))\"><td>\(text(finding.rule.title.zh, finding.rule.title.en))</td>"
            html +=
                "<td>\(ComplianceReport.escape(finding.subjectLabel))</td><td>\(ComplianceReport.escape(finding.target(english: frame.english)))</td>"
            html +=
                "<td>\(ComplianceReport.escape(finding.measured(english: frame.english) ?? "—"))</td><td class=\(finding.verdict.rawValue)>\(finding.verdict.rawValue)</td>"
            html += "<td>\(ComplianceReport.escape(finding.reason(english: frame.english) ?? ""))</td></tr>"
        }
        return html + "</table>"
    }
}

/// A link's page: its chart over the last hours, drawn again every 30 s without reloading the page (the chart alone
/// is fetched from `/links/{id}/chart`).
struct LinkPage {
    let frame: PageFrame
    let link: Link
    let chart: String

    func render() -> String {
        let html = """
            <h1>\(ComplianceReport.escape(link.id)) <small>\(link.tier.rawValue)</small></h1>
            <p>\(ComplianceReport.escape(link.a.device)) \(ComplianceReport.escape(link.a.interface)) → \(ComplianceReport.escape(link.b.device)) \(ComplianceReport.escape(link.b.interface))</p>
            <h2>\(frame.text("下行利用率（近 6 小时，每 30 秒刷新）", "Downstream utilisation (last 6 hours, refreshed every 30 s)"))</h2>
            <div id=chart>\(chart)</div>
            <script>setInterval(()=>fetch('/links/\(link.id)/chart').then(r=>r.ok?r.text():null).then(t=>{if(t!==null)document.getElementById('chart').innerHTML=t}),30000)</script>
            """
        return frame.page(title: link.id, html)
    }

    /// The chart, or why there is none.
    static func chart(_ series: UtilisationSeries?, frame: PageFrame) -> String {
        series.map(ComplianceReport.chart) ?? "<p class=u>\(frame.text("近 6 小时无测量数据", "nothing measured in the last 6 hours"))</p>"
    }
}

/// The alerts firing that the token may see; with an `operate` token, a button to acknowledge each and a form to
/// silence it for some hours.
struct AlertsPage {
    let frame: PageFrame
    let alerts: [Alert]

    func render() -> String {
        func text(_ zh: String, _ en: String) -> String { frame.text(zh, en) }
        let operate = frame.token.scope >= .operate
        let firing = alerts.filter { $0.state == .firing }.sorted { ($0.severity, $1.startsAt) > ($1.severity, $0.startsAt) }
        var html = "<h1>\(text("当前告警", "Alerts firing")) <small>\(firing.count)</small></h1><table id=alerts><tr><th>\(text("级别", "Severity"))</th>"
        html +=
            "<th>\(text("开始", "Since"))</th><th>\(text("告警", "Alert"))</th><th>\(text("确认", "Acknowledged"))</th>\(operate ? "<th></th>" : "")</tr>"
        for alert in firing {
            html +=
                "<tr id=\"alert-\(alert.id)\" class=\(alert.severity.rawValue)><td>\(alert.severity.rawValue)</td><td>\(CityTime.minute(alert.startsAt))</td>"
            html += "<td>\(text(alert.summary.zh, alert.summary.en))</td><td>\(ComplianceReport.escape(alert.acknowledgedBy ?? ""))</td>"
            if operate {
                html += "<td><form method=post action=\"/alerts/\(alert.id)/ack\"><button>\(text("确认", "Acknowledge"))</button></form> "
                html += "<form method=post action=\"/alerts/\(alert.id)/silence\"><input name=hours type=number min=1 max=720 value=2 required> "
                html += "<input name=reason placeholder=\"\(text("原因", "reason"))\" required> <button>\(text("静默", "Silence"))</button></form></td>"
            }
            html += "</tr>"
        }
        return frame.page(title: frame.english ? "Alerts" : "告警", html + "</table>")
    }
}
