import ArgumentParser
import Compliance
import Foundation
import Model
import Pool
import Reports
import Store

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Compliance reports against the plan's targets.",
        subcommands: [Bandwidth.self, Fleet.self, PoolReport.self, SecurityReport.self])

    struct Bandwidth: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "bandwidth",
            abstract: "Where every link, school and county stands against the plan's bandwidth tiers, proved by measurements.",
            discussion: """
                Rules: provisioned capacity (negotiated speed of each backbone and access link against its tier), delivered \
                capacity (p95 utilisation per direction against the congestion threshold), redundancy (county nodes: two uplinks \
                to two city cores; dual-homed schools: two uplinks; all up), campus backbone (the school tier's backbone speed), \
                Wi-Fi coverage (an AP up for the policy's share of the window in every required area) and wireless access \
                (clients' association rate or AP uplink speed against the tier), and the e-book terminal rules of `edunet report fleet`. A verdict is pass, fail or unknown — unknown says \
                why (not polled, too few samples) and never counts as a pass. \
                Exit status 0 when nothing fails, 1 when something fails.
                """
        )
        @OptionGroup var report: ReportOptions

        func execute() throws { try report.run(rules: nil, title: .bandwidth) }
    }

    struct Fleet: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "fleet",
            abstract: "Where every school, county and the city stands against one e-book terminal per student and teacher.",
            discussion: """
                Rules: terminal ratio (terminals assigned against students × terminals_per_student + teachers × \
                terminals_per_teacher, on the inventory's planning figures; the roster's counts are shown beside them) and \
                terminals in use (assigned terminals seen on Wi-Fi on in_use.seen_days of the last in_use.school_days school \
                days, against in_use.minimum_share). The fleet section sums them per county. Exit status 0 when nothing fails, \
                1 when something fails.
                """)
        @OptionGroup var report: ReportOptions

        func execute() throws { try report.run(rules: [.terminalRatio, .terminalUse], title: .fleet) }
    }
}

extension ReportCommand {
    struct PoolReport: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "pool",
            abstract: "Where the education cloud stands: site-loss survival, active-active, elastic compute and dynamic storage.",
            discussion: """
                Rules (pool.yaml): site-loss survival (after losing the largest site, every reservation — service replicas \
                and allocations — fits the rest under the overcommit ratios, and the measured p95 CPU and memory fit with \
                the headroom), active-active (every service has a healthy replica in every site: its host answering SNMP \
                under host_load_threshold, and its health check answering where it has one), elastic compute (each site's \
                p95 CPU and memory within 1 − headroom) and dynamic storage (days until each storage pool is full at the \
                least-squares trend of its use, against storage.finding_days). The cloud section shows the sites side by \
                side. Exit status 0 when nothing fails, 1 when something fails.
                """)
        @OptionGroup var report: ReportOptions

        func execute() throws { try report.run(rules: Finding.Rule.pool, title: .pool) }
    }

    struct SecurityReport: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "security",
            abstract: "Graded-protection (等级保护) posture: default communities, SNMPv3 where required, unused ports left open.",
            discussion: """
                Rules (security.yaml): default community (each inventory device's latest probe — `edunet security probe`, \
                or edunetd every posture.probe_interval_hours — answers none of forbidden_communities in v1 or v2c; a probe \
                older than two intervals is unknown), SNMPv3 required (the devices of snmp_v3_required_roles have an SNMP \
                profile of v3 with auth and privacy) and unused ports (on the devices of posture.unused_port_roles, no port \
                admin-up and operationally down for posture.unused_port_days, planned links' ports aside). The security \
                section counts them per county. Exit status 0 when nothing fails, 1 when something fails.
                """)
        @OptionGroup var report: ReportOptions

        func execute() throws { try report.run(rules: Finding.Rule.security, title: .security) }
    }
}

/// What both reports take: the subjects, the window, the language, the format and where it goes.
struct ReportOptions: ParsableArguments {
    @Option(help: "Only findings in this county.") var county: String?
    @Option(help: "Only findings about this school.") var school: String?
    @OptionGroup(title: "Window (default: the 7 days ending now)") var window: WindowOptions
    @Option(help: "Language of the table: zh (with English labels) or en.") var lang: Language = .zh
    @Option(help: "Write the report to this file instead of standard output.") var output: String?
    @Option(help: ArgumentHelp("Show the samples and arithmetic behind one finding (its id from the CSV or JSON).", valueName: "finding-id"))
    var explain: String?
    @Option(help: "Output format: table, csv (UTF-8 with BOM, for Excel), json, or html (one self-contained page with charts).")
    var format: Format = .table
    @OptionGroup var database: DatabaseOptions

    enum Language: String, ExpressibleByArgument, CaseIterable { case zh, en }
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html }

    func run(rules: Set<Finding.Rule>?, title: ComplianceReport.Title) throws {
        let (start, end) = try window.interval(defaultWindow: "7d")
        let db = try database.openDatabase()
        let configuration = try InventoryStore(database: db).currentConfiguration()
        let inventory = configuration.inventory
        try inventory.requireKnown(county: county, school: school)
        let evaluator = ComplianceEvaluator(configuration: configuration, store: MeasurementStore(database: db))
        let report = try evaluator.report(from: start, to: end).filtered(
            county: county, school: school, rules: rules, title: title, inventory: inventory)
        if let explain {
            guard let finding = report.findings.first(where: { $0.id == explain }) else {
                let near = report.findings.map(\.id).filter { $0.contains(explain) || explain.contains($0) }.prefix(5)
                throw StoreError(
                    .notFound,
                    "no finding `\(explain)` in this report\(near.isEmpty ? "; the ids are in --format csv" : "; did you mean " + near.joined(separator: ", ") + "?")"
                )
            }
            Terminal.print(try evaluator.explain(finding, from: start, to: end))
            return
        }
        let text: String
        switch format {
        case .table: text = report.text(english: lang == .en)
        case .csv: text = report.csv()
        case .json: text = String(decoding: try report.json(), as: UTF8.self)
        case .html:
            let series = try evaluator.series(for: report.findings.filter { $0.verdict == .fail }, from: start, to: end)
            text = report.html(inventory: inventory, series: series, english: lang == .en)
        }
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                Terminal.error("error: cannot write \(output): \(error.localizedDescription); check the directory exists and is writable")
                throw ExitCode(1)
            }
            Terminal.error(
                "report written to \(output): \(report.city.fail) failing, \(report.city.unknown) unknown, \(report.city.pass) passing")
        } else {
            Terminal.print(text)
        }
        if report.city.fail > 0 { throw ExitCode(1) }
    }
}
