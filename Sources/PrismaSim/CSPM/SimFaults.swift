/// Faults the simulator injects into the alert list endpoints, switched on per run. Counted faults are used
/// up one request at a time, in the order of the properties below.
public struct SimFaults: Sendable, Equatable {
    /// The next N alert requests answer 503 with `Retry-After`.
    public var serverErrors = 0
    /// The next N alert requests answer 429 with `X-RateLimit-Remaining: 0`.
    public var rateLimited = 0
    /// The next N alert requests answer 200 with a truncated JSON body.
    public var malformedJSON = 0
    /// The next N alert requests answer with an HTML error page instead of JSON.
    public var htmlErrorPage = 0
    /// Every alert request waits this long before answering.
    public var slowResponseMillis = 0
    /// A JWT stops working after it has fetched this many alert pages, as if it expired mid-paging.
    public var expireTokenAfterPages: Int?
    /// The last page keeps a `nextPageToken`, which leads to empty pages that keep one too.
    public var trailingEmptyPage = false
    /// The routes the counted faults apply to, by their counter's name (`alerts`, `audit`,
    /// `compute.incidents`, `compute.audits`, `alert.dismiss`, `alert.reopen`); nil for every route.
    public var routes: Set<String>?

    public init(
        serverErrors: Int = 0, rateLimited: Int = 0, malformedJSON: Int = 0, htmlErrorPage: Int = 0,
        slowResponseMillis: Int = 0, expireTokenAfterPages: Int? = nil, trailingEmptyPage: Bool = false, routes: Set<String>? = nil
    ) {
        self.serverErrors = serverErrors
        self.rateLimited = rateLimited
        self.malformedJSON = malformedJSON
        self.htmlErrorPage = htmlErrorPage
        self.slowResponseMillis = slowResponseMillis
        self.expireTokenAfterPages = expireTokenAfterPages
        self.trailingEmptyPage = trailingEmptyPage
        self.routes = routes
    }

    /// Parses `--fault` values: `503:N`, `429:N`, `malformed:N`, `html:N`, `slow:MS`, `expire:PAGES`, `trailing-empty`.
    public mutating func apply(_ spec: String) throws(SimFaultSpecError) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let count = parts.count > 1 ? Int(parts[1]) : 1
        guard let count, count >= 0 else { throw SimFaultSpecError(spec: spec) }
        switch parts[0] {
        case "503", "5xx": serverErrors += count
        case "429": rateLimited += count
        case "malformed": malformedJSON += count
        case "html": htmlErrorPage += count
        case "slow": slowResponseMillis = count
        case "expire": expireTokenAfterPages = max(1, count)
        case "trailing-empty": trailingEmptyPage = true
        default: throw SimFaultSpecError(spec: spec)
        }
    }
}

/// A `--fault` value the simulator does not understand.
public struct SimFaultSpecError: Error, CustomStringConvertible {
    public var spec: String
    public var description: String {
        "unknown fault \"\(spec)\": use 503:N, 429:N, malformed:N, html:N, slow:MS, expire:PAGES or trailing-empty"
    }
}
