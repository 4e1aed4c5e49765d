import RelayModel
import Testing

@Suite("Severity and module mapping")
struct SeverityAndModuleTests {
    @Test(
        "maps every row of the seed's severity table",
        arguments: [
            ("critical", Severity.high), ("high", .high), ("medium", .medium), ("low", .low), ("informational", .info),
        ])
    func seedTable(tier: String, expected: Severity) {
        #expect(Severity(prismaTier: tier) == expected)
        #expect(Severity(prismaTier: tier.uppercased()) == expected)
    }

    @Test("treats a missing or unknown tier as medium")
    func unknownTier() {
        #expect(Severity(prismaTier: nil) == .medium)
        #expect(Severity(prismaTier: "severe") == .medium)
    }

    @Test(
        "classifies policy types into modules",
        arguments: [
            ("config", Module.cspm), ("network", .cspm), ("audit_event", .cspm), ("anomaly", .cspm), ("attack_path", .cspm),
            ("api", .cspm), ("iam", .ciem), ("IAM", .ciem), ("data", .dspm), ("workload_vulnerability", .cwpp),
            ("workload_incident", .cwpp), ("waas_event", .cwpp), ("malware", .cwpp), ("grayware", .cwpp),
        ])
    func modules(type: String, expected: Module) {
        #expect(Module(policyType: type) == expected)
    }
}
