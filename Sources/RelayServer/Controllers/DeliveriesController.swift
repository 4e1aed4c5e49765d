import Hummingbird
import Relay
import RelayModel

/// An integration's delivery status and its dead letters: list, retry one or all, discard one.
struct DeliveriesController {
    let deliveries: DeliveryStatusService

    func addRoutes(to router: Router<RelayRequestContext>) {
        let group = router.group("api/v1/integrations/:id")
        group.get("status") { _, context in
            let id = try context.parameters.require("id")
            do {
                return JSONResponse.ok(Self.json(try await deliveries.health(of: id)))
            } catch StoreError.unknownIntegration {
                return JSONResponse.redlock(.notFound, "not_found")
            }
        }
        group.get("dead-letters") { _, context in
            let letters = try await deliveries.deadLetters(of: try context.parameters.require("id"))
            return JSONResponse.ok(
                .array(
                    letters.map { letter in
                        .object([
                            "seq": .int(letter.seq), "eventId": .string(letter.eventID), "attempts": .int(letter.attempts),
                            "reason": .string(letter.reason), "failedAt": .string(Timestamp.rfc3339(epochMilliseconds: letter.failedAt)),
                        ])
                    }))
        }
        group.post("dead-letters/retry") { _, context in
            let count = try await deliveries.retry(integrationID: try context.parameters.require("id"), seq: nil)
            return JSONResponse.ok(.object(["requeued": .int(count)]))
        }
        group.post("dead-letters/:seq/retry") { _, context in
            let count = try await deliveries.retry(
                integrationID: try context.parameters.require("id"), seq: try context.parameters.require("seq", as: Int64.self))
            return count == 1 ? JSONResponse.ok(.object(["requeued": .int(1)])) : JSONResponse.redlock(.notFound, "not_found")
        }
        group.delete("dead-letters/:seq") { _, context in
            let done = try await deliveries.discard(
                integrationID: try context.parameters.require("id"), seq: try context.parameters.require("seq", as: Int64.self))
            return done ? JSONResponse.empty(.noContent) : JSONResponse.redlock(.notFound, "not_found")
        }
    }

    /// The status in Prisma's terms (`status`, `reason`) plus the relay's counts.
    static func json(_ health: IntegrationHealth) -> JSONValue {
        .object([
            "status": .string(health.status.rawValue), "paused": .bool(health.paused),
            "reason": health.message.map { message in
                .object([
                    "errorType": .optional(health.errorType), "message": .string(message),
                    "details": .object(["statusCode": health.statusCode.map { .int($0) } ?? .null]),
                    "lastUpdated": health.lastUpdated.map { .int($0) } ?? .null,
                ])
            } ?? .null,
            "queueDepth": .int(health.queueDepth), "delivered": .int(health.delivered), "failed": .int(health.failed),
            "lastDeliveryAt": .optional(health.lastDeliveryAt.map(Timestamp.rfc3339(epochMilliseconds:))),
            "oldestPendingAt": .optional(health.oldestPendingAt.map(Timestamp.rfc3339(epochMilliseconds:))),
        ])
    }
}
