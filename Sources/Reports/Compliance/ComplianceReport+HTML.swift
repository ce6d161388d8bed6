import Foundation
import Model

/// The report as one self-contained HTML file a bureau official can open or print: no external assets, both
/// languages in the page (Chinese by default, a switch for English), SVG charts drawn here.
extension ComplianceReport {
    /// The page. `series` holds the utilisation of the failing delivered-capacity findings, by finding id.
    public func html(inventory: Inventory, series: [String: UtilisationSeries] = [:], english: Bool = false) -> String {
        let countyNames = Dictionary(inventory.counties.map { ($0.id, ($0.name, $0.nameEN)) }, uniquingKeysWith: { a, _ in a })
        var page = """
            <!DOCTYPE html>
            <html lang="\(english ? "en" : "zh-CN")" data-lang="\(english ? "en" : "zh")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title.zh) \(title.en)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <div class="switch"><button type="button" onclick="document.documentElement.dataset.lang='zh'">中文</button><button type="button" onclick="document.documentElement.dataset.lang='en'">English</button></div>
            <h1>\(Self.both("互联网+教育 \(title.zh)", "Internet + Education: \(title.en.lowercased())"))</h1>
            <p class="window">\(Self.both("统计区间", "Window")) <time datetime="\(Self.iso(from))">\(CityTime.minute(from))</time> – <time datetime="\(Self.iso(to))">\(CityTime.minute(to))</time></p>
            </header>
            <section id="city">
            <h2>\(Self.both("全市概况", "City"))</h2>
            <div class="counts">
            \(Self.count("city-pass", "pass", city.pass, "达标", "pass"))
            \(Self.count("city-fail", "fail", city.fail, "不达标", "fail"))
            \(Self.count("city-unknown", "unknown", city.unknown, "无法判定", "unknown"))
            <div class="count"><span class="number" id="city-rate">\(RateText.percent(city.passShare))</span><span class="label">\(Self.both("达标率", "pass rate"))</span></div>
            </div>
            <p class="note">\(Self.both("无法判定的项目不计为达标。", "Unknown is never counted as a pass."))</p>
            </section>
            <section id="counties">
            <h2>\(Self.both("各区县", "Counties"))</h2>
            \(countyChart())
            <table><thead><tr><th>\(Self.both("区县", "County"))</th><th>\(Self.both("达标", "Pass"))</th><th>\(Self.both("不达标", "Fail"))</th><th>\(Self.both("无法判定", "Unknown"))</th><th>\(Self.both("达标率", "Pass rate"))</th></tr></thead><tbody>

            """
        for county in counties where county.counts.total > 0 {
            let name = countyNames[county.county] ?? (county.name, county.county)
            page +=
                "<tr id=\"county-\(Self.escape(county.county))\"><td>\(Self.both(name.0, name.1))</td><td class=\"num\">\(county.counts.pass)</td>"
                + "<td class=\"num\">\(county.counts.fail)</td><td class=\"num\">\(county.counts.unknown)</td><td class=\"num\">\(RateText.percent(county.counts.passShare))</td></tr>\n"
        }
        page += "</tbody></table>\n</section>\n"
        page += fleetHTML()
        page += cloudHTML()
        page += securityHTML()
        let failing = findings.filter { $0.verdict == .fail }
        page += "<section id=\"failing\">\n<h2>\(Self.both("不达标项目", "Failing")) (\(failing.count))</h2>\n" + findingTable(failing) + "</section>\n"
        let charted = failing.filter { series[$0.id] != nil }
        if !charted.isEmpty {
            page += "<section id=\"charts\">\n<h2>\(Self.both("拥塞链路利用率", "Utilisation of congested links"))</h2>\n"
            for finding in charted {
                page +=
                    "<figure class=\"chart\"><figcaption>\(subject(finding)) — \(Self.both(finding.measured(english: false) ?? "", finding.measured ?? ""))</figcaption>"
                    + Self.chart(series[finding.id]!) + "</figure>\n"
            }
            page += "</section>\n"
        }
        page += "<section id=\"schools\">\n<h2>\(Self.both("各学校", "Schools"))</h2>\n"
        let bySchool = Dictionary(grouping: findings.filter { $0.subject.school != nil }, by: { $0.subject.school! })
        for school in inventory.schools where bySchool[school.id] != nil {
            let counts = schools[school.id] ?? Counts()
            page +=
                "<article class=\"school\" id=\"school-\(Self.escape(school.id))\"><h3>\(Self.both(school.name, school.nameEN))"
                + " <small>\(counts.pass) ✓ · \(counts.fail) ✗ · \(counts.unknown) ?</small></h3>\n" + findingTable(bySchool[school.id] ?? [])
                + "</article>\n"
        }
        page += "</section>\n"
        let unknown = findings.filter { $0.verdict == .unknown }
        page += "<section id=\"unknown\">\n<h2>\(Self.both("无法判定", "Unknown")) (\(unknown.count))</h2>\n<ul>\n"
        let reasons = Dictionary(grouping: unknown, by: { BilingualText(zh: $0.reason(english: false) ?? "", en: $0.reason ?? "") })
        for (reason, group) in reasons.sorted(by: { ($0.value.count, $1.key.en) > ($1.value.count, $0.key.en) }) {
            page += "<li>\(group.count) × \(Self.both(reason.zh, reason.en))</li>\n"
        }
        page += "</ul>\n</section>\n<footer>EduNet · \(Self.escape(CityTime.minute(to)))</footer>\n</body>\n</html>\n"
        return page
    }

