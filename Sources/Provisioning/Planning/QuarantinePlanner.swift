import Model

/// The quarantine plan (`--kind quarantine`): the port a station is plugged into, found through the switches'
/// forwarding tables (`SwitchPorts`), shut or moved to the quarantine VLAN. A station is learned on every switch
/// between it and the core; the port it is plugged into is the one that is none of the ports `PortSafety` protects
/// (an uplink, a planned link, a port with many stations behind it). The change is applied only while the station is
/// still behind that port.
public enum QuarantinePlanner {
    /// The changes for `mac`, given the tables of the switches surveyed (or why they could not be read).
    public static func plan(
        mac: MACAddress, devices: [Device], tables: [String: Result<SwitchPorts, SurveyFailure>], safety: PortSafety, policy: QuarantinePolicy
    ) -> (changes: [ProvisioningChange], refusals: [ProvisioningRefusal]) {
        var changes: [ProvisioningChange] = []
        var refusals: [ProvisioningRefusal] = []
        var readable = 0
        for device in devices.sorted(by: { $0.id < $1.id }) {
            let ports: SwitchPorts
            switch tables[device.id] {
            case .success(let read)?: ports = read
            case .failure(let failure)?:
                refusals.append(.init(device: device.id, interface: "—", reason: "its bridge tables could not be read: \(failure.reason)"))
                continue
            case nil: continue
            }
            readable += 1
            var seen = Set<UInt32>()
            for sighting in ports.sightings[mac] ?? [] where seen.insert(sighting.bridgePort).inserted {
                let index = ports.ifIndex(ofBridgePort: sighting.bridgePort)
                let name = ports.name(of: index)
                func refuse(_ reason: String) {
                    refusals.append(.init(device: device.id, interface: name, reason: "\(mac) is behind it, but " + reason))
                }
                if let reason = safety.refusal(device: device, index: index, name: name, ports: ports) {
                    refuse(reason)
                    continue
                }
                guard device.snmpWriteProfile != nil else {
                    refuse("the device has no snmp_write_profile: it is never written to")
                    continue
                }
                let condition = ProvisioningCondition(
                    object: sighting.entry, value: String(sighting.bridgePort), meaning: "\(mac) is still behind bridge port \(sighting.bridgePort)")
                switch policy.action {
                case .shutdown:
                    let now = ports.adminStatus[index].map(String.init) ?? "1"
                    guard now != "2" else {
                        refuse("the port is already shut")
                        continue
                    }
                    changes.append(
                        ProvisioningChange(
                            device: device.id, interface: name, object: "\(SwitchPorts.ifAdminStatus).\(index)", current: now, new: "2",
                            syntax: .integer, condition: condition))
                case .vlan:
                    let vlan = String(policy.vlan ?? 0)
                    guard let pvid = ports.pvid[sighting.bridgePort] else {
                        refuse("the switch gives no dot1qPvid for bridge port \(sighting.bridgePort): it cannot be moved to a VLAN")
                        continue
                    }
                    guard String(pvid) != vlan else {
                        refuse("the port is already in the quarantine VLAN \(vlan)")
                        continue
                    }
                    // One SET of the PVID: the port's untagged VLAN is one value, so it moves from one VLAN to the other
                    // in the agent's one commit, never on both or on none.
                    changes.append(
                        ProvisioningChange(
                            device: device.id, interface: name, object: "\(SwitchPorts.dot1qPvid).\(sighting.bridgePort)", current: String(pvid),
                            new: vlan, syntax: .unsigned, condition: condition))
                }
            }
        }
        if changes.isEmpty, !refusals.contains(where: { $0.reason.hasPrefix("\(mac) is behind it") }) {
            refusals.append(
                .init(
                    device: "—", interface: "—",
                    reason:
                        "\(mac) is in none of the forwarding tables of the \(readable) switches read; a silent station ages out of them in about 5 minutes"
                ))
        }
        return (changes, refusals)
    }
}
