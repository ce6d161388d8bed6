import Foundation
import Model

extension AlertSources {
    /// The rules of what the daemon did to the network by itself: a port quarantined (firing until released) and a plan
    /// set back because no one confirmed it in time.
    public static let provisioningRules: Set<String> = ["port_quarantined", "provisioning_set_back"]

    /// A port the daemon quarantined after a detection: what was done, until when, and how to undo it now.
    public static func quarantined(
        plan: String, changes: [ProvisioningChange], trigger: String, mac: String, until: Date, topology: AlertTopology
    ) -> AlertSignal {
        let ports = changes.map { "\($0.device) \($0.interface)" }.joined(separator: ", ")
        var labels = ["category": "security", "plan": plan, "mac": mac, "trigger": trigger]
        if let device = changes.first?.device { labels.merge(topology.labels(device: device)) { own, _ in own } }
        let undo = "edunet provision undo \(plan) --by NAME --reason TEXT"
        return AlertSignal(
            rule: "port_quarantined", subject: plan, severity: .warning, labels: labels,
            summary: BilingualText(
                zh: "已隔离端口 \(ports)（\(trigger)：\(mac)），至 \(CityTime.minute(until)) 自动解除；立即解除：\(undo)",
                en: "quarantined \(ports) (\(trigger): \(mac)) until \(CityTime.minute(until)); to release it now: \(undo)"))
    }

    /// A plan applied on probation that no one confirmed in time, and what setting it back did.
    public static func setBack(_ deadline: ProvisioningDeadline, entries: [ProvisioningAuditEntry]) -> AlertSignal {
        let applied = entries.filter { $0.result == "applied" }.count
        return AlertSignal(
            rule: "provisioning_set_back", subject: deadline.plan, severity: applied == entries.count ? .warning : .critical,
            labels: ["category": "provisioning", "plan": deadline.plan],
            summary: BilingualText(
                zh: "方案 \(deadline.plan) 未在 \(CityTime.minute(deadline.due)) 前确认，已恢复原值（\(applied)/\(entries.count) 项成功）",
                en:
                    "plan \(deadline.plan) was not confirmed by \(CityTime.minute(deadline.due)) and was set back (\(applied) of \(entries.count) changes)"
            ))
    }
}
