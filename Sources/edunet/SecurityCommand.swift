import ArgumentParser
import Foundation
import Model
import Monitor
import Reports
import SNMP
import Store

struct SecurityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security", abstract: "Graded-protection (等级保护) posture checks of the inventory's devices.",
        discussion: """
            The posture findings (default communities, SNMPv3 where required, unused ports left open) are in \
            `edunet report security`; edunetd probes every device once its last probe is posture.probe_interval_hours old. \
            `probe` asks now.
            """,
        subcommands: [Probe.self])

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the inventory's devices now whether they answer a forbidden (vendor default) SNMP community.",
            discussion: """
                Each device is asked for sysObjectID.0 with every community in security.yaml's forbidden_communities, in \
                SNMP v1 and v2c, and once with its own profile's credentials (a device that answers nothing proves \
                nothing). One GET each, posture.probe_timeout_seconds each, no retries; only the inventory's devices, \
                never a range of addresses. The results are stored for `edunet report security`.

                  edunet security probe
                  edunet security probe --county xixia
                  edunet security probe --device helan-primary-01-core --format json

                Devices that log authentication failures will log one per forbidden community and version.

                Exit status: 0 no device answers a forbidden community; 1 one does (or an id is unknown); 3 the database \
                could not be opened or written.
                """)

        @OptionGroup var scope: DeviceScopeOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered here; use table or json") }
        }

        func run() async throws {
            let (configuration, postureStore, selected) = try open()
            let policy = configuration.policies.security
            let posture = policy.posture ?? PosturePolicy()
            guard !policy.forbiddenCommunities.isEmpty else {
                Terminal.error("nothing to probe: security.yaml lists no forbidden_communities")
                return
            }
            let timeout = Duration.milliseconds(Int(posture.probeTimeoutSeconds * 1000))
            let (devices, problems) = PolledDevice.all(in: configuration.inventory, timeout: timeout, retries: 0)
            let asked = devices.filter { selected.contains($0.id) }
            for problem in problems where selected.contains(problem.device) {
                Terminal.error("warning: \(problem.device) not probed: \(problem.reason)")
            }
            Terminal.error(
                "probing \(asked.count) devices with \(policy.forbiddenCommunities.count) forbidden communities (v1 and v2c) …")
            let probes = await CommunityProber(engine: SNMPEngine(), timeout: timeout).probe(asked, communities: policy.forbiddenCommunities)
            do { try postureStore.record(probes) } catch {
                Terminal.error("error: \(error.message)")
                throw ExitCode(3)
            }
            let schools = Dictionary(configuration.inventory.devices.map { ($0.id, $0.school ?? $0.node ?? "") }, uniquingKeysWith: { a, _ in a })
            let listing = Listing(
                columns: [.init("设备 Device", key: "device"), .init("位置 Place", key: "place"), .init("结果 Result", key: "result")],
                rows: probes.map { probe in
                    [
                        probe.device, schools[probe.device] ?? "",
                        !probe.answers.isEmpty ? "answers \(probe.answeredText)" : probe.reachable ? "none answered" : "no answer (unreachable)",
                    ]
                },
                json: { try JSONDocument.encode(schema: "edunet.security.probes/v1", key: "probes", probes) })
            Terminal.print(try listing.render(format))
            let answering = probes.filter { !$0.answers.isEmpty }.count
            let silent = probes.filter { !$0.reachable }.count
            Terminal.error("\(answering) of \(probes.count) devices answer a forbidden community; \(silent) did not answer at all")
            if answering > 0 { throw ExitCode(1) }
        }

        /// The applied configuration, the posture store and the devices the options select.
        private func open() throws -> (CityConfiguration, PostureStore, Set<String>) {
            do throws(StoreError) {
                let db = try database.openDatabase()
                let configuration = try InventoryStore(database: db).currentConfiguration()
                let inventory = configuration.inventory
                let selected = inventory.devices.filter(try scope.selection(in: inventory))
                return (configuration, PostureStore(database: db), Set(selected.map(\.id)))
            } catch {
                Terminal.error("error: \(error.message)")
                throw ExitCode(error.code == .notFound || error.code == .noInventory ? 1 : 3)
            }
        }
    }
}
