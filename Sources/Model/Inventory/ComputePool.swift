import Foundation

/// The education cloud: its sites (two, running active-active), their hosts and storage pools, the services placed on
/// the hosts and the city platforms that hold allocations beside the schools and county bureaus.
public struct ComputePool: Sendable, Hashable, Codable {
    /// A data-centre site of the education cloud.
    public struct Site: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        /// The backbone node the site hangs off.
        public var node: String

        public init(id: String, name: String, node: String) {
            self.id = id
            self.name = name
            self.node = node
        }
    }

    /// A compute host in a site, backed by a `server` device.
    public struct Host: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var site: String
        public var device: String
        public var vcpus: Int
        public var memoryGiB: Int
        public var storageTiB: Double
        /// The storage pool the host's storage belongs to (nil: it belongs to none the inventory names).
        public var storagePool: String?

        public init(id: String, site: String, device: String, vcpus: Int, memoryGiB: Int, storageTiB: Double, storagePool: String? = nil) {
            self.id = id
            self.site = site
            self.device = device
            self.vcpus = vcpus
            self.memoryGiB = memoryGiB
            self.storageTiB = storageTiB
            self.storagePool = storagePool
        }

        public var capacity: Resources {
            Resources(vcpus: vcpus, memory: .gibibytes(Double(memoryGiB)), storage: .tebibytes(storageTiB))
        }
    }

    /// A storage pool of a site: the file system (`mount`, as hrStorageDescr names it) its hosts hold it on.
    public struct StoragePool: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        public var site: String
        public var mount: String

        public init(id: String, name: String, site: String, mount: String) {
            self.id = id
            self.name = name
            self.site = site
            self.mount = mount
        }
    }

    /// A service of the education cloud: a replica on each of its hosts, what one replica needs, and where each
    /// site's replica answers its health check.
    public struct Service: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        public var hosts: [String]
        /// What one replica needs (nil: the inventory does not say, and admission control counts nothing for it).
        public var replica: Resources?
        /// Site → the URL of that site's replica's health check, for the sites that have one.
        public var health: [String: String]

        public init(id: String, name: String, hosts: [String], replica: Resources? = nil, health: [String: String] = [:]) {
            self.id = id
            self.name = name
            self.hosts = hosts
            self.replica = replica
            self.health = health
        }
    }

    /// A city platform that holds allocations (schools and county bureaus are tenants without being listed).
    public struct Platform: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public var sites: [Site]
    public var hosts: [Host]
    public var storagePools: [StoragePool]
    public var services: [Service]
    public var platforms: [Platform]

    public init(
        sites: [Site] = [], hosts: [Host] = [], storagePools: [StoragePool] = [], services: [Service] = [], platforms: [Platform] = []
    ) {
        self.sites = sites
        self.hosts = hosts
        self.storagePools = storagePools
        self.services = services
        self.platforms = platforms
    }

    enum CodingKeys: String, CodingKey { case sites, hosts, storagePools, services, platforms }

    /// Inventories stored before storage pools and platforms existed read as having none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sites = try c.decode([Site].self, forKey: .sites)
        hosts = try c.decode([Host].self, forKey: .hosts)
        storagePools = try c.decodeIfPresent([StoragePool].self, forKey: .storagePools) ?? []
        services = try c.decode([Service].self, forKey: .services)
        platforms = try c.decodeIfPresent([Platform].self, forKey: .platforms) ?? []
    }

    /// The site of each host, by host id.
    public var siteOfHost: [String: String] { Dictionary(hosts.map { ($0.id, $0.site) }, uniquingKeysWith: { a, _ in a }) }
}

extension ComputePool.Service {
    enum CodingKeys: String, CodingKey { case id, name, hosts, replica, health }

    /// Services stored before replicas and health checks existed read as having neither.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        hosts = try c.decode([String].self, forKey: .hosts)
        replica = try c.decodeIfPresent(Resources.self, forKey: .replica)
        health = try c.decodeIfPresent([String: String].self, forKey: .health) ?? [:]
    }
}

/// vCPUs, memory and storage: what a host offers, a replica needs and an allocation holds.
public struct Resources: Sendable, Hashable, Codable {
    public var vcpus: Int
    public var memory: ByteSize
    public var storage: ByteSize

    public init(vcpus: Int, memory: ByteSize, storage: ByteSize) {
        self.vcpus = vcpus
        self.memory = memory
        self.storage = storage
    }

    public static func + (lhs: Resources, rhs: Resources) -> Resources {
        Resources(vcpus: lhs.vcpus + rhs.vcpus, memory: lhs.memory + rhs.memory, storage: lhs.storage + rhs.storage)
    }

    /// The three resources by name, in the order tables list them.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case vcpu, memory, storage
    }

    /// One resource as a number: vCPUs, or bytes.
    public subscript(kind: Kind) -> Double {
        switch kind {
        case .vcpu: Double(vcpus)
        case .memory: Double(memory.bytes)
        case .storage: Double(storage.bytes)
        }
    }

    /// A figure of one resource as people read it: `96 vCPU`, `768GiB`.
    public static func text(_ value: Double, _ kind: Kind) -> String {
        switch kind {
        case .vcpu: (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + " vCPU"
        case .memory, .storage: ByteSize(bytes: UInt64(max(0, value))).description
        }
    }

    public var text: String { "\(vcpus) vCPU, \(memory) memory, \(storage) storage" }
}
