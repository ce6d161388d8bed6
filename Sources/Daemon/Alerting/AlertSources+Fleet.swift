import Foundation
import Model
import Store

extension AlertSources {
    public static let fleetRules: Set<String> = ["terminal_lost_seen", "terminals_not_seen", "terminal_wrong_school"]

    /// The e-book terminal alerts at `now`: a terminal marked lost and seen on Wi-Fi since (security: the school, AP
    /// and area where it is); a terminal seen, since its last change, at a school it is not registered to; per school,
    /// the assigned terminals not seen for `fleet.yaml`'s school days (one alert a school, not one a terminal; only
    /// where the school's controller reports clients at all). Holders are never named.
    public static func fleet(
        _ statuses: [FleetStore.TerminalStatus], at now: Date, policy: FleetPolicy, topology: AlertTopology, rules: AlertingPolicy.Rules
    ) -> [AlertSignal] {
        let places = topology.inventory.accessPointPlaces
        let schools = Dictionary(topology.inventory.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func labels(_ school: String) -> [String: String] {
            var labels = ["school": school]
            if let county = schools[school]?.county { labels["county"] = county }
            return labels
        }
        var signals: [AlertSignal] = []
        for status in statuses {
            guard let seen = status.lastSeen, seen.at > status.changedAt else { continue }
            let place = seen.accessPoint.flatMap { places[$0.lowercased()] }
            let seenSchool = place?.school.flatMap { schools[$0] }
            let whereZH = [seenSchool?.name, place?.areas.first, seen.accessPoint.map { "AP \($0)" }].compactMap { $0 }.joined(separator: " ")
            let whereEN = [seenSchool?.nameEN, place?.areas.first, seen.accessPoint.map { "AP \($0)" }].compactMap { $0 }.joined(separator: ", ")
            var signalLabels = labels(status.school)
            signalLabels["terminal"] = status.serial
            signalLabels["controller"] = seen.controller
            if let ap = place?.accessPoint ?? seen.accessPoint { signalLabels["ap"] = ap }
            if let school = seenSchool?.id { signalLabels["seen_school"] = school }
            if status.state == .lost {
                signalLabels["category"] = "security"
                signals.append(
                    AlertSignal(
                        rule: "terminal_lost_seen", subject: status.serial, severity: rules.terminalLostSeenSeverity, labels: signalLabels,
                        summary: BilingualText(
                            zh:
                                "已报丢失的电子书包 \(status.serial) 于 \(CityTime.minute(seen.at)) 在\(whereZH.isEmpty ? "控制器 \(seen.controller) 下" : " \(whereZH) ")出现"
                                + (seen.ssid.map { "（SSID \($0)）" } ?? ""),
                            en:
                                "terminal \(status.serial), marked lost, was seen \(CityTime.minute(seen.at)) at \(whereEN.isEmpty ? "controller \(seen.controller)" : whereEN)"
                                + (seen.ssid.map { " (SSID \($0))" } ?? ""))))
            } else if status.state != .retired, let seenSchool, seenSchool.id != status.school {
                let home = schools[status.school]
                signals.append(
                    AlertSignal(
                        rule: "terminal_wrong_school", subject: status.serial, severity: rules.terminalWrongSchoolSeverity, labels: signalLabels,
                        summary: BilingualText(
                            zh: "\(home?.name ?? status.school) 的电子书包 \(status.serial) 在 \(whereZH) 出现：未登记在该校（调拨请用 edunet fleet transfer）",
                            en:
                                "terminal \(status.serial) of \(home?.nameEN ?? status.school) was seen at \(whereEN), a school it is not registered to"
                        )))
            }
        }
        guard let oldestDay = SchoolDays.last(policy.notSeenAlertSchoolDays, upTo: now).last else { return signals }
        let cutoff = SchoolDays.start(ofDay: oldestDay)
        let seenSomewhere = Set(statuses.filter { $0.lastSeen != nil }.map(\.school))
        let unseen = Dictionary(
            grouping: statuses.filter { status in
                status.state == .assigned && seenSomewhere.contains(status.school) && (status.lastSeen?.at ?? status.changedAt) < cutoff
            }, by: \.school)
        for (school, terminals) in unseen.sorted(by: { $0.key < $1.key }) {
            let serials = terminals.map(\.serial).sorted()
            let listed = serials.prefix(10).joined(separator: ", ") + (serials.count > 10 ? " …" : "")
            let name = schools[school]
            signals.append(
                AlertSignal(
                    rule: "terminals_not_seen", subject: school, severity: rules.terminalsNotSeenSeverity, labels: labels(school),
                    summary: BilingualText(
                        zh: "\(name?.name ?? school) 有 \(serials.count) 台已分配的电子书包 \(policy.notSeenAlertSchoolDays) 个上学日未在无线网出现：\(listed)",
                        en:
                            "\(name?.nameEN ?? school): \(serials.count) assigned terminals not seen on Wi-Fi for \(policy.notSeenAlertSchoolDays) school days: \(listed)"
                    )))
        }
        return signals
    }
}
