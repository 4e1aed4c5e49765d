import Hummingbird
import Relay
import RelayModel

/// Integrations in both shapes Prisma Cloud's API uses: the legacy `/integration` family and the v1
/// `/api/v1/tenant/{prismaId}/integration` family (reference §6). Config secrets are masked in every answer.
struct IntegrationsController {
    let service: IntegrationService
    let rules: @Sendable () async throws -> [AlertRule]
    let health: @Sendable (String) async throws -> IntegrationHealth

    func addRoutes(to router: Router<RelayRequestContext>) {
        let legacy = router.group("integration")
        legacy.get { request, _ in try await listLegacy(request) }
        legacy.post { request, context in try await legacyWrite { try await service.create(draft(request), by: caller(context)) } }
        legacy.get("name") { request, _ in try await names(request) }
        legacy.post("test") { request, _ in try await testLegacy(request) }
        legacy.get(":id") { _, context in
            try await legacyWrite(empty: false) { try await service.get(context.parameters.require("id")) }
        }
        legacy.put(":id") { request, context in
            try await legacyWrite {
                try await service.update(id: context.parameters.require("id"), with: draft(request), by: caller(context))
            }
        }
        legacy.delete(":id") { _, context in
            try await legacyWrite { try await service.delete(context.parameters.require("id")) }
        }

        let v1 = router.group("api/v1/tenant/:prismaId/integration")
        v1.get("channels") { _, _ in JSONResponse.ok(.array(service.schemas.map { .string($0.type.rawValue) })) }
        v1.get { request, _ in try await listV1(request) }
        v1.post { request, context in try await v1Write { try await service.create(draft(request), by: caller(context)) } }
        v1.post("test") { request, _ in try await testV1(request) }
        v1.get(":id") { _, context in try await v1Write { try await service.get(context.parameters.require("id")) } }
        v1.put(":id") { request, context in
            try await v1Write { try await service.update(id: context.parameters.require("id"), with: draft(request), by: caller(context)) }
        }
        v1.patch(":id") { request, context in
            guard let enabled = try await JSONResponse.body(request)?["enabled"]?.boolValue else {
                return JSONResponse.eventsError(.badRequest, "the body must be {\"enabled\": true|false}")
            }
            return try await v1Write { try await service.setEnabled(id: context.parameters.require("id"), enabled, by: caller(context)) }
        }
        v1.delete(":id") { _, context in
            try await v1Write {
                try await service.delete(context.parameters.require("id"))
                return nil
            }
        }
    }

    // MARK: Shapes

    /// Prisma's v1 `EventsIntegrationModel`.
    func v1JSON(_ integration: Integration) -> JSONValue {
        .object([
            "id": .string(integration.id), "name": .string(integration.name), "description": .string(integration.description),
            "integrationType": .string(integration.type.rawValue),
            "integrationConfig": .object(service.masked(integration)),
            "enabled": .bool(integration.enabled), "createdBy": .string(integration.createdBy),
            "createdTs": .int(integration.createdTs), "lastModifiedBy": .string(integration.lastModifiedBy),
            "lastModifiedTs": .int(integration.lastModifiedTs),
        ])
    }

    /// Prisma's legacy `IntegrationViewModel`: the v1 fields plus status (`GREEN`, `YELLOW` while retrying, `RED`
    /// with the reason), validity and the rules that use it.
    func legacyJSON(_ integration: Integration, rules: [AlertRule], health: IntegrationHealth) -> JSONValue {
        guard case .object(var object) = v1JSON(integration) else { return .null }
        object["status"] = .string(health.status.rawValue)
        object["valid"] = .bool(true)
        object["reason"] =
            health.message.map { message in
                .object([
                    "lastUpdated": health.lastUpdated.map { .int($0) } ?? .null, "errorType": .optional(health.errorType),
                    "message": .string(message), "details": .object(["statusCode": health.statusCode.map { .int($0) } ?? .null]),
                ])
            } ?? .null
        object["alertRules"] = .array(
            rules.filter { $0.integrationIDs.contains(integration.id) }.map {
                .object(["policyScanConfigId": .string($0.id), "name": .string($0.name)])
            })
        return .object(object)
    }

    // MARK: Handlers

    func draft(_ request: Request) async throws -> IntegrationService.Draft {
        guard let body = try await JSONResponse.body(request), body.objectValue != nil else {
            throw IntegrationError.invalidConfig(ConfigErrors([ConfigError(field: "body", "must be a JSON object")]))
        }
        return IntegrationService.Draft(json: body)
    }

    func caller(_ context: RelayRequestContext) -> String { context.caller ?? "unknown" }

