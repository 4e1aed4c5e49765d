import Hummingbird
import Relay
import RelayModel

/// The relay's API keys: list (never a secret or hash), create (the secret shown once), revoke.
struct APIKeysController {
    let keys: APIKeyService

    func addRoutes(to router: Router<RelayRequestContext>) {
        let group = router.group("api/v1/keys")
        group.get { _, _ in JSONResponse.ok(.array(try await keys.list().map(APIKeyService.publicJSON))) }
        group.post { request, _ in
            try await Self.answering {
                let body = try await JSONResponse.body(request)
                let roleName = body?["role"]?.stringValue ?? APIKey.Role.admin.rawValue
                guard let role = APIKey.Role(rawValue: roleName) else {
                    throw ConfigErrors([ConfigError(field: "role", "must be admin or read-only, not \"\(roleName)\"")])
                }
                let (key, secret) = try await keys.create(name: body?["name"]?.stringValue ?? "", role: role)
                guard case .object(var object) = APIKeyService.publicJSON(key) else { return JSONResponse.empty() }
                object["secretKey"] = .string(secret)
                return JSONResponse.ok(.object(object), status: .created)
            }
        }
        group.delete(":key") { _, context in
            try await Self.answering {
                try await keys.revoke(try context.parameters.require("key"))
                return JSONResponse.empty(.noContent)
            }
        }
    }

    /// Bad input answers 400 naming the field; an unknown key 404; a taken name 409.
    static func answering(_ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let errors as ConfigErrors {
            return JSONResponse.ok(.object(["error": .string(errors.description)]), status: .badRequest)
        } catch let error as StoreError {
            switch error {
            case .unknownAPIKey: return JSONResponse.ok(.object(["error": .string(error.description)]), status: .notFound)
            case .apiKeyNameExists: return JSONResponse.ok(.object(["error": .string(error.description)]), status: .conflict)
            default: throw error
            }
        }
    }
}
