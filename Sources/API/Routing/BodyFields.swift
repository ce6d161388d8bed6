import Foundation
import Hummingbird

/// A write's JSON body, read field by field: each field is checked for its type and range on its own, so that a
/// problem names the field that is missing or wrong (`"field": "hours"`) rather than saying only that the body is bad.
struct BodyFields {
    /// A JSON value as sent, with booleans, numbers and strings kept apart (`1` is not `true`).
    enum Value: Decodable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let value = try? single.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? single.decode(Double.self) {
                self = .number(value)
            } else if let value = try? single.decode(String.self) {
                self = .string(value)
            } else if let value = try? single.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try single.decode([String: Value].self))
            }
        }
    }

    let fields: [String: Value]

    /// The body of `request`: a JSON object of at most 64 KiB (an empty body is an object without fields).
    init(_ request: Request) async throws(Problem) {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 64 * 1024) } catch {
            throw Problem(.contentTooLarge, "the body is over 64 KiB")
        }
        guard buffer.readableBytes > 0 else {
            fields = [:]
            return
        }
        guard case .object(let fields)? = try? JSONDecoder().decode(Value.self, from: Data(buffer: buffer)) else {
            throw Problem(.badRequest, "the body is not a JSON object", field: "body")
        }
        self.fields = fields
    }

    /// The field `name` as `extract` reads it; nil when absent; a 400 saying it must be `what` when it is there but
    /// `extract` finds it wrong.
    func optional<T>(_ name: String, _ what: String, _ extract: (Value) -> T?) throws(Problem) -> T? {
        guard let value = fields[name] else { return nil }
        guard let read = extract(value) else { throw Problem(.badRequest, "`\(name)` must be \(what)", field: name) }
        return read
    }

    /// The field `name` as `extract` reads it; a 400 saying it must be `what` when it is absent or wrong.
    func required<T>(_ name: String, _ what: String, _ extract: (Value) -> T?) throws(Problem) -> T {
        guard let read = try optional(name, what, extract) else { throw Problem(.badRequest, "`\(name)` must be \(what)", field: name) }
        return read
    }

    /// Text with something in it besides spaces.
    static func text(_ value: Value) -> String? {
        guard case .string(let text) = value, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    /// A number within `range`.
    static func number(in range: ClosedRange<Double>) -> (Value) -> Double? {
        { value in
            guard case .number(let number) = value, range.contains(number) else { return nil }
            return number
        }
    }

    static func flag(_ value: Value) -> Bool? {
        guard case .bool(let flag) = value else { return nil }
        return flag
    }

    /// An object of non-empty texts under non-empty names, at least one.
    static func labels(_ value: Value) -> [String: String]? {
        guard case .object(let object) = value, !object.isEmpty else { return nil }
        var labels: [String: String] = [:]
        for (key, value) in object {
            guard !key.isEmpty, case .string(let text) = value, !text.isEmpty else { return nil }
            labels[key] = text
        }
        return labels
    }
}
