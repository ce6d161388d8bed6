import ArgumentParser
import Foundation
import Model
import Monitor
import Reports
import Store

struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links", abstract: "Planned links and how full they are.",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Each planned link: capacity, latest rates, p95 utilisation over the window, coverage, status.",
            discussion: """
                Rates come from what edunetd stored, at the downstream end (else the upstream end). Down and Up are the \
                newest interval's rates towards and away from the school; p95 is the busier direction's, over the window's \
                measured intervals, as a share of the link's capacity: the smaller of the planned capacity and the \
                negotiated speed. Coverage is the share of the window that was measured (restarts, resets and missed polls \
                are not counted as traffic); under 50 % the status is "low coverage". A link is congested when a \
                direction's p95 exceeds the policy's congestion threshold: the same numbers and verdict as the \
                delivered-capacity findings of `edunet report bandwidth` over the same window. \
                Speed is what the interface negotiated (ifHighSpeed). "interface missing" means a polled device has no \
                interface of the name the inventory gives: fix the inventory or the device.
                """
        )
        @Option(help: "Only links whose downstream end is in this county.") var county: String?
        @OptionGroup(title: "Window (default: the 24 hours ending now)") var window: WindowOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let (from, to) = try window.interval(defaultWindow: "24h")
            let db = try database.openDatabase()
            let configuration = try InventoryStore(database: db).currentConfiguration()
            let measurements = MeasurementStore(database: db)
            let inventory = configuration.inventory
            let countyOfDevice = inventory.countyOfDevice
            try inventory.requireKnown(county: county)
            let interfaces = try measurements.allInterfaces()
            let criteria = LinkUtilisation.Criteria(policy: configuration.policies.bandwidth)
            let rows = try inventory.links.filter { county == nil || countyOfDevice[$0.b.device] == county }.map { link throws(StoreError) in
                try LinkUtilisation.measure(link, from: from, to: to, store: measurements, interfaces: interfaces, criteria: criteria)
            }
            let listing = Listing(
                columns: [
                    .init("ID", key: "id"), .init("层级 Tier", key: "tier"), .init("下行端 Downstream", key: "downstream"),
                    .init("带宽 Capacity", key: "capacity", numeric: true), .init("协商 Speed", key: "speed", numeric: true),
                    .init("下行 Down", key: "latest_down", numeric: true),
                    .init("上行 Up", key: "latest_up", numeric: true), .init("p95", key: "p95", numeric: true),
                    .init("利用率 Util", key: "utilisation", numeric: true), .init("覆盖 Coverage", key: "coverage", numeric: true),
                    .init("状态 Status", key: "status"),
                ],
                rows: rows.map { row in
                    [
                        row.link.id, row.link.tier.rawValue, "\(row.link.b.device) \(row.link.b.interface)",
                        row.link.capacity?.description ?? "—", RateText.bitsPerSecond(row.negotiatedSpeed.map { Double($0) }),
                        RateText.bitsPerSecond(row.downstream.latest), RateText.bitsPerSecond(row.upstream.latest),
                        RateText.bitsPerSecond(row.p95), RateText.percent(row.p95Utilisation), RateText.percent(row.coverage),
                        row.problem.map { "\(row.status.rawValue): \($0)" } ?? row.status.rawValue,
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.links/v1", key: "links", rows) })
            Terminal.print(try listing.render(output.format))
        }
    }
}
