import Foundation
import Model
import Pool

extension AlertSources {
    public static let poolRules: Set<String> = ["pool_site_loss", "pool_active_active_lost", "pool_storage_full"]

    /// The education cloud's alerts from its verdicts at this moment: the pool no longer surviving a site loss, each
    /// service without a healthy replica in every site, each storage pool full within `storage.alert_days`. They are
    /// the city's (no county label): the default route takes them.
    public static func pool(_ verdicts: PoolVerdicts, rules: AlertingPolicy.Rules) -> [AlertSignal] {
        let names = Dictionary(verdicts.use.pool.services.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let pools = Dictionary(verdicts.use.pool.storagePools.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var signals: [AlertSignal] = []
        for finding in verdicts.findings() {
            let labels = ["category": "cloud", "subject": finding.subject.id]
            switch finding.rule {
            case .poolSiteLoss where finding.verdict == .fail:
                signals.append(
                    AlertSignal(
                        rule: "pool_site_loss", subject: finding.subject.id, severity: rules.poolSiteLossSeverity, labels: labels,
                        summary: BilingualText(zh: "教育云" + (finding.zh.reason ?? ""), en: "education cloud: " + (finding.reason ?? ""))))
            case .poolActiveActive where finding.verdict == .fail:
                let name = names[finding.subject.id] ?? finding.subject.id
                signals.append(
                    AlertSignal(
                        rule: "pool_active_active_lost", subject: finding.subject.id, severity: rules.poolActiveActiveSeverity,
                        labels: labels.merging(["service": finding.subject.id]) { a, _ in a },
                        summary: BilingualText(
                            zh: "\(name)（\(finding.subject.id)）\(finding.zh.reason ?? "")", en: "\(finding.subject.id): \(finding.reason ?? "")")))
            case .poolStorage:
                guard let days = verdicts.storage[finding.subject.id]?.daysUntilFull, days < verdicts.use.policy.storageAlertDays else { continue }
                let name = pools[finding.subject.id] ?? finding.subject.id
                signals.append(
                    AlertSignal(
                        rule: "pool_storage_full", subject: finding.subject.id, severity: rules.poolStorageFullSeverity,
                        labels: labels.merging(["storage_pool": finding.subject.id]) { a, _ in a },
                        summary: BilingualText(
                            zh: String(format: "%@（%@）按当前增速 %.1f 天内写满：%@", name, finding.subject.id, days, finding.zh.measured ?? ""),
                            en: String(
                                format: "storage pool %@ full within %.1f days at its trend: %@", finding.subject.id, days, finding.measured ?? ""))))
            default: continue
            }
        }
        return signals
    }
}
