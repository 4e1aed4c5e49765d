import RelayModel

/// Makes Compute audits from a seed, shaped as the console's (`shared.RuntimeAudit` for container, host, serverless
/// and app-embedded runtime; `shared.AppFirewallAudit` for WAAS of every workload; `admission.Audit`,
/// `kubeaudit.Audit` and `shared.Audit` for Kubernetes admission, Kubernetes audits and Docker/host access): crypto
/// miners, reverse shells, unexpected processes and DNS lookups, WAAS's SQL injections and cross-site scripting,
/// privileged pods refused, secrets read, `docker exec` into a container, each with its effect, rule, workload and cloud.
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
        switch stream {
        case .admission: return admission(at: time, host: host)
        case .kubernetes: return kubernetes(at: time)
        case .access: return access(at: time, host: host, index: index)
        default: break
        }
        if stream.isWAAS {
            let (type, message) = random.pick([
                ("sqli", "Detected SQL injection attempt in query parameter id"),
                ("xss", "Detected cross-site scripting in header Referer"), ("deniedIP", "Denied connection from a banned address"),
            ])
            object["type"] = .string(type)
            object["effect"] = .string(random.pick(["prevent", "alert", "ban"]))
            object["msg"] = .string(message)
            object["ruleName"] = .string("waas-\(Self.containers[index])")
            object["url"] = .string("https://shop.example.com/api/items?id=1")
            object["method"] = .string("GET")
            object["connectingIPs"] = .array([.string("198.51.100.\(random.next() % 250)")])
            object["protection"] = .string("firewall")
            object["eventID"] = .string(random.hex(16))
            switch stream {
            case .waasServerless:
                object["function"] = .string("orders-\(index)")
                object["firewallType"] = .string("serverless")
                object["hostname"] = nil
            case .waasAgentless:
                // Agentless audits come aggregated: no id, a count of the requests folded into one.
                object["_id"] = .string("")
                object["firewallType"] = .string("agentless")
                object["count"] = .int(Int64(10 + random.next() % 60))
            case .waasHost:
                object["firewallType"] = .string("host-proxy")
            case .waasAppEmbedded:
                object["appID"] = .string("app-\(Self.containers[index])")
                object["firewallType"] = .string("app-embedded")
            default:
                object["containerName"] = .string(Self.containers[index])
                object["imageName"] = .string(Self.images[index])
                object["firewallType"] = .string("container-proxy")
            }
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
        case .appEmbedded:
            object["appID"] = .string("app-\(Self.containers[index])")
            object["containerName"] = .string(Self.containers[index])
        default:
            object["user"] = .string("root")
        }
        return .object(object)
    }

    /// An admission controller's audit: a request refused or flagged by an admission rule, with the Kubernetes
    /// AdmissionReview request as a JSON string (its `uid` is the record's identity).
    mutating func admission(at time: Int64, host: String) -> JSONValue {
        let uid = "\(random.hex(8))-\(random.hex(4))-\(random.hex(4))-\(random.hex(4))-\(random.hex(12))"
        let (rule, message, operation, kind) = random.pick([
            ("Deny privileged pods", "Privileged pod creation is not allowed", "CREATE", "Pod"),
            ("Deny exec into pods", "Executing into a pod in kube-system is not allowed", "CONNECT", "Pod"),
            ("Alert on cluster-admin bindings", "A role binding grants cluster-admin", "CREATE", "ClusterRoleBinding"),
        ])
        let namespace = random.pick(["default", "payments", "kube-system"])
        let user = random.pick(["alice@example.com", "system:serviceaccount:ci:deployer", "bob@example.com"])
        let request: JSONValue = .object([
            "uid": .string(uid), "kind": .object(["group": .string(""), "version": .string("v1"), "kind": .string(kind)]),
            "operation": .string(operation), "namespace": .string(namespace), "userInfo": .object(["username": .string(user)]),
        ])
        return .object([
            "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "ruleName": .string(rule), "message": .string(message),
            "operation": .string(operation), "kind": .string(kind), "resource": .string(kind.lowercased() + "s"),
            "username": .string(user), "userUid": .string(random.hex(8)), "userGroups": .array([.string("system:authenticated")]),
            "namespace": .string(namespace), "effect": .string(random.pick(["block", "alert"])),
            "rawRequest": .string(request.jsonString()),
            "cluster": .string("prod-eks"), "accountID": .string("123456789012"),
            "attackTechniques": .array([.string("privilegedContainer")]),
            "collections": .array([.string("All")]),
        ])
    }

    /// A detection in the Kubernetes audit log: the original event as `eventBlob` (its `auditID` is the identity).
    mutating func kubernetes(at time: Int64) -> JSONValue {
        let auditID = "\(random.hex(8))-\(random.hex(4))-\(random.hex(4))-\(random.hex(4))-\(random.hex(12))"
        let (verb, uri, message) = random.pick([
            ("get", "/api/v1/namespaces/payments/secrets/db-password", "A secret was read by a user outside the deployers"),
            ("create", "/api/v1/namespaces/kube-system/pods/debug/exec", "Exec into a pod in kube-system"),
            ("delete", "/apis/apps/v1/namespaces/payments/deployments/api", "A deployment was deleted outside a change window"),
        ])
        let user = random.pick(["alice@example.com", "system:serviceaccount:default:builder"])
        let address = "203.0.113.\(random.next() % 250)"
        let blob: JSONValue = .object([
            "kind": .string("Event"), "apiVersion": .string("audit.k8s.io/v1"), "auditID": .string(auditID), "verb": .string(verb),
            "requestURI": .string(uri), "user": .object(["username": .string(user)]), "sourceIPs": .array([.string(address)]),
        ])
        return .object([
            "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "verb": .string(verb),
            "user": .object(["username": .string(user), "uid": .string(random.hex(8)), "groups": .array([.string("system:authenticated")])]
            ),
            "message": .string(message), "sourceIPs": .array([.string(address)]), "requestURI": .string(uri),
            "eventBlob": .string(blob.jsonString()), "cluster": .string("prod-eks"), "provider": .string("aws"),
            "accountID": .string("123456789012"), "attackTechniques": .array([.string("unsecuredCredentials")]),
            "collections": .array([.string("All")]),
        ])
    }

    /// A Docker or host access audit: a command allowed or denied by an access rule.
    mutating func access(at time: Int64, host: String, index: Int) -> JSONValue {
        let allowed = random.next() % 3 == 0
        let (api, type) = random.pick([("container_exec_create", "docker"), ("ssh", "sshd"), ("container_delete", "docker")])
        return .object([
            "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "hostname": .string(host), "fqdn": .string(host),
            "user": .string(random.pick(["alice", "deploy", "root"])),
            "sourceIP": .string("10.0.\(random.next() % 256).\(random.next() % 256)"),
            "api": .string(api), "allow": .bool(allowed), "ruleName": .string("Only on-call may exec into production"),
            "msg": .string("\(api) by the user \(allowed ? "allowed" : "denied") by the access rule"), "type": .string(type),
            "containerName": .string(type == "docker" ? Self.containers[index] : ""),
            "imageName": .string(type == "docker" ? Self.images[index] : ""),
            "namespace": .string(""), "cluster": .string(""), "accountID": .string("123456789012"), "collections": .array([.string("All")]),
        ])
    }
}
