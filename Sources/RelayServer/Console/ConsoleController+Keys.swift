import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    func addKeyRoutes(to console: RouterGroup<RelayRequestContext>) {
        let keys = app.apiKeys
        console.get("keys") { _, context in try await keyList(context, keys: keys, created: nil) }
        console.post("keys") { _, context in
            let role = APIKey.Role(rawValue: context.form?["role"] ?? "") ?? .readOnly
            let (key, secret) = try await keys.create(name: context.form?["name"] ?? "", role: role)
            return try await keyList(context, keys: keys, created: (key, secret))
        }
        console.post("keys/:id/revoke") { _, context in
            let id = try context.parameters.require("id")
            try await keys.revoke(id)
            return await done(context, "/console/keys", "The key was revoked: its tokens and console sessions no longer work.")
        }
    }

    /// The keys, and — right after Create — the new key's secret, shown on this one page only.
    func keyList(_ context: RelayRequestContext, keys: APIKeyService, created: (key: APIKey, secret: String)?) async throws -> Response {
        var page = await base(context, section: "Keys")
        let now = app.clock()
        page["keys"] = try await keys.list().map { key -> [String: Any] in
            [
                "id": key.id, "name": key.name, "role": key.role.rawValue, "active": key.revokedAt == nil,
                "status": key.revokedAt == nil ? "Active" : "Revoked", "badge": key.revokedAt == nil ? "ok" : "off",
                "createdAt": ConsoleFormat.when(key.createdAt, now: now), "lastUsed": ConsoleFormat.when(key.lastUsedAt, now: now),
            ]
        }
        if let created { page["created"] = ["id": created.key.id, "name": created.key.name, "secret": created.secret] }
        return renderer.page("keys", page)
    }
}
