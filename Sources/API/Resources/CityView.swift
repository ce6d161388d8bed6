import Compliance
import Foundation
import Model
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

    var inventory: Inventory { configuration.inventory }

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

    /// The findings of the last `hours` up to now, as the compliance report judges them.
    public func findings(hours: Double) throws(Problem) -> [Finding] {
        do {
            return try ComplianceEvaluator(configuration: configuration, store: MeasurementStore(database: database))
                .evaluate(from: now.addingTimeInterval(-hours * 3600), to: now)
                .filter { token.admits(county: $0.subject.county) }
        } catch {
            throw Problem(.serviceUnavailable, "the findings could not be judged: \(error.message)")
        }
    }

    public func alerts(state: AlertState?, county: String?, rule: String?) throws(Problem) -> [Alert] {
        do {
            return try AlertStore(database: database).alerts(state: state, county: county, rule: rule, limit: 100_000)
                .filter { token.admits(county: $0.labels["county"]) }.sorted { $0.id < $1.id }
        } catch {
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
        do {
            try AlertStore(database: database).acknowledge(alert.id, by: token.name, at: now)
            try APITokenStore(database: database).audit(
                token: token.name, at: now, method: "POST", path: path, status: 200,
                detail: "acknowledged alert \(alert.id) (\(alert.rule) \(alert.subject))")
        } catch {
            throw Problem(.serviceUnavailable, "the acknowledgement could not be stored: \(error.message)")
        }
        var acknowledged = alert
        acknowledged.acknowledgedBy = token.name
        acknowledged.acknowledgedAt = now
        return acknowledged
    }
}
