import ArgumentParser
import Capture
import Foundation
import Model
import Reports
import Security
import Store

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture", abstract: "Security checks of packet captures.", subcommands: [Analyze.self], defaultSubcommand: Analyze.self)

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Traffic per school subnet and host, and the detectors' findings, of a capture file.",
            discussion: """
                Reads a pcap or pcapng file (tcpdump -w writes one, e.g. from a school's mirror port) against the applied \
                inventory and security.yaml: traffic per school subnet and minute and per host, counted as frames, frame \
                bytes (on the wire, no FCS) and IP bytes; and the detectors: ARP changes (arpwatch, Snort arp_spoof), \
                rogue DHCP servers, port scans and address sweeps (Zeek's thresholds), unknown stations (when the fleet \
                register is in the database) and DNS queries for blocked domains. docs/security.md defines each.

                  edunet capture analyze mirror.pcap
                  edunet capture analyze mirror.pcap --school xixia-vocational-12 --format json
                  edunet capture analyze mirror.pcap --filter "arp or udp port 67"

                Exit status: 0 nothing found (new stations are information); 1 a detector found something; 2 the file, \
                the filter or --school is wrong; 3 the database could not be opened (or holds no inventory: run edunet inventory apply).
                """)

        @Argument(help: ArgumentHelp("The capture file (pcap or pcapng, Ethernet).", valueName: "file")) var file: String
        @Option(help: "Only this school's subnets and the findings about its hosts (a school id).") var school: String?
        @Option(help: ArgumentHelp("A BPF filter, as tcpdump takes it: only the frames it passes are read.", valueName: "expression"))
        var filter: String?
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @Flag(help: "Every host in the table, not only the \(CaptureAnalysis.hostRows) busiest.") var allHosts = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered here: a capture's analysis is several tables; use json") }
        }

        func run() throws {
            let context: SecurityContext
            do {
                let db = try database.openDatabase()
                let configuration = try InventoryStore(database: db).currentConfiguration()
                if let school, !configuration.inventory.schools.contains(where: { $0.id == school }) {
                    Terminal.error("error: no school with id `\(school)`; `edunet schools list` shows the ids")
                    throw ExitCode(2)
                }
                let terminals = try FleetStore(database: db).register().terminals.values
                context = SecurityContext.city(configuration, terminalMACs: terminals.isEmpty ? nil : terminals.flatMap(\.macs))
            } catch let error as StoreError {
                Terminal.error("error: \(error.message)")
                throw ExitCode(3)
            }
            let analysis: CaptureAnalysis
            do {
                analysis = try CaptureAnalysis.analyze(path: file, filter: filter, context: context, school: school)
            } catch {
                Terminal.error("error: \(error.message)")
                throw ExitCode(2)
            }
            Terminal.print(format == .json ? String(decoding: try analysis.json(), as: UTF8.self) : analysis.text(allHosts: allHosts))
            if analysis.fires { throw ExitCode(1) }
        }
    }
}
