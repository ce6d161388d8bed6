import Foundation
import Model
import Reports

/// What every dashboard page shares: the document's head with the inline style, the header with the token's name, the
/// language switch, the way home and out, and the footer. The pages fill in their body.
struct PageFrame {
    let token: APIToken
    let english: Bool
    let now: Date

    func text(_ zh: String, _ en: String) -> String { ComplianceReport.escape(english ? en : zh) }

    /// `?lang=…` or `&lang=…` for links that keep the page's language.
    var language: String { english ? "?lang=en" : "" }

    func page(title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="\(english ? "en" : "zh")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>EduNet · \(ComplianceReport.escape(title))</title><style>\(Self.style)</style></head><body>
        <header><a href="/\(language)"><b>EduNet</b></a> \(text("教育城域网达标", "School network compliance")) · \(ComplianceReport.escape(token.name))
        <nav><a href="/alerts\(language)">\(text("告警", "Alerts"))</a><a href="?lang=\(english ? "zh" : "en")">\(english ? "中文" : "English")</a>
        <a href="/api/v1/report?format=csv" download="ledger.csv">\(text("台账 CSV", "Ledger CSV"))</a>
        <form method="post" action="/logout"><button>\(text("退出", "Log out"))</button></form></nav></header>
        \(body)<footer>\(text("生成于", "Made at")) \(CityTime.minute(now))</footer>
        <script>addEventListener('load',()=>document.body.dataset.renderedMs=Math.round(performance.now()))</script></body></html>
        """
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1100px;color:#222;padding:0 1em}
        a{color:#235}header{display:flex;justify-content:space-between;align-items:center;border-bottom:2px solid #345;padding:.6em 0}
        nav{display:flex;gap:1em;align-items:center}form{margin:0;display:inline}
        h2{font-size:1.2em;margin-top:1.4em}.figures{display:flex;flex-wrap:wrap;gap:.8em}
        .figure{border:1px solid #ccc;border-radius:6px;padding:.4em .8em}.figure b{display:block}.figure span{margin-right:.6em;font-weight:bold}
        .p,.pass{color:#2a7a2a}.f,.fail{color:#b22222}.u,.unknown{color:#777}table{border-collapse:collapse;width:100%;font-size:.9em}
        th,td{border-bottom:1px solid #eee;padding:.2em .4em;text-align:left;vertical-align:top}tr.county td{font-weight:bold;background:#f4f6f8}
        tr.city td{font-weight:bold}tr.critical td:first-child{color:#b22222;font-weight:bold}footer{color:#777;margin:2em 0}
        svg.utilisation{max-width:100%;height:auto}svg .series{fill:none;stroke:#235;stroke-width:1.5}svg .threshold{stroke:#b22222;stroke-dasharray:4 3}
        svg .p95{stroke:#c80;font-size:11px;fill:#c80}svg .axis{stroke:#999}svg text{font-size:11px}
        """
}
