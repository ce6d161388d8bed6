import ArgumentParser
import Foundation
import Model
import Provisioning
import Reports
import SNMP
import Store

struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision", abstract: "Changes to the network computed from the inventory: plan, apply, undo, history.",
        discussion: """
            A plan is computed and stored (nothing is written to the network); `apply` writes it device by device with \
            each device's `snmp_write_profile`, after checking that what the objects hold is still what the plan was made \
            on, and reads every value back; `undo` sets back what an applied plan replaced. Every write is in the audit \
            log (`history`), with who, when, why, before and after.

              edunet provision plan --kind alias --county yongning
              edunet provision apply alias-20261206-1830-1 --by 李工 --reason "label the uplinks (ticket 42)"
              edunet provision undo alias-20261206-1830-1 --by 李工 --reason "wrong labels"
              edunet provision history --format csv > audit.csv
            """,
        subcommands: [Plan.self, Apply.self, Undo.self, History.self])

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

                A plan with changes is stored under an id that `apply` takes.

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
            let id = changes.isEmpty ? nil : try ProvisioningStore(database: db).save(kind: kind.rawValue, changes: changes, at: Date())
            if format == .json {
                struct Document: Encodable {
                    let id: String?
                    let kind: String
                    let changes: [ProvisioningChange]
                    let refusals: [ProvisioningRefusal]
                }
                Terminal.print(
                    String(
                        decoding: try JSONDocument.encode(
                            schema: "edunet.provision.plan/v1", key: "plan",
                            Document(id: id, kind: kind.rawValue, changes: changes, refusals: refusals)),
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
            Terminal.error(
                "\(changes.count) changes, \(refusals.count) left out; nothing was written"
                    + (id.map { "; plan \($0) (apply: edunet provision apply \($0) --by NAME --reason TEXT)" } ?? ""))
        }
    }

    /// What `apply` and `undo` take: the plan, who and why (both recorded in the audit log).
    struct WriteOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("The plan's id, as `plan` printed it.", valueName: "plan-id")) var plan: String
        @Option(help: "Who does it (recorded in the audit log).") var by: String
        @Option(help: "Why (recorded in the audit log).") var reason: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if by.trimmingCharacters(in: .whitespaces).isEmpty || reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--by and --reason must say who and why: both go into the audit log")
            }
        }

        /// Runs `body` with an applier on the applied inventory, prints its outcome, and exits 1 unless all was applied.
        func run(_ body: (PlanApplier) async throws(StoreError) -> [ProvisioningAuditEntry]) async throws {
            let entries: [ProvisioningAuditEntry]
            do throws(StoreError) {
                let db = try database.openDatabase()
                let inventory = try InventoryStore(database: db).currentConfiguration().inventory
                entries = try await body(PlanApplier(engine: SNMPEngine(), inventory: inventory, store: ProvisioningStore(database: db)))
            } catch {
                Terminal.error("error: \(error.message)")
                throw ExitCode(error.code == .notFound || error.code == .noInventory ? 1 : 3)
            }
            Terminal.print(History.table(entries))
            let applied = entries.filter { $0.result == "applied" }.count
            Terminal.error("\(applied) of \(entries.count) changes applied")
            if applied < entries.count { throw ExitCode(1) }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stored plan to the network, device by device, each value read back.",
            discussion: """
                On each device: the objects are read first and must hold what the plan was made on (else nothing is \
                written there: make a new plan); its changes go in one SET, with the device's snmp_write_profile; each \
                value is read back. Exit status: 0 every change applied; 1 some were refused or failed (the table says \
                which and why), or no such plan; 3 the database could not be opened or written.
                """)
        @OptionGroup var options: WriteOptions

        func run() async throws {
            try await options.run { applier throws(StoreError) in try await applier.apply(plan: options.plan, by: options.by, why: options.reason) }
        }
    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set back what an applied plan replaced (recorded as `undo: REASON`).",
            discussion: """
                Each object must still hold what the plan wrote (else it is left alone: someone changed it since). Exit \
                status: 0 all set back; 1 some were refused or failed, or the plan has nothing applied; 3 the database.
                """)
        @OptionGroup var options: WriteOptions

        func run() async throws {
            try await options.run { applier throws(StoreError) in try await applier.undo(plan: options.plan, by: options.by, why: options.reason) }
        }
    }

    struct History: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "The audit log of every provisioning write: when, who, why, device, object, before, after, result.")
        @Option(help: "Only this plan's writes.") var plan: String?
        @Option(help: "Output format: table, csv (UTF-8 with BOM, for Excel) or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            let entries = try ProvisioningStore(database: try database.openDatabase()).audit(plan: plan)
            switch format {
            case .table: Terminal.print(Self.table(entries))
            case .csv:
                Terminal.print(
                    CSVTable.render(
                        header: ["id", "plan", "at", "by", "why", "device", "interface", "object", "before", "after", "result"],
                        rows: entries.map { e in
                            [
                                e.id.map(String.init) ?? "", e.plan, CityTime.second(e.at), e.by, e.why, e.device, e.interface, e.object,
                                e.before ?? "", e.after, e.result,
                            ]
                        }))
            case .json:
                Terminal.print(String(decoding: try JSONDocument.encode(schema: "edunet.provision.audit/v1", key: "audit", entries), as: UTF8.self))
            }
        }

        static func table(_ entries: [ProvisioningAuditEntry]) -> String {
            TextTable(
                columns: [
                    .init("时间 At"), .init("操作人 By"), .init("设备 Device"), .init("接口 Interface"), .init("原值 Before"), .init("新值 After"),
                    .init("结果 Result"),
                ],
                rows: entries.map { [CityTime.minute($0.at), $0.by, $0.device, $0.interface, $0.before ?? "—", $0.after, $0.result] }
            ).render()
        }
    }
}
