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
        }
        package struct Host: Decodable {
            package let processors: Int
            package let mean_load: Double
        }
        package let devices: [String: Device]
        package let access_points: [String: [AccessPoint]]
        package let hosts: [String: Host]
        package let congested: [String]
    }

    package func truth() throws -> Truth {
        try JSONDecoder().decode(Truth.self, from: Data(contentsOf: directory.appendingPathComponent("truth.json")))
    }
}
