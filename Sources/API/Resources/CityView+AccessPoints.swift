import Foundation
import Model
import Monitor
import Store

/// The wireless access points as a token sees them: an AP belongs to its school's county (one of no school, to no
/// county: the city-wide tokens').
extension CityView {
    /// Each AP of the inventory with what its controller reported over the last `hours`, by id, narrowed to `county`
    /// or `school`.
    public func accessPoints(county: String?, school: String?, hours: Double) throws(Problem) -> [AccessPointRegister.Entry] {
        let countyOfSchool = Dictionary(inventory.schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        let statuses: [AccessPointStatus]
        do { statuses = try MeasurementStore(database: database).accessPoints(since: now.addingTimeInterval(-hours * 3600)) } catch {
            throw Problem(.serviceUnavailable, "the access points' states could not be read: \(error.message)")
        }
        return AccessPointRegister(inventory: inventory, statuses: statuses).entries.filter { entry in
            let own = entry.school.flatMap { countyOfSchool[$0] }
            return token.admits(county: own) && (county == nil || own == county) && (school == nil || entry.school == school)
        }.sorted { $0.id < $1.id }
    }
}
