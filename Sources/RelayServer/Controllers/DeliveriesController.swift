import Hummingbird
import Relay
import RelayModel

/// An integration's delivery status and its dead letters: list, retry one or all, discard one.
struct DeliveriesController {
    let deliveries: DeliveryStatusService

    func addRoutes(to router: Router<RelayRequestContext>) {
        let group = router.group("api/v1/integrations/:id")
        group.get("status") { _, context in
            try await Self.orNotFound { JSONResponse.ok(try await deliveries.health(of: try context.parameters.require("id")).jsonValue) }
        }
        group.get("activity") { request, context in
            try await Self.orNotFound {
                let id = try context.parameters.require("id")
                let hours = Int(request.uri.queryParameters.get("hours") ?? "") ?? 24
                guard (1...192).contains(hours) else {
                    return JSONResponse.eventsError(.badRequest, "hours must be a whole number from 1 to 192 (eight days are kept)")
                }
                let now = deliveries.clock()
                let activity = try await deliveries.hours(of: id, since: DeliveryHour.start(of: now) - Int64(hours - 1) * 3_600_000)
                var latency = LatencyHistogram()
                for hour in activity { latency.merge(hour.latency) }
                func millis(_ bound: Int64?) -> JSONValue { bound.map { $0 == .max ? .null : .int($0) } ?? .null }
                return JSONResponse.ok(
                    .object([
                        "hours": .array(
                            activity.map { hour in
                                .object([
                                    "hour": .string(Timestamp.rfc3339(epochMilliseconds: hour.hour)), "delivered": .int(hour.delivered),
                                    "retried": .int(hour.retried), "dead": .int(hour.dead),
                                ])
                            }),
                        // Upper bounds of the latency buckets the percentiles fall in, queued to acknowledged.
                        "latencyP50Ms": millis(latency.percentile(0.5)), "latencyP95Ms": millis(latency.percentile(0.95)),
                        "failures": .array(
                            try await deliveries.failures(of: id).map { failure in
                                .object([
                                    "at": .string(Timestamp.rfc3339(epochMilliseconds: failure.at)),
                                    "outcome": .string(failure.kind.rawValue),
                                    "events": .int(failure.rows), "message": .string(failure.message),
                                ])
                            }),
                    ]))
            }
        }
        group.get("dead-letters") { _, context in
            try await Self.orNotFound {
                let letters = try await deliveries.deadLetters(of: try context.parameters.require("id"))
                return JSONResponse.ok(
                    .array(
                        letters.map { letter in
                            .object([
                                "seq": .int(letter.seq), "eventId": .string(letter.eventID), "attempts": .int(letter.attempts),
                                "reason": .string(letter.reason),
                                "failedAt": .string(Timestamp.rfc3339(epochMilliseconds: letter.failedAt)),
                            ])
                        }))
            }
        }
        group.post("dead-letters/retry") { _, context in
            try await Self.orNotFound {
                let count = try await deliveries.retry(integrationID: try context.parameters.require("id"), seq: nil)
                return JSONResponse.ok(.object(["requeued": .int(count)]))
            }
        }
        group.post("dead-letters/:seq/retry") { _, context in
            try await Self.orNotFound {
                let count = try await deliveries.retry(
                    integrationID: try context.parameters.require("id"), seq: try context.parameters.require("seq", as: Int64.self))
                return count == 1 ? JSONResponse.ok(.object(["requeued": .int(1)])) : JSONResponse.redlock(.notFound, "not_found")
            }
        }
        group.delete("dead-letters/:seq") { _, context in
            try await Self.orNotFound {
                let done = try await deliveries.discard(
                    integrationID: try context.parameters.require("id"), seq: try context.parameters.require("seq", as: Int64.self))
                return done ? JSONResponse.empty(.noContent) : JSONResponse.redlock(.notFound, "not_found")
            }
        }
    }

    /// What `respond` answers, or Prisma's 404 (`not_found`) when the path's integration is not there.
    static func orNotFound(_ respond: () async throws -> Response) async throws -> Response {
        do {
            return try await respond()
        } catch StoreError.unknownIntegration {
            return JSONResponse.redlock(.notFound, "not_found")
        }
    }
}
