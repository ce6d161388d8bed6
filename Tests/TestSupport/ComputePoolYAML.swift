/// A compute pool in inventory YAML: two sites of one 96-vCPU host each and the city's platform as a tenant, the hosts
/// as server devices at the given management addresses. What the API's tests give their cities, so that the cloud's
/// operations have a pool to act on.
package enum ComputePoolYAML {
    /// `nodes` are the sites' network nodes, `management` each host's `{address: …, port: …}`, `profile` its SNMP profile.
    package static func twoSites(nodes: (String, String), management: (String, String), profile: String) -> String {
        """
        compute_pool:
          sites:
            - {id: cloud-a, name: 教育云A, node: \(nodes.0)}
            - {id: cloud-b, name: 教育云B, node: \(nodes.1)}
          hosts:
            - {id: a1, site: cloud-a, device: host-a1, vcpus: 96, memory_gib: 768, storage_tib: 46.0}
            - {id: b1, site: cloud-b, device: host-b1, vcpus: 96, memory_gib: 768, storage_tib: 46.0}
          platforms:
            - {id: city-platform, name: 市智慧教育平台}
        devices:
          - {id: host-a1, name: 云主机A1, role: server, node: \(nodes.0), management: \(management.0), snmp_profile: \(profile)}
          - {id: host-b1, name: 云主机B1, role: server, node: \(nodes.1), management: \(management.1), snmp_profile: \(profile)}

        """
    }
}
