import Crypto
import Foundation
import RelayModel

/// Encrypts secrets at rest with AES-256-GCM. The key comes from `PRISMA_RELAY_MASTER_KEY` (base64 of 32 bytes)
/// or from a key file beside the database, created with mode 0600 on first use. A box may also hold other keys it
/// only opens with (`PRISMA_RELAY_PREVIOUS_MASTER_KEY`), so replicas keep reading secrets while the key is rotated.
public struct SecretBox: Sendable {
    /// The key that seals.
    let key: SymmetricKey
    /// Keys that only open.
    let others: [SymmetricKey]

    public init(key: SymmetricKey, alsoOpening others: [SymmetricKey] = []) {
        self.key = key
        self.others = others
    }

    /// Every key the box opens with, the sealing one first.
    var keys: [SymmetricKey] { [key] + others }

    /// The same keys, sealing with `key` (one of them).
    func sealing(with key: SymmetricKey) -> SecretBox {
        SecretBox(key: key, alsoOpening: keys.filter { $0 != key })
    }

    /// The key from the environment, else from `keyFile` (created when absent).
    public static func load(keyFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretBox {
        if let encoded = environment["PRISMA_RELAY_MASTER_KEY"] {
            return SecretBox(key: try Self.key(encoded, variable: "PRISMA_RELAY_MASTER_KEY"))
        }
        let manager = FileManager.default
        if let data = manager.contents(atPath: keyFile) {
            guard let decoded = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                decoded.count == 32
            else { throw StoreError.badMasterKey("\(keyFile) must hold the base64 of 32 bytes") }
            return SecretBox(key: SymmetricKey(data: decoded))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard manager.createFile(atPath: keyFile, contents: Data(encoded.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.badMasterKey("could not create \(keyFile)")
        }
        return SecretBox(key: key)
    }

    /// The key in `PRISMA_RELAY_MASTER_KEY`, which a shared database (`store`) requires: every replica must seal
    /// and open secrets with the same key, so none can make its own.
    public static func fromEnvironment(
        for store: String, variable: String = "PRISMA_RELAY_MASTER_KEY",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SecretBox {
        guard let encoded = environment[variable] else {
            throw StoreError.badMasterKey(
                "\(store) needs \(variable), the same in every replica: make one with openssl rand -base64 32 and give it "
                    + "to each replica's environment")
        }
        let previous =
            variable == "PRISMA_RELAY_MASTER_KEY"
            ? try environment["PRISMA_RELAY_PREVIOUS_MASTER_KEY"].map { encoded in
                try Self.key(encoded, variable: "PRISMA_RELAY_PREVIOUS_MASTER_KEY")
            } : nil
        return SecretBox(key: try Self.key(encoded, variable: variable), alsoOpening: previous.map { [$0] } ?? [])
    }

    static func key(_ encoded: String, variable: String) throws -> SymmetricKey {
        // Set but empty, as a deployment whose secret reference resolved to nothing sets it: said as it is.
        let what = encoded.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "is set but empty: it" : "is not a key: it"
        guard let data = Data(base64Encoded: encoded), data.count == 32 else {
            throw StoreError.badMasterKey("\(variable) \(what) must be the base64 of 32 random bytes (openssl rand -base64 32)")
        }
        return SymmetricKey(data: data)
    }

    /// Nonce, ciphertext and tag; `context` (the owner's name) is authenticated so a secret cannot be moved to another row.
    public func seal(_ plaintext: String, context: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Data(context.utf8)).combined else {
            throw StoreError.badMasterKey("AES-GCM produced no output")
        }
        return combined
    }

    /// A key for another purpose (signing API tokens), derived from the master key with HKDF, so every replica
    /// sharing the master key agrees on it.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// The plaintext, or nil when the data was not sealed with one of this box's keys and this context.
    public func open(_ sealed: Data, context: String) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed) else { return nil }
        for key in keys {
            if let plain = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8)) {
                return String(decoding: plain, as: UTF8.self)
            }
        }
        return nil
    }

    /// The key of this box that opens `sealed`, if any.
    func key(opening sealed: Data, context: String) -> SymmetricKey? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed) else { return nil }
        return keys.first { (try? AES.GCM.open(box, using: $0, authenticating: Data(context.utf8))) != nil }
    }
}
