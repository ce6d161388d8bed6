import Foundation

/// Turns the YAML of inventory files into entities, logging every problem with its place and
/// recording ids and references for the cross-file checks in `InventoryLoader`.
struct InventoryParser {
    let log: DiagnosticLog
    var references = ReferenceTable()
    var inventory = Inventory()
    /// Places of values that later checks compare across entities.
    var managementLocations: [(ManagementAddress, device: String, SourceLocation)] = []
    var subnetLocations: [(IPNetwork, school: String, SourceLocation)] = []
    var schoolKindLocations: [(SchoolKind, school: String, SourceLocation)] = []
    var interfaceLocations: [(LinkEnd, link: String, SourceLocation)] = []

    static let sections = ["counties", "nodes", "links", "schools", "devices", "snmp_profiles", "compute_pool"]

    init(log: DiagnosticLog) { self.log = log }

    mutating func parseFile(_ root: YAMLValue) {
        guard let file = root.mapping("an inventory file", keys: Self.sections) else { return }
        if let v = file["counties"] { inventory.counties += v.list("counties") { county($0) } ?? [] }
        if let v = file["nodes"] { inventory.nodes += v.list("nodes") { node($0) } ?? [] }
        if let v = file["links"] { inventory.links += v.list("links") { link($0) } ?? [] }
        if let v = file["schools"] { inventory.schools += v.list("schools") { school($0) } ?? [] }
        if let v = file["devices"] { inventory.devices += v.list("devices") { device($0) } ?? [] }
        if let v = file["snmp_profiles"] { inventory.snmpProfiles += v.list("snmp_profiles") { snmpProfile($0) } ?? [] }
        if let v = file["compute_pool"] { computePool(v) }
    }

    private mutating func county(_ value: YAMLValue) -> County? {
        guard let m = value.mapping("a county", keys: ["id", "name", "name_en"], required: ["id", "name", "name_en"]),
            let id = m["id"]?.identifier("id"), let name = m["name"]?.string("name"),
            let nameEN = m["name_en"]?.string("name_en")
        else { return nil }
        references.define(.county, id, at: m.location, log: log)
        return County(id: id, name: name, nameEN: nameEN)
    }

    private mutating func node(_ value: YAMLValue) -> NetworkNode? {
        guard let m = value.mapping("a network node", keys: ["id", "name", "kind", "county"], required: ["id", "name", "kind"]),
            let id = m["id"]?.identifier("id"), let name = m["name"]?.string("name"),
            let kind = m["kind"]?.choice("kind", of: NodeKind.self)
        else { return nil }
        references.define(.node, id, at: m.location, log: log)
        let county = m["county"]?.identifier("county")
        if let county, let at = m["county"]?.location {
            references.refer(to: .county, county, at: at, context: "node `\(id)`")
        } else if kind == .countyAggregation, m["county"] == nil {
            log.error("county aggregation node `\(id)` has no `county`", at: m.location, help: "add `county: <county id>`")
        }
        return NetworkNode(id: id, name: name, kind: kind, county: county)
    }

    private mutating func linkEnd(_ value: YAMLValue, link id: String, side: String) -> LinkEnd? {
        guard let m = value.mapping("link end `\(side)`", keys: ["device", "interface"], required: ["device", "interface"]),
            let device = m["device"]?.identifier("device"), let interface = m["interface"]?.string("interface"),
            let deviceAt = m["device"]?.location
        else { return nil }
        references.refer(to: .device, device, at: deviceAt, context: "link `\(id)` end `\(side)`")
        let end = LinkEnd(device: device, interface: interface)
        interfaceLocations.append((end, id, m["interface"]?.location ?? deviceAt))
        return end
    }

