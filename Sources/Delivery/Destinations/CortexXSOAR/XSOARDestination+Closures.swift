import RelayHTTP
import RelayModel

/// Two-way sync: the incidents the relay opened (its type, `dbotMirrorId` the alert's key) that are closed in Cortex
/// XSOAR, the last modified first.
extension XSOARDestination: ClosingDestination {
    public var syncsBack: Bool { config.syncClosed }

    public func closures(over http: HTTPExchange) async throws -> [Closure] {
        let answer: JSONValue
        do {
            answer = try await call("/incidents/search", XSOARIncident.closedSearch, over: http)
        } catch {
            throw ClosureReadFailure(description: "\(error.outcome)")
        }
        return (answer["data"]?.arrayValue ?? []).compactMap { incident in
            guard let key = incident["CustomFields"]?["dbotmirrorid"]?.stringValue, !key.isEmpty else { return nil }
            let id = incident["id"]?.stringValue ?? "?"
            let reason = incident["closeReason"]?.stringValue.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
            let notes = incident["closeNotes"]?.stringValue.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
            return Closure(alertKey: key, note: "Closed in Cortex XSOAR as incident \(id)\(reason)\(notes)")
        }
    }
}
