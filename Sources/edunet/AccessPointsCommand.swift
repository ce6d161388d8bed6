import ArgumentParser
import Foundation
import Model
import Monitor
import Reports
import Store

struct AccessPointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aps", abstract: "Wireless access points and what their controllers report.",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Each access point of the inventory: areas, controller, state, share of the window up, clients, uplink.",
            discussion: """
                States come from what edunetd stored from the wireless controllers (docs/devices.md lists the MIBs read). An AP \
                is matched by its inventory id or name against the name its controller reports. "not reported" means the \
                controller does not list it (unplugged, renamed or never joined). Up is the share of the window's polls that \
                found it up.
                """
        )
        @Option(help: "Only the access points of this school.") var school: String?
        @Option(help: "Only the access points of schools in this county.") var county: String?
        @Option(help: "How far back the up share is counted: 30m, 24h, 7d.") var window: String = "24h"
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            guard let seconds = WindowOptions.seconds(window) else { throw ValidationError("--window takes a number and a unit: 30m, 24h or 7d") }
            let db = try database.openDatabase()
            let inventory = try InventoryStore(database: db).currentConfiguration().inventory
            try inventory.requireKnown(county: county, school: school)
            let countyOfSchool = Dictionary(inventory.schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
            let register = AccessPointRegister(
                inventory: inventory,
                statuses: try MeasurementStore(database: db).accessPoints(since: Date().addingTimeInterval(-seconds)))
            let entries = register.entries.filter { entry in
                (school == nil || entry.school == school) && (county == nil || entry.school.flatMap { countyOfSchool[$0] } == county)
            }
            let listing = Listing(
                columns: [
                    .init("ID", key: "id"), .init("学校 School", key: "school"), .init("区域 Areas", key: "areas"),
                    .init("控制器 Controller", key: "controller"), .init("状态 State", key: "state"), .init("在线 Up", key: "up", numeric: true),
                    .init("终端 Clients", key: "clients", numeric: true), .init("上行 Uplink", key: "uplink", numeric: true),
                    .init("最近 Seen", key: "seen"),
                ],
                rows: entries.map { entry in
                    [
                        entry.id, entry.school ?? "—", entry.areas.joined(separator: ", "), entry.controller ?? "—",
                        entry.reading?.state.map { "\(entry.state) (\($0))" } ?? entry.state, RateText.percent(entry.upShare),
                        entry.reading?.clients.map(String.init) ?? "—", entry.reading?.uplinkMbps.map { "\($0)M" } ?? "—",
                        entry.seenAt.map { CityTime.second($0) } ?? "—",
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.aps/v1", key: "access_points", entries) })
            Terminal.print(try listing.render(output.format))
            for (controller, count) in register.unplanned.sorted(by: { $0.key < $1.key }) where output.format == .table {
                Terminal.error("\(controller) reports \(count) access point(s) that are not in the inventory")
            }
        }
    }
}
