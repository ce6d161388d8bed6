import Foundation

/// Everything one poll of one device produced, stored together in one transaction so that a poll is either
/// wholly in the database or not at all: interface rates, and the access points of a controller or the load of
/// a server.
public struct DeviceObservations: Sendable, Hashable {
    public var device: String
    public var time: Date
    public var rates: [InterfaceMeasurement]
    /// Every interface as this poll found it, when that differs from what is stored (nil: unchanged); replaces
    /// the stored set.
    public var interfaces: [InterfaceStatus]?
    /// For wireless controllers and standalone APs.
    public var accessPoints: [AccessPointReading]?
    /// For servers.
    public var host: HostReading?
    /// A controller's associated clients, when its MIB has a client table.
    public var stations: [StationReading]?

    public init(
        device: String, time: Date, rates: [InterfaceMeasurement], interfaces: [InterfaceStatus]? = nil,
        accessPoints: [AccessPointReading]? = nil, host: HostReading? = nil, stations: [StationReading]? = nil
    ) {
        self.stations = stations
        self.device = device
        self.time = time
        self.rates = rates
        self.interfaces = interfaces
        self.accessPoints = accessPoints
        self.host = host
    }
}
