import ArgumentParser
import Fleet
import Foundation
import Model
import Pool
import Reports
import Store

@main
struct Edunet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edunet",
        abstract: "Work with the city school network: inventory, schools, devices.",
        discussion: """
            The inventory (inventory/*.yaml) and the plan's policies (policies/*.yaml) are validated, then applied to \
            the database as a revision. Listings read the applied revision.

              edunet inventory validate          check inventory/ and policies/, print every problem
              edunet inventory apply             store them as a new revision
              edunet counties list               schools, devices and links per county
              edunet schools list --county yongning --kind primary
              edunet devices show xixia-vocational-12-core

            Exit status: 0 success; 1 a problem was found (invalid inventory, unknown id, a failing finding); \
            3 the database could not be opened or written; 64 wrong usage (an unknown option or a value not allowed).
            """,
        subcommands: [
            InventoryCommand.self, CountiesCommand.self, SchoolsCommand.self, DevicesCommand.self, LinksCommand.self, AccessPointsCommand.self,
            FleetCommand.self, PoolCommand.self, ReportCommand.self, AlertsCommand.self, SNMPCommand.self, PollCommand.self, StatusCommand.self,
            CaptureCommand.self, SecurityCommand.self, ProvisionCommand.self, TokensCommand.self,
        ]
    )
}

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("SQLite database file (default: $EDUNET_DB, else ./edunet.sqlite).", valueName: "path"))
    var path: String?

    var resolvedPath: String { path ?? ProcessInfo.processInfo.environment["EDUNET_DB"] ?? "edunet.sqlite" }

    func open() throws(StoreError) -> InventoryStore { try InventoryStore(path: resolvedPath) }

    func openDatabase() throws(StoreError) -> StoreDatabase { try StoreDatabase(path: resolvedPath) }
}

/// Options naming the inventory and policy directories.
struct SourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Inventory directory (all .yaml files below it are read).", valueName: "dir"))
    var inventory = "inventory"

    @Option(help: ArgumentHelp("Policies directory (bandwidth-tiers.yaml, fleet.yaml, security.yaml, alerting.yaml, pool.yaml).", valueName: "dir"))
    var policies = "policies"

    func load() throws(ModelError) -> CityConfiguration {
        try ConfigurationLoader.load(inventoryDirectory: inventory, policiesDirectory: policies)
    }
}

/// Options for listings.
struct FormatOptions: ParsableArguments {
    @Option(help: "Output format: table, json or csv (UTF-8 with BOM, for Excel).")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// A command whose failures print a clear message on stderr and exit with a status scripts can trust.
protocol EdunetSubcommand: ParsableCommand {
    func execute() throws
}

extension EdunetSubcommand {
    func run() throws {
        do { try execute() } catch { throw CommandFailure.exit(for: error) }
    }
}

/// A subcommand that waits on the network (SNMP), with the same errors and exit codes.
protocol AsyncEdunetSubcommand: AsyncParsableCommand {
    func execute() async throws
}

extension AsyncEdunetSubcommand {
    func run() async throws {
        do { try await execute() } catch { throw CommandFailure.exit(for: error) }
    }
}

/// How the libraries' errors reach the user: the message on stderr and an exit code scripts can trust.
enum CommandFailure {
    /// Prints `error` and returns the exit that stands for it; errors of no library pass through (argument errors).
    static func exit(for error: any Error) -> any Error {
        switch error {
        case let error as ModelError:
            Terminal.error(error.description)
            return ExitCode(1)
        case let error as StoreError:
            Terminal.error("error: \(error.message)")
            return ExitCode(exitCode(error))
        case let error as FleetError:
            Terminal.error(error.description)
            return ExitCode(error.storeError.map(exitCode) ?? 1)
        case let error as PoolError:
            Terminal.error(error.description)
            return ExitCode(error.code == .store ? 3 : 1)
        default:
            return error
        }
    }

    /// 1 for what the user can fix (an unknown id, no inventory yet, a change planned on an older register), 3 for the database.
    static func exitCode(_ error: StoreError) -> Int32 {
        error.code == .notFound || error.code == .noInventory || error.code == .conflict ? 1 : 3
    }
}

/// Where output goes: results to stdout, problems to stderr.
enum Terminal {
    static func print(_ text: String) { FileHandle.standardOutput.write(line(text)) }

    static func error(_ text: String) { FileHandle.standardError.write(line(text)) }

    /// `text` ending in one line break: its own (CSV's CRLF, which Swift counts as one character, not as "\n"), or one added.
    private static func line(_ text: String) -> Data { Data((text.utf8.last == UInt8(ascii: "\n") ? text : text + "\n").utf8) }
}
