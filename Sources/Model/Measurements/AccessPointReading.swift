import Foundation

/// One access point as its controller (or, for a standalone AP, the AP itself) reports it in one poll.
public struct AccessPointReading: Sendable, Hashable, Codable {
    /// The row index in the controller's AP table: usually the AP's MAC address as six numbers.
    public var index: String
    /// The name the controller knows the AP by; the inventory's AP id or name is matched against it.
    public var name: String
    /// Whether the AP is in service; nil when the MIB does not say.
    public var up: Bool?
    /// The controller's own word for the state (`normal`, `fault`, `associated`, …), when it has one.
    public var state: String?
    /// Associated clients: the AP's count, else the sum over its radios; nil when the MIB has neither.
    public var clients: Int?
    public var radios: Int
    public var radiosUp: Int?
    /// The AP's wired uplink speed, when the controller reports it.
    public var uplinkMbps: Int?
    /// The highest rate a client can associate at (from the operational rate set), when reported.
    public var maxRateMbps: Double?
    /// What the AP's clients are associated at: the median over its clients whose rate the controller reports.
    public var clientRateMbps: Double?

    public init(
        index: String, name: String, up: Bool?, state: String?, clients: Int?, radios: Int = 0, radiosUp: Int? = nil,
        uplinkMbps: Int? = nil, maxRateMbps: Double? = nil, clientRateMbps: Double? = nil
    ) {
        self.clientRateMbps = clientRateMbps
        self.index = index
        self.name = name
        self.up = up
        self.state = state
        self.clients = clients
        self.radios = radios
        self.radiosUp = radiosUp
        self.uplinkMbps = uplinkMbps
        self.maxRateMbps = maxRateMbps
    }

    /// The index as a MAC address (`5c:dd:70:…`) when it is six numbers under 256, else as it is.
    public var macAddress: String? {
        let parts = index.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 6, index.split(separator: ".").count == 6 else { return nil }
        return parts.map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}
