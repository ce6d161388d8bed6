import Foundation
import Model
import Store

/// Turns a terminals CSV into a plan against the register: every problem of every row at once, or a plan of the
/// terminals to add and change (and how many rows match already, so that importing a file twice changes nothing
/// the second time).
enum TerminalImport {
    enum Field: String, CaseIterable, Sendable {
        case serial, mac, model, os, batch, purchased, warranty, school, state, holder
    }

    static let aliases: [Field: [String]] = [
        .serial: ["serial", "serial number", "sn", "序列号", "设备序列号", "序列号SN"],
        .mac: ["mac", "mac address", "wifi mac", "wi-fi mac", "wlan mac", "MAC地址", "无线MAC", "无线网卡MAC", "WiFi MAC地址"],
        .model: ["model", "型号", "设备型号", "终端型号"],
        .os: ["os", "os version", "system version", "系统版本", "操作系统", "操作系统版本"],
        .batch: ["batch", "批次", "采购批次"],
        .purchased: ["purchased", "purchase date", "采购日期", "购买日期", "购置日期"],
        .warranty: ["warranty", "warranty end", "保修截止", "保修到期", "保修截止日期", "保修期至"],
        .school: ["school", "学校", "所属学校"],
        .state: ["state", "status", "状态"],
        .holder: ["holder", "holder id", "持有人", "持有人编号", "学籍号", "工号"],
    ]

