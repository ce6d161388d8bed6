import Model

/// The alias plan (issue 15, `--kind alias`): every planned link's two interfaces labelled from the inventory — link
/// id, tier and the device at the far end — where the label the last poll read (ifAlias) differs. Computed from the
/// inventory and the stored polls only; nothing is asked or written here.
public enum AliasPlanner {
    /// IF-MIB ifAlias (SnmpAdminString, at most 64 bytes).
    static let ifAlias = "1.3.6.1.2.1.31.1.1.1.18"
    static let maximumBytes = 64

    /// The label of `link`'s end on `device`: `up-1 county-school to agg-yongning-sw`, ASCII, at most 64 bytes.
    public static func label(_ link: Link, on device: String) -> String {
        let far = link.a.device == device ? link.b.device : link.a.device
        return String(String(decoding: "\(link.id) \(link.tier.rawValue) to \(far)".utf8.filter { $0 < 0x80 }, as: UTF8.self).prefix(maximumBytes))
    }

    /// The changes for the devices `includes` accepts, and the interfaces left out with why; by device and interface.
    public static func plan(
        inventory: Inventory, interfaces: [String: [String: InterfaceStatus]], includes: (Device) -> Bool = { _ in true }
    ) -> (changes: [ProvisioningChange], refusals: [ProvisioningRefusal]) {
        let devices = Dictionary(inventory.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [ProvisioningChange] = []
        var refusals: [ProvisioningRefusal] = []
        for link in inventory.links {
            for end in [link.a, link.b] {
                guard let device = devices[end.device], includes(device) else { continue }
                func refuse(_ reason: String) { refusals.append(.init(device: device.id, interface: end.interface, reason: reason)) }
                guard device.snmpWriteProfile != nil else {
                    refuse("no snmp_write_profile in the inventory: the device is never written to")
                    continue
                }
                guard let polled = interfaces[device.id] else {
                    refuse("not polled yet: what its interfaces hold is not known")
                    continue
                }
                guard let status = polled[end.interface] else {
                    refuse("the last poll found no interface \(end.interface) on the device")
                    continue
                }
                let wanted = label(link, on: device.id)
                guard status.alias != wanted else { continue }
                changes.append(
                    ProvisioningChange(
                        device: device.id, interface: end.interface, object: "\(ifAlias).\(status.index)", current: status.alias, new: wanted))
            }
        }
        let order = { (d: String, i: String) in (d, i) }
        return (
            changes.sorted { order($0.device, $0.interface) < order($1.device, $1.interface) },
            refusals.sorted { order($0.device, $0.interface) < order($1.device, $1.interface) }
        )
    }
}
