import Crypto
import Foundation
import RelayModel

/// How every store keeps a console session's secrets: the session id only as its SHA-256 (a copy of the database
/// opens no browser session), and secrets typed into unsaved forms sealed, bound to that session.
enum ConsoleSessionSecrets {
    static func hash(_ id: String) -> String {
        Hex.string(SHA256.hash(data: Data(id.utf8)))
    }

    /// The drafts sealed for the session with id hash `hash`, or nil when there are none.
    static func seal(_ drafts: [String: String], hash: String, box: SecretBox) throws -> Data? {
        guard !drafts.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try box.seal(String(decoding: try encoder.encode(drafts), as: UTF8.self), context: "console-session:" + hash)
    }

    /// The drafts back; none when they no longer open (the key was rotated): the user types the secret again.
    static func open(_ sealed: Data?, hash: String, box: SecretBox) -> [String: String] {
        guard let sealed, let text = box.open(sealed, context: "console-session:" + hash),
            let drafts = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        else { return [:] }
        return drafts
    }
}
