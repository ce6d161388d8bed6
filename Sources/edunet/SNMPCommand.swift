import ArgumentParser
import Foundation
import Model
import Reports
import SNMP
import Store

struct SNMPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snmp",
        abstract: "Ask a device over SNMP: get, walk, table, set (diagnostics).",
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
        subcommands: [Get.self, Walk.self, Table.self, Set.self]
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

extension SNMPCommand {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write values (SET), as snmpset does: OID TYPE VALUE, one or more.",
            discussion: """
                TYPE: i Integer32, u Gauge32/Unsigned32, t TimeTicks, a IpAddress, o OID, s string (UTF-8), x hex bytes \
                (\"0a 1b\" or 0a1b). All the values are written together, or none (the agent commits a SET whole). With \
                --device, the device's `snmp_write_profile` from the inventory is used: writes never use the polling profile.

                  edunet snmp set 127.21.0.3:161 --community-env WRITE 1.3.6.1.2.1.1.6.0 s "兴庆区 机房 3"
                  edunet snmp set --device xq-01-acc1 1.3.6.1.2.1.31.1.1.1.18.3 s "xq-01 uplink to agg-xingqing"

                Exit status: 0 written (the agent's answer is printed); 1 refused (the status, e.g. notWritable or \
                noAccess, and the object are named) or no answer; 64 wrong usage.
                """)
        @OptionGroup var device: DeviceOptions
        @Argument(help: "HOST[:PORT] (unless --device), then OID TYPE VALUE for each object.") var arguments: [String] = []

        func run() async throws {
            var rest = arguments
            let target = try device.target(consuming: &rest, write: true)
            guard !rest.isEmpty, rest.count % 3 == 0 else {
                throw ValidationError("give OID TYPE VALUE for each object to write, e.g. 1.3.6.1.2.1.1.6.0 s \"room 3\"")
            }
            let varbinds = try stride(from: 0, to: rest.count, by: 3).map { try Self.varbind(rest[$0], rest[$0 + 1], rest[$0 + 2]) }
            let engine = SNMPEngine()
            do {
                device.print(try await engine.set(target, varbinds))
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(1)
            }
        }

        /// One object to write from the command line's three words.
        static func varbind(_ oidText: String, _ type: String, _ text: String) throws -> VarBind {
            guard let oid = OID(parsing: oidText) else { throw ValidationError("`\(oidText)` is not a numeric OID (e.g. 1.3.6.1.2.1.1.6.0)") }
            func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
                guard let value = T(text) else {
                    throw ValidationError("`\(text)` is not a \(T.self == Int32.self ? "32-bit integer" : "32-bit unsigned number") for \(oidText)")
                }
                return value
            }
            let value: SNMPValue
            switch type {
            case "i": value = .integer32(try number(Int32.self))
            case "u": value = .gauge32(try number(UInt32.self))
            case "t": value = .timeTicks(try number(UInt32.self))
            case "s": value = .octetString(Array(text.utf8))
            case "a":
                guard let address = IPAddress(text), address.isIPv4 else { throw ValidationError("`\(text)` is not an IPv4 address for \(oidText)") }
                value = .ipAddress(address.bytes)
            case "o":
                guard let target = OID(parsing: text) else { throw ValidationError("`\(text)` is not a numeric OID for \(oidText)") }
                value = .objectIdentifier(target)
            case "x":
                let digits = text.filter { !$0.isWhitespace }
                let bytes = stride(from: 0, to: digits.count, by: 2).compactMap { index -> UInt8? in
                    let start = digits.index(digits.startIndex, offsetBy: index)
                    return UInt8(digits[start..<(digits.index(start, offsetBy: 2, limitedBy: digits.endIndex) ?? digits.endIndex)], radix: 16)
                }
                guard digits.count % 2 == 0, bytes.count == digits.count / 2 else {
                    throw ValidationError("`\(text)` is not hex bytes for \(oidText)")
                }
                value = .octetString(bytes)
            default:
                throw ValidationError("`\(type)` is not a type: use i, u, t, a, o, s or x")
            }
            return VarBind(oid: oid, value: value)
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

    /// The device to ask: `--device ID`, else the first argument (HOST[:PORT]), which is then removed. To `write`, a
    /// device of the inventory is reached with its write profile.
    func target(consuming arguments: inout [String], write: Bool = false) throws -> SNMPTarget {
        var target: SNMPTarget
        if let device {
            target = try inventoryTarget(device, write: write)
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
    private func inventoryTarget(_ id: String, write: Bool) throws -> SNMPTarget {
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
        if write && device.snmpWriteProfile == nil {
            throw ValidationError(
                "device `\(id)` has no `snmp_write_profile` in the inventory: writes use a profile of their own (a write community or a "
                    + "read-write v3 user), never the polling one")
        }
        guard let profile = configuration.inventory.snmpProfiles.first(where: { $0.id == (write ? device.snmpWriteProfile : device.snmpProfile) })
        else {
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
