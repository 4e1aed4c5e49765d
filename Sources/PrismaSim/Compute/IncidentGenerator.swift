/// Makes realistic Compute incidents from a seed: every category and workload type, with audits of each severity.
struct IncidentGenerator: Sendable {
    private var random: SimRandom
    private var serial = 0

    init(seed: UInt64) { random = SimRandom(seed: seed ^ 0xC0_4D_9E) }

    static let categories: [(category: String, attack: String, auditType: String, process: String, message: String)] = [
        ("portScanning", "portScanning", "network", "/usr/bin/nmap", "Port scanning activity detected"),
        ("hijackedProcess", "hijackedProcess", "processes", "/usr/sbin/nginx", "Process behaved unlike its model"),
        ("dataExfiltration", "dataExfiltration", "network", "/usr/bin/curl", "Large outbound transfer to an unknown host"),
        ("kubernetes", "kubernetesAttack", "kubernetes", "/usr/local/bin/kubectl", "Kubernetes service account token read"),
        ("backdoorAdministrativeAccount", "backdoorAccount", "filesystem", "/usr/sbin/useradd", "Administrative account created"),
        ("backdoorSSHAccess", "backdoorSSH", "filesystem", "/bin/sh", "authorized_keys modified"),
        ("cryptoMiner", "cryptoMinerProcess", "processes", "/tmp/xmrig", "High rating process xmrig launched"),
        ("lateralMovement", "lateralMovement", "network", "/usr/bin/ssh", "Connection to an internal host on an unusual port"),
        ("bruteForce", "bruteForce", "network", "/usr/sbin/sshd", "Repeated failed logins"),
        ("customRule", "customRule", "processes", "/bin/bash", "Custom rule matched"),
        ("alteredBinary", "alteredBinary", "filesystem", "/usr/bin/ls", "System binary modified"),
        ("suspiciousBinary", "suspiciousBinary", "processes", "/dev/shm/.x", "Binary executed from a hidden path"),
        ("executionFlowHijackAttempt", "executionFlowHijack", "processes", "/usr/bin/ld.so", "LD_PRELOAD set for a privileged process"),
        ("reverseShell", "reverseShell", "processes", "/bin/sh", "Reverse shell connected to a remote host"),
        ("malware", "malware", "filesystem", "/tmp/payload", "Malware file written"),
        ("cloudProvider", "cloudMetadataProbing", "network", "/usr/bin/wget", "Cloud metadata service queried"),
    ]
    static let types = ["host", "container", "function", "appEmbedded", "fargate"]
    static let clusters = ["prod", "staging", "payments-eks", ""]
    static let apps = ["nginx", "api-gateway", "billing", "redis", "worker"]
    static let clouds: [(provider: String, region: String, account: String)] = [
        ("aws", "us-east-1", "111111111111"), ("azure", "eastus", "7a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b"),
        ("gcp", "us-central1", "prod-analytics-381212"), ("oci", "us-ashburn-1", "ocid1.tenancy.oc1..aaaaexample"),
        ("alibaba", "cn-hangzhou", "5012345678901234"), ("others", "on-prem", ""),
    ]
    static let severities = ["low", "medium", "high"]

    /// `count` incidents at random times in `start ..< start + spread` (epoch ms), in time order.
    mutating func make(count: Int, start: Int64, spread: Int64) -> [SimIncident] {
        let times = (0..<count).map { _ in start + (spread > 0 ? random.int(in: 0...(spread - 1)) : 0) }.sorted()
        return times.map { time in
            serial += 1
            let kind = Self.categories[Int(random.next() % UInt64(Self.categories.count))]
            let type = random.pick(Self.types)
            let cloud = random.pick(Self.clouds)
            let app = random.pick(Self.apps)
            let cluster = ["container", "appEmbedded"].contains(type) ? random.pick(Self.clusters) : ""
            let auditCount = Int(random.next() % 4)
            let audits = (0..<auditCount).map { index in
                SimIncident.Audit(
                    id: random.hex(24), time: time - Int64(auditCount - index) * 1000, type: kind.auditType,
                    attackType: kind.attack, severity: random.pick(Self.severities), effect: random.pick(["alert", "prevent", "block"]),
                    message: kind.message, processPath: kind.process)
            }
            return SimIncident(
                id: random.hex(24), serial: serial, type: type, category: kind.category, time: time,
                hostname: type == "function" ? "" : "ip-10-0-\(random.next() % 256)-\(random.next() % 256)",
                cluster: cluster, namespace: cluster.isEmpty ? "" : "default", app: type == "host" ? "" : app,
                containerName: type == "host" || type == "function" ? "" : "/k8s_\(app)_\(app)-\(random.hex(4))_default_0",
                containerID: random.hex(64), imageName: "registry.example.com/\(app):1.\(random.next() % 30)",
                function: type == "function" ? "\(app)-handler" : "", runtime: type == "function" ? "python3.12" : "",
                provider: cloud.provider, region: cloud.region, accountID: cloud.account,
                customRuleName: kind.category == "customRule" ? "Block shells in production" : "", acknowledged: false,
                audits: audits)
        }
    }
}
