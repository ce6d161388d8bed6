import Foundation

/// One associated client (station) as a wireless controller's client table reports it in one poll.
public struct StationReading: Sendable, Hashable, Codable {
    public var mac: MACAddress
    /// The controller's name for the AP the client is on, when it could be told.
    public var accessPoint: String?
    public var ssid: String?
    /// The rate the client is associated at (PHY rate), in Mbit/s; nil when the controller does not report it or it
    /// cannot be worked out (an MCS index without the channel width).
    public var rateMbps: Double?

    public init(mac: MACAddress, accessPoint: String?, ssid: String?, rateMbps: Double?) {
        self.mac = mac
        self.accessPoint = accessPoint
        self.ssid = ssid
        self.rateMbps = rateMbps
    }
}
