import Compliance
import Foundation
import Model
import Reports
import SNMP
import Store

/// The city as one token may see it: the one place where a county-scoped token is held to its counties, below every
/// route. A list leaves out what belongs to other counties; an object of another county is "not found", exactly as one
/// that does not exist (404, not 403: nothing says it is there). What belongs to no county (the city's core, the
/// backbone's alerts) is seen by city-wide tokens only.
public struct CityView: Sendable {
    public let token: APIToken
    public let configuration: CityConfiguration
    let database: StoreDatabase
    let now: Date
    let cache: FindingsCache
    /// The daemon's SNMP engine: plans read the switches' tables with it and are applied through it.
    let engine: SNMPEngine

    var inventory: Inventory { configuration.inventory }
    var evaluator: ComplianceEvaluator { ComplianceEvaluator(configuration: configuration, store: MeasurementStore(database: database)) }

    /// Records a write in the API's audit log, in the token's name.
    func audit(method: String, path: String, status: Int, detail: String) throws(Problem) {
        do {
            try APITokenStore(database: database).audit(token: token.name, at: now, method: method, path: path, status: status, detail: detail)
        } catch {
            throw Problem(.serviceUnavailable, "done, but the API's audit log could not be written: \(error.message)")
        }
    }

    public func counties() -> [County] { inventory.counties.filter { token.admits(county: $0.id) } }

    public func schools(county: String? = nil) -> [School] {
        inventory.schools.filter { token.admits(county: $0.county) && (county == nil || $0.county == county) }.sorted { $0.id < $1.id }
    }

    public func school(_ id: String) throws(Problem) -> School {
        guard let school = inventory.schools.first(where: { $0.id == id }), token.admits(county: school.county) else {
            throw Problem.notFound("school", id)
        }
        return school
    }

    public func devices(county: String? = nil, school: String? = nil) -> [Device] {
        let countyOf = inventory.countyOfDevice
        return inventory.devices.filter { device in
            token.admits(county: countyOf[device.id]) && (county == nil || countyOf[device.id] == county)
                && (school == nil || device.school == school)
        }.sorted { $0.id < $1.id }
    }

    public func device(_ id: String) throws(Problem) -> Device {
        guard let device = inventory.devices.first(where: { $0.id == id }), token.admits(county: inventory.countyOfDevice[id]) else {
            throw Problem.notFound("device", id)
        }
        return device
    }

    /// The findings of the last `hours` up to now, as the compliance report judges them (the city's, judged at most
    /// once a minute for every token alike, then narrowed to the token's counties).
    public func findings(hours: Double) async throws(Problem) -> [Finding] {
        let all = try await cache.findings(hours: hours, at: now, judge: judge(hours: hours))
        return all.filter { token.admits(county: $0.subject.county) }
    }

    /// How the city's findings of the last `hours` are judged when the cache has none fresh.
    func judge(hours: Double) -> @Sendable () throws(Problem) -> [Finding] {
        let (configuration, database, now) = (configuration, database, now)
        return { () throws(Problem) -> [Finding] in
            do throws(StoreError) {
                return try ComplianceEvaluator(configuration: configuration, store: MeasurementStore(database: database))
                    .evaluate(from: now.addingTimeInterval(-hours * 3600), to: now)
            } catch {
                throw Problem(.serviceUnavailable, "the findings could not be judged: \(error.message)")
            }
        }
    }

    /// The answer to one findings query (`key`: its filters) as `make` makes it from the token's findings of the last
    /// `hours`: made once a judgement for every token of the same counties, so that a ledger polled again and again
    /// costs its bytes, not their encoding.
    func findingsAnswer(hours: Double, key: String, make: @Sendable ([Finding]) -> Representation) async throws(Problem) -> Representation {
        let token = token
        let scoped = key + "\u{1}" + token.counties.sorted().joined(separator: ",")
        let answer = try await cache.answer(key: scoped, hours: hours, at: now, judge: judge(hours: hours)) { all in
            make(all.filter { token.admits(county: $0.subject.county) })
        }
        return answer
    }

    public func alerts(state: AlertState?, county: String?, rule: String?) throws(Problem) -> [Alert] {
        do {
            return try AlertStore(database: database).alerts(state: state, county: county, rule: rule, limit: 100_000)
                .filter { token.admits(county: $0.labels["county"]) }.sorted { $0.id < $1.id }
        } catch {
            throw Problem(.serviceUnavailable, "the alerts could not be read: \(error.message)")
        }
    }

