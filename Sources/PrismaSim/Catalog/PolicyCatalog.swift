import Foundation

/// A policy the simulated tenant alerts on.
struct SimPolicy: Sendable {
    var policyId: String
    var name: String
    var policyType: String
    var subTypes: [String]
    var severity: String
    var description: String
    var recommendation: String
    var labels: [String]
    var compliance: String?
    /// Cloud types this policy applies to.
    var clouds: [String]
}

/// Policies across every policy type, severity and cloud that Prisma Cloud documents.
enum PolicyCatalog {
    static let all: [SimPolicy] = {
        let rows: [(String, String, [String], String, [String], String?)] = [
            ("AWS S3 bucket is publicly accessible", "config", ["run"], "high", ["aws"], "CIS v1.5.0 (AWS)"),
            ("AWS Security Group allows all traffic on all ports", "config", ["run", "build"], "critical", ["aws"], "CIS v1.5.0 (AWS)"),
            ("AWS CloudTrail logging is disabled", "config", ["run"], "medium", ["aws"], "NIST 800-53 Rev 5"),
            ("Azure Storage account allows public network access", "config", ["run"], "high", ["azure"], "CIS v2.0.0 (Azure)"),
            ("Azure SQL server auditing is disabled", "config", ["run"], "low", ["azure"], nil),
            ("GCP VM instance has a public IP address", "config", ["run"], "medium", ["gcp"], "CIS v2.0.0 (GCP)"),
            ("GCP Storage bucket uniform access is not enabled", "config", ["run", "build"], "informational", ["gcp"], nil),
            ("OCI Object Storage bucket is public", "config", ["run"], "high", ["oci"], nil),
            ("Alibaba Cloud RAM password policy is weak", "config", ["run"], "low", ["alibaba_cloud"], nil),
            ("Internet exposed instance accepting SSH from 0.0.0.0/0", "network", ["network"], "high", ["aws", "azure", "gcp"], nil),
            ("Instance communicating with a known malicious IP", "network", ["network_event"], "critical", ["aws", "gcp"], nil),
            ("Root account activity detected", "audit_event", ["audit"], "critical", ["aws"], "SOC 2"),
            ("Sensitive IAM policy updated", "audit_event", ["audit"], "medium", ["aws", "azure", "gcp"], nil),
            ("Unusual user activity from a new location", "anomaly", ["ueba"], "medium", ["aws", "azure", "gcp"], nil),
            ("Excessive login failures", "anomaly", ["ueba"], "low", ["aws", "azure"], nil),
            ("Object containing PII is publicly exposed", "data", ["data_classification"], "high", ["aws", "azure"], "GDPR"),
            ("Sensitive data in an unencrypted bucket", "data", ["sensitive_data_exposure"], "medium", ["aws", "gcp"], nil),
            (
                "IAM role with administrative permissions is unused for 90 days", "iam", ["permissions"], "medium",
                ["aws", "azure", "gcp"], nil
            ),
            ("Third-party account can assume an overly permissive role", "iam", ["identity"], "high", ["aws"], nil),
            (
                "Container image has critical vulnerabilities", "workload_vulnerability", ["container_image"], "critical",
                ["aws", "azure", "gcp"], nil
            ),
            ("Host has high severity vulnerabilities", "workload_vulnerability", ["host"], "high", ["aws", "azure", "gcp", "oci"], nil),
            ("Runtime incident: reverse shell on a container", "workload_incident", ["run"], "critical", ["aws", "gcp"], nil),
            (
                "API endpoint exposes sensitive data without authentication", "api", ["sensitive_data_exposure"], "medium",
                ["aws", "azure"], nil
            ),
            (
                "Attack path: internet-exposed VM with admin role and vulnerable package", "attack_path", ["misconfig_and_event"],
                "critical", ["aws", "azure", "gcp"], nil
            ),
            ("Malware found in a storage object", "malware", ["malware"], "high", ["aws", "azure"], nil),
            ("Grayware found in a storage object", "grayware", ["malware"], "informational", ["aws"], nil),
            ("WAAS: SQL injection attempt blocked", "waas_event", ["injections"], "low", ["aws", "azure", "gcp"], nil),
        ]
        var random = SimRandom(seed: 0x5052_4953)
        return rows.map { row in
            SimPolicy(
                policyId: random.uuid(), name: row.0, policyType: row.1, subTypes: row.2, severity: row.3,
                description: "This policy identifies cases where: \(row.0.lowercased()).",
                // Numbered steps on lines of their own, as Prisma's recommendations are written: escapes in every alert.
                recommendation:
                    "1. Sign in to the cloud console.\n2. Find the resource this alert names.\n3. Remediate it according to your organization's policy.",
                labels: row.5.map { [$0.components(separatedBy: " ").first ?? $0] } ?? [], compliance: row.5, clouds: row.4)
        }
    }()
}
