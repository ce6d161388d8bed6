import ArgumentParser
import Compliance
import Foundation
import Model
import Pool
import Reports
import Store

struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "The education cloud (教育云): sites, hosts, services and allocations, with admission control.",
        discussion: """
            Capacity, services and platforms come from the inventory's compute_pool; allocations are made here and are \
            checked before they are stored: they must fit a site under pool.yaml's overcommit ratios, and the pool must \
            still survive the loss of its largest site (reservations, and the measured p95 use with the headroom). A \
            refusal says why, with the figures; --dry-run asks without storing; --force stores a request that fits a \
            site but breaks site-loss survival, recorded as forced and reported as a finding. Sizes take their unit \
            (64GiB, 2TiB, 500GB).

              edunet pool status
              edunet pool allocate --tenant xingqing-primary-01 --name 录播 --vcpus 16 --memory 64GiB --storage 2TiB --why "录播系统"
              edunet pool allocate --tenant city-platform --vcpus 64 --memory 256GiB --storage 10TiB --dry-run
              edunet pool release 3 --why "项目结束"
              edunet pool services

            Exit status: 0 done; 1 refused or a problem with the request (nothing was stored); 3 the database could not \
            be opened or written.
            """,
        subcommands: [
            PoolStatus.self, PoolHosts.self, PoolServices.self, PoolAllocations.self, PoolHistory.self, PoolAllocate.self, PoolRelease.self,
        ]
    )
}

/// A size with its unit on the command line; a bare number is refused with what to write instead.
func byteSizeArgument(_ text: String) throws -> ByteSize {
    if let size = ByteSize(text) { return size }
    if let number = Double(text) {
        throw ValidationError(
            "`\(text)` has no unit: write it with one, such as \(number == number.rounded() ? String(Int(number)) : text)GiB or \(text)TiB")
    }
    throw ValidationError("`\(text)` is not a size: write one with its unit, such as 64GiB, 2TiB or 500GB")
}

/// The register over the stored inventory, as every pool command opens it.
struct PoolContext {
    let register: PoolRegister
    let evaluator: ComplianceEvaluator

    init(_ database: DatabaseOptions) throws {
        let db = try database.openDatabase()
        let configuration = try InventoryStore(database: db).currentConfiguration()
        guard !configuration.inventory.computePool.sites.isEmpty else {
            throw PoolError(.notFound, "the inventory declares no compute pool: add `compute_pool` (sites, hosts, services) to inventory/cloud.yaml")
        }
        evaluator = ComplianceEvaluator(configuration: configuration, store: MeasurementStore(database: db))
        register = evaluator.poolRegister
    }

    func verdicts(at now: Date = Date()) throws -> PoolVerdicts {
        try PoolVerdicts.read(register: register, at: now, freshness: evaluator.hostFreshness)
    }
}

struct PoolStatus: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each site side by side: capacity, admissible under the overcommit ratio, reserved, measured p95 use and headroom.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let context = try PoolContext(database)
        let verdicts = try context.verdicts()
        Terminal.print(try PoolListings.status(verdicts.use).render(output.format))
        guard output.format == .table else { return }
        for finding in verdicts.findings() where finding.rule == .poolSiteLoss || finding.verdict != .pass {
            Terminal.print(
                "\(finding.verdict == .pass ? "✓" : finding.verdict == .fail ? "✗" : "?") \(finding.rule.title.zh) \(finding.subject.id): "
                    + (finding.reason ?? finding.measured ?? ""))
        }
    }
}

struct PoolHosts: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts", abstract: "The hosts: capacity, storage pool, replicas, latest load, uptime and restarts in the window.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws { Terminal.print(try PoolListings.hosts(try PoolContext(database).verdicts().use).render(output.format)) }
}

struct PoolServices: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "services", abstract: "The services: what a replica needs, each replica's health, and whether the service is active-active.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws { Terminal.print(try PoolListings.services(try PoolContext(database).verdicts()).render(output.format)) }
}