    private mutating func link(_ value: YAMLValue) -> Link? {
        guard let m = value.mapping("a link", keys: ["id", "tier", "a", "b", "capacity"], required: ["id", "tier", "a", "b"]),
            let id = m["id"]?.identifier("id")
        else { return nil }
        references.define(.link, id, at: m.location, log: log)
        let tier = m["tier"]?.choice("tier", of: LinkTier.self)
        let a = m["a"].flatMap { linkEnd($0, link: id, side: "a") }
        let b = m["b"].flatMap { linkEnd($0, link: id, side: "b") }
        let capacity = m["capacity"]?.bandwidth("capacity")
        guard let tier, let a, let b, m["capacity"] == nil || capacity != nil else { return nil }
        if a.device == b.device, let at = m["b"]?.location {
            log.error("link `\(id)` has the same device `\(a.device)` at both ends", at: at, help: "a link joins two devices")
        }
        return Link(id: id, tier: tier, a: a, b: b, capacity: capacity)
    }

    private mutating func area(_ value: YAMLValue, school: String) -> Area? {
        guard let m = value.mapping("an area", keys: ["kind", "name", "aps"], required: ["kind", "name"]),
            let kind = m["kind"]?.choice("kind", of: AreaKind.self), let name = m["name"]?.string("name")
        else { return nil }
        var aps: [String] = []
        for ap in m["aps"]?.list("aps") ?? [] {
            guard let id = ap.identifier("aps") else { continue }
            references.refer(to: .device, id, at: ap.location, context: "area `\(name)` of school `\(school)`", roles: [.accessPoint])
            aps.append(id)
        }
        return Area(kind: kind, name: name, accessPoints: aps)
    }

    private mutating func school(_ value: YAMLValue) -> School? {
        let keys = ["id", "name", "name_en", "county", "kind", "students", "teachers", "subnets", "areas", "gateways"]
        guard let m = value.mapping("a school", keys: keys, required: ["id", "name", "name_en", "county", "kind", "students", "teachers"]),
            let id = m["id"]?.identifier("id")
        else { return nil }
        references.define(.school, id, at: m.location, log: log)
        let name = m["name"]?.string("name")
        let nameEN = m["name_en"]?.string("name_en")
        let county = m["county"]?.identifier("county")
        if let county, let at = m["county"]?.location { references.refer(to: .county, county, at: at, context: "school `\(id)`") }
        let kind = m["kind"]?.choice("kind", of: SchoolKind.self)
        if let kind, let at = m["kind"]?.location { schoolKindLocations.append((kind, id, at)) }
        let students = m["students"]?.int("students", in: 0...1_000_000)
        let teachers = m["teachers"]?.int("teachers", in: 0...100_000)
        var subnets: [IPNetwork] = []
        for item in m["subnets"]?.list("subnets") ?? [] {
            guard let subnet = item.ipNetwork("subnets") else { continue }
            subnetLocations.append((subnet, id, item.location))
            subnets.append(subnet)
        }
        let areas = m["areas"]?.list("areas") { area($0, school: id) } ?? []
        var gateways: [IPAddress] = []
        for item in m["gateways"]?.list("gateways") ?? [] {
            guard let gateway = item.ipAddress("gateways") else { continue }
            if !subnets.contains(where: { $0.contains(gateway) }) {
                log.error(
                    "gateway \(gateway) of school `\(id)` is in none of its subnets", at: item.location,
                    help: "list the address the school's hosts send through, inside one of `subnets`")
            }
            gateways.append(gateway)
        }
        guard let name, let nameEN, let county, let kind, let students, let teachers else { return nil }
        return School(
            id: id, name: name, nameEN: nameEN, county: county, kind: kind, students: students,
            teachers: teachers, subnets: subnets, areas: areas, gateways: gateways.isEmpty ? nil : gateways)
    }

