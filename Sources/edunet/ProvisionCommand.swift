import ArgumentParser
import Foundation
import Model
import Provisioning
import Reports
import Store

struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision", abstract: "Changes to the network computed from the inventory (plan; apply is to come).",
        subcommands: [Plan.self])

    struct Plan: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the changes the inventory asks for, and write nothing.",
            discussion: """
                --kind alias: each planned link's two interfaces labelled (ifAlias) with the link id, its tier and the \
                device at the far end (`up-1 county-school to agg-yongning-sw`), where the label the last poll read \
                differs. Devices without an `snmp_write_profile` are never written to, and a device not polled yet or \
                without the planned interface is left out: each is listed with why.

                  edunet provision plan --kind alias
                  edunet provision plan --kind alias --county yongning --format json

                Exit status: 0 the plan was printed (with or without changes); 1 an unknown id; 3 the database could not \
                be opened.
                """)
        enum Kind: String, ExpressibleByArgument, CaseIterable { case alias }

        @Option(help: "What to plan: alias (the only kind so far).") var kind: Kind = .alias
        @OptionGroup var scope: DeviceScopeOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered here; use table or json") }
        }

        func execute() throws {
            let db = try database.openDatabase()
            let inventory = try InventoryStore(database: db).currentConfiguration().inventory
            let (changes, refusals) = AliasPlanner.plan(
                inventory: inventory, interfaces: try MeasurementStore(database: db).allInterfaces(), includes: try scope.selection(in: inventory))
            if format == .json {
                struct Document: Encodable {
                    let kind: String
                    let changes: [ProvisioningChange]
                    let refusals: [ProvisioningRefusal]
                }
                Terminal.print(
                    String(
                        decoding: try JSONDocument.encode(
                            schema: "edunet.provision.plan/v1", key: "plan", Document(kind: kind.rawValue, changes: changes, refusals: refusals)),
                        as: UTF8.self))
                return
            }
            Terminal.print(
                TextTable(
                    columns: [.init("设备 Device"), .init("接口 Interface"), .init("对象 Object"), .init("现值 Now"), .init("改为 New")],
                    rows: changes.map { [$0.device, $0.interface, $0.object, $0.current ?? "—", $0.new] }
                ).render())
            if !refusals.isEmpty {
                Terminal.print(
                    "\n不变更 Left out: \(refusals.count)\n"
                        + TextTable(
                            columns: [.init("设备 Device"), .init("接口 Interface"), .init("原因 Why")],
                            rows: refusals.map { [$0.device, $0.interface, $0.reason] }
                        ).render())
            }
            Terminal.error("\(changes.count) changes, \(refusals.count) left out; nothing was written")
        }
    }
}
