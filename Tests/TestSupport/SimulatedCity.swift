import Foundation

/// A running `scripts/simnet.sh`: its directory (data, inventory copy, env.sh, truth.json) and port.
package struct SimulatedCity: Sendable {
    package let directory: URL
    package let port: UInt16

    /// What the simulation sets, from truth.json.
    package struct Truth: Decodable {
        package struct Interface: Decodable {
            package let speed_bps: Double
            package let in_bps: Double
            package let out_bps: Double
        }
        package struct Device: Decodable {
            package let address: String
            package let interfaces: [String: Interface]
        }
        package struct AccessPoint: Decodable {
            package let name: String
            package let up: Bool
            package let clients: Int
            package let state: String
            package let uplink_mbps: Int?
            /// The median of the transmit rates its client-table rows carry (Huawei controllers).
            package let client_rate_mbps: Double?
        }
        /// The sample fleet: where each terminal the client tables list is, the one registered lost, the one listed
        /// at a school it is not registered to.
        package struct Fleet: Decodable {
            package struct Place: Decodable {
                package let controller: String
                package let ap: String
                package let school: String
            }
            package struct Stray: Decodable {
                package let serial: String
                package let registered: String
                package let seen: String
            }
            package let terminals: Int
            package let served: [String: Place]
            package let lost_seen: String
            package let wrong_school: Stray
        }
        package struct Host: Decodable {
            package let processors: Int
            /// The processors' mean base load; each moves by a sine of `load_amplitude` over `load_period_seconds`.
            package let mean_load: Double
            package let load_amplitude: Double
            package let load_period_seconds: Double
            /// "Physical memory"'s use less net-snmp's buffers and cache rows.
            package let memory_used: Int64
            /// hrSystemUptime when the responder started, seconds; a host with a restart period starts again from
            /// zero at each multiple of it after that.
            package let uptime_at_start: Double
            package let restart_period_seconds: Double?
        }
        /// Each server's growing file system (the storage pools' /data).
        package struct Storage: Decodable {
            package let mount: String
            package let size: UInt64
            package let rate_bytes_per_second: Double
        }
        package let storage: [String: Storage]
        package let devices: [String: Device]
        package let access_points: [String: [AccessPoint]]
        package let hosts: [String: Host]
        package let congested: [String]
        /// The access switches left answering the vendor default community `public`.
        package let default_community: [String]
        package let fleet: Fleet
    }

    package func truth() throws -> Truth {
        try JSONDecoder().decode(Truth.self, from: Data(contentsOf: directory.appendingPathComponent("truth.json")))
    }
}