    private mutating func device(_ value: YAMLValue) -> Device? {
        let keys = [
            "id", "name", "role", "vendor", "model", "school", "node", "management", "snmp_profile", "controller", "poll_interval_seconds", "mac",
            "snmp_write_profile",
        ]
        guard let m = value.mapping("a device", keys: keys, required: ["id", "name", "role"]),
            let id = m["id"]?.identifier("id")
        else { return nil }
        let role = m["role"]?.choice("role", of: DeviceRole.self)
        references.defineDevice(id, role: role ?? .router, at: m.location, log: log)
        let name = m["name"]?.string("name")
        let school = m["school"]?.identifier("school")
        let node = m["node"]?.identifier("node")
        if let school, let at = m["school"]?.location { references.refer(to: .school, school, at: at, context: "device `\(id)`") }
        if let node, let at = m["node"]?.location { references.refer(to: .node, node, at: at, context: "device `\(id)`") }
        if m["school"] != nil, m["node"] != nil {
            log.error("device `\(id)` names both a `school` and a `node`", at: m.location, help: "a device stands in one place: keep one of them")
        } else if m["school"] == nil, m["node"] == nil {
            log.error("device `\(id)` names neither a `school` nor a `node`", at: m.location, help: "add `school: <school id>` or `node: <node id>`")
        }
        let management = m["management"].flatMap(managementAddress)
        if let management, let at = m["management"]?.location { managementLocations.append((management, id, at)) }
        let profile = m["snmp_profile"]?.identifier("snmp_profile")
        let writeProfile = m["snmp_write_profile"]?.identifier("snmp_write_profile")
        for (key, name) in [("snmp_profile", profile), ("snmp_write_profile", writeProfile)] {
            if let name, let at = m[key]?.location { references.refer(to: .snmpProfile, name, at: at, context: "device `\(id)`") }
        }
        let controller = m["controller"]?.identifier("controller")
        if let controller, let at = m["controller"]?.location {
            references.refer(to: .device, controller, at: at, context: "controller of `\(id)`", roles: [.wirelessController])
        }
        if let role {
            checkReachability(id: id, role: role, mapping: m)
        }
        let interval = m["poll_interval_seconds"]?.double("poll_interval_seconds", in: 1...86_400)
        let mac = m["mac"]?.mac("mac")
        guard let name, let role, m["poll_interval_seconds"] == nil || interval != nil, m["mac"] == nil || mac != nil,
            m["snmp_write_profile"] == nil || writeProfile != nil
        else { return nil }
        return Device(
            id: id, name: name, role: role, vendor: m["vendor"]?.string("vendor"), model: m["model"]?.string("model"),
            school: school, node: node, management: management, snmpProfile: profile, controller: controller,
            pollIntervalSeconds: interval, mac: mac, snmpWriteProfile: writeProfile)
    }

    /// Polled devices need an address and a profile; access points may instead be reached through their controller.
    private func checkReachability(id: String, role: DeviceRole, mapping m: YAMLMapping) {
        if role == .accessPoint {
            if m["controller"] == nil, m["management"] == nil {
                log.error(
                    "access point `\(id)` has neither a `controller` nor a `management` address", at: m.location,
                    help: "add `controller: <wireless controller id>` (or a management address and SNMP profile)")
            }
            return
        }
        if m["management"] == nil {
            log.error(
                "\(role.rawValue) `\(id)` has no `management` address", at: m.location,
                help: "add `management: {address: 127.3.1.1, port: 161}`")
        }
        if m["snmp_profile"] == nil {
            log.error("\(role.rawValue) `\(id)` has no `snmp_profile`", at: m.location, help: "add `snmp_profile: <profile id>`")
        }
    }

    private func managementAddress(_ value: YAMLValue) -> ManagementAddress? {
        guard let m = value.mapping("`management`", keys: ["address", "port"], required: ["address"]),
            let address = m["address"]?.ipAddress("address")
        else { return nil }
        guard let portValue = m["port"] else { return ManagementAddress(address: address) }
        return portValue.int("port", in: 1...65535).map { ManagementAddress(address: address, port: $0) }
    }

