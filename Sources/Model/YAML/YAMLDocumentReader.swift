import Foundation
import Yams

/// Reads YAML files into located values, turning syntax errors into diagnostics with their position.
enum YAMLDocumentReader {
    /// The root of `path`, shown in diagnostics as `displayPath`; `nil` (with a logged diagnostic) when unreadable.
    static func read(path: String, displayPath: String, log: DiagnosticLog) -> YAMLValue? {
        guard let data = FileManager.default.contents(atPath: path) else {
            log.error(
                "cannot read file", at: SourceLocation(file: displayPath, line: 1, column: 1),
                help: "check that the file exists and is readable")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.error(
                "file is not UTF-8 text", at: SourceLocation(file: displayPath, line: 1, column: 1),
                help: "save the file as UTF-8")
            return nil
        }
        return parse(text, displayPath: displayPath, log: log)
    }

    static func parse(_ text: String, displayPath: String, log: DiagnosticLog) -> YAMLValue? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return YAMLValue(node: Node.mapping(Node.Mapping([])), file: displayPath, log: log)
            }
            return YAMLValue(node: node, file: displayPath, log: log)
        } catch let error as YamlError {
            report(error, file: displayPath, log: log)
        } catch {
            log.error("cannot parse YAML: \(error)", at: SourceLocation(file: displayPath, line: 1, column: 1))
        }
        return nil
    }

    private static func report(_ error: YamlError, file: String, log: DiagnosticLog) {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        let help = "fix the YAML syntax here (indentation, a missing `:` or an unclosed quote or bracket)"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            log.error("YAML syntax: \(prefix)\(problem)", at: at(mark), help: help)
        case .duplicatedKeysInMapping(let duplicates, let context):
            log.error(
                "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) in one mapping",
                at: at(context.mark), help: "each key may appear once; merge or remove the repeated one")
        case .reader(let problem, _, _, _):
            log.error("YAML reader: \(problem)", at: SourceLocation(file: file, line: 1, column: 1), help: help)
        default:
            log.error("cannot parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1), help: help)
        }
    }

    /// Every `.yaml`/`.yml` file below `directory`, sorted, with the path to show for each.
    static func files(in directory: String) -> [(path: String, displayPath: String)]? {
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            let enumerator = FileManager.default.enumerator(atPath: directory)
        else { return nil }
        var result: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
            let display = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            result.append((root.appendingPathComponent(relative).path, display))
        }
        return result.sorted { $0.1 < $1.1 }
    }
}
