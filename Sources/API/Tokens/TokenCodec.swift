import Crypto
import Foundation

/// The API token's form: `edn_`, 30 random base62 characters and a 6-character checksum (CRC-32 of the random part, in
/// base62), as GitHub's tokens are made. A leaked token is recognisable by its prefix (secret scanners match it), and a
/// mistyped one is refused by its checksum before the store is asked. Only a keyed hash (HMAC-SHA256 with the
/// installation's key) is ever stored.
public enum TokenCodec {
    public static let prefix = "edn_"
    static let randomLength = 30
    static let checksumLength = 6
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new token from `random`.
    public static func generate(using random: inout some RandomNumberGenerator) -> String {
        let body = String(decoding: (0..<randomLength).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }, as: UTF8.self)
        return prefix + body + checksum(body)
    }

    /// True when `token` has the form and its checksum holds.
    public static func isWellFormed(_ token: String) -> Bool {
        guard token.hasPrefix(prefix), token.utf8.count == prefix.utf8.count + randomLength + checksumLength else { return false }
        let rest = token.dropFirst(prefix.count)
        guard rest.utf8.allSatisfy(alphabet.contains) else { return false }
        return checksum(String(rest.prefix(randomLength))) == String(rest.suffix(checksumLength))
    }

    /// The token's first characters, for listings.
    public static func hint(_ token: String) -> String { String(token.prefix(prefix.count + 4)) + "…" }

    /// The keyed hash the store keeps.
    public static func hash(_ token: String, key: TokenKey) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: SymmetricKey(data: key.bytes)))
    }

    static func checksum(_ body: String) -> String {
        var value = UInt64(crc32(Array(body.utf8)))
        var digits: [UInt8] = []
        for _ in 0..<checksumLength {
            digits.append(alphabet[Int(value % 62)])
            value /= 62
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// CRC-32 (IEEE 802.3, as zlib's).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// The installation's key for the tokens' keyed hashes: 32 random bytes in a file beside the database
/// (`DATABASE.token-key`, mode 0600), made on first use. The CLI that makes tokens and the daemon that checks them read
/// the same file; a copy of the database alone does not let anyone test guesses against the hashes.
public struct TokenKey: Sendable {
    /// The key's 32 bytes (SymmetricKey is not Sendable: one is made from these per use).
    let bytes: Data

    /// The key beside `database`, made when `create` and there is none yet.
    public static func beside(database: String, create: Bool) throws(TokenKeyError) -> TokenKey {
        let path = database + ".token-key"
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw TokenKeyError("\(path) is not an EduNet token key (\(data.count) bytes, not 32)") }
            return TokenKey(bytes: data)
        }
        guard create else {
            throw TokenKeyError("no token key at \(path): no token was made for this database yet (`edunet tokens create`)")
        }
        let data = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw TokenKeyError("cannot write the token key \(path); check the folder's permissions")
        }
        return TokenKey(bytes: data)
    }
}

/// Why the token key could not be read or made.
public struct TokenKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
