/// A county or district of the city (兴庆区, 永宁县, …); the unit district IT is organised by.
public struct County: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var nameEN: String

    public init(id: String, name: String, nameEN: String) {
        self.id = id
        self.name = name
        self.nameEN = nameEN
    }
}

/// A backbone node: the province core, a city core or a county aggregation point.
public struct NetworkNode: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var kind: NodeKind
    /// The county a county aggregation node serves; `nil` for the cores.
    public var county: String?

    public init(id: String, name: String, kind: NodeKind, county: String?) {
        self.id = id
        self.name = name
        self.kind = kind
        self.county = county
    }
}

/// One end of a link: a device and the interface name (`ifName`) on it.
public struct LinkEnd: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String

    public init(device: String, interface: String) {
        self.device = device
        self.interface = interface
    }
}

/// A planned link. `a` is the upstream end (towards the province core), `b` the downstream end.
public struct Link: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var tier: LinkTier
    public var a: LinkEnd
    public var b: LinkEnd
    /// The contracted capacity, when known; the measured one comes from the device.
    public var capacity: Bandwidth?

    public init(id: String, tier: LinkTier, a: LinkEnd, b: LinkEnd, capacity: Bandwidth?) {
        self.id = id
        self.tier = tier
        self.a = a
        self.b = b
        self.capacity = capacity
    }
}

/// A part of a campus (teaching building, office, canteen) and the access points that serve it.
public struct Area: Sendable, Hashable, Codable {
    public var kind: AreaKind
    public var name: String
    public var accessPoints: [String]

    public init(kind: AreaKind, name: String, accessPoints: [String]) {
        self.kind = kind
        self.name = name
        self.accessPoints = accessPoints
    }
}

/// A school: who studies and teaches there, its networks and its Wi-Fi areas.
public struct School: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var nameEN: String
    public var county: String
    public var kind: SchoolKind
    public var students: Int
    public var teachers: Int
    public var subnets: [IPNetwork]
    public var areas: [Area]
    /// The school's gateway addresses (inside its subnets); when none are listed, the first address of each subnet.
    /// An ARP change for a gateway is the most serious one: every host of the subnet sends through it. Optional so that
    /// configurations stored before the key existed still read.
    public var gateways: [IPAddress]?

    public init(
        id: String, name: String, nameEN: String, county: String, kind: SchoolKind,
        students: Int, teachers: Int, subnets: [IPNetwork], areas: [Area], gateways: [IPAddress]? = nil
    ) {
        self.gateways = gateways
        self.id = id
        self.name = name
        self.nameEN = nameEN
        self.county = county
        self.kind = kind
        self.students = students
        self.teachers = teachers
        self.subnets = subnets
        self.areas = areas
    }
}

/// Where a device answers SNMP.
public struct ManagementAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public var address: IPAddress
    public var port: Int

    public init(address: IPAddress, port: Int = 161) {
        self.address = address
        self.port = port
    }

    public var description: String { address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)" }
}

/// A managed device: a switch, controller, access point, router or server.
public struct Device: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var role: DeviceRole
    public var vendor: String?
    public var model: String?
    /// The school the device stands in, if any.
    public var school: String?
    /// The backbone node the device belongs to, if any.
    public var node: String?
    /// How to reach the device over SNMP; access points managed by a controller may have none.
    public var management: ManagementAddress?
    /// The name of the SNMP credential profile.
    public var snmpProfile: String?
    /// The profile writes use (`snmp_write_profile`): a write community or a read-write v3 user of its own, never the
    /// polling one; a device without one is never written to.
    public var snmpWriteProfile: String?
    /// For access points: the wireless controller that manages them.
    public var controller: String?
    /// Poll this device every so many seconds instead of the daemon's interval (a slow stacked switch, say).
    public var pollIntervalSeconds: Double?
    /// The device's own Ethernet address on the school LAN, if listed: a station the unknown-MAC check knows.
    public var mac: MACAddress?

    public init(
        id: String, name: String, role: DeviceRole, vendor: String? = nil, model: String? = nil,
        school: String? = nil, node: String? = nil, management: ManagementAddress? = nil,
        snmpProfile: String? = nil, controller: String? = nil, pollIntervalSeconds: Double? = nil, mac: MACAddress? = nil,
        snmpWriteProfile: String? = nil
    ) {
        self.mac = mac
        self.snmpWriteProfile = snmpWriteProfile
        self.id = id
        self.name = name
        self.role = role
        self.vendor = vendor
        self.model = model
        self.school = school
        self.node = node
        self.management = management
        self.snmpProfile = snmpProfile
        self.controller = controller
        self.pollIntervalSeconds = pollIntervalSeconds
    }
}

/// How to authenticate to a group of devices over SNMP; secrets are references, never values.
public struct SNMPProfile: Sendable, Hashable, Codable, Identifiable {
    /// A v3 key and the protocol it is for.
    public struct Key<P: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
        public var protocolName: P
        public var secret: SecretReference

        public init(protocolName: P, secret: SecretReference) {
            self.protocolName = protocolName
            self.secret = secret
        }
    }

    public var id: String
    public var version: SNMPVersion
    /// v1 and v2c: where the community is kept.
    public var community: SecretReference?
    /// v3: the user name (not a secret).
    public var user: String?
    public var auth: Key<SNMPAuthProtocol>?
    public var privacy: Key<SNMPPrivacyProtocol>?

    public init(
        id: String, version: SNMPVersion, community: SecretReference? = nil, user: String? = nil,
        auth: Key<SNMPAuthProtocol>? = nil, privacy: Key<SNMPPrivacyProtocol>? = nil
    ) {
        self.id = id
        self.version = version
        self.community = community
        self.user = user
        self.auth = auth
        self.privacy = privacy
    }

    /// `noAuthNoPriv`, `authNoPriv` or `authPriv` for v3; `community` for v1 and v2c.
    public var securityLevel: String {
        guard version == .v3 else { return "community" }
        return privacy != nil ? "authPriv" : auth != nil ? "authNoPriv" : "noAuthNoPriv"
    }
}

/// The whole city network as declared in `inventory/`.
public struct Inventory: Sendable, Hashable, Codable {
    public var counties: [County]
    public var nodes: [NetworkNode]
    public var links: [Link]
    public var schools: [School]
    public var devices: [Device]
    public var snmpProfiles: [SNMPProfile]
    public var computePool: ComputePool

    public init(
        counties: [County] = [], nodes: [NetworkNode] = [], links: [Link] = [], schools: [School] = [],
        devices: [Device] = [], snmpProfiles: [SNMPProfile] = [], computePool: ComputePool = ComputePool()
    ) {
        self.counties = counties
        self.nodes = nodes
        self.links = links
        self.schools = schools
        self.devices = devices
        self.snmpProfiles = snmpProfiles
        self.computePool = computePool
    }
}
