import ArgumentParser
import Foundation
import Model
import Monitor
import Reports
import Store

struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "links", abstract: "Planned links and how full they are.",
                                                    subcommands: [List.self], defaultSubcommand: List.self)

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Each planned link: capacity, latest rates, p95 utilisation over the window, coverage, status.",
            discussion: """
                Rates come from what edunetd stored. p95 is of the busier direction over the window's measured intervals;
                coverage is the share of the window's intervals that were measured (restarts, resets and missed polls are
                not counted as traffic). A link is congested when its p95 exceeds the policy's congestion threshold.
                Speed is what the interface negotiated (ifHighSpeed). "interface missing" means a polled device has no
                interface of the name the inventory gives: fix the inventory or the device.
                """
        )
        @Option(help: "Only links whose downstream end is in this county.") var county: String?
        @Option(help: "How far back: 30m, 24h, 7d.") var window: String = "24h"
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            guard let seconds = Self.seconds(window) else { throw ValidationError("--window takes a number and a unit: 30m, 24h or 7d") }
            let db = try database.openDatabase()
            let configuration = try InventoryStore(database: db).currentConfiguration()
            let measurements = MeasurementStore(database: db)
            let inventory = configuration.inventory
            let countyOfDevice = inventory.countyOfDevice
            if let county, !inventory.counties.contains(where: { $0.id == county }) {
                throw StoreError(.notFound, "no county with id `\(county)`; `edunet counties list` shows the ids")
            }
            let now = Date()
            let from = now.addingTimeInterval(-seconds)
            let interfaces = try measurements.allInterfaces()
            let rows = try inventory.links.filter { county == nil || countyOfDevice[$0.b.device] == county }.map { link throws(StoreError) in
                LinkUtilisation.evaluate(link,
                                         downstream: try measurements.rates(device: link.b.device, interface: link.b.interface, from: from, to: now),
                                         upstream: try measurements.rates(device: link.a.device, interface: link.a.interface, from: from, to: now),
                                         downstreamInterfaces: interfaces[link.b.device], upstreamInterfaces: interfaces[link.a.device],
                                         congestionThreshold: configuration.policies.bandwidth.congestionThreshold)
            }
            let listing = Listing(
                columns: [.init("ID", key: "id"), .init("层级 Tier", key: "tier"), .init("下行端 Downstream", key: "downstream"),
                          .init("带宽 Capacity", key: "capacity", numeric: true), .init("协商 Speed", key: "speed", numeric: true),
                          .init("入 In", key: "in", numeric: true),
                          .init("出 Out", key: "out", numeric: true), .init("p95", key: "p95", numeric: true),
                          .init("利用率 Util", key: "utilisation", numeric: true), .init("覆盖 Coverage", key: "coverage", numeric: true),
                          .init("状态 Status", key: "status")],
                rows: rows.map { row in
                    [row.link.id, row.link.tier.rawValue, "\(row.link.b.device) \(row.link.b.interface)",
                     row.link.capacity?.description ?? "—", RateText.bitsPerSecond(row.negotiatedSpeed.map { Double($0) }),
                     RateText.bitsPerSecond(row.latestIn), RateText.bitsPerSecond(row.latestOut),
                     RateText.bitsPerSecond(row.p95), RateText.percent(row.p95Utilisation), RateText.percent(row.coverage),
                     row.problem.map { "\(row.status.rawValue): \($0)" } ?? row.status.rawValue]
                },
                json: { try JSONDocument.encode(schema: "edunet.links/v1", key: "links", rows) })
            Terminal.print(try listing.render(output.format))
        }

        /// `30m`, `24h`, `7d`, `90s` in seconds.
        static func seconds(_ text: String) -> TimeInterval? {
            let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            guard let unit = text.last, let size = units[unit], let value = Double(text.dropLast()), value > 0 else { return nil }
            return value * size
        }
    }
}
