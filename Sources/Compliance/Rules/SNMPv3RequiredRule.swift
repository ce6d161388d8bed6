import Foundation
import Model
import Store

/// 等级保护: the devices of the roles `snmp_v3_required_roles` names are managed with SNMPv3 at authPriv (the community
/// of v1 and v2c crosses the network in clear text). Judged on the inventory's SNMP profile of each, which is what the
/// daemon polls with.
struct SNMPv3RequiredRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] {
        let roles = Set(context.security.snmpV3RequiredRoles)
        let profiles = Dictionary(context.inventory.snmpProfiles.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return context.managedDevices.filter { roles.contains($0.role) }.map { device in
            var finding = Finding(
                rule: .snmpV3Required, subject: context.subject(device), target: "SNMPv3 authPriv", zh: "SNMPv3 认证加密（authPriv）",
                targetValue: nil, source: "SNMP profile \(device.snmpProfile ?? "—") in the inventory")
            guard let profile = device.snmpProfile.flatMap({ profiles[$0] }) else {
                finding.explain("its SNMP profile is not in the inventory", zh: "台账中找不到其 SNMP 配置")
                return finding
            }
            finding.evidence.samples = 1
            let level = profile.version == .v3 ? "v3 \(profile.securityLevel)" : profile.version.rawValue
            finding.measured("\(level) (profile \(profile.id))", zh: "\(level)（配置 \(profile.id)）")
            if profile.version == .v3 && profile.securityLevel == "authPriv" {
                finding.verdict = .pass
            } else {
                finding.verdict = .fail
                finding.explain(
                    "a \(device.role.rawValue) must be managed with SNMPv3 authentication and privacy; give it a v3 profile with auth and privacy",
                    zh: "\(device.role.rawValue) 须使用 SNMPv3 认证加密管理，请为其配置带 auth 与 privacy 的 v3 配置")
            }
            return finding
        }
    }
}
