import Foundation
import Model
import Store

/// 等级保护 (关闭不使用的端口): on the devices of `posture.unused_port_roles`, no port is left admin-up while nothing has
/// been plugged into it (operationally down) for `posture.unused_port_days`. The ports of planned links are never
/// counted: a planned link that is down is the link rules' finding. Down since the first poll that found it so.
struct UnusedPortsRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        let roles = Set(context.posture.unusedPortRoles)
        let days = context.posture.unusedPortDays
        let period = days == days.rounded() ? "\(Int(days)) days" : String(format: "%.1f days", days)
        let periodZH = days == days.rounded() ? "\(Int(days)) 天" : String(format: "%.1f 天", days)
        let planned = Set(context.inventory.links.flatMap { [$0.a, $0.b] })
        return context.managedDevices.filter { roles.contains($0.role) }.map { device in
            var finding = Finding(
                rule: .unusedPorts, subject: context.subject(device), target: "no port admin-up and down for \(period)",
                zh: "无端口闲置 \(periodZH) 后仍开启", targetValue: 0, source: "interface states of the polls")
            guard let interfaces = context.interfaces(of: device.id) else {
                finding.explain("not polled yet", zh: "尚未采集")
                return finding
            }
            let since = context.downSince[device.id] ?? [:]
            let cutoff = context.to.addingTimeInterval(-days * 86_400)
            let unused = interfaces.values.filter { port in
                port.adminUp == true && !port.operUp && !planned.contains(LinkEnd(device: device.id, interface: port.name))
                    && (since[port.name].map { $0 <= cutoff } ?? false)
            }.map(\.name).sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            finding.evidence.samples = interfaces.count
            finding.measuredValue = Double(unused.count)
            if unused.isEmpty {
                finding.verdict = .pass
                finding.measured("none of \(interfaces.count) ports", zh: "\(interfaces.count) 个端口中无")
            } else {
                finding.verdict = .fail
                let names = unused.prefix(8).joined(separator: ", ") + (unused.count > 8 ? ", …" : "")
                finding.measured("\(unused.count) \(unused.count == 1 ? "port" : "ports"): \(names)", zh: "\(unused.count) 个端口：\(names)")
                finding.explain(
                    "ports with nothing plugged in for \(period) are left open to anyone who plugs in; shut them (ifAdminStatus down)",
                    zh: "闲置 \(periodZH) 的端口仍开启，任何人插上即可接入，请关闭（ifAdminStatus down）")
            }
            return finding
        }
    }
}
