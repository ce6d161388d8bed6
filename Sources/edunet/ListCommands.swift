import ArgumentParser
import Foundation
import Model
import Reports
import Store

struct CountiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counties", abstract: "County summary of the applied inventory.", subcommands: [List.self], defaultSubcommand: List.self)

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Schools, students, teachers, devices and links per county, with the city total.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let configuration = try database.open().currentConfiguration()
            Terminal.print(try InventoryListings.countySummary(configuration.inventory).render(output.format))
        }
    }
}

struct SchoolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schools", abstract: "List and show schools.", subcommands: [List.self, Show.self])

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "List schools, optionally of one county and kind.")
        @Option(help: "Only schools of this county id (e.g. yongning).") var county: String?
        @Option(help: ArgumentHelp("Only schools of this kind.", valueName: "kind")) var kind: SchoolKind?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let store = try database.open()
            let schools = try store.schools(county: county, kind: kind)
            let counties = try store.counties()
            if let county, !counties.contains(where: { $0.id == county }) {
                throw StoreError(.notFound, "no county with id `\(county)`; `edunet counties list` shows the ids")
            }
            Terminal.print(try InventoryListings.schools(schools, counties: counties).render(output.format))
        }
    }

    struct Show: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Show one school: details, Wi-Fi areas, devices and links.")
        @Argument(help: "The school id.") var id: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let store = try database.open()
            let school = try store.school(id: id)
            let devices = try store.devices(school: id)
            let deviceIDs = Set(devices.map(\.id))
            let links = try store.links().filter { deviceIDs.contains($0.a.device) || deviceIDs.contains($0.b.device) }
            let county = try store.counties().first { $0.id == school.county }
            let detail = SchoolDetail(school: school, county: county, devices: devices, links: links)
            Terminal.print(output.format == .json ? String(decoding: try detail.json(), as: UTF8.self) : detail.text())
        }
    }
}

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List and show devices.", subcommands: [List.self, Show.self])

    struct List: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "List devices, optionally of one school and role.")
        @Option(help: "Only devices of this school id.") var school: String?
        @Option(help: ArgumentHelp("Only devices of this role.", valueName: "role")) var role: DeviceRole?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let store = try database.open()
            if let school { _ = try store.school(id: school) }
            Terminal.print(try InventoryListings.devices(try store.devices(school: school, role: role)).render(output.format))
        }
    }

    struct Show: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Show one device and the planned links at its interfaces.")
        @Argument(help: "The device id.") var id: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func execute() throws {
            let store = try database.open()
            let device = try store.device(id: id)
            let links = try store.links().filter { $0.a.device == id || $0.b.device == id }
            let detail = DeviceDetail(device: device, links: links)
            Terminal.print(output.format == .json ? String(decoding: try detail.json(), as: UTF8.self) : detail.text())
        }
    }
}

extension SchoolKind: ExpressibleByArgument {}
extension DeviceRole: ExpressibleByArgument {}
