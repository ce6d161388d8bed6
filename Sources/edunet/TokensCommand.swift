import API
import ArgumentParser
import Foundation
import Model
import Reports
import Store

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "API tokens for edunetd's /api/v1: create (shown once), list, revoke.",
        discussion: """
            A token is `edn_` with 30 random characters and a checksum; only a keyed hash of it is stored (the key is \
            DATABASE.token-key, beside the database, mode 0600). Scopes: read; operate (acknowledge alerts); admin. A \
            token limited to counties sees their schools, devices, findings and alerts only; anything else is "not found".

              edunet tokens create --name yongning-noc --scope operate --county yongning --expires 90d
              edunet tokens create --name ledger --scope read
              edunet tokens list
              edunet tokens revoke yongning-noc
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it once (it cannot be shown again).",
            discussion: "Exit status: 0 made; 1 the name is taken or a county is unknown; 3 the database or the key file.")
        @Option(help: "A name for people (a team, a system): unique; the API's audit log records it.") var name: String
        @Option(help: "read, operate or admin.") var scope: APIScope = .read
        @Option(help: "Limit the token to this county (repeat for several); the whole city when left out.") var county: [String] = []
        @Option(help: "Expire after this long (90d, 12h); never when left out.") var expires: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must say whose token it is") }
            if let expires, WindowOptions.seconds(expires) == nil {
                throw ValidationError("--expires `\(expires)` takes a number and a unit: 90d, 12h")
            }
        }

        func execute() throws {
            let db = try database.openDatabase()
            if !county.isEmpty {
                let known = Set(try InventoryStore(database: db).counties().map(\.id))
                for id in county where !known.contains(id) {
                    throw StoreError(.notFound, "no county `\(id)`; `edunet counties list` lists them")
                }
            }
            let key: TokenKey
            do { key = try TokenKey.beside(database: database.resolvedPath, create: true) } catch {
                Terminal.error("error: \(error.description)")
                throw ExitCode(3)
            }
            var random = SystemRandomNumberGenerator()
            let secret = TokenCodec.generate(using: &random)
            let now = Date()
            try APITokenStore(database: db).create(
                APIToken(
                    name: name, hint: TokenCodec.hint(secret), scope: scope, counties: county.sorted(), createdAt: now,
                    expiresAt: expires.flatMap(WindowOptions.seconds).map { now.addingTimeInterval($0) }),
                hash: TokenCodec.hash(secret, key: key))
            Terminal.print(secret)
            Terminal.error(
                "token `\(name)` (\(scope.rawValue), \(county.isEmpty ? "the whole city" : county.sorted().joined(separator: ", "))): shown once; keep it where secrets are kept"
            )
        }
    }

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Every token: name, hint, scope, counties, made, expires, revoked.")
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            let tokens = try APITokenStore(database: try database.openDatabase()).tokens()
            let listing = Listing(
                columns: [
                    .init("名称 Name", key: "name"), .init("开头 Hint", key: "hint"), .init("权限 Scope", key: "scope"),
                    .init("区县 Counties", key: "counties"), .init("创建 Made", key: "created"), .init("到期 Expires", key: "expires"),
                    .init("吊销 Revoked", key: "revoked"),
                ],
                rows: tokens.map { token in
                    [
                        token.name, token.hint, token.scope.rawValue, token.counties.isEmpty ? "all" : token.counties.joined(separator: ","),
                        CityTime.minute(token.createdAt), token.expiresAt.map(CityTime.minute) ?? "never", token.revokedAt.map(CityTime.minute) ?? "",
                    ]
                }
            ) { try JSONDocument.encode(schema: "edunet.tokens/v1", key: "tokens", tokens) }
            Terminal.print(try listing.render(format))
        }
    }

    struct Revoke: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: the API refuses it from the next request on.", discussion: "Exit status: 0 revoked; 1 no such token in use.")
        @Argument(help: "The token's name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func execute() throws {
            try APITokenStore(database: try database.openDatabase()).revoke(name: name, at: Date())
            Terminal.error("token `\(name)` revoked")
        }
    }
}

extension APIScope: ExpressibleByArgument {}