    private mutating func snmpProfile(_ value: YAMLValue) -> SNMPProfile? {
        let keys = ["id", "version", "community", "user", "auth", "privacy"]
        guard let m = value.mapping("an SNMP profile", keys: keys, required: ["id", "version"]),
            let id = m["id"]?.identifier("id"), let version = m["version"]?.choice("version", of: SNMPVersion.self)
        else { return nil }
        references.define(.snmpProfile, id, at: m.location, log: log)
        let community = m["community"]?.secret("community")
        let user = m["user"]?.string("user")
        let auth = m["auth"].flatMap { v3Key($0, field: "auth", of: SNMPAuthProtocol.self) }
        let privacy = m["privacy"].flatMap { v3Key($0, field: "privacy", of: SNMPPrivacyProtocol.self) }
        switch version {
        case .v1, .v2c:
            if m["community"] == nil {
                log.error(
                    "\(version.rawValue) profile `\(id)` has no `community`", at: m.location,
                    help: "add `community: {env: EDUNET_SNMP_COMMUNITY}` or `community: {file: PATH}`")
            }
            for key in ["user", "auth", "privacy"] where m[key] != nil {
                log.error(
                    "`\(key)` applies to v3 only, but profile `\(id)` is \(version.rawValue)", at: m[key]!.location,
                    help: "remove it or set `version: v3`")
            }
        case .v3:
            if m["user"] == nil { log.error("v3 profile `\(id)` has no `user`", at: m.location, help: "add `user: <USM user name>`") }
            if let c = m["community"] {
                log.error("`community` applies to v1 and v2c only, but profile `\(id)` is v3", at: c.location, help: "remove it")
            }
            if m["privacy"] != nil, m["auth"] == nil {
                log.error(
                    "v3 profile `\(id)` has privacy without authentication", at: m.location,
                    help: "SNMPv3 has no noAuthPriv level: add `auth:` or remove `privacy:`")
            }
        }
        return SNMPProfile(id: id, version: version, community: community, user: user, auth: auth, privacy: privacy)
    }

    private func v3Key<P: RawRepresentable & CaseIterable & Sendable & Hashable & Codable>(
        _ value: YAMLValue, field: String, of _: P.Type
    ) -> SNMPProfile.Key<P>? where P.RawValue == String {
        guard let m = value.mapping("`\(field)`", keys: ["protocol", "key"], required: ["protocol", "key"]),
            let proto = m["protocol"]?.choice("protocol", of: P.self), let key = m["key"]?.secret("key")
        else { return nil }
        return SNMPProfile.Key(protocolName: proto, secret: key)
    }

