import Foundation
import Model
import TestSupport
import Testing

@testable import Monitor
@testable import SNMP

/// The wireless profiles against the real controller recordings of snmpsim-data. The expected figures were
/// counted from the recordings with grep and awk (the commands are in docs/devices.md), not by this code.
@Suite("Access points of real wireless controller recordings")
struct WirelessPollerTests {
    let engine = SNMPEngine()

    private func poll(_ recording: String, _ profile: WirelessProfile) async throws -> [AccessPointReading] {
        let target = TestAgents.target(await TestAgents.snmpsim(serving: recording), community: recording, timeout: .seconds(20), retries: 3)
        return try await WirelessPoller(engine: engine).poll(target, profile: profile).readings
    }

    @Test func arubaControllerAPsStateAndClientsPerRadio() async throws {
        let aps = try await poll("aruba-7210", .aruba)
        #expect(aps.count == 13)
        #expect(aps.filter { $0.up == true }.count == 9 && aps.filter { $0.up == false }.count == 4)
        let ap = try #require(aps.first { $0.name == "WRD-WN" })
        #expect(ap.macAddress == "94:b4:0f:c1:9b:6e" && ap.up == true && ap.state == "up")
        #expect(ap.radios == 2 && ap.clients == 23, "radios 1 and 2 have 20 and 3 clients")
    }

    @Test func ciscoAireOSControllerAPsAndRadios() async throws {
        let aps = try await poll("cisco-controller", .ciscoAirespace)
        #expect(aps.count == 226)
        #expect(aps.allSatisfy { $0.up == true && $0.state == "associated" })
        #expect(aps.reduce(0) { $0 + $1.radios } == 452)
        #expect(aps.reduce(0) { $0 + ($1.clients ?? 0) } == 94, "bsnApIfNoOfUsers summed over the 452 radios")
        let ap = try #require(aps.first { $0.name == "erjiao_sw" })
        #expect(ap.radios == 2 && ap.radiosUp == 2 && ap.clients == 2)
    }

    @Test func huaweiNativeACRunStateAndRadios() async throws {
        let aps = try await poll("huawei-s12704", .huawei)
        #expect(aps.map(\.name).sorted() == ["RJY-JXL2-4-406-1", "RJY-JXL2-4-411", "RJY-JXL4-3-zoulang4", "RJY-JYL-2-222"])
        let fault = try #require(aps.first { $0.name == "RJY-JYL-2-222" })
        #expect(fault.up == false && fault.state == "fault" && fault.radios == 2 && fault.radiosUp == 2 && fault.clients == 0)
        #expect(aps.filter { $0.up == true }.allSatisfy { $0.state == "normal" && $0.radios == 3 })
    }

    /// The station table's 2,788 rows were recorded at another moment than the AP table's client counts (2,439).
    @Test func ruijieControllerThousandsOfAPsWithUplinkSpeedAndClientsByAPMAC() async throws {
        let (aps, clients) = try await stations("ruijie-m18000", .ruijie)
        #expect(aps.count == 3239)
        #expect(aps.allSatisfy { $0.up == true && $0.state == "online" })
        #expect(aps.reduce(0) { $0 + ($1.clients ?? 0) } == 2439)
        #expect(aps.filter { $0.uplinkMbps == 1000 }.count == 3227 && aps.filter { $0.uplinkMbps == 100 }.count == 12)
        #expect(clients.count == 2788 && clients.allSatisfy { $0.accessPoint != nil }, "every client's AP MAC indexes the AP table")
        #expect(clients.filter { $0.accessPoint == "W_Lib_F2_2" }.count == 76)
        #expect(clients.allSatisfy { $0.rateMbps == nil && $0.ssid == nil })
    }

    @Test func standaloneAPThroughIEEE80211MIB() async throws {
        let aps = try await poll("ubiquiti-m5", .ieee80211)
        #expect(aps.count == 1)
        #expect(aps.first?.name == "patrikeevo" && aps.first?.index == "5")
        #expect(aps.first?.maxRateMbps == 54, "dot11OperationalRateSet 0c…6c: 108 × 500 kbit/s")
    }

