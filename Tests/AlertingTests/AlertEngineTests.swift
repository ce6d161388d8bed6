import Alerting
import Foundation
import Model
import Store
import TestSupport
import Testing

/// The alert lifecycle with an injected clock: every message's time and content is known exactly.
@Suite("Alert lifecycle and grouping, with an injected clock")
struct AlertEngineTests {
    let rules: Set<String> = ["device_unreachable"]

    @Test func groupWaitAndGroupIntervalDecideWhenMessagesGoAndDuplicatesAreOneAlert() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        let a = AlertFixture.signal("yn-1")
        let b = AlertFixture.signal("yn-2")
        try await engine.evaluate(rules: rules, active: [a], at: f.at(0))
        try await engine.evaluate(rules: rules, active: [a], at: f.at(5))  // the same condition again: no new alert or notification
        try await engine.tick(at: f.at(29))
        #expect(try f.messages().isEmpty, "group_wait is 30 s")
        try await engine.tick(at: f.at(30))
        var messages = try f.messages()
        #expect(messages.map(\.said) == [["firing yn-1"]])
        #expect(messages[0].receiver == "yongning-it" && messages[0].webhookID == "msg_1" && messages[0].content.kind == .change)
        #expect(messages[0].content.groupLabels == ["county": "yongning", "rule": "device_unreachable"])

        try await engine.evaluate(rules: rules, active: [a, b], at: f.at(40))
        try await engine.tick(at: f.at(329))
        #expect(try f.messages().count == 1, "the group's next message waits for group_interval (300 s) after the last")
        try await engine.tick(at: f.at(330))
        try await engine.evaluate(rules: rules, active: [b], at: f.at(400))  // yn-1 answers again
        try await engine.tick(at: f.at(629))
        #expect(try f.messages().map(\.said) == [["firing yn-1"], ["firing yn-2"]])
        try await engine.tick(at: f.at(630))
        messages = try f.messages()
        #expect(messages.map(\.said) == [["firing yn-1"], ["firing yn-2"], ["resolved yn-1"]])
        #expect(messages[2].content.alerts[0].endsAt == f.at(400) && messages[2].content.alerts[0].startsAt == f.at(0))

