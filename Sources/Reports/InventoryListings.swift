import Foundation
import Model

/// The CLI's inventory listings (schools, devices, county summary) in table, CSV and JSON form.
public enum InventoryListings {
    public static func schools(_ schools: [School], counties: [County]) -> Listing {
        let countyNames = Dictionary(counties.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = schools.map { school in
            [
                school.id, school.name, countyNames[school.county] ?? school.county, school.kind.chineseName,
                String(school.students), String(school.teachers), String(school.subnets.count),
                String(school.areas.reduce(0) { $0 + $1.accessPoints.count }),
            ]
        }
        return Listing(
            columns: [
                .init("ID", key: "id"), .init("学校 School", key: "name"), .init("区县 County", key: "county"),
                .init("类型 Kind", key: "kind"), .init("学生", key: "students", numeric: true),
                .init("教师", key: "teachers", numeric: true), .init("网段", key: "subnets", numeric: true),
                .init("AP", key: "access_points", numeric: true),
            ], rows: rows, json: { try JSONDocument.encode(schema: "edunet.schools/v1", key: "schools", schools) })
    }

    public static func devices(_ devices: [Device]) -> Listing {
        let rows = devices.map { device in
            [
                device.id, device.name, device.role.rawValue, [device.vendor, device.model].compactMap { $0 }.joined(separator: " "),
                device.school ?? device.node ?? "", device.management?.description ?? "via \(device.controller ?? "—")",
                device.snmpProfile ?? "",
            ]
        }
        return Listing(
            columns: [
                .init("ID", key: "id"), .init("名称 Name", key: "name"), .init("角色 Role", key: "role"),
                .init("型号 Model", key: "model"), .init("位置 Site", key: "site"), .init("管理地址 Management", key: "management"),
                .init("SNMP", key: "snmp_profile"),
            ], rows: rows, json: { try JSONDocument.encode(schema: "edunet.devices/v1", key: "devices", devices) })
    }

    /// Per county: schools, students, teachers, devices and planned links, with a city total.
    public static func countySummary(_ inventory: Inventory) -> Listing {
        let summaries = CountySummary.make(inventory)
        let rows = summaries.map { s in
            [
                s.county, s.name, String(s.schools), String(s.vocationalSchools), String(s.students), String(s.teachers),
                String(s.devices), String(s.accessPoints), String(s.links),
            ]
        }
        return Listing(
            columns: [
                .init("ID", key: "county"), .init("区县 County", key: "name"), .init("学校", key: "schools", numeric: true),
                .init("职教", key: "vocational_schools", numeric: true), .init("学生", key: "students", numeric: true),
                .init("教师", key: "teachers", numeric: true), .init("设备", key: "devices", numeric: true),
                .init("AP", key: "access_points", numeric: true), .init("链路", key: "links", numeric: true),
            ], rows: rows, json: { try JSONDocument.encode(schema: "edunet.counties/v1", key: "counties", summaries) })
    }
}

/// The size of one county's part of the network; the last entry of `make` is the city total.
public struct CountySummary: Sendable, Hashable, Codable {
    public var county: String
    public var name: String
    public var schools = 0
    public var vocationalSchools = 0
    public var students = 0
    public var teachers = 0
    public var devices = 0
    public var accessPoints = 0
    public var links = 0

    public static func make(_ inventory: Inventory) -> [CountySummary] {
        var byCounty = Dictionary(uniqueKeysWithValues: inventory.counties.map { ($0.id, CountySummary(county: $0.id, name: $0.name)) })
        let schoolCounty = Dictionary(inventory.schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        let nodeCounty = Dictionary(inventory.nodes.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        var deviceCounty: [String: String] = [:]
        for school in inventory.schools {
            byCounty[school.county]?.schools += 1
            byCounty[school.county]?.students += school.students
            byCounty[school.county]?.teachers += school.teachers
            if school.kind == .vocational || school.kind == .secondaryVocational { byCounty[school.county]?.vocationalSchools += 1 }
        }
        for device in inventory.devices {
            guard let county = device.school.flatMap({ schoolCounty[$0] }) ?? device.node.flatMap({ nodeCounty[$0] ?? nil }) else { continue }
            deviceCounty[device.id] = county
            byCounty[county]?.devices += 1
            if device.role == .accessPoint { byCounty[county]?.accessPoints += 1 }
        }
        for link in inventory.links {
            if let county = deviceCounty[link.b.device] { byCounty[county]?.links += 1 }
        }
        let ordered = inventory.counties.compactMap { byCounty[$0.id] }
        var total = CountySummary(county: "city", name: "全市 City", devices: inventory.devices.count, links: inventory.links.count)
        for s in ordered {
            total.schools += s.schools
            total.vocationalSchools += s.vocationalSchools
            total.students += s.students
            total.teachers += s.teachers
        }
        total.accessPoints = inventory.devices.filter { $0.role == .accessPoint }.count
        return ordered + [total]
    }
}