    static func plan(_ file: CSVFile, register: FleetStore.Register, schools: SchoolDirectory) throws(FleetError) -> FleetPlan {
        let columns = CSVColumns<Field>(header: file.header, aliases: aliases)
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        func at(_ row: CSVFile.Row, _ field: Field) -> SourceLocation {
            SourceLocation(file: file.path, line: row.line, column: columns.column(field))
        }
        problems += columns.missing([Field.serial, .school], in: file)
        guard problems.isEmpty else { throw invalid(file, problems) }
        let registeredMACs = register.terminals.values.reduce(into: [MACAddress: String]()) { owners, terminal in
            for mac in terminal.macs { owners[mac] = terminal.serial }
        }
        let serialsByKey = Dictionary(register.terminals.keys.map { ($0.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var seenSerials: [String: Int] = [:]
        var macsInFile: [MACAddress: (serial: String, line: Int)] = [:]
        var changes: [FleetStore.TerminalChange] = []
        var unchanged = 0
        for row in file.rows {
            guard let serial = columns.value(.serial, in: row) else {
                problems.append(Diagnostic("row without a serial number", at: at(row, .serial), help: "every terminal needs its serial (序列号)"))
                continue
            }
            // A row with a bad serial is still checked field by field, so that every problem is told at once.
            var usable = true
            if let first = seenSerials[serial.uppercased()] {
                problems.append(
                    Diagnostic(
                        "serial \(serial) is also on row \(first)", at: at(row, .serial), help: "a terminal is listed once; remove one of the rows"))
                usable = false
            } else {
                seenSerials[serial.uppercased()] = row.line
            }
            let existing = register.terminals[serial]
            if existing == nil, let registered = serialsByKey[serial.uppercased()] {
                problems.append(
                    Diagnostic(
                        "serial \(serial) is registered already as \(registered)", at: at(row, .serial),
                        help: "serials are compared without case; write it as \(registered)"))
                usable = false
            }
            var school: String?
            if let text = columns.value(.school, in: row) {
                school = schools.id(of: text)
                if school == nil {
                    problems.append(
                        Diagnostic(
                            "unknown school \"\(text)\"", at: at(row, .school),
                            help: schools.suggestion(for: text).map { "did you mean \($0)?" } ?? "use a school id or name from the inventory"))
                }
            } else {
                problems.append(Diagnostic("row without a school", at: at(row, .school), help: "name the school the terminal belongs to"))
            }
            if let existing, let school, existing.school != school {
                problems.append(
                    Diagnostic(
                        "terminal \(serial) is registered to \(existing.school), not \(school)", at: at(row, .school),
                        help: "an import does not move terminals: use `edunet fleet transfer \(serial) --to \(school)`"))
            }
            var macs: [MACAddress] = []
            var randomised = false
            for text in (columns.value(.mac, in: row) ?? "").split(whereSeparator: { ";|/， ,".contains($0) }) {
                guard let mac = MACAddress(parsing: text) else {
                    problems.append(
                        Diagnostic(
                            "\"\(text)\" is not a MAC address", at: at(row, .mac),
                            help: "write six pairs of hex digits, e.g. 3c:2e:f9:1a:2b:3c; several MACs are separated by ;"))
                    continue
                }
                if mac.isMulticast {
                    problems.append(
                        Diagnostic(
                            "\(mac) is a group (multicast) address, not a terminal's", at: at(row, .mac),
                            help: "copy the Wi-Fi MAC from the terminal's label"))
                    continue
                }
                if mac.isLocallyAdministered {
                    randomised = true
                    warnings.append(
                        Diagnostic(
                            "\(mac) of \(serial) is a randomised (private) address: it identifies no device and is not stored",
                            at: at(row, .mac),
                            help:
                                "turn the private MAC off for the teaching SSID (Android 10+ and iOS 14+ randomise per SSID by default; the MDM's Wi-Fi profile can force the hardware MAC), then import the hardware MAC",
                            isWarning: true))
                    continue
                }
                if let owner = registeredMACs[mac], owner != serial {
                    problems.append(
                        Diagnostic(
                            "MAC \(mac) is already on terminal \(owner)", at: at(row, .mac),
                            help: "a MAC belongs to one terminal; check which serial it is on"))
                    continue
                }
                if let other = macsInFile[mac], other.line != row.line {
                    problems.append(
                        Diagnostic(
                            "MAC \(mac) is also on row \(other.line) (\(other.serial))", at: at(row, .mac), help: "a MAC belongs to one terminal"))
                    continue
                }
                macsInFile[mac] = (serial, row.line)
                if !macs.contains(mac) { macs.append(mac) }
            }
            var state = existing?.state ?? .inStock
            if let text = columns.value(.state, in: row) {
                if let parsed = TerminalState(rawValue: text.lowercased()) ?? TerminalState.allCases.first(where: { $0.chinese == text }) {
                    if let existing, existing.state != parsed, !existing.state.canMove(to: parsed) {
                        problems.append(
                            Diagnostic(
                                "terminal \(serial) is \(existing.state.rawValue) and cannot become \(parsed.rawValue)", at: at(row, .state),
                                help: "from \(existing.state.rawValue) it may become " + allowedList(existing.state)))
                    }
                    state = parsed
                } else {
                    problems.append(
                        Diagnostic(
                            "unknown state \"\(text)\"", at: at(row, .state),
                            help: "one of " + TerminalState.allCases.map { "\($0.rawValue) (\($0.chinese))" }.joined(separator: ", ")))
                }
            }
            let holder = columns.value(.holder, in: row).map(PersonalID.init) ?? existing?.holder
            if state == .assigned, holder == nil {
                problems.append(
                    Diagnostic(
                        "terminal \(serial) is assigned but names no holder", at: at(row, .holder),
                        help: "give the holder's id, or leave the state in-stock and use `edunet fleet assign`"))
            }
            var dates: [Field: String] = [:]
            for field in [Field.purchased, .warranty] {
                guard let text = columns.value(field, in: row) else { continue }
                if let date = normalisedDate(text) {
                    dates[field] = date
                } else {
                    problems.append(Diagnostic("\"\(text)\" is not a date", at: at(row, field), help: "write it as 2024-09-01"))
                }
            }
            guard let school, usable else { continue }
            let terminal = Terminal(
                serial: serial, macs: macs.isEmpty ? existing?.macs ?? [] : macs, model: columns.value(.model, in: row) ?? existing?.model,
                osVersion: columns.value(.os, in: row) ?? existing?.osVersion, batch: columns.value(.batch, in: row) ?? existing?.batch,
                purchased: dates[.purchased] ?? existing?.purchased, warrantyEnd: dates[.warranty] ?? existing?.warrantyEnd, school: school,
                state: state, holder: state == .inStock || state == .retired ? nil : holder)
            if terminal.macs.isEmpty, !randomised {
                warnings.append(
                    Diagnostic(
                        "terminal \(serial) has no Wi-Fi MAC: the network cannot tell when it is used", at: at(row, .mac),
                        help: "add its hardware MAC (Settings → About → Wi-Fi address)", isWarning: true))
            }
            if let existing, existing.registerFields == terminal {
                unchanged += 1
            } else {
                changes.append(.init(serial: serial, before: existing?.registerFields, after: terminal))
            }
        }
        guard problems.isEmpty else { throw invalid(file, problems) }
        var plan = FleetPlan(kind: "import-terminals", changes: changes, basedOn: register.version)
        plan.unchanged = unchanged
        plan.warnings = warnings
        return plan
    }

    static func invalid(_ file: CSVFile, _ problems: [Diagnostic]) -> FleetError {
        FleetError(
            .invalidFile,
            "\(file.path): \(problems.count) problem\(problems.count == 1 ? "" : "s") (read as \(file.encoding.rawValue)); nothing was stored",
            diagnostics: problems.sortedByLocation())
    }

    static func allowedList(_ state: TerminalState) -> String {
        state.allowed.isEmpty ? "nothing (it is final)" : state.allowed.map(\.rawValue).joined(separator: ", ")
    }

    /// `2024-09-01`, `2024/9/1`, `2024.09.01` → `2024-09-01`; nil for anything else.
    static func normalisedDate(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { "-/.".contains($0) }).compactMap { Int($0) }
        guard parts.count == 3, (1900...2200).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
    }
}