        let stored = try f.store.alerts(state: nil, county: "yongning", limit: 10)
        #expect(stored.count == 2)
        let first = try f.store.alert("1")
        #expect(try f.store.history(of: first.id).map(\.state) == [.firing, .resolved])
        #expect(first.notifiedState == .resolved)
    }

    @Test func anAlertThatComesAndGoesWithinTheWaitIsNeverSent() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1")], at: f.at(0))
        try await engine.evaluate(rules: rules, active: [], at: f.at(10))
        try await engine.tick(at: f.at(30))
        try await engine.tick(at: f.at(3600))
        #expect(try f.messages().isEmpty)
        #expect(try f.store.pendingNotifications().isEmpty, "both notifications were dropped, not left pending")
    }

    @Test func firingGroupsRepeatUntilAcknowledged() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy(repeatMinutes: 60))
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1")], at: f.at(0))
        try await engine.tick(at: f.at(30))
        try await engine.tick(at: f.at(30 + 3599))
        #expect(try f.messages().count == 1)
        try await engine.tick(at: f.at(30 + 3600))
        var messages = try f.messages()
        #expect(messages.map(\.said) == [["firing yn-1"], ["firing yn-1"]])
        #expect(messages[1].content.kind == .repeat_)
        let alert = try f.store.alert("1")
        try f.store.acknowledge(alert.id, by: "王工", at: f.at(4000))
        try await engine.tick(at: f.at(30 + 7200))
        messages = try f.messages()
        #expect(messages.count == 2, "an acknowledged alert is not repeated")
        // Resolution is still said, and a new episode clears the acknowledgement.
        try await engine.evaluate(rules: rules, active: [], at: f.at(8000))
        try await engine.tick(at: f.at(8030))
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1")], at: f.at(9000))
        try await engine.tick(at: f.at(9030))
        #expect(try f.messages().map(\.said).suffix(2) == [["resolved yn-1"], ["firing yn-1"]])
        #expect(try f.store.alert("1").acknowledgedBy == nil)
    }

    @Test func flappingIsNotifiedOnceThenHeldUntilItSettles() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy(wait: 0, interval: 0, flapChanges: 4, flapMinutes: 30))
        let a = AlertFixture.signal("yn-1")
        // Up and down every minute: changes 1–4 are notified; the fifth within 30 minutes makes it flapping.
        for (minute, active) in [(0, true), (1, false), (2, true), (3, false), (4, true), (5, false), (6, true), (7, false)] {
            try await engine.evaluate(rules: rules, active: active ? [a] : [], at: f.at(Double(minute) * 60))
            try await engine.tick(at: f.at(Double(minute) * 60))
        }
        #expect(try f.messages().map(\.said) == [["firing yn-1"], ["resolved yn-1"], ["firing yn-1"], ["resolved yn-1"], ["firing yn-1 flapping"]])
        #expect(try f.store.alert("1").flapping)
        // Settles 30 minutes after its last change (minute 7): what it settled on is said then, not before.
        try await engine.tick(at: f.at(7 * 60 + 1799))
        #expect(try f.messages().count == 5)
        try await engine.tick(at: f.at(7 * 60 + 1800))
        #expect(try f.messages().map(\.said).last == ["resolved yn-1"])
        #expect(try f.store.alert("1").flapping == false)
        #expect(try f.store.history(of: 1).compactMap(\.note) == ["flapping", "settled"])
    }

    @Test func silencesAndMaintenanceWindowsMuteMatchingAlertsOnly() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        _ = try f.store.add(
            Silence(
                kind: .silence, matchers: ["county": "yongning"], startsAt: f.at(0), endsAt: f.at(3600), author: "王工",
                reason: "光缆抢修", createdAt: f.at(0)))
        _ = try f.store.add(
            Silence(
                kind: .maintenance, matchers: ["device": "xx-9"], startsAt: f.at(7200), endsAt: f.at(10_800), author: "李工",
                reason: "核心交换机升级", createdAt: f.at(0)))
        try await engine.tick(at: f.at(0))
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1"), AlertFixture.signal("xx-1", county: "xixia")], at: f.at(10))
        try await engine.tick(at: f.at(40))
        #expect(try f.messages().map(\.said) == [["firing xx-1"]], "Yongning is silenced; Xixia is not")
        try await engine.tick(at: f.at(3599))
        #expect(try f.messages().count == 1)
        try await engine.tick(at: f.at(3600))  // the silence ends with yn-1 still firing: it is said now, after group_wait
        try await engine.tick(at: f.at(3630))
        #expect(try f.messages().map(\.said).last == ["firing yn-1"])
        // The maintenance window: xx-9 goes down and comes back inside it; nobody hears of it.
        try await engine.evaluate(
            rules: rules,
            active: [
                AlertFixture.signal("yn-1"), AlertFixture.signal("xx-1", county: "xixia"),
                AlertFixture.signal("xx-9", county: "xixia"),
            ], at: f.at(7300))
        try await engine.tick(at: f.at(7400))
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1"), AlertFixture.signal("xx-1", county: "xixia")], at: f.at(9000))
        try await engine.tick(at: f.at(20_000))
        #expect(!(try f.messages()).flatMap(\.said).contains { $0.contains("xx-9") })
        #expect(try f.store.alert(AlertFingerprint.of(rule: "device_unreachable", subject: "xx-9")).state == .resolved)
    }

    @Test func aChildWhoseParentFiresIsSuppressedAndSaidIfItOutlivesIt() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        let uplink = AlertFixture.signal("city-county-yongning-a", rule: "link_down")
        let children = (1...50).map { AlertFixture.signal("yn-school-\($0)", parents: [uplink.fingerprint]) }
        try await engine.evaluate(rules: ["link_down"], active: [uplink], at: f.at(0))
        try await engine.evaluate(rules: rules, active: children, at: f.at(5))
        try await engine.tick(at: f.at(60))
        #expect(try f.messages().map(\.said) == [["firing city-county-yongning-a"]], "one alert, not fifty-one")
        // The uplink is repaired but one school stays down: its own alert is said, and the uplink's resolution.
        try await engine.evaluate(rules: ["link_down"], active: [], at: f.at(600))
        try await engine.evaluate(rules: rules, active: [children[6]], at: f.at(600))
        try await engine.tick(at: f.at(900))
        let said = try f.messages().map { Set($0.said) }
        #expect(said.dropFirst().reduce(Set<String>()) { $0.union($1) } == ["resolved city-county-yongning-a", "firing yn-school-7"])
    }

    @Test func routesSendEachCountyToItsOwnReceiver() async throws {
        let f = try AlertFixture()
        var policy = AlertFixture.policy()
        policy.receivers.append(.init(id: "city-am", name: "Alertmanager", kind: .alertmanager, url: "http://127.0.0.1:9/am", secret: nil))
        policy.routes.append(.init(match: ["severity": "critical"], receiver: "city-am"))
        let engine = try f.engine(policy)
        try await engine.evaluate(
            rules: rules,
            active: [
                AlertFixture.signal("yn-1"), AlertFixture.signal("xx-1", county: "xixia"),
                AlertFixture.signal("xx-2", county: "xixia", severity: .warning),
            ], at: f.at(0))
        try await engine.tick(at: f.at(30))
        let byReceiver = Dictionary(grouping: try f.messages(), by: \.receiver).mapValues { $0.flatMap(\.said).sorted() }
        #expect(byReceiver == ["yongning-it": ["firing yn-1"], "city-am": ["firing xx-1"], "city-noc": ["firing xx-2"]])
    }

    @Test func aStormIsStoredInChunksAndSaidInOneMessage() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        let storm = (1...1200).map { AlertFixture.signal("yn-\($0)") }
        try await engine.evaluate(rules: rules, active: storm, at: f.at(0))
        #expect(try f.store.alerts(state: .firing, county: "yongning", limit: 5000).count == 1200)
        #expect(try f.store.pendingNotifications().count == 1200)
        try await engine.tick(at: f.at(30))
        let messages = try f.messages()
        #expect(messages.count == 1 && messages[0].content.alerts.count == 100 && messages[0].content.truncated == 1100)
        #expect(try f.store.pendingNotifications().isEmpty)
    }

    @Test func oldResolvedAlertsArePrunedAndFiringOnesKept() async throws {
        let f = try AlertFixture()
        let engine = try f.engine(AlertFixture.policy())
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1"), AlertFixture.signal("yn-2")], at: f.at(0))
        try await engine.tick(at: f.at(30))
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-2")], at: f.at(100))
        try await engine.tick(at: f.at(400))
        #expect(try await engine.prune(olderThan: f.at(99)) == 0, "yn-1 ended at 100")
        #expect(try await engine.prune(olderThan: f.at(101)) == 1)
        #expect(try f.store.alerts(state: nil, county: nil, limit: 10).map(\.subject) == ["yn-2"])
        #expect(await engine.current().map(\.subject) == ["yn-2"])
        // Should yn-1 go down again, it is a new alert.
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("yn-1"), AlertFixture.signal("yn-2")], at: f.at(500))
        #expect(try f.store.alerts(state: .firing, county: nil, limit: 10).count == 2)
    }

    @Test func aRestartedEngineCarriesOnFromTheStore() async throws {
        let f = try AlertFixture()
        let policy = AlertFixture.policy()
        let first = try f.engine(policy)
        try await first.evaluate(rules: rules, active: [AlertFixture.signal("yn-1")], at: f.at(0))
        // Killed before the group was due: the notification is in the store, and a new engine sends it.
        let second = try f.engine(policy)
        try await second.tick(at: f.at(30))
        #expect(try f.messages().map(\.said) == [["firing yn-1"]])
        try await second.evaluate(rules: rules, active: [AlertFixture.signal("yn-1")], at: f.at(60))
        try await second.tick(at: f.at(400))
        #expect(try f.messages().count == 1, "the same alert, still firing, is not said again")
    }
}
