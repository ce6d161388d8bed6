import Capture
import Testing

@testable import Security

/// The /16 → /24 lookup table against nested networks: the longest one holding an address wins, at every depth.
@Suite("Longest-prefix lookup of school subnets")
struct SubnetTableTests {
    static func network(_ text: String) -> SubnetTable.Network {
        let parts = text.split(separator: "/")
        return SubnetTable.Network(base: IPv4Address(String(parts[0]))!, prefixLength: Int(parts[1])!)
    }

    @Test func theLongestNetworkHoldingAnAddressIsFound() {
        let table = SubnetTable(["10.0.0.0/8", "10.66.0.0/20", "10.66.16.0/25", "192.168.1.0/24", "10.66.0.0/20"].map(Self.network))
        func index(_ address: String) -> Int? { table.index(of: IPv4Address(address)!) }
        #expect(index("10.1.2.3") == 0, "only the /8 holds it")
        #expect(index("10.66.15.255") == 1 && index("10.66.0.0") == 1, "the /20 inside the /8")
        #expect(index("10.66.16.127") == 2, "a /25: longer than the table's /24 blocks")
        #expect(index("10.66.16.128") == 0, "the other half of that /24 falls back to the /8")
        #expect(index("192.168.1.77") == 3 && index("192.168.2.1") == nil && index("11.0.0.1") == nil)
    }
}
