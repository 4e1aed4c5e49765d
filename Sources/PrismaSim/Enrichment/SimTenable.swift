import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// The simulated organisation's Tenable Vulnerability Management, strict to its API's contract: `X-ApiKeys: accessKey=…;secretKey=…;` with the known keys
/// (401 otherwise), `GET /session`, the workbench's asset search (`filter.0.filter` one of `ipv4`, `ipv6`,
/// `aws_ec2_instance_id`, `fqdn`, quality `eq`; 400 otherwise) and an asset's vulnerabilities (404 for an unknown
/// asset), in Tenable's shapes. Scriptable to be down (503) and to answer 429 with `Retry-After` first.
public actor SimTenable {
    public struct Vulnerability: Sendable {
        public var pluginID: Int
        public var name: String
        /// 0 info … 4 critical.
        public var severity: Int
        public var vpr: Double?

        public init(pluginID: Int, name: String, severity: Int, vpr: Double?) {
            self.pluginID = pluginID
            self.name = name
            self.severity = severity
            self.vpr = vpr
        }
    }

    public struct Asset: Sendable {
        public var id: String
        public var ipv4: [String]
        public var fqdn: [String]
        public var instanceIDs: [String]
        public var lastSeen: String
        public var vulnerabilities: [Vulnerability]

        public init(
            id: String, ipv4: [String] = [], fqdn: [String] = [], instanceIDs: [String] = [], lastSeen: String = "2026-12-01T06:00:00.000Z",
            vulnerabilities: [Vulnerability] = []
        ) {
            self.id = id
            self.ipv4 = ipv4
            self.fqdn = fqdn
            self.instanceIDs = instanceIDs
            self.lastSeen = lastSeen
            self.vulnerabilities = vulnerabilities
        }
    }

    let accessKey: String
    let secretKey: String
    let assets: [Asset]
    public private(set) var requests: [String] = []
    private var script: [Int] = []
    public private(set) var down = false

    public init(accessKey: String, secretKey: String, assets: [Asset]) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.assets = assets
    }

    public func setDown(_ value: Bool) { down = value }
    /// Answer these statuses first (429 carries `Retry-After: 1`).
    public func fail(with statuses: [Int]) { script += statuses }

    static func error(_ status: Int, _ error: String, _ message: String) -> String {
        JSONValue.object(["statusCode": .int(status), "error": .string(error), "message": .string(message)]).jsonString()
    }

    func handle(path: String, query: [String: String], keys: String?) -> (Int, [(String, String)], String) {
        let expected = "accessKey=\(accessKey);secretKey=\(secretKey);"
        guard let keys, keys.replacingOccurrences(of: " ", with: "") == expected || keys == String(expected.dropLast()) else {
            return (401, [], Self.error(401, "Unauthorized", "Invalid Credentials"))
        }
        if down { return (503, [], Self.error(503, "Service Unavailable", "Service Unavailable")) }
        if !script.isEmpty {
            let status = script.removeFirst()
            return (status, status == 429 ? [("Retry-After", "1")] : [], Self.error(status, "Scripted", "scripted failure \(status)"))
        }
        requests.append(path + (query.isEmpty ? "" : "?" + query.keys.sorted().map { "\($0)=\(query[$0]!)" }.joined(separator: "&")))
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if parts == ["session"] {
            return (200, [], #"{"id":2,"username":"relay@example.com","type":"local","permissions":32}"#)
        }
        if parts == ["workbenches", "assets"] {
            let filters = ["ipv4": \Asset.ipv4, "ipv6": \Asset.ipv4, "aws_ec2_instance_id": \Asset.instanceIDs, "fqdn": \Asset.fqdn]
            guard let name = query["filter.0.filter"], let field = filters[name], query["filter.0.quality"] == "eq",
                let value = query["filter.0.value"]
            else { return (400, [], Self.error(400, "Bad Request", "Invalid filter")) }
            let found = assets.filter { $0[keyPath: field].contains(value) }.map { asset in
                JSONValue.object([
                    "id": .string(asset.id), "ipv4": .array(asset.ipv4.map(JSONValue.string)),
                    "fqdn": .array(asset.fqdn.map(JSONValue.string)),
                    "last_seen": .string(asset.lastSeen),
                ])
            }
            return (200, [], JSONValue.object(["assets": .array(found), "total": .int(found.count)]).jsonString())
        }
        if parts.count == 4, parts[0] == "workbenches", parts[1] == "assets", parts[3] == "vulnerabilities" {
            guard let asset = assets.first(where: { $0.id == parts[2] }) else {
                return (404, [], Self.error(404, "Not Found", "Asset not found"))
            }
            let vulnerabilities = asset.vulnerabilities.map { item in
                JSONValue.object([
                    "plugin_id": .int(item.pluginID), "plugin_name": .string(item.name), "plugin_family": .string("General"),
                    "count": .int(1),
                    "severity": .int(item.severity), "vpr_score": item.vpr.map { .number(String($0)) } ?? .null,
                    "vulnerability_state": .string("Active"),
                ])
            }
            return (
                200, [],
                JSONValue.object([
                    "vulnerabilities": .array(vulnerabilities), "total_vulnerability_count": .int(vulnerabilities.count),
                    "total_asset_count": .int(1),
                ]).jsonString()
            )
        }
        return (404, [], Self.error(404, "Not Found", "Not Found"))
    }

    /// The simulated tenant's hosts (`SimDirectory`), each with one critical finding.
    public static func knowingSimulatedTenant(accessKey: String, secretKey: String) -> SimTenable {
        SimTenable(
            accessKey: accessKey, secretKey: secretKey,
            assets: (0..<SimDirectory.hostCount).map { index in
                Asset(
                    id: "asset-\(index)", ipv4: [SimDirectory.privateIP(index)], fqdn: [SimDirectory.privateDNS(index)],
                    vulnerabilities: [Vulnerability(pluginID: 1000 + index, name: "OpenSSL advisory \(index)", severity: 4, vpr: 9.1)])
            })
    }

    /// Serves `/session` and the workbench on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        for path in ["session", "workbenches/assets", "workbenches/assets/:id/vulnerabilities"] {
            router.get(RouterPath(path)) { [self] request, _ in
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                let (status, extra, text) = await handle(
                    path: request.uri.path, query: query, keys: request.headers[HTTPField.Name("X-ApiKeys")!])
                var headers: HTTPFields = [.contentType: "application/json"]
                for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