    private func stations(_ recording: String, _ profile: WirelessProfile) async throws -> (aps: [AccessPointReading], stations: [StationReading]) {
        let target = TestAgents.target(await TestAgents.snmpsim(serving: recording), community: recording, timeout: .seconds(20), retries: 3)
        let poll = try await WirelessPoller(engine: engine).poll(target, profile: profile)
        return (poll.readings, try #require(poll.stations, "the profile has a client table"))
    }

    /// Counted from the recording: the union of the MACs indexing bsnMobileStationTable and cldcClientTable columns
    /// read; cldcClientCurrentTxRateSet `m<N>` at the recorded 20 MHz (cldHtDot11nChannelBandwidth = twenty for both
    /// bands) for clients of protocol dot11n24/dot11n5, numbers as they are.
    @Test func ciscoClientsWithMCSRatesWorkedOut() async throws {
        let (aps, clients) = try await stations("cisco-controller", .ciscoAirespace)
        #expect(clients.count == 95)
        #expect(clients.filter { $0.ssid == "BUCEA" }.count == 71 && clients.filter { $0.ssid == "BUCEA-Mobile" }.count == 24)
        let rates = clients.compactMap(\.rateMbps)
        #expect(rates.count == 88, "7 clients: no rate, or an MCS index whose band is unknown (protocol mobile)")
        #expect(rates.filter { $0 >= 100 }.count == 19 && rates.max() == 130, "m15 at 20 MHz: 2 streams × 65")
        #expect(clients.filter { client in aps.contains { $0.name == client.accessPoint } }.count == 92, "3 clients have AP MAC 00:00:00:00:00:00")
        #expect(aps.contains { $0.clientRateMbps != nil })
    }

    @Test func huaweiClientsWithTransmitRates() async throws {
        let (aps, clients) = try await stations("huawei-s12704", .huawei)
        #expect(clients.count == 144)
        #expect(clients.filter { $0.ssid == "RJY" }.count == 143)
        #expect(clients.filter { $0.accessPoint == "RJY-JXL4-4-415" }.count == 9)
        #expect(clients.compactMap(\.rateMbps).count == 143)
        let ap = try #require(aps.first { $0.name == "RJY-JXL2-4-411" })
        let own = clients.filter { $0.accessPoint == ap.name }.compactMap(\.rateMbps)
        #expect(ap.clientRateMbps == Percentile.nearestRank(0.5, of: own))
    }

    @Test func arubaClientsByAPNameWithoutRates() async throws {
        let (aps, clients) = try await stations("aruba-7210", .aruba)
        #expect(clients.count == 82)
        #expect(
            clients.filter { $0.accessPoint == "WRD-WN" }.count == 21,
            "89 nUserTable rows (by MAC and IP) for 82 MACs; by each MAC's first row, 21 are on WRD-WN")
        #expect(clients.allSatisfy { $0.rateMbps == nil } && aps.allSatisfy { $0.clientRateMbps == nil })
    }

    @Test func mcsIndexIsARateOnlyWithItsWidth() {
        #expect(StationTable.htRate(mcs: 7, channelMHz: 20) == 65)
        #expect(StationTable.htRate(mcs: 15, channelMHz: 40) == 270)
        #expect(StationTable.htRate(mcs: 31, channelMHz: 20) == 260)
        #expect(StationTable.htRate(mcs: 7, channelMHz: 80) == nil && StationTable.htRate(mcs: 32, channelMHz: 20) == nil)
        #expect(StationTable.ciscoRate("m4", channelMHz: 40) == 81)
        #expect(StationTable.ciscoRate("m4", channelMHz: nil) == nil, "an MCS index without a width is unknown, not a guess")
        #expect(StationTable.ciscoRate("54.0", channelMHz: nil) == 54)
        #expect(StationTable.ciscoRate("", channelMHz: 20) == nil)
    }

    @Test func profileChosenByVendorThenSysObjectIDThenStandard() {
        #expect(WirelessProfile.matching(vendor: "Huawei", sysObjectID: nil) == .huawei)
        #expect(WirelessProfile.matching(vendor: nil, sysObjectID: "1.3.6.1.4.1.9.1.1069") == .ciscoAirespace)
        #expect(WirelessProfile.matching(vendor: "Acme", sysObjectID: "1.3.6.1.4.1.14823.1.1.32") == .aruba)
        #expect(WirelessProfile.matching(vendor: nil, sysObjectID: "1.3.6.1.4.1.41112.1.4") == .ieee80211)
    }
}