    private mutating func computePool(_ value: YAMLValue) {
        guard let m = value.mapping("`compute_pool`", keys: ["sites", "hosts", "storage_pools", "services", "platforms"]) else { return }
        for item in m["sites"]?.list("sites") ?? [] {
            guard let s = item.mapping("a cloud site", keys: ["id", "name", "node"], required: ["id", "name", "node"]),
                let id = s["id"]?.identifier("id"), let name = s["name"]?.string("name"),
                let node = s["node"]?.identifier("node"), let nodeAt = s["node"]?.location
            else { continue }
            references.define(.site, id, at: s.location, log: log)
            references.refer(to: .node, node, at: nodeAt, context: "cloud site `\(id)`")
            inventory.computePool.sites.append(.init(id: id, name: name, node: node))
        }
        for item in m["storage_pools"]?.list("storage_pools") ?? [] {
            let keys = ["id", "name", "site", "mount"]
            guard let p = item.mapping("a storage pool", keys: keys, required: keys), let id = p["id"]?.identifier("id"),
                let name = p["name"]?.string("name"), let site = p["site"]?.identifier("site"), let mount = p["mount"]?.string("mount")
            else { continue }
            references.define(.storagePool, id, at: p.location, log: log)
            if let at = p["site"]?.location { references.refer(to: .site, site, at: at, context: "storage pool `\(id)`") }
            inventory.computePool.storagePools.append(.init(id: id, name: name, site: site, mount: mount))
        }
        for item in m["hosts"]?.list("hosts") ?? [] {
            let required = ["id", "site", "device", "vcpus", "memory_gib", "storage_tib"]
            guard let h = item.mapping("a cloud host", keys: required + ["storage_pool"], required: required), let id = h["id"]?.identifier("id")
            else { continue }
            references.define(.host, id, at: h.location, log: log)
            let site = h["site"]?.identifier("site")
            let device = h["device"]?.identifier("device")
            if let site, let at = h["site"]?.location { references.refer(to: .site, site, at: at, context: "cloud host `\(id)`") }
            if let device, let at = h["device"]?.location {
                references.refer(to: .device, device, at: at, context: "cloud host `\(id)`", roles: [.server])
            }
            let pool = h["storage_pool"]?.identifier("storage_pool")
            if let pool, let at = h["storage_pool"]?.location { references.refer(to: .storagePool, pool, at: at, context: "cloud host `\(id)`") }
            guard let site, let device, let vcpus = h["vcpus"]?.int("vcpus", in: 1...100_000),
                let memory = h["memory_gib"]?.int("memory_gib", in: 1...100_000_000),
                let storage = h["storage_tib"]?.double("storage_tib", in: 0...1_000_000), h["storage_pool"] == nil || pool != nil
            else { continue }
            inventory.computePool.hosts.append(
                .init(id: id, site: site, device: device, vcpus: vcpus, memoryGiB: memory, storageTiB: storage, storagePool: pool))
        }
        for item in m["services"]?.list("services") ?? [] {
            guard let s = item.mapping("a cloud service", keys: ["id", "name", "hosts", "replica", "health"], required: ["id", "name", "hosts"]),
                let id = s["id"]?.identifier("id"), let name = s["name"]?.string("name")
            else { continue }
            references.define(.service, id, at: s.location, log: log)
            var hosts: [String] = []
            for host in s["hosts"]?.list("hosts") ?? [] {
                guard let hostID = host.identifier("hosts") else { continue }
                references.refer(to: .host, hostID, at: host.location, context: "cloud service `\(id)`")
                hosts.append(hostID)
            }
            let replica = s["replica"].flatMap { resources($0, field: "replica") }
            var health: [String: String] = [:]
            if let checks = s["health"] {
                switch checks.node {
                case .mapping(let pairs):
                    for (key, url) in pairs {
                        let site = YAMLValue(node: key, file: checks.file, log: log)
                        guard let siteID = site.identifier("health"),
                            let text = YAMLValue(node: url, file: checks.file, log: log).string("health.\(siteID)")
                        else { continue }
                        references.refer(to: .site, siteID, at: site.location, context: "health check of cloud service `\(id)`")
                        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                            log.error(
                                "`health.\(siteID)` `\(text)` is not an http(s) URL", at: YAMLValue(node: url, file: checks.file, log: log).location,
                                help: "write the replica's health check as `http://10.1.2.3:8080/healthz`")
                            continue
                        }
                        health[siteID] = text
                    }
                default:
                    log.error(
                        "`health` must be a mapping of site to URL, found \(checks.shapeDescription)", at: checks.location,
                        help: "write `health: {cloud-a: http://…/healthz, cloud-b: http://…/healthz}`")
                }
            }
            guard s["replica"] == nil || replica != nil else { continue }
            inventory.computePool.services.append(.init(id: id, name: name, hosts: hosts, replica: replica, health: health))
        }
        for item in m["platforms"]?.list("platforms") ?? [] {
            guard let p = item.mapping("a cloud platform", keys: ["id", "name"], required: ["id", "name"]),
                let id = p["id"]?.identifier("id"), let name = p["name"]?.string("name")
            else { continue }
            references.define(.platform, id, at: p.location, log: log)
            inventory.computePool.platforms.append(.init(id: id, name: name))
        }
    }

    /// `{vcpus: 8, memory: 32GiB, storage: 1TiB}`: sizes with their units.
    private func resources(_ value: YAMLValue, field: String) -> Resources? {
        let keys = ["vcpus", "memory", "storage"]
        guard let m = value.mapping("`\(field)` (vcpus, memory, storage)", keys: keys, required: keys) else { return nil }
        let vcpus = m["vcpus"]?.int("\(field).vcpus", in: 0...100_000)
        let memory = m["memory"]?.byteSize("\(field).memory")
        let storage = m["storage"]?.byteSize("\(field).storage")
        guard let vcpus, let memory, let storage else { return nil }
        return Resources(vcpus: vcpus, memory: memory, storage: storage)
    }
}
