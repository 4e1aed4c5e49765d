import RelayHTTP
import RelayModel

/// Two-way sync: the incidents the relay opened (`correlation_display` "Prisma Cloud") that were resolved or closed in
/// ServiceNow (state 6 or 7), newest first.
extension ServiceNowDestination: ClosingDestination {
    public var syncsBack: Bool { config.syncClosed && tables.contains("incident") }

    /// The query that finds them: the incident table, the relay's records, resolved or closed, newest first.
    public static let closedQuery = "correlation_display=Prisma Cloud^stateIN6,7^ORDERBYDESCsys_updated_on"
    static let closedFields = "sys_id,number,correlation_id,state,close_code,close_notes,sys_updated_on"

    public func closures(over http: HTTPExchange) async throws -> [Closure] {
        let request = DestinationRequest(
            method: "GET",
            url: "\(base)/api/now/table/incident?sysparm_query=\(SigV4.encode(Self.closedQuery))"
                + "&sysparm_fields=\(SigV4.encode(Self.closedFields))&sysparm_limit=100",
            headers: headers.filter { $0.0 != "Content-Type" }, body: [])
        let response: DestinationResponse
        switch await http.send(request) {
        case .failure(let failure): throw ClosureReadFailure(description: "\(failure.outcome)")
        case .success(let answer): response = answer
        }
        guard response.status == 200, let rows = (try? JSONValue.parse(response.body))?["result"]?.arrayValue else {
            throw ClosureReadFailure(description: "\(Self.classify(response, table: "incident"))")
        }
        return rows.compactMap { row in
            guard let key = row["correlation_id"]?.stringValue, !key.isEmpty else { return nil }
            let number = row["number"]?.stringValue ?? "an incident"
            let state = row["state"]?.stringValue == "7" ? "Closed" : "Resolved"
            let code = row["close_code"]?.stringValue.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
            let notes = row["close_notes"]?.stringValue.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
            return Closure(alertKey: key, note: "\(state) in ServiceNow as \(number)\(code)\(notes)")
        }
    }
}