/// HOST-RESOURCES-MIB from the real snmpd on loopback, checked against what Linux itself says.
@Suite("Server load and storage")
struct HostResourcesPollerTests {
    @Test func snmpdReportsProcessorsMemoryAndDisks() async throws {
        let engine = SNMPEngine()
        let target = TestAgents.target(await TestAgents.snmpd(), community: "edunet-test")
        func procUptime() throws -> Double {
            try #require(Double(try String(contentsOfFile: "/proc/uptime", encoding: .utf8).split(separator: " ")[0]))
        }
        let upBefore = try procUptime()
        let (host, varbinds) = try await HostResourcesPoller(engine: engine).poll(target)
        let upAfter = try procUptime()
        #expect(varbinds > 0)
        #expect(host.processors == ProcessInfo.processInfo.processorCount)
        #expect(host.processorLoads.allSatisfy { (0...100).contains($0) })
        let memory = try #require(host.total(.memory))
        let physical = ProcessInfo.processInfo.physicalMemory
        #expect(memory.size >= physical * 9 / 10 && memory.size <= physical * 11 / 10, "hrStorageRam ≈ physical memory \(physical)")
        #expect(memory.used <= memory.size)
        #expect(host.storage.contains { $0.kind == .disk && $0.description == "/" && $0.sizeBytes > 0 })
        // hrSystemUptime is the machine's uptime (not the agent's, which sysUpTime counts): Linux's /proc/uptime, read
        // by snmpd during the poll, so between the two reads here (a second either way: net-snmp's own rounding).
        let uptime = try #require(host.uptimeSeconds, "snmpd reports hrSystemUptime")
        #expect(uptime >= upBefore - 1 && uptime <= upAfter + 1, "hrSystemUptime \(uptime) s, /proc/uptime \(upBefore)–\(upAfter) s")
        // Linux counts buffers and the page cache in "Physical memory"'s use: what is in use is what is left without
        // them, and with them added back it is what /proc/meminfo calls MemTotal − MemFree (memory moves between the
        // two reads: within 5 % of the total).
        let reclaimable = host.storage.filter { ["Memory buffers", "Cached memory"].contains($0.description) }.reduce(UInt64(0)) { $0 + $1.usedBytes }
        #expect(reclaimable > 0, "net-snmp lists buffers and cache on Linux")
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        func kib(_ key: String) -> Double {
            Double(meminfo.split(separator: "\n").first { $0.hasPrefix(key + ":") }?.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        let busy = (kib("MemTotal") - kib("MemFree")) * 1024
        #expect(abs(Double(memory.used + reclaimable) - busy) < 0.05 * Double(memory.size), "used \(memory.used) + \(reclaimable) vs \(busy)")
        #expect(memory.used < memory.size - reclaimable)
    }

    @Test func sizesAtTheInteger32CapAreFlaggedNotTakenForTheVolumes() {
        func row(_ index: UInt32, _ descr: String, units: UInt32, size: UInt32, used: UInt32) -> SNMPTable.Row {
            SNMPTable.Row(
                index: OID([index]),
                cells: [
                    2: .objectIdentifier("1.3.6.1.2.1.25.2.1.4"), 3: .octetString(Array(descr.utf8)), 4: .integer32(Int32(units)),
                    5: .integer32(Int32(bitPattern: size)), 6: .integer32(Int32(bitPattern: used)),
                ])
        }
        let reading = HostResourcesPoller.reading(
            processors: SNMPTable(entry: "1.3.6.1.2.1.25.3.3.1", columns: [], rows: []),
            storage: SNMPTable(
                entry: "1.3.6.1.2.1.25.2.3.1", columns: [2, 3, 4, 5, 6],
                rows: [row(31, "/", units: 4096, size: 1_000_000, used: 500_000), row(41, "/backup", units: 1024, size: 2_147_483_647, used: 3)]))
        #expect(reading.storage.map(\.capped) == [false, true])
        #expect(reading.total(.disk)?.size == 4096 * 1_000_000, "the capped volume is left out of the total")
    }
}
