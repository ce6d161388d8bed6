import ArgumentParser
import Foundation
import Model
import Provisioning
import Reports
import SNMP
import Store

struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Changes to the network computed from the inventory and the findings: plan, apply, confirm, undo, history.",
        discussion: """
            A plan is computed and stored (nothing is written to the network); `apply` writes it device by device with \
            each device's `snmp_write_profile`, after checking that what the objects hold is still what the plan was made \
            on, and reads every value back (`--confirm-within` for probation, `confirm` to keep it); `undo` sets back \
            what an applied plan replaced. Every write is in the audit log (`history`), with who, when, why, before and \
            after.

              edunet provision plan --kind alias --county yongning
              edunet provision apply alias-20261206-1830-1 --by 李工 --reason "label the uplinks (ticket 42)"
              edunet provision plan --kind quarantine --mac 00:0c:29:aa:bb:cc
              edunet provision undo alias-20261206-1830-1 --by 李工 --reason "wrong labels"
              edunet provision history --format csv > audit.csv
            """,
        subcommands: [Plan.self, Apply.self, Confirm.self, Undo.self, History.self])

    struct Plan: AsyncEdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the changes the inventory and the findings ask for, and write nothing.",
            discussion: """
                --kind alias: each planned link's two interfaces labelled (ifAlias) with the link id, its tier and the \
                device at the far end (`up-1 county-school to agg-yongning-sw`), where the label the last poll read \
                differs.
                --kind unused-ports: each port the posture check found unused (admin-up, operationally down for \
                security.yaml's posture.unused_port_days) on the devices of posture.unused_port_roles, shut \
                (ifAdminStatus down); applied only if the port is still down then.
                --kind quarantine --mac MAC: the port the station is plugged into, found through the switches' \
                forwarding tables, shut or moved to the quarantine VLAN (security.yaml's quarantine.action), for \
                quarantine.period_hours once applied; released by edunetd at the end of the period.

                Never touched, each listed with why: a planned link's interface (for unused-ports and quarantine), the \
                switch's uplink (its spanning-tree root port), an interface that carries the device's own address, a \
                port with more stations behind it than quarantine.max_stations_per_port, a device without an \
                snmp_write_profile, and any device not in the inventory. The switches' tables are read live with their \
                polling profiles; nothing is written.

                  edunet provision plan --kind alias --county yongning
                  edunet provision plan --kind unused-ports --school xq-no1-primary
                  edunet provision plan --kind quarantine --mac 00:0c:29:aa:bb:cc --format json

                A plan with changes is stored under an id that `apply` takes.

                Exit status: 0 the plan was printed (with or without changes); 1 an unknown id or MAC; 3 the database \
                could not be opened.
                """)
        @Option(help: "What to plan: alias, unused-ports or quarantine.") var kind: PlanMaker.Kind = .alias
        @Option(help: "For --kind quarantine: the station's MAC address (00:0c:29:aa:bb:cc).") var mac: String?
        @OptionGroup var scope: DeviceScopeOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered here; use table or json") }
            if kind == .quarantine, mac == nil { throw ValidationError("--kind quarantine needs --mac: the station to quarantine") }
            if kind != .quarantine, mac != nil { throw ValidationError("--mac is for --kind quarantine only") }
            if let mac, MACAddress(parsing: mac) == nil {
                throw ValidationError("--mac `\(mac)` is not a MAC address; write six hex pairs, e.g. 00:0c:29:aa:bb:cc")
            }
        }

        func execute() async throws {
            let db = try database.openDatabase()
            let configuration = try InventoryStore(database: db).currentConfiguration()
            let includes = try scope.selection(in: configuration.inventory)
            let request: PlanMaker.Request =
                switch kind {
                case .alias: .alias
                case .unusedPorts: .unusedPorts
                case .quarantine: .quarantine(station: MACAddress(parsing: mac ?? "")!)
                }
            let plan = try await PlanMaker(configuration: configuration, database: db, engine: SNMPEngine()).make(
                request, includes: includes, at: Date()
            ) { count in
                Terminal.error("reading the bridge and address tables of \(count) \(count == 1 ? "switch" : "switches") …")
            }
            let (id, changes, refusals) = (plan.id, plan.changes, plan.refusals)
            if format == .json {
                Terminal.print(String(decoding: try JSONDocument.encode(schema: "edunet.provision.plan/v1", key: "plan", plan), as: UTF8.self))
                return
            }
            Terminal.print(
                TextTable(
                    columns: [.init("设备 Device"), .init("接口 Interface"), .init("对象 Object"), .init("现值 Now"), .init("改为 New")],
                    rows: changes.map {
                        [
                            $0.device, $0.interface, ProvisioningObjects.name(of: $0.object), ProvisioningObjects.value($0.current, of: $0.object),
                            ProvisioningObjects.value($0.new, of: $0.object),
                        ]
                    }
                ).render())
            if !refusals.isEmpty {
                Terminal.print(
                    "\n不变更 Left out: \(refusals.count)\n"
                        + TextTable(
                            columns: [.init("设备 Device"), .init("接口 Interface"), .init("原因 Why")],
                            rows: refusals.map { [$0.device, $0.interface, $0.reason] }
                        ).render())
            }
            let quarantine = configuration.policies.security.quarantine ?? QuarantinePolicy()
            let period = kind == .quarantine ? " (for \(Self.hours(quarantine.periodHours)) once applied)" : ""
            Terminal.error(
                "\(changes.count) changes\(period), \(refusals.count) left out; nothing was written"
                    + (id.map { "; plan \($0) (apply: edunet provision apply \($0) --by NAME --reason TEXT)" } ?? ""))
        }

        static func hours(_ hours: Double) -> String {
            hours == hours.rounded() ? "\(Int(hours)) h" : String(format: "%.2f h", hours)
        }
    }

    /// What `apply`, `undo` and `confirm` share: who and why (both recorded in the audit log), and the database.
    struct WriteOptions: ParsableArguments {
        @Option(help: "Who does it (recorded in the audit log).") var by: String
        @Option(help: "Why (recorded in the audit log).") var reason: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if by.trimmingCharacters(in: .whitespaces).isEmpty || reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--by and --reason must say who and why: both go into the audit log")
            }
        }

        /// Runs `body` with an applier on the applied configuration, prints its outcome, and exits 1 unless all was applied.
        func run(_ body: (PlanApplier, CityConfiguration) async throws(StoreError) -> [ProvisioningAuditEntry]) async throws {
            let entries: [ProvisioningAuditEntry]
            do throws(StoreError) {
                let db = try database.openDatabase()
                let configuration = try InventoryStore(database: db).currentConfiguration()
                entries = try await body(
                    PlanApplier(engine: SNMPEngine(), inventory: configuration.inventory, store: ProvisioningStore(database: db)), configuration)
            } catch {
                throw CommandFailure.exit(for: error)
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
                On each device: the objects are read first and must hold what the plan was made on, and what the plan \
                asks besides must still hold (an unused port still down, a quarantined station still behind its port); \
                else nothing is written there: make a new plan. Its changes go in one SET, with the device's \
                snmp_write_profile; each value is read back.

                --confirm-within 10m applies it on probation: unless `edunet provision confirm PLAN-ID` comes within the \
                window, edunetd sets the previous values back. A quarantine plan is released by edunetd at the end of \
                security.yaml's quarantine.period_hours.

                  edunet provision apply alias-20261206-1830-1 --by 李工 --reason "label the uplinks (ticket 42)"
                  edunet provision apply unused-ports-20261206-1900-1 --by 李工 --reason 等保整改 --confirm-within 10m

                Exit status: 0 every change applied; 1 some were refused or failed (the table says which and why), or no \
                such plan; 3 the database could not be opened or written.
                """)
        @Argument(help: ArgumentHelp("The plan's id, as `plan` printed it.", valueName: "plan-id")) var plan: String
        @Option(help: "Apply on probation: set back by edunetd unless confirmed within this time (10m, 1h).") var confirmWithin: String?
        @OptionGroup var options: WriteOptions

        func validate() throws {
            if let confirmWithin, WindowOptions.seconds(confirmWithin) == nil {
                throw ValidationError("--confirm-within `\(confirmWithin)` takes a number and a unit: 10m, 1h")
            }
        }

        func run() async throws {
            try await options.run { applier, configuration throws(StoreError) in
                let entries = try await applier.apply(
                    plan: plan, by: options.by, why: options.reason, confirmWithin: confirmWithin.flatMap(WindowOptions.seconds),
                    quarantine: configuration.policies.security.quarantine ?? QuarantinePolicy())
                if let deadline = try applier.store.deadline(plan: plan), deadline.settledAt == nil,
                    entries.contains(where: { $0.result == "applied" })
                {
                    let due = deadline.due
                    Terminal.error(
                        deadline.kind == .probation
                            ? "on probation: edunetd sets it back at \(CityTime.minute(due)) unless `edunet provision confirm \(plan) --by NAME` comes first"
                            : "quarantined until \(CityTime.minute(due)), when edunetd releases it; `edunet provision undo \(plan)` releases it now")
                }
                return entries
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep a plan applied with --confirm-within: edunetd will not set it back.",
            discussion: "Exit status: 0 confirmed; 1 the plan is not on probation (never was, or already confirmed or set back).")
        @Argument(help: ArgumentHelp("The plan's id.", valueName: "plan-id")) var plan: String
        @Option(help: "Who confirms.") var by: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            do throws(StoreError) {
                let db = try database.openDatabase()
                try ProvisioningStore(database: db).confirm(plan: plan, by: by, at: Date())
            } catch {
                throw CommandFailure.exit(for: error)
            }
            Terminal.error("plan \(plan) confirmed by \(by): it stays as applied")
        }
    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set back what an applied plan, or one applied change, replaced (recorded as `undo: REASON`).",
            discussion: """
                PLAN-ID sets back every applied change of the plan (and ends its probation or quarantine); a number is \
                one change's id, as `history` shows it. Each object must still hold what was written (else it is left \
                alone: someone changed it since).

                  edunet provision undo alias-20261206-1830-1 --by 李工 --reason "wrong labels"
                  edunet provision undo 42 --by 李工 --reason "that port is the printer's"

                Exit status: 0 all set back; 1 some were refused or failed, or nothing applied to undo; 3 the database.
                """)
        @Argument(help: ArgumentHelp("A plan's id, or one change's id from `history`.", valueName: "plan-id|change-id")) var target: String
        @OptionGroup var options: WriteOptions

        func run() async throws {
            try await options.run { applier, _ throws(StoreError) in
                if let change = Int64(target) {
                    try await applier.undo(change: change, by: options.by, why: options.reason)
                } else {
                    try await applier.undo(plan: target, by: options.by, why: options.reason)
                }
            }
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
            case .table:
                Terminal.print(Self.table(entries))
                let pending = try ProvisioningStore(database: try database.openDatabase()).pendingDeadlines().filter {
                    plan == nil || $0.plan == plan
                }
                if !pending.isEmpty {
                    Terminal.print(
                        "\n待定 Pending: \(pending.count)\n"
                            + TextTable(
                                columns: [.init("方案 Plan"), .init("类型 Kind"), .init("到期 Due"), .init("到期时 Then")],
                                rows: pending.map {
                                    [
                                        $0.plan, $0.kind.rawValue, CityTime.minute($0.due),
                                        $0.kind == .probation ? "set back unless confirmed" : "released",
                                    ]
                                }
                            ).render())
                }
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
                    .init("编号 Id", alignRight: true), .init("时间 At"), .init("操作人 By"), .init("设备 Device"), .init("接口 Interface"),
                    .init("对象 Object"), .init("原值 Before"), .init("新值 After"), .init("结果 Result"),
                ],
                rows: entries.map {
                    [
                        $0.id.map(String.init) ?? "", CityTime.minute($0.at), $0.by, $0.device, $0.interface, ProvisioningObjects.name(of: $0.object),
                        ProvisioningObjects.value($0.before, of: $0.object), ProvisioningObjects.value($0.after, of: $0.object), $0.result,
                    ]
                }
            ).render()
        }
    }
}

extension PlanMaker.Kind: ExpressibleByArgument {}
