import RelayModel

/// An HTTP request as the simulator's endpoints see it, independent of the server framework.
public struct SimRequest: Sendable {
    public var headers: [String: String]
    public var query: [(String, String)]
    public var body: [UInt8]

    public init(headers: [String: String] = [:], query: [(String, String)] = [], body: [UInt8] = []) {
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.query = query
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
    func queryValue(_ name: String) -> String? { query.first(where: { $0.0 == name })?.1 }
}

/// An HTTP answer from the simulator.
public struct SimResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// How long the server waits before answering (slow-response fault).
    public var delayMillis: Int = 0

    static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.jsonBytes())
    }

    /// Prisma's error form: an empty body and the reason in `x-redlock-status`.
    static func redlockError(_ status: Int, _ i18nKey: String, subject: String? = nil, headers: [(String, String)] = []) -> SimResponse {
        let entry: JSONValue = .object(["i18nKey": .string(i18nKey), "severity": .string("error"), "subject": .optional(subject)])
        return SimResponse(status: status, headers: [("x-redlock-status", JSONValue.array([entry]).jsonString())] + headers, body: [])
    }
}