struct PoolAllocations: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "allocations", abstract: "The allocations held (with --released, those given back too).")
    @Option(help: "Only this tenant's (a school, county or platform id).") var tenant: String?
    @Flag(help: "Include released allocations.") var released = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let context = try PoolContext(database)
        let tenants = context.register.tenants
        if let tenant, tenants[tenant] == nil {
            let near = Suggestion.closest(to: tenant, among: tenants.keys).map { "; did you mean `\($0)`?" } ?? ""
            throw PoolError(.notFound, "no tenant `\(tenant)`\(near)")
        }
        let all = try context.register.store.allocations(released: released).filter { tenant == nil || $0.tenant == tenant }
        Terminal.print(try PoolListings.allocations(all, tenants: tenants).render(output.format))
    }
}

struct PoolHistory: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every allocation and release: when, by whom, why, forced or not.")
    @Option(help: "At most this many changes, newest first.") var limit = 200
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        Terminal.print(try PoolListings.history(try PoolContext(database).register.store.history(limit: limit)).render(output.format))
    }
}

struct PoolAllocate: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate", abstract: "Reserve vCPUs, memory and storage for a tenant, if admission control accepts it.",
        discussion: "Without --site the site with the most room left is chosen. --dry-run says whether it would fit, and where.")
    @Option(help: "Who holds it: a school, a county or a platform of cloud.yaml (its id).") var tenant: String
    @Option(help: "The VM or workload's name (default: the tenant's id).") var name: String?
    @Option(help: "The cloud service it belongs to, if any.") var service: String?
    @Option(help: "The site to place it in (default: the one with the most room).") var site: String?
    @Option(help: "vCPUs.") var vcpus: Int = 0
    @Option(help: ArgumentHelp("Memory, with its unit (64GiB).", valueName: "size"), transform: byteSizeArgument) var memory: ByteSize?
    @Option(help: ArgumentHelp("Storage, with its unit (2TiB).", valueName: "size"), transform: byteSizeArgument) var storage: ByteSize?
    @Flag(help: "Say whether it would fit, and where; store nothing.") var dryRun = false
    @Flag(help: "Store it even though the pool would no longer survive a site loss (recorded, and a finding).") var force = false
    @OptionGroup var change: ChangeOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard vcpus >= 0 else { throw ValidationError("--vcpus must be 0 or more") }
        guard !(dryRun && force) else { throw ValidationError("--dry-run stores nothing: drop --force") }
    }

    func execute() throws {
        let context = try PoolContext(database)
        let request = PoolRegister.Request(
            tenant: tenant, name: name ?? tenant, service: service, site: site,
            resources: Resources(vcpus: vcpus, memory: memory ?? ByteSize(bytes: 0), storage: storage ?? ByteSize(bytes: 0)))
        if dryRun {
            let decision = try context.register.check(request, at: Date())
            Terminal.print(
                (decision.accepted
                    ? "would fit in \(decision.site ?? "?")"
                    : "would be refused: " + decision.problems.joined(separator: "; ")
                        + (decision.fits ? " (it fits \(decision.site ?? "?"); --force would store it)" : "")) + "\n  "
                    + decision.figures.joined(separator: "\n  "))
            if !decision.accepted { throw ExitCode(1) }
            return
        }
        let (allocation, decision) = try context.register.allocate(request, force: force, by: change.author, why: change.why, at: Date())
        Terminal.print(
            "allocation \(allocation.id): \(allocation.resources.text) for \(allocation.tenant) in \(allocation.site)"
                + (allocation.forced ? " — FORCED past: " + decision.problems.joined(separator: "; ") : ""))
    }
}

struct PoolRelease: EdunetSubcommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Give an allocation back (it stays in the history).")
    @Argument(help: "The allocation's number (edunet pool allocations).") var id: Int64
    @OptionGroup var change: ChangeOptions
    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let released = try PoolContext(database).register.release(id, by: change.author, why: change.why, at: Date())
        Terminal.print("released allocation \(released.id): \(released.resources.text) of \(released.tenant) in \(released.site)")
    }
}