    func types(_ request: Request) throws -> [IntegrationType] {
        let names = request.uri.queryParameters.getAll("type").flatMap { $0.split(separator: ",") }.map(String.init)
        return try names.map { name in
            let type = try service.type(named: name)
            return type
        }
    }

    func listLegacy(_ request: Request) async throws -> Response {
        do {
            let found = try await service.list(types: types(request))
            let rules = try await rules()
            var list: [JSONValue] = []
            for integration in found { list.append(legacyJSON(integration, rules: rules, health: try await health(integration.id))) }
            return JSONResponse.ok(.array(list))
        } catch let error as IntegrationError {
            return JSONResponse.redlock(.badRequest, error.i18nKey, subjects: error.messages)
        }
    }

    func names(_ request: Request) async throws -> Response {
        let onlyEnabled = request.uri.queryParameters.get("onlyEnabled") == "true"
        do {
            let found = try await service.list(types: types(request), onlyEnabled: onlyEnabled)
            return JSONResponse.ok(
                .array(
                    found.map {
                        .object(["id": .string($0.id), "name": .string($0.name), "integrationType": .string($0.type.rawValue)])
                    }))
        } catch let error as IntegrationError {
            return JSONResponse.redlock(.badRequest, error.i18nKey, subjects: error.messages)
        }
    }

    func listV1(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let ids = parameters.getAll("ids").flatMap { $0.split(separator: ",") }.map(String.init)
        do {
            let found = try await service.list(types: types(request), onlyEnabled: parameters.get("onlyEnabled") == "true", ids: ids)
            return JSONResponse.ok(.array(found.map(v1JSON)))
        } catch let error as IntegrationError {
            return JSONResponse.eventsError(.badRequest, error.description)
        }
    }

    /// Runs a legacy call: an empty 200 (or the object when `empty` is false), else Prisma's error form.
    func legacyWrite(empty: Bool = true, _ work: () async throws -> Integration?) async throws -> Response {
        do {
            let result = try await work()
            guard !empty, let result else { return JSONResponse.empty() }
            return JSONResponse.ok(legacyJSON(result, rules: try await rules(), health: try await health(result.id)))
        } catch let error as IntegrationError {
            return JSONResponse.redlock(Self.status(of: error), error.i18nKey, subjects: error.messages)
        }
    }

    func legacyWrite(_ work: () async throws -> Void) async throws -> Response {
        try await legacyWrite { () async throws -> Integration? in
            try await work()
            return nil
        }
    }

    func v1Write(_ work: () async throws -> Integration?) async throws -> Response {
        do {
            guard let result = try await work() else { return JSONResponse.empty() }
            return JSONResponse.ok(v1JSON(result))
        } catch let error as IntegrationError {
            if case .invalidConfig(let errors) = error {
                return JSONResponse.eventsError(.badRequest, "integrationConfig is not valid", sub: errors.errors)
            }
            return JSONResponse.eventsError(Self.status(of: error), error.description)
        }
    }

    static func status(of error: IntegrationError) -> HTTPResponse.Status {
        switch error {
        case .notFound: .notFound
        default: .badRequest
        }
    }

    /// `POST /integration/test`: checks the configuration, then sends the destination's own test message, and
    /// answers in Prisma's `ValidatorResponse` shape.
    func testLegacy(_ request: Request) async throws -> Response {
        let result = try await runTest(request)
        return JSONResponse.ok(
            .object([
                "success": .bool(result.success), "statusCode": .int(result.statusCode ?? (result.success ? 200 : 400)),
                "errorMessages": .array(
                    result.problems.map {
                        .object([
                            "i18nKey": .string(result.configValid ? "integration_test_failed" : "invalid_integration_config"),
                            "severity": .string("error"), "subject": .string($0),
                        ])
                    }),
                "tests": .array([
                    .object([
                        "key": .string(result.configValid ? "delivery" : "configuration"), "description": .string(result.description),
                        "success": .bool(result.success),
                        "errorMessage": result.success ? .null : .string(result.problems.joined(separator: "; ")),
                    ])
                ]),
            ]))
    }

    func testV1(_ request: Request) async throws -> Response {
        let result = try await runTest(request)
        guard result.success else {
            return JSONResponse.eventsError(
                .badRequest, result.description, sub: result.problems.map { ConfigError(field: "integrationConfig", $0) })
        }
        return JSONResponse.empty()
    }

    /// Tests the stored integration named by `?id=`, or the one in the body.
    func runTest(_ request: Request) async throws -> IntegrationService.TestReport {
        if let id = request.uri.queryParameters.get("id") { return try await service.test(id: id) }
        return try await service.test(try await draft(request))
    }
}