    /// The alerts firing that the token may see, the most severe and longest firing first, at most `limit`; with how
    /// many fire in all.
    public func firingAlerts(limit: Int) throws(Problem) -> (count: Int, shown: [Alert]) {
        do { return try AlertStore(database: database).firing(counties: token.counties.isEmpty ? nil : token.counties, limit: limit) } catch {
            throw Problem(.serviceUnavailable, "the alerts could not be read: \(error.message)")
        }
    }

    public func alert(_ id: String) throws(Problem) -> Alert {
        guard let number = Int64(id), let alert = try? AlertStore(database: database).alert(String(number)),
            token.admits(county: alert.labels["county"])
        else { throw Problem.notFound("alert", id) }
        return alert
    }

    /// Acknowledges an alert the token may see, in the token's name; recorded in the API's audit log.
    public func acknowledge(_ id: String, path: String) throws(Problem) -> Alert {
        let alert = try alert(id)
        do { try AlertStore(database: database).acknowledge(alert.id, by: token.name, at: now) } catch {
            throw Problem(.serviceUnavailable, "the acknowledgement could not be stored: \(error.message)")
        }
        try audit(method: "POST", path: path, status: 200, detail: "acknowledged alert \(alert.id) (\(alert.rule) \(alert.subject))")
        var acknowledged = alert
        acknowledged.acknowledgedBy = token.name
        acknowledged.acknowledgedAt = now
        return acknowledged
    }

    /// A link belongs to the county of its downstream end (else its upstream end's): a county's uplinks are its own.
    func county(of link: Link) -> String? {
        let countyOf = inventory.countyOfDevice
        return countyOf[link.b.device] ?? countyOf[link.a.device]
    }

    public func links(county: String? = nil) -> [Link] {
        inventory.links.filter { link in
            let own = self.county(of: link)
            return token.admits(county: own) && (county == nil || own == county)
        }.sorted { $0.id < $1.id }
    }

    public func link(_ id: String) throws(Problem) -> Link {
        guard let link = inventory.links.first(where: { $0.id == id }), token.admits(county: county(of: link)) else {
            throw Problem.notFound("link", id)
        }
        return link
    }

    /// The link's downstream utilisation over the last `hours`, for its chart; nil without a capacity or samples.
    public func series(_ link: Link, hours: Double) throws(Problem) -> UtilisationSeries? {
        do {
            return try evaluator.series(link, .downstream, from: now.addingTimeInterval(-hours * 3600), to: now)
        } catch {
            throw Problem(.serviceUnavailable, "the rates could not be read: \(error.message)")
        }
    }

    /// The rates measured at the link's downstream end over the last `hours`, oldest first.
    public func utilisation(_ link: Link, hours: Double) throws(Problem) -> [InterfaceMeasurement] {
        do {
            return try MeasurementStore(database: database).rates(
                device: link.b.device, interface: link.b.interface, from: now.addingTimeInterval(-hours * 3600), to: now)
        } catch {
            throw Problem(.serviceUnavailable, "the rates could not be read: \(error.message)")
        }
    }

    /// The compliance report of the last `hours`, of one county: `county`, else the token's one county; the city's
    /// when neither names one and the token is city-wide.
    public func report(county: String?, hours: Double) throws(Problem) -> ComplianceReport {
        let chosen: String?
        if let county {
            guard token.admits(county: county), inventory.counties.contains(where: { $0.id == county }) else {
                throw Problem.notFound("county", county)
            }
            chosen = county
        } else if token.counties.count == 1 {
            chosen = token.counties[0]
        } else if token.counties.isEmpty {
            chosen = nil
        } else {
            throw Problem(.badRequest, "this token sees \(token.counties.count) counties: name one with `county`", field: "county")
        }
        do {
            return try evaluator.report(from: now.addingTimeInterval(-hours * 3600), to: now)
                .filtered(county: chosen, school: nil, rules: nil, title: .bandwidth, inventory: inventory)
        } catch {
            throw Problem(.serviceUnavailable, "the report could not be made: \(error)")
        }
    }

    /// The silences in force or planned, that the token may see: a county's (a `county` matcher), or any for a
    /// city-wide token.
    public func silences() throws(Problem) -> [Silence] {
        do {
            return try AlertStore(database: database).silences(at: now).filter { token.admits(county: $0.matchers["county"]) }.sorted {
                $0.id < $1.id
            }
        } catch {
            throw Problem(.serviceUnavailable, "the silences could not be read: \(error.message)")
        }
    }

