import Hummingbird
import Relay
import RelayModel

/// Connectors over HTTP, the same operations as the CLI: list, get, add, update, delete, enable/disable, test,
/// poll now, status. Secrets are masked; an update that sends the mask (or no secret) keeps the stored one.
struct ConnectorsController {
    let app: RelayApp

    func addRoutes(to router: Router<RelayRequestContext>) {
        let group = router.group("api/v1/connectors")
        group.get { _, _ in
            JSONResponse.ok(.array(try await app.connectors.list().map { $0.config.publicJSON(state: $0.state) }))
        }
        group.post { request, _ in
            try await handle {
                let config = try ConnectorConfig(json: try await JSONResponse.body(request) ?? .null)
                let warnings = try await app.connectors.add(config)
                return try await view(config.name, warnings: warnings, status: .created)
            }
        }
        group.get(":name") { _, context in try await handle { try await view(context.parameters.require("name")) } }
        group.get(":name/status") { _, context in try await handle { try await view(context.parameters.require("name")) } }
        group.put(":name") { request, context in
            try await handle {
                let name = try context.parameters.require("name")
                var config = try ConnectorConfig(
                    json: try await JSONResponse.body(request) ?? .null, base: try await app.connectors.get(name))
                config.name = name
                let warnings = try await app.connectors.update(config)
                return try await view(name, warnings: warnings)
            }
        }
        group.patch(":name") { request, context in
            try await handle {
                let name = try context.parameters.require("name")
                guard let enabled = try await JSONResponse.body(request)?["enabled"]?.boolValue else {
                    throw ConfigErrors([ConfigError(field: "enabled", "send {\"enabled\": true|false}")])
                }
                try await app.connectors.setEnabled(name, enabled)
                return try await view(name)
            }
        }
        group.delete(":name") { _, context in
            try await handle {
                try await app.connectors.remove(try context.parameters.require("name"))
                return JSONResponse.empty(.noContent)
            }
        }
        group.get(":name/rejected") { _, context in
            try await handle {
                JSONResponse.ok(
                    .array(
                        try await app.connectors.rejected(try context.parameters.require("name")).map {
                            .object([
                                "reason": .string($0.reason), "rejectedAt": .string(Timestamp.rfc3339(epochMilliseconds: $0.rejectedAt)),
                                "finding": $0.raw,
                            ])
                        }))
            }
        }
        group.get(":name/polls") { _, context in
            try await handle {
                JSONResponse.ok(
                    .array(
                        try await app.connectors.history(try context.parameters.require("name")).map { poll in
                            .object([
                                "startedAt": .string(Timestamp.rfc3339(epochMilliseconds: poll.startedAt)),
                                "finishedAt": .string(Timestamp.rfc3339(epochMilliseconds: poll.finishedAt)),
                                "durationMs": .int(poll.durationMillis), "pages": .int(poll.pages), "fetched": .int(poll.fetched),
                                "added": .int(poll.added), "rejected": .int(poll.rejected), "error": .optional(poll.error),
                            ])
                        }))
            }
        }
        group.post(":name/test") { _, context in
            try await handle {
                let result = try await app.connectors.test(try context.parameters.require("name"))
                return JSONResponse.ok(
                    .object([
                        "success": .bool(result.success), "message": .string(result.message),
                        "testedAt": .string(Timestamp.rfc3339(epochMilliseconds: result.testedAt)),
                    ]))
            }
        }
        group.post(":name/poll") { _, context in
            try await handle {
                let report = try await app.connectors.poll(try context.parameters.require("name"))
                return JSONResponse.ok(
                    .object([
                        "pages": .int(report.pages), "fetched": .int(report.fetched), "added": .int(report.added),
                        "windowStart": .string(Timestamp.rfc3339(epochMilliseconds: report.windowStart)),
                        "windowEnd": .string(Timestamp.rfc3339(epochMilliseconds: report.windowEnd)), "error": .optional(report.error),
                    ]))
            }
        }
    }

    func view(_ name: String, warnings: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let config = try await app.connectors.get(name)
        guard case .object(var object) = config.publicJSON(state: try await app.connectors.state(of: name)) else {
            return JSONResponse.empty()
        }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map(JSONValue.string)) }
        let state = try await app.connectors.state(of: name)
        object["silence"] = .array(
            Silence.findings(config, state, now: app.clock()).map {
                .object([
                    "condition": .string($0.condition.rawValue), "since": .string(Timestamp.rfc3339(epochMilliseconds: $0.since)),
                    "message": .string($0.sentence),
                ])
            })
        return JSONResponse.ok(.object(object), status: status)
    }

    /// Config problems answer 400 naming each field; unknown names 404; a taken name 409.
    func handle(_ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let errors as ConfigErrors {
            return JSONResponse.invalid(errors)
        } catch let error as StoreError {
            switch error {
            case .unknownConnector: return JSONResponse.ok(.object(["error": .string(error.description)]), status: .notFound)
            case .connectorExists: return JSONResponse.ok(.object(["error": .string(error.description)]), status: .conflict)
            default: throw error
            }
        }
    }
}
