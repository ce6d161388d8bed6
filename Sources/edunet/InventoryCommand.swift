import ArgumentParser
import Foundation
import Model
import Reports
import Store

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Validate, apply, compare and list revisions of the inventory.",
        subcommands: [Validate.self, Apply.self, Diff.self, History.self]
    )

    struct Validate: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Check inventory/ and policies/ and report every problem as file:line:column. Writes nothing.",
            discussion: "Exit status 0 only when both are clean; 1 when anything is wrong."
        )
        @OptionGroup var sources: SourceOptions

        func execute() throws {
            let configuration = try sources.load()
            Terminal.print(
                "ok: " + InventoryCommand.counts(configuration.inventory) + " — valid against \(ConfigurationLoader.policyFiles.count) policy files")
        }
    }

    struct Apply: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the inventory and store it as a new revision (all or nothing).",
            discussion: "Nothing is written when validation fails or nothing changed; the previous revision stays in force."
        )
        @OptionGroup var sources: SourceOptions
        @OptionGroup var database: DatabaseOptions
        @Flag(name: .shortAndLong, help: "List every added, changed and removed entity, however many.")
        var verbose = false

        func execute() throws {
            let configuration = try sources.load()
            let store = try database.open()
            let (change, revision) = try store.apply(configuration, source: "\(sources.inventory) + \(sources.policies)", at: Date())
            guard let revision else {
                Terminal.print("no changes: the current revision already matches \(sources.inventory)")
                return
            }
            Terminal.print(
                "revision \(revision.number) applied to \(database.resolvedPath): "
                    + "\(revision.added) added, \(revision.changed) changed, \(revision.removed) removed")
            Terminal.print(ChangeRendering.render(change, verbose: verbose))
        }
    }

    struct Diff: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what `apply` would add, change and remove, without applying.",
            discussion: "Exit status 0 when there are no differences, 1 when there are (like diff(1))."
        )
        @OptionGroup var sources: SourceOptions
        @OptionGroup var database: DatabaseOptions
        @Flag(name: .shortAndLong, help: "List every entity, however many.")
        var verbose = false

        func execute() throws {
            let change = try database.open().diff(try sources.load())
            guard !change.isEmpty else {
                Terminal.print("no differences")
                return
            }
            Terminal.print("\(change.count(.added)) to add, \(change.count(.changed)) to change, \(change.count(.removed)) to remove")
            Terminal.print(ChangeRendering.render(change, verbose: verbose))
            throw ExitCode(1)
        }
    }

    struct History: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "List applied revisions, newest first.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let revisions = try database.open().history()
            let listing = Listing(
                columns: [
                    .init("修订 Rev", key: "revision", numeric: true), .init("应用时间 Applied", key: "applied_at"),
                    .init("新增", key: "added", numeric: true), .init("修改", key: "changed", numeric: true),
                    .init("删除", key: "removed", numeric: true), .init("来源 Source", key: "source"),
                ],
                rows: revisions.map {
                    [String($0.number), CityTime.second($0.appliedAt), String($0.added), String($0.changed), String($0.removed), $0.source]
                },
                json: { try JSONDocument.encode(schema: "edunet.revisions/v1", key: "revisions", revisions) })
            Terminal.print(try listing.render(output.format))
        }
    }

    static func counts(_ inventory: Inventory) -> String {
        "\(inventory.counties.count) counties, \(inventory.schools.count) schools, \(inventory.devices.count) devices, "
            + "\(inventory.links.count) links, \(inventory.snmpProfiles.count) SNMP profiles, "
            + "\(inventory.computePool.sites.count) cloud sites, \(inventory.computePool.hosts.count) cloud hosts, "
            + "\(inventory.computePool.storagePools.count) storage pools, \(inventory.computePool.services.count) cloud services, "
            + "\(inventory.computePool.platforms.count) platforms"
    }
}

/// Prints an inventory change: one line per entity, or per kind when the change is large.
enum ChangeRendering {
    static let listLimit = 40

    static func render(_ change: InventoryChange, verbose: Bool) -> String {
        if !verbose, change.entries.count > listLimit {
            var lines: [String] = []
            for action in [InventoryChange.Entry.Action.added, .changed, .removed] {
                let byKind = Dictionary(grouping: change.entries.filter { $0.action == action }, by: \.kind)
                let parts = EntityKind.allCases.compactMap { kind in byKind[kind].map { "\($0.count) \(kind.rawValue)" } }
                if !parts.isEmpty { lines.append("  \(action.rawValue): " + parts.joined(separator: ", ")) }
            }
            return (lines + ["  (--verbose lists every entity)"]).joined(separator: "\n")
        }
        let table = TextTable(
            columns: [.init(""), .init("kind"), .init("id"), .init("name / fields")],
            rows: change.entries.map { entry in
                let mark =
                    switch entry.action {
                    case .added: "+"
                    case .changed: "~"
                    case .removed: "-"
                    }
                let detail =
                    entry.action == .changed
                    ? entry.fields.map { "\($0.name): \($0.old) → \($0.new)" }.joined(separator: "; ")
                    : entry.label
                return [mark, entry.kind.rawValue, entry.id, detail]
            })
        return table.render()
    }
}
