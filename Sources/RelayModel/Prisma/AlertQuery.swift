/// The body of `POST /v2/alert` (Prisma's `FilterModel`), as far as the relay and the simulator use it.
public struct AlertQuery: Sendable, Equatable {
    /// One `{name, operator: "=", value}` filter. Repeating a name ORs its values; names are ANDed.
    public struct Filter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The documented maximum (and default) page size.
    public static let maxLimit = 10_000

    public var timeRange: TimeRange?
    public var filters: [Filter]
    public var limit: Int?
    public var sortBy: [String]
    public var detailed: Bool?
    /// Set on follow-up pages; such a body carries nothing else.
    public var pageToken: String?

    public init(
        timeRange: TimeRange? = nil, filters: [Filter] = [], limit: Int? = nil, sortBy: [String] = [],
        detailed: Bool? = nil, pageToken: String? = nil
    ) {
        self.timeRange = timeRange
        self.filters = filters
        self.limit = limit
        self.sortBy = sortBy
        self.detailed = detailed
        self.pageToken = pageToken
    }

    /// A follow-up page request: only the token, as Palo Alto's own SDK sends it.
    public static func nextPage(_ token: String) -> AlertQuery { AlertQuery(pageToken: token) }

    /// The values given for filter `name`, in order.
    public func values(of name: String) -> [String] { filters.filter { $0.name == name }.map(\.value) }

    /// The request JSON.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        if let timeRange { object["timeRange"] = timeRange.jsonValue }
        if !filters.isEmpty {
            object["filters"] = .array(
                filters.map {
                    .object(["name": .string($0.name), "operator": .string("="), "value": .string($0.value)])
                })
        }
        if !sortBy.isEmpty { object["sortBy"] = .array(sortBy.map(JSONValue.string)) }
        if let limit { object["limit"] = .int(limit) }
        if let detailed { object["detailed"] = .bool(detailed) }
        if let pageToken { object["pageToken"] = .string(pageToken) }
        return .object(object)
    }

    /// Reads a request body; the error names the offending field.
    public init(json: JSONValue) throws(WireError) {
        guard json.objectValue != nil else { throw WireError("the request body must be a JSON object") }
        self.init()
        if let range = json["timeRange"], range != .null { timeRange = try TimeRange(json: range) }
        if let list = json["filters"], list != .null {
            guard let items = list.arrayValue else { throw WireError("filters must be an array") }
            for item in items {
                guard let name = item["name"]?.stringValue, let value = item["value"]?.stringValue else {
                    throw WireError("each filter needs a name and a string value")
                }
                if let op = item["operator"]?.stringValue, op != "=" {
                    throw WireError("filter operator must be \"=\", not \"\(op)\"")
                }
                filters.append(Filter(name: name, value: value))
            }
        }
        if let value = json["limit"], value != .null {
            guard let limit = value.int64Value, limit >= 0 else { throw WireError("limit must be a non-negative integer") }
            self.limit = Int(limit)
        }
        if let value = json["sortBy"], value != .null {
            guard let items = value.arrayValue else { throw WireError("sortBy must be an array of \"field:asc|desc\"") }
            sortBy = items.compactMap(\.stringValue)
        }
        detailed = json["detailed"]?.boolValue
        pageToken = json["pageToken"]?.stringValue
    }
}
