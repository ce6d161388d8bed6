import Alerting
import ArgumentParser
import Foundation
import Model
import Reports
import Store

extension AlertsCommand {
    struct SilenceCommand: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "silence", abstract: "Mute notifications for alerts whose labels match, for a while or in a planned window.",
            discussion: """
                Alerts keep being recorded while muted; when the silence ends, \
                those still firing are notified. Labels: county, school, device, \
                link, rule, severity, tier, role, receiver; a county may be given \
                by its name.

                  edunet alerts silence --match county=永宁县 --for 2h \\
                      --reason "光缆抢修" --by 王工
                  edunet alerts silence --match device=yn-core --maintenance \\
                      --from 2026-12-01T22:00 --until 2026-12-02T02:00 \\
                      --reason "核心交换机升级" --by 李工
                """)
        @Option(help: ArgumentHelp("A label and the value it must have (repeat for more).", valueName: "label=value")) var match: [String]
        @Option(name: .customLong("for"), help: "How long from now (or from --from): 30m, 2h, 1d.") var duration: String?
        @Option(help: "Start, local time (Asia/Shanghai): 2026-12-01T22:00. Default now.") var from: String?
        @Option(help: "End, local time (Asia/Shanghai), instead of --for.") var until: String?
        @Option(help: "Why (kept with the silence).") var reason: String
        @Option(help: "Who (default: $USER).") var by: String?
        @Flag(help: "Record it as a planned maintenance window.") var maintenance = false
        @OptionGroup var database: DatabaseOptions

        static let labels = [
            "county", "school", "device", "link", "rule", "severity", "tier", "role", "receiver", "source", "interface", "finding", "check",
        ]

        func validate() throws {
            guard !match.isEmpty else { throw ValidationError("give at least one --match label=value") }
            guard (duration == nil) != (until == nil) else { throw ValidationError("give either --for or --until") }
        }

        func execute() throws {
            let db = try database.openDatabase()
            var matchers: [String: String] = [:]
            for item in match {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw ValidationError("--match takes label=value, e.g. county=yongning; got `\(item)`")
                }
                guard Self.labels.contains(parts[0]) else {
                    throw ValidationError("unknown label `\(parts[0])` in --match; labels are: \(Self.labels.joined(separator: ", "))")
                }
                matchers[parts[0]] = parts[0] == "county" ? try AlertsCommand.countyID(parts[1], database: db) : parts[1]
            }
            let now = Date()
            let start = try from.map { try Self.localTime($0, option: "--from") } ?? now
            let end: Date
            if let duration {
                guard let seconds = WindowOptions.seconds(duration) else { throw ValidationError("--for takes a number and a unit: 30m, 2h or 1d") }
                end = start.addingTimeInterval(seconds)
            } else {
                end = try Self.localTime(until!, option: "--until")
            }
            guard end > start, end > now else { throw ValidationError("the silence would end before it starts or in the past") }
            let author = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let silence = Silence(
                kind: maintenance ? .maintenance : .silence, matchers: matchers, startsAt: start, endsAt: end, author: author,
                reason: reason, createdAt: now)
            let id = try AlertStore(database: db).add(silence)
            Terminal.print(
                "\(silence.kind.rawValue) \(id): \(AlertsCommand.matcherText(matchers)) from \(AlertWords.localTime(start)) until \(AlertWords.localTime(end)) (\(author): \(reason))"
            )
        }

        /// `2026-12-01T22:00` or `2026-12-01 22:00[:ss]`, China Standard Time.
        static func localTime(_ text: String, option: String) throws -> Date {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = CityTime.zone
            for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return date }
            }
            throw ValidationError("\(option) `\(text)` is not a time; write e.g. 2026-12-01T22:00 (the city's time, \(CityTime.zoneName))")
        }
    }

    struct Silences: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Silences and maintenance windows that have not ended (with --all, every one).")
        @Flag(help: "Include those that ended.") var all = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let now = Date()
            let silences = try AlertStore(database: try database.openDatabase()).silences(at: now, all: all)
            let listing = Listing(
                columns: [
                    .init("ID", key: "id", numeric: true), .init("类型 Kind", key: "kind"), .init("匹配 Match", key: "match"),
                    .init("开始 Starts", key: "starts_at"), .init("结束 Ends", key: "ends_at"), .init("状态 State", key: "state"),
                    .init("作者 By", key: "author"), .init("原因 Reason", key: "reason"),
                ],
                rows: silences.map { s in
                    let state = s.isActive(at: now) ? "active" : s.startsAt > now ? "planned" : "ended"
                    return [
                        String(s.id), s.kind.rawValue, AlertsCommand.matcherText(s.matchers), AlertWords.localTime(s.startsAt),
                        AlertWords.localTime(min(s.endsAt, s.expiredAt ?? s.endsAt)), state, s.author, s.reason,
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.silences/v1", key: "silences", silences) })
            Terminal.print(try listing.render(output.format))
        }
    }

    struct Unsilence: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "End a silence or maintenance window now.")
        @Argument(help: "The silence's number (`edunet alerts silences`).") var id: Int64
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            guard try AlertStore(database: try database.openDatabase()).expireSilence(id, at: Date()) else {
                throw StoreError(.notFound, "no silence \(id) in force or planned; `edunet alerts silences` lists them")
            }
            Terminal.print("silence \(id) ended")
        }
    }

    struct TestReceiver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-receiver", abstract: "Send a test message to a receiver now and show its answer.",
            discussion:
                "The message is signed and formatted as real ones are (it does not go through the outbox). Exit status 0 when the receiver accepted it."
        )
        @Argument(help: "The receiver's id in alerting.yaml.") var receiver: String
        @OptionGroup var sources: SourceOptions

        func run() async throws {
            let policy: AlertingPolicy
            do { policy = try sources.load().policies.alerting } catch {
                Terminal.error(error.description)
                throw ExitCode(1)
            }
            guard let target = policy.receiver(receiver) else {
                Terminal.error(
                    "error: no receiver `\(receiver)` in \(sources.policies)/alerting.yaml; receivers: \(policy.receivers.map(\.id).joined(separator: ", "))"
                )
                throw ExitCode(1)
            }
            let secret: String?
            do { secret = try target.secret?.resolve() } catch {
                Terminal.error("error: receiver `\(receiver)`: \(error.description)")
                throw ExitCode(1)
            }
            let now = Date()
            let content = NotificationContent(
                kind: .test, receiver: target.id, groupKey: "test", groupLabels: [:], alerts: [], truncated: 0, createdAt: now)
            let request = WebhookFormatter.request(for: target, webhookID: AlertEngine.randomWebhookID(), content: content, secret: secret, at: now)
            let answer = await WebhookClient().send(request, timeout: policy.delivery.timeoutSeconds)
            let verdict = answer.verdict(for: target.kind, at: now)
            Terminal.print(
                """
                receiver  \(target.id) (\(target.name), \(target.kind.rawValue))
                url       \(Self.redacted(target.url))
                signed    \(secret == nil ? "no" : "yes (\(target.secret!.description))")
                answer    \(answer.status.map { "HTTP \($0)" } ?? "none: \(answer.transportError ?? "?")")\(answer.body.isEmpty ? "" : "  " + String(answer.body.prefix(300)))
                result    \(verdict.delivered ? "delivered" : "not delivered: \(verdict.problem ?? "?")")
                """)
            if !verdict.delivered { throw ExitCode(1) }
        }

        /// Robot URLs carry their access token: show only its start.
        static func redacted(_ url: String) -> String {
            guard let range = url.range(of: #"(access_token|key)=[^&]+"#, options: .regularExpression) else { return url }
            let pair = url[range]
            let name = pair.split(separator: "=")[0]
            return url.replacingCharacters(in: range, with: "\(name)=\(pair.dropFirst(name.count + 1).prefix(4))…")
        }
    }

    static func matcherText(_ matchers: [String: String]) -> String {
        matchers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
