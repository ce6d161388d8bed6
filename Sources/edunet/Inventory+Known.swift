import Model
import Store

/// The ids a command's options name, checked against the applied inventory before anything is read or asked: an unknown
/// one is a clear error that says where the ids are listed.
extension Inventory {
    func requireKnown(county: String? = nil, school: String? = nil, device: String? = nil) throws(StoreError) {
        if let county, !counties.contains(where: { $0.id == county }) {
            throw StoreError(.notFound, "no county with id `\(county)`; `edunet counties list` shows the ids")
        }
        if let school, !schools.contains(where: { $0.id == school }) {
            throw StoreError(.notFound, "no school with id `\(school)`; `edunet schools list` shows the ids")
        }
        if let device, !devices.contains(where: { $0.id == device }) {
            throw StoreError(.notFound, "no device with id `\(device)`; `edunet devices list` shows the ids")
        }
    }
}
