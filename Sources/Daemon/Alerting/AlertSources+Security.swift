import Foundation
import Model
import Security

extension AlertSources {
    /// Every detector's kind that fires is its own rule (routes and silences match them by name); a new station is
    /// information and never an alert.
    public static let securityRules: Set<String> = Set(SecurityEvent.Kind.allCases.filter { $0 != .arpNewStation }.map(\.rawValue))

    /// The alert for what live capture found: its kind as the rule, the host (and MAC) as the subject, the school
    /// and county as labels so that the county's team hears of it; nil for information.
    public static func security(_ event: SecurityEvent, interface: String, topology: AlertTopology) -> AlertSignal? {
        guard event.fires else { return nil }
        let school = event.school.flatMap { id in topology.inventory.schools.first { $0.id == id } }
        var labels = ["category": "security", "address": event.address, "interface": interface]
        if let school {
            labels["school"] = school.id
            labels["county"] = school.county
        }
        if let mac = event.mac { labels["mac"] = mac }
        let place = school.map { ($0.name, $0.nameEN) }
        let zh: String
        switch event.kind {
        case .arpNewStation: zh = "新主机 \(event.address)"
        case .arpChangedMAC: zh = "ARP 变更：\(event.address) 的 MAC 变为 \(event.mac ?? "?")（疑似 ARP 欺骗）"
        case .arpFlipFlop: zh = "ARP 来回切换：\(event.address) 又回到 MAC \(event.mac ?? "?")（疑似 ARP 欺骗）"
        case .arpAddressMismatch: zh = "ARP 与以太网地址不符：\(event.address)（疑似 ARP 欺骗）"
        case .rogueDHCPServer: zh = "私设 DHCP 服务器 \(event.address) 在分配地址"
        case .portScan: zh = "端口扫描：来自 \(event.address)"
        case .addressSweep: zh = "地址扫描：来自 \(event.address)"
        case .unknownStation: zh = "未登记设备接入：\(event.mac ?? "?")（\(event.address)），非资产清单设备也非电子书包"
        case .blockedDomain: zh = "\(event.address) 查询了被封禁的域名（有害信息防范）"
        }
        return AlertSignal(
            rule: event.kind.rawValue, subject: "\(event.address)/\(event.mac ?? "")", severity: event.severity, labels: labels,
            summary: BilingualText(
                zh: (place.map { "\($0.0)：" } ?? "") + zh + "；\(event.detail)（抓包接口 \(interface)）",
                en: (place.map { "\($0.1): " } ?? "") + "\(event.detail) (captured on \(interface))"))
    }
}
