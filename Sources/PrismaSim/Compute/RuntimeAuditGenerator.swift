import RelayModel

/// Makes Compute runtime audits from a seed, shaped as the console's (`shared.RuntimeAudit` for container, host and
/// serverless runtime; `shared.AppFirewallAudit` for WAAS): crypto miners, reverse shells, unexpected processes and
/// DNS lookups, and WAAS's SQL injections and cross-site scripting, each with its effect, rule, workload and cloud.
struct RuntimeAuditGenerator {
    var random: SimRandom

    init(seed: UInt64) { random = SimRandom(seed: seed ^ 0x5255_4e54_494d_4500) }

    static let hosts = ["ip-10-0-1-5.ec2.internal", "ip-10-0-2-17.ec2.internal", "gke-prod-pool-1-a1b2", "aks-nodes-3312"]
    static let containers = ["nginx", "payments-api", "redis", "ingest-worker"]
    static let images = ["nginx:1.25", "acme/payments-api:4.2.1", "redis:7", "acme/ingest:2.0"]

    mutating func make(_ stream: ComputeAuditStream, count: Int, start: Int64, spread: Int64) -> [JSONValue] {
        (0..<count).map { _ in record(stream, at: start + random.int(in: 0...max(0, spread - 1))) }
            .sorted { ($0["time"]?.stringValue ?? "") < ($1["time"]?.stringValue ?? "") }
    }

    mutating func record(_ stream: ComputeAuditStream, at time: Int64) -> JSONValue {
        let index = Int(random.next() % UInt64(Self.containers.count))
        let host = Self.hosts[Int(random.next() % UInt64(Self.hosts.count))]
        var object: JSONObject = [
            "_id": .string(random.hex(24)), "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "hostname": .string(host),
            "count": .int(Int64(1 + random.next() % 3)), "collections": .array([.string("All")]),
            "provider": .string("aws"), "region": .string("us-east-1"), "accountID": .string("123456789012"),
        ]
        if stream == .waas {
            let (type, message) = random.pick([
                ("sqli", "Detected SQL injection attempt in query parameter id"),
                ("xss", "Detected cross-site scripting in header Referer"), ("deniedIP", "Denied connection from a banned address"),
            ])
            object["type"] = .string(type)
            object["effect"] = .string(random.pick(["prevent", "alert", "ban"]))
            object["msg"] = .string(message)
            object["ruleName"] = .string("waas-\(Self.containers[index])")
            object["containerName"] = .string(Self.containers[index])
            object["imageName"] = .string(Self.images[index])
            object["url"] = .string("https://shop.example.com/api/items?id=1")
            object["method"] = .string("GET")
            object["connectingIPs"] = .array([.string("198.51.100.\(random.next() % 250)")])
            object["protection"] = .string("firewall")
            object["eventID"] = .string(random.hex(16))
            return .object(object)
        }
        let (attack, type, severity, message) = random.pick([
            ("cryptoMinerProcess", "processes", "high", "/tmp/xmrig launched and is a known crypto miner"),
            ("reverseShell", "processes", "high", "/bin/sh launched with its input and output on a network socket"),
            ("unexpectedProcess", "processes", "medium", "/usr/bin/dash launched but is not found in the runtime model"),
            ("explicitlyDeniedDNS", "network", "low", "DNS query to a domain the rule denies: pool.minexmr.com"),
        ])
        object["attackType"] = .string(attack)
        object["type"] = .string(type)
        object["severity"] = .string(severity)
        object["effect"] = .string(random.pick(["alert", "block", "prevent"]))
        object["msg"] = .string(message)
        object["ruleName"] = .string("Default - alert on suspicious runtime behavior")
        object["attackTechniques"] = .array([.string(attack == "cryptoMinerProcess" ? "resourceHijacking" : "nativeBinaryExecution")])
        switch stream {
        case .container:
            object["containerName"] = .string("/" + Self.containers[index])
            object["containerId"] = .string(random.hex(64))
            object["imageName"] = .string(Self.images[index])
            object["container"] = .bool(true)
            object["namespace"] = .string("prod")
            object["cluster"] = .string("prod-eks")
        case .serverless:
            object["function"] = .string("orders-\(index)")
            object["functionID"] = .string("arn:aws:lambda:us-east-1:123456789012:function:orders-\(index)")
            object["runtime"] = .string("python3.12")
            object["hostname"] = nil
        case .host, .waas:
            object["user"] = .string("root")
        }
        return .object(object)
    }
}
