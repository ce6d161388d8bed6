import Foundation
import Model

/// Everything about one school on one screen: details, Wi-Fi areas, devices and planned links.
public struct SchoolDetail: Sendable, Encodable {
    public var school: School
    public var county: County?
    public var devices: [Device]
    public var links: [Link]

    public init(school: School, county: County?, devices: [Device], links: [Link]) {
        self.school = school
        self.county = county
        self.devices = devices
        self.links = links
    }

    public func text() -> String {
        var out = KeyValueLines.render([
            ("学校 School", "\(school.name)  \(school.nameEN)"),
            ("ID", school.id),
            ("区县 County", county.map { "\($0.name) (\($0.id))" } ?? school.county),
            ("类型 Kind", "\(school.kind.chineseName) (\(school.kind.rawValue))"),
            ("学生 Students", String(school.students)),
            ("教师 Teachers", String(school.teachers)),
            ("网段 Subnets", school.subnets.map(\.description).joined(separator: ", ")),
        ])
        out +=
            "\n无线区域 Wi-Fi areas\n"
            + TextTable(
                columns: [.init("区域 Area"), .init("类型 Kind"), .init("AP")],
                rows: school.areas.map {
                    [$0.name, $0.kind.rawValue, $0.accessPoints.joined(separator: ", ")]
                }
            ).render()
        out += "\n设备 Devices\n" + InventoryListings.devices(devices).tableText()
        out += "\n链路 Links\n" + LinkTable.render(links)
        return out
    }

    public func json() throws -> Data { try JSONDocument.encode(schema: "edunet.school/v1", key: "school", self) }
}

/// Everything about one device: details and the planned links at its interfaces.
public struct DeviceDetail: Sendable, Encodable {
    public var device: Device
    public var links: [Link]

    public init(device: Device, links: [Link]) {
        self.device = device
        self.links = links
    }

    public func text() -> String {
        var out = KeyValueLines.render([
            ("名称 Name", device.name),
            ("ID", device.id),
            ("角色 Role", device.role.rawValue),
            ("厂商 Vendor", [device.vendor, device.model].compactMap { $0 }.joined(separator: " ")),
            ("位置 Site", device.school.map { "school \($0)" } ?? device.node.map { "node \($0)" } ?? "—"),
            ("管理地址 Management", device.management?.description ?? "—"),
            ("SNMP 配置 Profile", device.snmpProfile ?? "—"),
            ("控制器 Controller", device.controller ?? "—"),
        ])
        out += "\n链路 Links\n" + LinkTable.render(links)
        return out
    }

    public func json() throws -> Data { try JSONDocument.encode(schema: "edunet.device/v1", key: "device", self) }
}

/// Aligned `label  value` lines, labels padded by display width.
public enum KeyValueLines {
    public static func render(_ pairs: [(String, String)]) -> String {
        let width = pairs.map { DisplayWidth.of($0.0) }.max() ?? 0
        return pairs.map { DisplayWidth.pad($0.0, to: width) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }
}

/// Planned links as a table: tier, both ends and the contracted capacity.
enum LinkTable {
    static func render(_ links: [Link]) -> String {
        TextTable(
            columns: [.init("ID"), .init("层级 Tier"), .init("上行端 A"), .init("下行端 B"), .init("带宽 Capacity", alignRight: true)],
            rows: links.map {
                [$0.id, $0.tier.rawValue, "\($0.a.device) \($0.a.interface)", "\($0.b.device) \($0.b.interface)", $0.capacity?.description ?? "—"]
            }
        ).render()
    }
}

extension Listing {
    func tableText() -> String { TextTable(columns: columns.map { .init($0.heading, alignRight: $0.numeric) }, rows: rows).render() }
}
