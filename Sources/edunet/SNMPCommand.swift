import ArgumentParser
import Foundation
import Model
import Reports
import SNMP
import Store

struct SNMPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snmp",
        abstract: "Ask a device over SNMP: get, walk, table (diagnostics).",
        discussion: """
            A device is given as HOST[:PORT] with credentials, or as --device ID from the applied inventory \
            (its management address and SNMP profile, secrets read from the environment or files).

              edunet snmp get 127.3.1.1 1.3.6.1.2.1.1.5.0 --community-env EDUNET_SNMP_COMMUNITY
              edunet snmp walk --device xingqing-primary-01-core 1.3.6.1.2.1.31.1.1.1.6
              edunet snmp table 127.0.0.1:1161 1.3.6.1.2.1.2.2 --v3-user poller --auth-protocol SHA-256 \\
                  --auth-key-env AUTH --priv-protocol AES-128 --priv-key-file /etc/edunet/priv.key

            Exit status: 0 answered; 1 the device did not answer or refused (the message says what to check); \
            64 wrong usage.
            """,
        subcommands: [Get.self, Walk.self, Table.self]
    )

    struct Get: SNMPSubcommand {
        static let configuration = CommandConfiguration(abstract: "Get the values of exact OIDs.")
        @OptionGroup var device: DeviceOptions
        @Argument(help: "HOST[:PORT] (unless --device), then one or more OIDs, e.g. 1.3.6.1.2.1.1.5.0.")
        var arguments: [String] = []

        func perform(_ engine: SNMPEngine, _ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError) {
            let varbinds = try await engine.get(target, oids)
            device.print(varbinds)
        }
    }

    struct Walk: SNMPSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk every object under an OID (GET-BULK; GET-NEXT for v1).",
            discussion: """
                When nothing lies under the OID, it is asked for with a GET, as snmpwalk does: a leaf such as \
                1.3.6.1.2.1.1.5.0 is printed; otherwise "No Such Object" is said on stderr and the exit status is 1.
                """)
        @OptionGroup var device: DeviceOptions
        @Option(help: "Objects asked for per GET-BULK request.") var maxRepetitions = 25
        @Argument(help: "HOST[:PORT] (unless --device), then the OID to walk.")
        var arguments: [String] = []

        func perform(_ engine: SNMPEngine, _ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError) {
            guard oids.count == 1 else { throw SNMPError(.invalidRequest, device: target.description, "walk takes one OID") }
            var printed = 0
            try await engine.walk(target, oids[0], maxRepetitions: maxRepetitions) { batch in
                printed += batch.count
                device.print(batch)
            }
            guard printed == 0 else { return }
            let leaf = try await engine.get(target, [oids[0]]).filter { !$0.value.isException }
            guard !leaf.isEmpty else {
                throw SNMPError(
                    .noSuchName, device: target.description, "No Such Object available on this agent at \(oids[0]) (nothing under it either)")
            }
            device.print(leaf)
        }
    }

    struct Table: SNMPSubcommand {
        static let configuration = CommandConfiguration(abstract: "Fetch a table (e.g. 1.3.6.1.2.1.2.2 ifTable) as rows by index.")
        @OptionGroup var device: DeviceOptions
        @Option(help: "Objects asked for per GET-BULK request.") var maxRepetitions = 25
        @Argument(help: "HOST[:PORT] (unless --device), then the table's OID.")
        var arguments: [String] = []

        func perform(_ engine: SNMPEngine, _ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError) {
            guard oids.count == 1 else { throw SNMPError(.invalidRequest, device: target.description, "table takes one OID") }
            let table = try await engine.table(target, oids[0], maxRepetitions: maxRepetitions)
            switch device.format {
            case .json:
                for row in table.rows {
                    let cells = table.columns.compactMap { column in row.cells[column].map { (column, $0) } }
                        .map {
                            "\"\($0.0)\":" + VarBind(oid: OID(table.entry.appending($0.0).components + row.index.components), value: $0.1).jsonLine
                        }
                    Terminal.print("{\"index\":\"\(row.index)\",\"columns\":{" + cells.joined(separator: ",") + "}}")
                }
            case .text:
                let text = TextTable(
                    columns: [.init("index")] + table.columns.map { .init(String($0)) },
                    rows: table.rows.map { row in
                        [row.index.description] + table.columns.map { row.cells[$0]?.displayText ?? "" }
                    })
                Terminal.print(text.render())
            }
        }
    }
}

