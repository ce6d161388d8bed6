/// The objects plans write, by name: so that a plan reads `ifAdminStatus.11 1 (up) → 2 (down)` rather than bare OIDs.
public enum ProvisioningObjects {
    static let names: [(prefix: String, name: String)] = [
        ("1.3.6.1.2.1.31.1.1.1.18.", "ifAlias"), ("1.3.6.1.2.1.2.2.1.7.", "ifAdminStatus"), ("1.3.6.1.2.1.2.2.1.8.", "ifOperStatus"),
        ("1.3.6.1.2.1.17.7.1.4.5.1.1.", "dot1qPvid"), ("1.3.6.1.2.1.17.7.1.2.2.1.2.", "dot1qTpFdbPort"),
        ("1.3.6.1.2.1.17.4.3.1.2.", "dot1dTpFdbPort"),
        ("1.3.6.1.2.1.1.4.", "sysContact"), ("1.3.6.1.2.1.1.5.", "sysName"), ("1.3.6.1.2.1.1.6.", "sysLocation"),
    ]

    /// `ifAdminStatus.11` for 1.3.6.1.2.1.2.2.1.7.11; the OID itself when it is none of these.
    public static func name(of object: String) -> String {
        guard let known = names.first(where: { object.hasPrefix($0.prefix) }) else { return object }
        return known.name + "." + object.dropFirst(known.prefix.count)
    }

    /// A value as a person reads it: ifAdminStatus's numbers with their meaning.
    public static func value(_ value: String?, of object: String) -> String {
        guard let value else { return "—" }
        guard object.hasPrefix("1.3.6.1.2.1.2.2.1.7.") || object.hasPrefix("1.3.6.1.2.1.2.2.1.8.") else { return value }
        let meaning = ["1": "up", "2": "down", "3": "testing"][value]
        return meaning.map { "\(value) (\($0))" } ?? value
    }
}