    /// A finding's subject by name in both languages, its id beneath.
    private func subject(_ finding: Finding) -> String {
        Self.both(names.label(finding, english: false), names.label(finding, english: true))
            + "<br><small class=\"id\">\(Self.escape(finding.subjectLabel))</small>"
    }

    private static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private func findingTable(_ rows: [Finding]) -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">\(Self.both("无", "None"))</p>\n" }
        var table =
            "<table class=\"findings\"><thead><tr><th>\(Self.both("结果", "Verdict"))</th><th>\(Self.both("规则", "Rule"))</th>"
            + "<th>\(Self.both("对象", "Subject"))</th><th>\(Self.both("目标", "Target"))</th><th>\(Self.both("实测", "Measured"))</th>"
            + "<th>\(Self.both("原因", "Why"))</th></tr></thead><tbody>\n"
        for f in rows {
            let verdict =
                switch f.verdict {
                case .pass: Self.both("达标", "pass")
                case .fail: Self.both("不达标", "fail")
                case .unknown: Self.both("无法判定", "unknown")
                }
            table +=
                "<tr class=\"\(f.verdict.rawValue)\" data-finding=\"\(Self.escape(f.id))\"><td>\(verdict)</td><td>\(Self.both(f.rule.title.zh, f.rule.title.en))</td>"
                + "<td>\(subject(f))</td><td>\(Self.both(f.target(english: false), f.target))</td>"
                + "<td>\(Self.both(f.measured(english: false) ?? "—", f.measured ?? "—"))</td>"
                + "<td>\(Self.both(f.reason(english: false) ?? "", f.reason ?? ""))</td></tr>\n"
        }
        return table + "</tbody></table>\n"
    }

    /// Stacked pass / fail / unknown bars, one a county.
    private func countyChart() -> String {
        let shown = counties.filter { $0.counts.total > 0 }
        guard let most = shown.map(\.counts.total).max(), most > 0 else { return "" }
        let rowHeight = 26
        let width = 640
        let labelWidth = 90
        let barWidth = Double(width - labelWidth - 50)
        var svg = "<svg class=\"bars\" role=\"img\" viewBox=\"0 0 \(width) \(shown.count * rowHeight + 10)\" width=\"\(width)\">\n"
        for (row, county) in shown.enumerated() {
            let y = row * rowHeight + 5
            svg += "<text x=\"0\" y=\"\(y + 16)\">\(Self.escape(county.name))</text>"
            var x = Double(labelWidth)
            for (value, kind) in [(county.counts.pass, "pass"), (county.counts.fail, "fail"), (county.counts.unknown, "unknown")] where value > 0 {
                let w = barWidth * Double(value) / Double(most)
                svg +=
                    "<rect class=\"\(kind)\" x=\"\(Self.number(x))\" y=\"\(y)\" width=\"\(Self.number(w))\" height=\"20\"><title>\(kind) \(value)</title></rect>"
                x += w
            }
            svg += "<text x=\"\(Self.number(x + 4))\" y=\"\(y + 16)\">\(county.counts.fail) ✗</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Utilisation over the window with the threshold line and the p95 marked.
    public static func chart(_ series: UtilisationSeries) -> String {
        let width = 640.0
        let height = 180.0
        let left = 40.0
        let bottom = 20.0
        guard let first = series.points.first?.0, let last = series.points.last?.0 else { return "" }
        let span = max(last.timeIntervalSince(first), 1)
        let top = max(1.0, (series.points.map(\.1).max() ?? 0) * 1.05)
        func x(_ date: Date) -> Double { left + (width - left - 5) * date.timeIntervalSince(first) / span }
        func y(_ value: Double) -> Double { (height - bottom) * (1 - value / top) }
        let path = series.points.map { "\(number(x($0.0))),\(number(y($0.1)))" }.joined(separator: " ")
        return """
            <svg class="utilisation" role="img" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))">
            <line class="axis" x1="\(left)" y1="\(height - bottom)" x2="\(width)" y2="\(height - bottom)"/>
            <text x="0" y="\(number(y(0)))">0 %</text><text x="0" y="\(number(y(top) + 10))">\(RateText.percent(top))</text>
            <line class="threshold" x1="\(left)" x2="\(width)" y1="\(number(y(series.threshold)))" y2="\(number(y(series.threshold)))"><title>\(RateText.percent(series.threshold))</title></line>
            <line class="p95" x1="\(left)" x2="\(width)" y1="\(number(y(series.p95)))" y2="\(number(y(series.p95)))"><title>p95 \(RateText.percent(series.p95))</title></line>
            <polyline class="series" points="\(path)"/>
            <text class="p95" x="\(width - 90)" y="\(number(y(series.p95) - 4))">p95 \(RateText.percent(series.p95))</text>
            </svg>
            """
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func count(_ id: String, _ kind: String, _ value: Int, _ zh: String, _ en: String) -> String {
        "<div class=\"count \(kind)\"><span class=\"number\" id=\"\(id)\">\(value)</span><span class=\"label\">\(both(zh, en))</span></div>"
    }

    /// Text in both languages; the page shows one of them.
    static func both(_ zh: String, _ en: String) -> String {
        "<span class=\"zh\">\(escape(zh))</span><span class=\"en\">\(escape(en))</span>"
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static let style = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;color:#222}
        html[data-lang=zh] .en,html[data-lang=en] .zh{display:none}
        .switch{float:right}.switch button{margin-left:.3em}
        h1{font-size:1.6em}h2{border-bottom:2px solid #345;padding-bottom:.2em;margin-top:1.6em}
        .counts{display:flex;gap:1.5em}.count{border:1px solid #ccc;border-radius:6px;padding:.6em 1.2em;text-align:center}
        .count .number{display:block;font-size:2em;font-weight:bold}.count.pass .number{color:#2a7a2a}
        .count.fail .number{color:#b22222}.count.unknown .number{color:#777}
        table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}
        th{background:#eef2f6}td.num{text-align:right}tr.fail td:first-child{color:#b22222;font-weight:bold}
        tr.unknown td:first-child{color:#777}table.findings td:nth-child(-n+2){white-space:nowrap}tr.pass td:first-child{color:#2a7a2a}
        rect.pass{fill:#4caf50}rect.fail{fill:#e53935}rect.unknown{fill:#bdbdbd}svg text{font-size:12px}
        .utilisation .series{fill:none;stroke:#1565c0;stroke-width:1.5}.utilisation .threshold{stroke:#e53935;stroke-dasharray:6 3}
        .utilisation .p95{stroke:#ff9800;fill:#e65100}.utilisation .axis{stroke:#999}
        .note{color:#555;font-size:.9em}footer{margin-top:3em;color:#888;font-size:.8em}
        @media print{.switch{display:none}article.school{break-inside:avoid}}
        """
}