    /// Makes a silence in the token's name; a county-scoped token's must match one of its counties.
    public func silence(matchers: [String: String], hours: Double, reason: String, path: String) throws(Problem) -> Silence {
        guard token.admits(county: matchers["county"]) else {
            throw Problem(
                .badRequest, "this token may silence its counties' alerts only: add a `county` matcher (\(token.counties.joined(separator: ", ")))",
                field: "matchers")
        }
        var silence = Silence(
            kind: .silence, matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(hours * 3600), author: token.name, reason: reason,
            createdAt: now)
        do { silence.id = try AlertStore(database: database).add(silence) } catch {
            throw Problem(.serviceUnavailable, "the silence could not be stored: \(error.message)")
        }
        try audit(
            method: "POST", path: path, status: 201,
            detail:
                "silence \(silence.id) for \(hours) h: \(matchers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        return silence
    }

    /// Ends a silence the token may see, now.
    public func unsilence(_ id: String, path: String) throws(Problem) {
        guard let number = Int64(id), let silence = try silences().first(where: { $0.id == number }) else { throw Problem.notFound("silence", id) }
        do { _ = try AlertStore(database: database).expireSilence(silence.id, at: now) } catch {
            throw Problem(.serviceUnavailable, "the silence could not be ended: \(error.message)")
        }
        try audit(method: "DELETE", path: path, status: 204, detail: "ended silence \(silence.id)")
    }

    /// Each of the token's schools' e-book terminals as of now, with their planning figures, by school.
    public func fleet() throws(Problem) -> [String: FleetCounts] {
        let admitted = Set(schools().map(\.id))
        do {
            return try evaluator.fleetCounts(at: now)
                .filter { admitted.contains($0.key) }
        } catch {
            throw Problem(.serviceUnavailable, "the fleet register could not be read: \(error.message)")
        }
    }
}

/// The city's findings, kept for `seconds` after they were judged (per window), so that a dashboard refreshed by six
/// counties' teams judges the city once a minute, not once a page. Past `seconds`, the findings judged before are
/// served while the next are judged in the background (one judgement at a time a window), so that no request waits on
/// the city's judgement once there is one; past three times `seconds` (the judgement keeps failing, or falls behind) a
/// request judges them itself.
public actor FindingsCache {
    let seconds: Double
    private var kept: [Double: (at: Date, findings: [Finding])] = [:]
    /// The judgement under way in the background, by window.
    private var judging: [Double: Task<Void, Never>] = [:]
    /// Answers made from the findings judged at `judgedAt`, by query; at most `maximumAnswers` are kept.
    private var answers: [String: (judgedAt: Date, answer: Representation)] = [:]
    let maximumAnswers = 64

    public init(seconds: Double) {
        self.seconds = seconds
    }

    typealias Judge = @Sendable () throws(Problem) -> [Finding]

    func findings(hours: Double, at now: Date, judge: @escaping Judge) throws(Problem) -> [Finding] {
        try judged(hours: hours, at: now, judge: judge).findings
    }

    private func judged(hours: Double, at now: Date, judge: @escaping Judge) throws(Problem) -> (at: Date, findings: [Finding]) {
        if let entry = kept[hours], entry.at <= now {
            let age = now.timeIntervalSince(entry.at)
            if age < seconds { return entry }
            if age < 3 * seconds {
                if judging[hours] == nil {
                    // Detached: the judgement runs off the actor, which goes on answering with what it has.
                    judging[hours] = Task.detached {
                        let findings = try? judge()
                        await self.store(hours, at: now, findings)
                    }
                }
                return entry
            }
        }
        let entry = (at: now, findings: try judge())
        kept[hours] = entry
        return entry
    }

    /// What a background judgement found (nothing when it failed: the next request past the time tries again).
    private func store(_ hours: Double, at time: Date, _ findings: [Finding]?) {
        if let findings, (kept[hours]?.at ?? .distantPast) < time { kept[hours] = (time, findings) }
        judging[hours] = nil
    }

    /// Waits for the judgement under way in the background, if any.
    func settled() async {
        for task in judging.values { await task.value }
    }

    /// The answer `key` made by `make` from the findings of the last `hours`, made again only when they are judged again.
    func answer(
        key: String, hours: Double, at now: Date, judge: @escaping Judge, make: ([Finding]) -> Representation
    ) throws(Problem) -> Representation {
        let entry = try judged(hours: hours, at: now, judge: judge)
        let scoped = "\(hours)\u{1}" + key
        if let kept = answers[scoped], kept.judgedAt == entry.at { return kept.answer }
        if answers.count >= maximumAnswers { answers = answers.filter { $0.value.judgedAt == entry.at } }
        if answers.count >= maximumAnswers { answers.removeAll() }
        let answer = make(entry.findings)
        answers[scoped] = (entry.at, answer)
        return answer
    }
}
