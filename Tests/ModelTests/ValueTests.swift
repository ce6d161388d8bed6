import Testing

@testable import Model

@Suite("Value types")
struct ValueTests {
    @Test(
        arguments: [
            ("5G", 5_000_000_000), ("2.5G", 2_500_000_000), ("100M", 100_000_000), ("10Gbit/s", 10_000_000_000),
            ("300Mbps", 300_000_000), ("64k", 64_000), ("1500", 1500),
        ] as [(String, UInt64)])
    func bandwidthParses(text: String, bits: UInt64) {
        #expect(Bandwidth(text)?.bitsPerSecond == bits)
    }

    @Test func bandwidthPrintsShortest() {
        #expect(Bandwidth.gigabits(2.5).description == "2.5G")
        #expect(Bandwidth.gigabits(10).description == "10G")
        #expect(Bandwidth.megabits(100).description == "100M")
        #expect(Bandwidth(bitsPerSecond: 12).description == "12")
    }

    @Test(arguments: ["fast", "-1G", "1.5", "G", ""])
    func bandwidthRejects(text: String) {
        #expect(Bandwidth(text) == nil)
    }

    @Test func networksOverlap() throws {
        let a = try #require(IPNetwork("10.20.0.0/16"))
        #expect(a.overlaps(try #require(IPNetwork("10.20.5.0/24"))))
        #expect(!a.overlaps(try #require(IPNetwork("10.21.0.0/16"))))
        #expect(!a.overlaps(try #require(IPNetwork("2001:db8::/32"))))
        #expect(try #require(IPNetwork("2001:db8::/32")).overlaps(try #require(IPNetwork("2001:db8:1::/48"))))
        #expect(IPNetwork("10.20.0.1/16") == nil)
        #expect(IPNetwork("10.20.0.0/33") == nil)
    }

    @Test func addresses() throws {
        #expect(IPAddress("127.3.1.1")?.isLoopback == true)
        #expect(IPAddress("10.0.0.1")?.isLoopback == false)
        #expect(IPAddress("::1")?.isLoopback == true)
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("fe80::1:2")?.description == "fe80:0:0:0:0:0:1:2")
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "nmae_en", among: ["id", "name", "name_en"]) == "name_en")
        #expect(Suggestion.closest(to: "zzzz", among: ["id", "name"]) == nil)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}
