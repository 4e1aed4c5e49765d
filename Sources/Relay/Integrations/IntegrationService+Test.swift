import Delivery
import RelayModel

extension IntegrationService {
    /// What "Test" found: the configuration first, then the destination's answer to its test message.
    public struct TestReport: Sendable, Equatable {
        public var success: Bool
        /// Whether the configuration passed its type's rules (false: `problems` name what to fix).
        public var configValid: Bool
        /// The destination's HTTP status, when it answered.
        public var statusCode: Int?
        /// What was done, or what went wrong, in an operator's words.
        public var description: String
        /// One sentence per problem; empty on success.
        public var problems: [String]

        static func invalid(_ problems: [String]) -> TestReport {
            TestReport(success: false, configValid: false, description: "The configuration is not valid.", problems: problems)
        }
    }

    /// Tests the stored integration `id` (a passing test lifts a pause).
    public func test(id: String) async throws -> TestReport {
        do {
            let integration = try await get(id)
            _ = try schema(of: integration.type).validate(.object(integration.config))
            return try await send(integration)
        } catch let error as IntegrationError {
            return .invalid(error.messages)
        } catch let errors as ConfigErrors {
            return .invalid(errors.errors.map(\.description))
        }
    }

    /// Tests a configuration before it is stored.
    public func test(_ draft: Draft) async throws -> TestReport {
        let checked: (name: String, type: IntegrationType, config: JSONObject)
        do {
            checked = try check(draft)
        } catch let error as IntegrationError {
            return .invalid(error.messages)
        }
        return try await send(
            Integration(id: "test", name: checked.name, type: checked.type, config: checked.config, createdBy: "test", createdTs: 0))
    }

    /// Tests what an update of the stored integration `id` would leave, before it is stored: masked secrets are the
    /// stored ones, and only where they were first given.
    public func test(_ draft: Draft, updating id: String) async throws -> TestReport {
        let integration: Integration
        do {
            integration = try await updated(id: id, with: draft)
        } catch let error as IntegrationError {
            return .invalid(error.messages)
        }
        return try await send(
            Integration(
                id: "test", name: integration.name, type: integration.type, config: integration.config,
                createdBy: "test", createdTs: 0))
    }

    /// Sends the destination's test message, or calls the enrichment source read-only.
    func send(_ integration: Integration) async throws -> TestReport {
        guard let sent = try await engine.test(integration) else {
            let problem = "this build does not know the integration type \(integration.type.rawValue)"
            return TestReport(success: false, configValid: true, description: problem, problems: [problem])
        }
        return TestReport(
            success: sent.success, configValid: true, statusCode: sent.statusCode, description: sent.message,
            problems: sent.success ? [] : [sent.message])
    }
}
