import Capture
import Model

/// What the packet checks know of the city: which addresses are school subnets and whose, the gateways, the DHCP
/// servers allowed to answer, the blocked domains, the scan thresholds, and the stations known to be the bureau's
/// (inventory devices and e-book terminals). Built once from the configuration; the detectors only read it.
public struct SecurityContext: Sendable {
    /// A school subnet and the school it belongs to.
    public struct SchoolSubnet: Sendable, Hashable {
        public let network: SubnetTable.Network
        public let school: String
    }

    public let subnets: SubnetTable
    /// The school of each of `subnets.networks`, by index.
    public let schoolOfSubnet: [String]
    public let gateways: Set<IPv4Address>
    public let authorizedDHCPServers: Set<IPv4Address>
    /// Lower case, without a trailing dot.
    public let blockedDomains: [String]
    public let scan: ScanDetectionPolicy
    public let allowedScanners: Set<IPv4Address>
    /// The stations known to be the bureau's; nil when no register was given, and the unknown-MAC check is off.
    public internal(set) var knownStations: Set<UInt64>?

    public init(
        subnets: [SchoolSubnet], gateways: Set<IPv4Address>, authorizedDHCPServers: Set<IPv4Address>, blockedDomains: [String],
        scan: ScanDetectionPolicy = ScanDetectionPolicy(), knownStations: Set<UInt64>? = nil
    ) {
        self.subnets = SubnetTable(subnets.map(\.network))
        schoolOfSubnet = subnets.map(\.school)
        self.gateways = gateways
        self.authorizedDHCPServers = authorizedDHCPServers
        self.blockedDomains = blockedDomains.map { BlockedDomains.normalised($0) }.filter { !$0.isEmpty }
        self.scan = scan
        allowedScanners = Set(scan.allowedScanners.compactMap(IPv4Address.init(model:)))
        self.knownStations = knownStations
    }

    /// The city's context: every school's IPv4 subnets and gateways (the first address of each subnet where the
    /// inventory lists none), `security.yaml`, and as known stations the inventory devices' MACs with `terminalMACs`
    /// (the fleet register's) when given.
    public static func city(_ configuration: CityConfiguration, terminalMACs: [Model.MACAddress]? = nil) -> SecurityContext {
        var subnets: [SchoolSubnet] = []
        var gateways = Set<IPv4Address>()
        for school in configuration.inventory.schools {
            let networks = school.subnets.compactMap(SubnetTable.Network.init(model:))
            subnets += networks.map { SchoolSubnet(network: $0, school: school.id) }
            gateways.formUnion(school.gateways.map { $0.compactMap(IPv4Address.init(model:)) } ?? networks.map(\.firstHost))
        }
        let policy = configuration.policies.security
        return SecurityContext(
            subnets: subnets, gateways: gateways, authorizedDHCPServers: Set(policy.authorizedDHCPServers.compactMap(IPv4Address.init(model:))),
            blockedDomains: policy.blockedDomains, scan: policy.scanDetection ?? ScanDetectionPolicy(),
            knownStations: knownStations(configuration, terminalMACs: terminalMACs))
    }

    /// The city's own stations: the inventory devices' MACs and the fleet register's terminals; nil (the check off)
    /// without a register.
    public static func knownStations(_ configuration: CityConfiguration, terminalMACs: [Model.MACAddress]?) -> Set<UInt64>? {
        terminalMACs.map { macs in Set(macs.map(\.value)).union(configuration.inventory.devices.compactMap { $0.mac?.value }) }
    }

    /// The school whose subnet holds `address`.
    @inline(__always)
    public func school(of address: IPv4Address) -> String? {
        subnets.index(of: address).map { schoolOfSubnet[$0] }
    }
}

extension IPv4Address {
    /// The inventory's address, if it is IPv4.
    init?(model: IPAddress) {
        guard model.isIPv4 else { return nil }
        self.init(raw: model.bytes.reduce(0) { $0 << 8 | UInt32($1) })
    }
}

extension SubnetTable.Network {
    /// The inventory's network, if it is IPv4.
    init?(model: IPNetwork) {
        guard let base = IPv4Address(model: model.address) else { return nil }
        self.init(base: base, prefixLength: model.prefixLength)
    }
}
