import Logging
import PrismaAPI
import RelayModel
import RelayStore

/// Actions on findings in Prisma Cloud — dismiss, snooze or reopen a CSPM alert; acknowledge or unacknowledge a
/// Compute incident — for the API, the console and the CLI alike. Opt-in per connector (`allowActions`); each action
/// is recorded with who asked and what Prisma answered, whatever the answer. Prisma's new status comes back the usual
/// way: the next poll stores it as a new version of the finding, and every destination sees the change.
public struct ActionService: Sendable {
    let app: RelayApp

    /// Why an action was not sent to Prisma at all.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case noEvent(String)
        case noAlert(String)
        case ambiguous(String, connectors: [String])
        case notActionable(String)
        case actionsOff(connector: String)
        case unknownConnector(String)

        public var description: String {
            switch self {
            case .noEvent(let id): "There is no stored event \(id)."
            case .noAlert(let id): "No stored event is of \(id): give an alert id (P-…) or a Compute incident id the relay collected."
            case .ambiguous(let id, let connectors):
                "\(id) was collected by more than one connector (\(connectors.joined(separator: ", "))): say which with --connector."
            case .notActionable(let words): words
            case .actionsOff(let connector):
                "Actions are off for connector \(connector): the relay only reads from Prisma Cloud unless told. Turn them on "
                    + "with allowActions: true on the connector (the API, the configuration file, the console's connector form, or "
                    + "`connector add --allow-actions`), and give its access key a role that may act (README, \"Actions back into "
                    + "Prisma Cloud\")."
            case .unknownConnector(let name): "The connector \(name) that collected this event no longer exists."
            }
        }
    }

    /// Sends `action` on the finding of the stored event `eventID` to Prisma Cloud, records it and returns the record.
    /// Prisma's refusals and failures are records too (their outcome says so); what is refused before Prisma is asked
    /// throws a `Refusal`.
    public func act(on eventID: String, _ action: AlertAction, by actor: String, origin: String? = nil) async throws -> ActionRecord {
        guard let event = try await app.store.event(id: eventID) else { throw Refusal.noEvent(eventID) }
        return try await act(on: event, action, by: actor, origin: origin)
    }

    /// The same for `event`.
    public func act(on event: NormalizedEvent, _ action: AlertAction, by actor: String, origin: String? = nil) async throws -> ActionRecord
    {
        try Self.check(action, on: event)
        guard let config = try await app.store.connector(named: event.connector) else { throw Refusal.unknownConnector(event.connector) }
        guard config.allowActions else { throw Refusal.actionsOff(connector: config.name) }
        let answer: ActionAnswer
        do {
            answer = try await app.source(for: config).act(action, on: event)
        } catch {
            answer = ActionAnswer(.failed, "Prisma Cloud could not be asked: \(error)", statusCode: nil)
        }
        var duration: String?
        if case .snooze(_, let length) = action { duration = length.description }
        var detail = answer.detail
        if answer.outcome == .done, event.kind == .alert, !config.statuses.contains(action.resultingStatus ?? "open") {
            detail +=
                "; this connector collects only \(config.statuses.joined(separator: ", ")) alerts, so its destinations will not see "
                + "the change: add \(action.resultingStatus ?? "open") to its statuses"
        }
        let record = try await app.store.recordAction(
            ActionRecord(
                connector: event.connector, nativeID: event.nativeID, eventID: event.id, action: action.name, note: action.note,
                duration: duration, actor: actor, origin: origin, requestedAt: app.clock(), outcome: answer.outcome, detail: detail,
                statusCode: answer.statusCode))
        app.logger.notice(
            "action on a finding",
            metadata: [
                "connector": .string(event.connector), "finding": .string(event.nativeID), "action": .string(action.name),
                "actor": .string(actor), "outcome": .string(record.outcome.rawValue),
            ])
        return record
    }

    /// The latest stored event of a finding by its Prisma id (`P-…` or an incident id), for the CLI.
    public func latestEvent(nativeID: String, connector: String?) async throws -> NormalizedEvent {
        let found = try await app.store.events(EventQuery(connector: connector, nativeID: nativeID, limit: 50)).filter {
            $0.kind != .audit && $0.kind != .health
        }
        guard let latest = found.first else { throw Refusal.noAlert(nativeID) }
        let connectors = Set(found.map(\.connector))
        guard connectors.count == 1 else { throw Refusal.ambiguous(nativeID, connectors: connectors.sorted()) }
        return latest
    }

    /// The actions taken on the finding of `event`, newest first.
    public func actions(of event: NormalizedEvent) async throws -> [ActionRecord] {
        try await app.store.actions(connector: event.connector, nativeID: event.nativeID)
    }

    /// Throws unless `action` applies to `event`: alert actions to CSPM alerts, acknowledging to Compute incidents.
    static func check(_ action: AlertAction, on event: NormalizedEvent) throws {
        switch event.kind {
        case .alert where action.isIncidentAction:
            throw Refusal.notActionable(
                "\(event.nativeID) is a CSPM alert: dismiss, snooze or reopen it; acknowledging is for Compute incidents.")
        case .incident where !action.isIncidentAction:
            throw Refusal.notActionable(
                "\(event.nativeID) is a Compute incident: acknowledge or unacknowledge it; dismiss, snooze and reopen are for CSPM alerts.")
        case .alert, .incident:
            return
        default:
            throw Refusal.notActionable(
                "\(event.id) is \(event.kind == .audit ? "an audit record" : "the relay's own"): there is nothing to act on in Prisma Cloud."
            )
        }
    }
}
