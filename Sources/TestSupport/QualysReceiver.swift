import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Qualys API v2 for tests: Basic auth with the known login (401 `SIMPLE_RETURN` code 2000 otherwise) and
/// `X-Requested-With` on every call (400 without), `action=list` required; the VM detection list by `ips`, the
/// KnowledgeBase by `ids` and the host list, as XML of Qualys' DTDs. It counts calls running at once: past
/// `concurrencyLimit` it answers 409 (code 1960) with `X-Concurrency-Limit-*`; scriptable to answer 409 with
/// `X-RateLimit-ToWait-Sec` (code 1965), and to be down (503).
public actor QualysReceiver {
    public struct Host: Sendable {
        public var id: String
        public var ip: String
        public var dns: String?
        public var lastScan: String
        public var detections: [(qid: String, severity: Int)]

        public init(
            id: String, ip: String, dns: String? = nil, lastScan: String = "2026-12-01T04:00:00Z",
            detections: [(qid: String, severity: Int)]
        ) {
            self.id = id
            self.ip = ip
            self.dns = dns
            self.lastScan = lastScan
            self.detections = detections
        }
    }

    let login: String
    let password: String
    let hosts: [Host]
    let titles: [String: String]
    let concurrencyLimit: Int
    /// How long each answer takes.
    let latency: Duration
    public private(set) var requests: [String] = []
    public private(set) var mostAtOnce = 0
    private var running = 0
    private var script = FailureScript<Int>()
    public private(set) var down = false

    public init(
        login: String, password: String, hosts: [Host], titles: [String: String], concurrencyLimit: Int = 2, latency: Duration = .zero
    ) {
        self.login = login
        self.password = password
        self.hosts = hosts
        self.titles = titles
        self.concurrencyLimit = concurrencyLimit
        self.latency = latency
    }

    public func setDown(_ value: Bool) { down = value }
    /// Answer these statuses first (409 as the rate limit, with `X-RateLimit-ToWait-Sec: 1`).
    public func fail(with statuses: [Int]) { script.add(statuses) }

    public static func simpleReturn(_ code: String, _ text: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" ?>
        <!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">
        <SIMPLE_RETURN><RESPONSE><DATETIME>2026-12-04T10:00:00Z</DATETIME><CODE>\(code)</CODE><TEXT>\(text)</TEXT></RESPONSE></SIMPLE_RETURN>
        """
    }

    func handle(path: String, query: [String: String], headers: HTTPFields) async -> (Int, [(String, String)], String) {
        let expected = "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
        guard headers[.authorization] == expected else { return (401, [], Self.simpleReturn("2000", "Bad Login/Password")) }
        guard headers[HTTPField.Name("X-Requested-With")!]?.isEmpty == false else {
            return (400, [], Self.simpleReturn("1960", "Request header X-Requested-With is required for this API."))
        }
        if down { return (503, [], "<html><body>Service Unavailable</body></html>") }
        if let status = script.next() {
            let extra = status == 409 ? [("X-RateLimit-ToWait-Sec", "1"), ("X-RateLimit-Limit", "300")] : []
            return (status, extra, Self.simpleReturn("1965", "This API cannot be run again for another 1 seconds."))
        }
        let limits = [("X-Concurrency-Limit-Limit", String(concurrencyLimit))]
        guard running < concurrencyLimit else {
            return (
                409, limits + [("X-Concurrency-Limit-Running", String(running))],
                Self.simpleReturn("1960", "This API cannot be run again until \(concurrencyLimit) currently running calls finish.")
            )
        }
        guard query["action"] == "list" else { return (400, limits, Self.simpleReturn("1903", "Missing required parameter(s): action")) }
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        requests.append(path + "?" + query.keys.sorted().map { "\($0)=\(query[$0]!)" }.joined(separator: "&"))
        if latency > .zero { try? await Task.sleep(for: latency) }
        running -= 1
        let trimmed = path.split(separator: "/").joined(separator: "/")
        switch trimmed {
        case "api/2.0/fo/asset/host/vm/detection":
            let wanted = Set((query["ips"] ?? "").split(separator: ",").map(String.init))
            let found = hosts.filter { wanted.contains($0.ip) }
            return (200, limits, Self.detectionList(found))
        case "api/2.0/fo/knowledge_base/vuln":
            let ids = (query["ids"] ?? "").split(separator: ",").map(String.init)
            let vulns = ids.compactMap { id in
                titles[id].map { "<VULN><QID>\(id)</QID><VULN_TYPE>Vulnerability</VULN_TYPE><TITLE><![CDATA[\($0)]]></TITLE></VULN>" }
            }
            return (
                200, limits,
                """
                <?xml version="1.0" encoding="UTF-8" ?>
                <KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><DATETIME>2026-12-04T10:00:00Z</DATETIME><VULN_LIST>\(vulns.joined())</VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
                """
            )
        case "api/2.0/fo/asset/host":
            let first = hosts.prefix(1).map { "<HOST><ID>\($0.id)</ID><IP>\($0.ip)</IP></HOST>" }
            return (
                200, limits,
                """
                <?xml version="1.0" encoding="UTF-8" ?>
                <HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-12-04T10:00:00Z</DATETIME><HOST_LIST>\(first.joined())</HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>
                """
            )
        default:
            return (404, limits, Self.simpleReturn("1904", "Unknown API path"))
        }
    }

    /// A `HOST_LIST_VM_DETECTION_OUTPUT` of `hosts`.
    public static func detectionList(_ hosts: [Host]) -> String {
        let entries = hosts.map { host in
            let detections = host.detections.map {
                "<DETECTION><QID>\($0.qid)</QID><TYPE>Confirmed</TYPE><SEVERITY>\($0.severity)</SEVERITY><STATUS>Active</STATUS></DETECTION>"
            }
            return "<HOST><ID>\(host.id)</ID><IP>\(host.ip)</IP><TRACKING_METHOD>IP</TRACKING_METHOD>"
                + (host.dns.map { "<DNS><![CDATA[\($0)]]></DNS>" } ?? "")
                + "<LAST_SCAN_DATETIME>\(host.lastScan)</LAST_SCAN_DATETIME><LAST_VM_SCANNED_DATE>\(host.lastScan)</LAST_VM_SCANNED_DATE>"
                + "<DETECTION_LIST>\(detections.joined())</DETECTION_LIST></HOST>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" ?>
            <!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">
            <HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-12-04T10:00:00Z</DATETIME>\(hosts.isEmpty ? "" : "<HOST_LIST>\(entries.joined())</HOST_LIST>")</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>
            """
    }

    /// Serves the three lists on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        for path in ["api/2.0/fo/asset/host/vm/detection", "api/2.0/fo/knowledge_base/vuln", "api/2.0/fo/asset/host"] {
            router.get(RouterPath(path)) { [self] request, _ in
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                let (status, extra, text) = await handle(path: request.uri.path, query: query, headers: request.headers)
                var headers: HTTPFields = [.contentType: text.hasPrefix("<html") ? "text/html" : "text/xml;charset=UTF-8"]
                for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