/// An `edunet snmp` command: resolve the device and credentials, run, map failures to exit status 1.
protocol SNMPSubcommand: AsyncParsableCommand {
    var device: DeviceOptions { get }
    var arguments: [String] { get }
    func perform(_ engine: SNMPEngine, _ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError)
}

extension SNMPSubcommand {
    func run() async throws {
        let (target, oids) = try device.resolve(arguments)
        let engine = SNMPEngine()
        do {
            try await perform(engine, target, oids)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}

enum SNMPOutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

/// Which device to ask and how to authenticate, from the command line or from the inventory.
struct DeviceOptions: ParsableArguments {
    @Option(help: "A device of the applied inventory: its address, port and SNMP profile are used.") var device: String?
    @OptionGroup var database: DatabaseOptions

    @Option(help: "SNMP version when no v3 user is given: 1 or 2c.") var version: String = "2c"
    @Option(help: "Community, on the command line (lab use: it shows in ps and shell history).") var community: String?
    @Option(help: ArgumentHelp("Read the community from this environment variable.", valueName: "name")) var communityEnv: String?
    @Option(help: ArgumentHelp("Read the community from this file.", valueName: "path")) var communityFile: String?

    @Option(help: "SNMPv3 user name (selects v3).") var v3User: String?
    @Option(help: "v3 authentication: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.") var authProtocol: String?
    @Option(help: "v3 authentication passphrase (lab use).") var authKey: String?
    @Option(help: ArgumentHelp("Read the authentication passphrase from this environment variable.", valueName: "name")) var authKeyEnv: String?
    @Option(help: ArgumentHelp("Read the authentication passphrase from this file.", valueName: "path")) var authKeyFile: String?
    @Option(help: "v3 privacy: DES, AES-128, AES-192, AES-256.") var privProtocol: String?
    @Option(help: "v3 privacy passphrase (lab use).") var privKey: String?
    @Option(help: ArgumentHelp("Read the privacy passphrase from this environment variable.", valueName: "name")) var privKeyEnv: String?
    @Option(help: ArgumentHelp("Read the privacy passphrase from this file.", valueName: "path")) var privKeyFile: String?

    @Option(help: "Seconds to wait for each attempt.") var timeout: Double = 2
    @Option(help: "Resends after the first attempt.") var retries: Int = 2
    @Option(help: "Output: text (OID = Type: value) or json (one object per line).") var format: SNMPOutputFormat = .text

    func print(_ varbinds: [VarBind]) {
        guard !varbinds.isEmpty else { return }
        Terminal.print(varbinds.map { format == .json ? $0.jsonLine : $0.textLine }.joined(separator: "\n"))
    }

    /// The device to ask: `--device ID`, else the first argument (HOST[:PORT]), which is then removed.
    func target(consuming arguments: inout [String]) throws -> SNMPTarget {
        var target: SNMPTarget
        if let device {
            target = try inventoryTarget(device)
        } else {
            guard let first = arguments.first else { throw ValidationError("give the device as HOST[:PORT], or --device ID") }
            arguments.removeFirst()
            let (host, port) = try Self.endpoint(first)
            target = SNMPTarget(host: host, port: port, credentials: try commandLineCredentials())
        }
        target.timeout = .milliseconds(Int(timeout * 1000))
        target.retries = max(0, retries)
        return target
    }

    /// The target and the OIDs from the arguments; a usage error names what is wrong.
    func resolve(_ arguments: [String]) throws -> (SNMPTarget, [OID]) {
        var rest = arguments
        let target = try target(consuming: &rest)
        guard !rest.isEmpty else { throw ValidationError("give at least one OID, e.g. 1.3.6.1.2.1.1.5.0") }
        let oids = try rest.map { text -> OID in
            guard let oid = OID(parsing: text) else {
                throw ValidationError("`\(text)` is not a numeric OID (e.g. 1.3.6.1.2.1.1.5.0; MIB names are not used)")
            }
            return oid
        }
        return (target, oids)
    }

    static func endpoint(_ text: String) throws -> (String, UInt16) {
        var host = text
        var port: UInt16 = 161
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let tail = text[text.index(after: close)...]
            if tail.hasPrefix(":") { port = try parsePort(String(tail.dropFirst()), in: text) }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            port = try parsePort(String(text[text.index(after: colon)...]), in: text)
        }
        guard IPAddress(host) != nil else {
            throw ValidationError("`\(text)` is not HOST[:PORT] with an IP address (e.g. 127.3.1.1:161 or [::1]:161)")
        }
        return (host, port)
    }

    private static func parsePort(_ text: String, in whole: String) throws -> UInt16 {
        guard let port = UInt16(text), port > 0 else { throw ValidationError("`\(whole)`: the port must be 1–65535") }
        return port
    }

    private func secret(inline: String?, env: String?, file: String?, what: String, option: String) throws -> String? {
        let given = [inline != nil, env != nil, file != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give the \(what) once: --\(option), --\(option)-env or --\(option)-file") }
        if let inline { return inline }
        let reference: SecretReference? = env.map(SecretReference.environment) ?? file.map(SecretReference.file)
        do { return try reference?.resolve() } catch { throw ValidationError("\(what): \(error)") }
    }

    private func commandLineCredentials() throws -> SNMPCredentials {
        if let user = v3User {
            let authPass = try secret(inline: authKey, env: authKeyEnv, file: authKeyFile, what: "authentication passphrase", option: "auth-key")
            let privPass = try secret(inline: privKey, env: privKeyEnv, file: privKeyFile, what: "privacy passphrase", option: "priv-key")
            var usm = USMUser(name: user)
            if let authPass {
                guard let name = authProtocol ?? "SHA" as String?, let proto = USMUser.AuthProtocol(rawValue: name.uppercased()) else {
                    throw ValidationError("unknown --auth-protocol; use MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512")
                }
                usm.auth = (proto, authPass)
            }
            if let privPass {
                guard usm.auth != nil else { throw ValidationError("privacy needs authentication: add --auth-key (or -env / -file)") }
                guard let proto = USMUser.PrivacyProtocol(rawValue: (privProtocol ?? "AES-128").uppercased()) else {
                    throw ValidationError("unknown --priv-protocol; use DES, AES-128, AES-192 or AES-256")
                }
                usm.privacy = (proto, privPass)
            }
            return .v3(usm)
        }
        guard let community = try secret(inline: community, env: communityEnv, file: communityFile, what: "community", option: "community") else {
            throw ValidationError("give credentials: --community-env NAME, --community-file PATH (or --community VALUE), or --v3-user")
        }
        switch version {
        case "1": return .v1(community: community)
        case "2c", "2": return .v2c(community: community)
        default: throw ValidationError("--version must be 1 or 2c (v3 is chosen with --v3-user)")
        }
    }

    /// The device's address and its SNMP profile from the applied inventory, secrets resolved now.
    private func inventoryTarget(_ id: String) throws -> SNMPTarget {
        let configuration: CityConfiguration
        let device: Device
        do {
            let store = try database.open()
            device = try store.device(id: id)
            configuration = try store.currentConfiguration()
        } catch {
            Terminal.error("error: \(error.message)")
            throw ExitCode(1)
        }
        guard let management = device.management else {
            throw ValidationError("device `\(id)` has no management address (it is reached through \(device.controller ?? "its controller"))")
        }
        guard let profile = configuration.inventory.snmpProfiles.first(where: { $0.id == device.snmpProfile }) else {
            throw ValidationError("device `\(id)` has no SNMP profile")
        }
        do {
            return SNMPTarget(
                host: management.address.description, port: UInt16(management.port),
                credentials: try profile.credentials(), name: id)
        } catch {
            throw ValidationError("SNMP profile `\(profile.id)`: \(error)")
        }
    }
}
