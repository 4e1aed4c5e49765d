import RelayModel
import RelayStore

/// What became of deliveries: each integration's status and queue, and its dead letters — listed, queued again or
/// discarded — for the API, the console and the CLI.
public struct DeliveryStatusService: Sendable {
    let store: any RelayStore
    /// Now, in epoch ms.
    public let clock: @Sendable () -> Int64

    /// An integration's status with its counts and queue depth, or `StoreError.unknownIntegration`.
    public func health(of integrationID: String) async throws -> IntegrationHealth {
        try await known(integrationID)
        return try await store.integrationHealth(id: integrationID)
    }

    /// `StoreError.unknownIntegration` unless there is an integration with this id: asked of one that is not there,
    /// the dead letters are not an empty list, nor is retrying them "none queued".
    func known(_ integrationID: String) async throws {
        guard try await store.integration(id: integrationID) != nil else { throw StoreError.unknownIntegration(integrationID) }
    }

    /// Every integration by name, with its status.
    public func list() async throws -> [(integration: Integration, health: IntegrationHealth)] {
        var list: [(Integration, IntegrationHealth)] = []
        for integration in try await store.integrations() {
            list.append((integration, try await store.integrationHealth(id: integration.id)))
        }
        return list
    }

    /// An integration's deliveries by the hour since `since` (epoch ms), with their latency; `StoreError.unknownIntegration`
    /// for an integration that is not there.
    public func hours(of integrationID: String, since: Int64) async throws -> [DeliveryHour] {
        try await known(integrationID)
        return try await store.deliveryHours(integrationID: integrationID, since: since)
    }

    /// An integration's last failed attempts, newest first, with the destination's answer.
    public func failures(of integrationID: String, limit: Int = 10) async throws -> [DeliveryFailure] {
        try await store.deliveryFailures(integrationID: integrationID, limit: limit)
    }

    /// Deliveries given up on, of one integration (or all), newest first; `StoreError.unknownIntegration` for an
    /// integration that is not there.
    public func deadLetters(of integrationID: String?) async throws -> [DeadLetter] {
        if let integrationID { try await known(integrationID) }
        return try await store.deadLetters(integrationID: integrationID)
    }

    /// Queues dead letters of an integration again (one, or all when `seq` is nil); returns how many.
    public func retry(integrationID: String, seq: Int64? = nil) async throws -> Int {
        try await known(integrationID)
        return try await store.retryDeadLetters(integrationID: integrationID, seq: seq)
    }

    /// Discards one dead letter: it stays on record as discarded and is never sent; false when there is none.
    public func discard(integrationID: String, seq: Int64) async throws -> Bool {
        try await known(integrationID)
        return try await store.discardDeadLetter(integrationID: integrationID, seq: seq)
    }
}
