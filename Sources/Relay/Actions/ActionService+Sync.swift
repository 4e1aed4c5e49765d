import Delivery
import Logging
import RelayHTTP
import RelayModel
import RelayStore

/// Two-way sync: what a destination says about the incidents the relay opened comes back to Prisma Cloud as an
/// action, recorded with the destination as its origin, so that the alert's new version is not sent back to it as news.
extension ActionService {
    /// Reads every integration that syncs closures (a `ClosingDestination` whose integration asks for it, e.g.
    /// ServiceNow with `syncClosed`) and dismisses the open alert of each record closed there; returns the actions
    /// taken. A destination that cannot be read is logged and tried again next time.
    ///
    /// Replicas on one store take turns: a pass holds the `ConnectorLease.twoWaySync` lease while it runs and for a
    /// minute from its start, and a replica that finds it held by another does nothing. So each destination is read
    /// once a minute between them, and two passes never dismiss one closed record's alert at once. A replica that
    /// stops holding it (stopped, killed) leaves the turn to the next replica once the lease runs out.
    @discardableResult
    public func syncClosures() async throws -> [ActionRecord] {
        let started = app.clock()
        /// Takes or renews the turn until `until` (nil: another replica has it).
        func turn(until: Int64) async throws -> ConnectorLease? {
            try await app.store.acquireConnectorLease(ConnectorLease.twoWaySync, owner: app.workerID, now: app.clock(), until: until)
        }
        var syncing: [(Integration, any ClosingDestination)] = []
        for integration in try await app.store.integrations() where integration.enabled {
            if let destination = await app.deliveryEngine.destination(for: integration) as? any ClosingDestination,
                destination.syncsBack
            {
                syncing.append((integration, destination))
            }
        }
        guard !syncing.isEmpty else { return [] }
        var taken: [ActionRecord] = []
        for (integration, destination) in syncing {
            // The turn taken, or renewed for this destination's read; another replica's: nothing more this minute.
            guard try await turn(until: app.clock() + Self.readBound) != nil else { break }
            let closures: [Closure]
            do {
                closures = try await destination.closures(over: app.http.routed(OutboundRoute(integrationConfig: integration.config)))
            } catch {
                app.logger.warning(
                    "two-way sync could not read the destination",
                    metadata: ["integration": .string(integration.name), "error": .string("\(error)")])
                continue
            }
            let actor = "\(app.deliveryEngine.registry.displayName(of: integration.type)) integration \(integration.name)"
            for closure in closures {
                if case .acted(let record) = try await follow(closure, closedIn: integration, by: actor) { taken.append(record) }
            }
        }
        // Kept until a minute from the start (given up already when the pass took longer), unless another replica has it.
        _ = try await turn(until: started + Self.turnMillis)
        return taken
    }

    /// How long one replica's turn lasts from the start of its pass, in ms: the sync's minute.
    static let turnMillis: Int64 = 60_000
    /// How long a turn is held ahead of each destination's read and what follows it, in ms: a stalled replica's turn
    /// passes to another after this.
    static let readBound: Int64 = 300_000

    /// What following a destination's closure came to.
    enum Followed {
        /// The alert was dismissed (or Prisma answered otherwise): the action's record.
        case acted(ActionRecord)
        /// Nothing was sent to Prisma, and why.
        case skipped(String)
    }

    /// Dismisses the alert a destination's record was opened for, with the closure's note, as an action whose origin
    /// is that integration — unless the key names no stored alert, the alert is no longer open, or it was dismissed
    /// through the relay already and the next poll has not yet brought that.
    func follow(_ closure: Closure, closedIn integration: Integration, by actor: String) async throws -> Followed {
        guard let (connector, alert) = Self.split(closure.alertKey) else {
            return .skipped("\(closure.alertKey) is not an alert the relay opened")
        }
        let event: NormalizedEvent
        do {
            event = try await latestEvent(nativeID: alert, connector: connector)
        } catch is Refusal {
            return .skipped("no stored alert \(alert) of connector \(connector)")
        }
        guard event.kind == .alert, event.status == "open", try await !dismissedAlready(event) else {
            return .skipped("\(alert) is dismissed or closed already")
        }
        do {
            return .acted(
                try await act(
                    on: event, .dismiss(note: String(closure.note.prefix(AlertAction.maxNote))), by: actor, origin: integration.id))
        } catch let refusal as Refusal {
            app.logger.warning(
                "two-way sync not acted on", metadata: ["integration": .string(integration.name), "reason": .string("\(refusal)")])
            return .skipped("not acted on: \(refusal)")
        }
    }

    /// Whether the alert was dismissed through the relay since its latest version was stored (the next poll brings
    /// that version): asking again would only hear "already done".
    func dismissedAlready(_ event: NormalizedEvent) async throws -> Bool {
        try await actions(of: event).first { $0.succeeded }.map { $0.action == "dismiss" && $0.requestedAt >= event.updatedMillis } ?? false
    }

    /// `<connector>/<alert id>` (`AlertKey`) as its two parts.
    static func split(_ key: String) -> (connector: String, alert: String)? {
        guard let slash = key.lastIndex(of: "/"), slash != key.startIndex, key.index(after: slash) != key.endIndex else { return nil }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }

    /// The answer to a destination's call: an HTTP status and what it means.
    public struct InboundAnswer: Sendable, Equatable {
        public var status: Int
        public var message: String
    }

    /// `POST /api/v1/inbound/pagerduty/{integration}`: a PagerDuty v3 webhook. Refused (401, nothing changed) unless
    /// signed with the integration's `webhookSecret`; `incident.resolved` of an incident the relay opened dismisses its
    /// alert with a note naming who resolved it; anything else is acknowledged and ignored, so PagerDuty does not
    /// send it again.
    public func pagerDutyWebhook(integrationID: String, body: [UInt8], signatures: String?) async throws -> InboundAnswer {
        guard let integration = try await app.store.integration(id: integrationID), integration.type == .pagerDuty,
            case let secret = PagerDutyDestination.Config(integration.config).webhookSecret, !secret.isEmpty
        else {
            return InboundAnswer(
                status: 404,
                message: "There is no PagerDuty two-way sync here: give the PagerDuty integration a webhook signing secret "
                    + "(webhookSecret) and send its v3 webhook subscription to /api/v1/inbound/pagerduty/<integration id>.")
        }
        guard PagerDutyWebhook.verify(body: body, signatures: signatures, secret: secret) else {
            app.logger.warning("inbound webhook refused: bad signature", metadata: ["integration": .string(integration.name)])
            return InboundAnswer(
                status: 401,
                message: "The X-PagerDuty-Signature does not match this integration's webhook signing secret; nothing was changed.")
        }
        guard let payload = try? JSONValue.parse(body) else {
            return InboundAnswer(status: 400, message: "The body is not JSON: PagerDuty sends one JSON event per delivery.")
        }
        guard let resolution = PagerDutyWebhook.resolution(in: payload) else {
            return InboundAnswer(status: 200, message: "Nothing to do: only incident.resolved is acted on.")
        }
        switch try await follow(
            resolution.closure, closedIn: integration, by: "PagerDuty integration \(integration.name): \(resolution.by)")
        {
        case .acted(let record): return InboundAnswer(status: 200, message: "\(record.outcome.rawValue): \(record.detail)")
        case .skipped(let why): return InboundAnswer(status: 200, message: "Nothing to do: \(why).")
        }
    }
}
