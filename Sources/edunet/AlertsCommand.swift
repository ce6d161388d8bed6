import Alerting
import ArgumentParser
import Foundation
import Model
import Reports
import Store

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alerts edunetd raised, their silences, and the outbox of webhook messages.",
        discussion: """
            edunetd raises alerts from polls (device unreachable, planned link \
            down, link congested), SNMP traps and compliance findings, and sends \
            them to the receivers of policies/alerting.yaml (docs/alerting.md).

              edunet alerts list                     what fires now
              edunet alerts list --state all --county yongning
              edunet alerts show 12                  labels and history
              edunet alerts ack 12 --by 王工         stop its repeats
              edunet alerts silence --match county=永宁县 --for 2h \\
                  --reason "光缆抢修" --by 王工
              edunet alerts silences                 silences not yet over
              edunet alerts outbox --dead            messages given up on
              edunet alerts test-receiver yongning-it

            Exit status: 0 success; 1 no such alert, silence or receiver, or a \
            test message not delivered; 64 wrong usage; 3 the database could not \
            be opened or written.
            """,
        subcommands: [List.self, Show.self, Acknowledge.self, SilenceCommand.self, Silences.self, Unsilence.self, Outbox.self, TestReceiver.self],
        defaultSubcommand: List.self
    )

    enum StateFilter: String, CaseIterable, ExpressibleByArgument { case firing, resolved, all }

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Alerts, newest first: firing ones by default.")
        @Option(help: "firing, resolved or all.") var state: StateFilter = .firing
        @Option(help: "Only alerts of this county (its id, e.g. yongning, or its name, e.g. 永宁县).") var county: String?
        @Option(help: "Only alerts of this rule (terminal_lost_seen, link_down, compliance_fail, …; docs/alerting.md lists them).")
        var rule: String?
        @Option(help: "At most this many.") var limit = 500
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let rule, !AlertingPolicy.Rules.names.contains(rule) {
                let near = Suggestion.closest(to: rule, among: AlertingPolicy.Rules.names)
                throw ValidationError(
                    "no alert rule `\(rule)`"
                        + (near.map { "; did you mean \($0)?" } ?? "; the rules: " + AlertingPolicy.Rules.names.joined(separator: ", ")))
            }
        }

        func execute() throws {
            let db = try database.openDatabase()
            let county = try self.county.map { try AlertsCommand.countyID($0, database: db) }
            let alerts = try AlertStore(database: db).alerts(
                state: state == .all ? nil : AlertState(rawValue: state.rawValue), county: county, rule: rule, limit: limit)
            let listing = Listing(
                columns: [
                    .init("ID", key: "id", numeric: true), .init("状态 State", key: "state"), .init("级别 Severity", key: "severity"),
                    .init("规则 Rule", key: "rule"), .init("区县 County", key: "county"), .init("摘要 Summary", key: "summary"),
                    .init("开始 Since", key: "starts_at"), .init("结束 Ended", key: "ends_at"),
                ],
                rows: alerts.map { alert in
                    [
                        String(alert.id), AlertsCommand.stateText(alert), alert.severity.rawValue, alert.rule, alert.labels["county"] ?? "—",
                        alert.summary.zh, AlertWords.localTime(alert.startsAt), alert.endsAt.map(AlertWords.localTime) ?? "—",
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.alerts/v1", key: "alerts", alerts) })
            Terminal.print(try listing.render(output.format))
            if output.format == .table, alerts.isEmpty { Terminal.error(state == .firing ? "nothing fires" : "no alerts") }
        }
    }

    struct Show: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "One alert: what, where, since when, who acknowledged it, and its history.")
        @Argument(help: "The alert's number, or the start of its fingerprint.") var id: String
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            let store = AlertStore(database: try database.openDatabase())
            let alert = try store.alert(id)
            var lines: [(String, String)] = [
                ("alert", "\(alert.id)  fingerprint \(alert.fingerprint)"),
                ("state", AlertsCommand.stateText(alert)),
                ("severity", alert.severity.rawValue),
                ("rule", "\(alert.rule) (\(AlertWords.rule(alert.rule).zh))"),
                ("subject", alert.subject),
                ("summary", alert.summary.zh),
                ("", alert.summary.en),
                ("labels", alert.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
                ("since", AlertWords.localTime(alert.startsAt)),
            ]
            if let end = alert.endsAt, alert.state == .resolved { lines.append(("ended", AlertWords.localTime(end))) }
            if let by = alert.acknowledgedBy, let at = alert.acknowledgedAt {
                lines.append(("acknowledged", "by \(by) at \(AlertWords.localTime(at))"))
            }
            lines.append(("notified", alert.notifiedState.map { "\($0.rawValue) (\(alert.notifiedSeverity?.rawValue ?? "—"))" } ?? "not yet"))
            if !alert.parents.isEmpty { lines.append(("parents", alert.parents.joined(separator: " "))) }
            var text = KeyValueLines.render(lines)
            text +=
                "\nhistory:\n"
                + (try store.history(of: alert.id)).map { t in
                    "  \(AlertWords.localTime(t.at))  \(t.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(t.severity.rawValue)"
                        + (t.note.map { "  (\($0))" } ?? "")
                }.joined(separator: "\n")
            Terminal.print(text)
        }
    }

    struct Acknowledge: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Acknowledge an alert: someone is on it.",
            discussion:
                "An acknowledged alert keeps firing until its condition ends, but its group is no longer repeated for it. Firing again later clears the acknowledgement."
        )
        @Argument(help: "The alert's number, or the start of its fingerprint.") var id: String
        @Option(help: "Who is on it.") var by: String
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            let store = AlertStore(database: try database.openDatabase())
            let alert = try store.alert(id)
            guard alert.state == .firing else { throw StoreError(.notFound, "alert \(alert.id) is resolved; only firing alerts are acknowledged") }
            try store.acknowledge(alert.id, by: by, at: Date())
            Terminal.print("alert \(alert.id) acknowledged by \(by): \(alert.summary.zh)")
        }
    }

    struct Outbox: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Webhook messages: pending ones by default, with their attempts and the receiver's last answer.",
            discussion:
                "Messages are retried with backoff until delivered or, past alerting.yaml's delivery.max_age_hours, dead-lettered (which raises a delivery_failed alert)."
        )
        @Flag(help: "Only dead-lettered messages.") var dead = false
        @Flag(help: "Every message: pending, delivered and dead.") var all = false
        @Option(help: "At most this many.") var limit = 200
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let states: [OutboxMessage.State] = dead ? [.dead] : all ? OutboxMessage.State.allCases : [.pending]
            let store = AlertStore(database: try database.openDatabase())
            let messages = try store.outbox(states: states, limit: limit)
            let listing = Listing(
                columns: [
                    .init("ID", key: "id", numeric: true), .init("消息 Message", key: "webhook_id"), .init("接收 Receiver", key: "receiver"),
                    .init("状态 State", key: "state"), .init("告警 Alerts", key: "alerts", numeric: true),
                    .init("尝试 Attempts", key: "attempts", numeric: true),
                    .init("创建 Created", key: "created_at"), .init("下次 Next", key: "next_attempt_at"), .init("最近回应 Last answer", key: "last_answer"),
                ],
                rows: messages.map { m in
                    [
                        String(m.id), m.webhookID, m.receiver, m.state.rawValue, String(m.content.alerts.count + m.content.truncated),
                        String(m.attempts),
                        AlertWords.localTime(m.createdAt), m.state == .pending ? AlertWords.localTime(m.nextAttemptAt) : "—",
                        m.lastError ?? m.lastStatus.map { "HTTP \($0)" } ?? "—",
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.outbox/v1", key: "messages", messages) })
            Terminal.print(try listing.render(output.format))
            if output.format == .table {
                let counts = try store.outboxCounts()
                Terminal.error("outbox: \(counts[.pending] ?? 0) pending, \(counts[.delivered] ?? 0) delivered, \(counts[.dead] ?? 0) dead")
            }
        }
    }

    /// `firing`, `resolved`, with flapping and acknowledgement marks.
    static func stateText(_ alert: Alert) -> String {
        var text = alert.state.rawValue
        if alert.flapping { text += " (flapping)" }
        if alert.state == .firing, let by = alert.acknowledgedBy { text += " (ack: \(by))" }
        return text
    }

    /// A county id from an id or a Chinese or English name, checked against the applied inventory when there is one.
    static func countyID(_ text: String, database: StoreDatabase) throws -> String {
        guard let inventory = try? InventoryStore(database: database).currentConfiguration().inventory else { return text }
        if let county = inventory.counties.first(where: { $0.id == text || $0.name == text || $0.nameEN.lowercased() == text.lowercased() }) {
            return county.id
        }
        throw StoreError(.notFound, "no county `\(text)`; `edunet counties list` shows the ids and names")
    }
}
