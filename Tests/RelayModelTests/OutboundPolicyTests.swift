import RelayModel
import Testing

@Suite("Outbound policy")
struct OutboundPolicyTests {
    func refusal(_ policy: OutboundPolicy, _ address: String, host: String? = nil) -> String? {
        policy.refusal(host: host ?? address, address: IPAddress(address)!)
    }

    @Test("refuses loopback, link-local (cloud metadata), unspecified, broadcast and multicast by default")
    func refusedByDefault() {
        let words = [
            "127.0.0.1": "a loopback address", "127.9.9.9": "a loopback address", "::1": "a loopback address",
            "0.0.0.0": "an unspecified address", "::": "an unspecified address",
            "169.254.169.254": "a link-local address (where cloud metadata services answer)", "fe80::1": "a link-local address",
            "fd00:ec2::254": "the cloud metadata service", "224.0.0.251": "a multicast address", "ff02::1": "a multicast address",
            "255.255.255.255": "the broadcast address", "::ffff:127.0.0.1": "a loopback address",
            "::ffff:169.254.169.254": "a link-local address (where cloud metadata services answer)",
        ]
        for (address, expected) in words {
            #expect(refusal(.standard, address) == expected, "\(address)")
        }
    }

    @Test("allows private and public ranges by default")
    func allowedByDefault() {
        for address in ["10.1.2.3", "172.16.0.9", "192.168.1.1", "100.64.0.1", "fd12::1", "8.8.8.8", "2001:db8::1"] {
            #expect(refusal(.standard, address) == nil, "\(address)")
        }
    }

    @Test("the allow list wins over the defaults and the deny list; private denies every private range")
    func operatorLists() throws {
        let policy = try OutboundPolicy.parse(allow: "127.0.0.1, ::1, 10.9.0.0/16, siem.internal", deny: "private, 203.0.113.0/24")
        #expect(refusal(policy, "127.0.0.1") == nil)
        #expect(refusal(policy, "127.0.0.2") == "a loopback address")
        #expect(refusal(policy, "::1") == nil)
        #expect(refusal(policy, "10.9.1.1") == nil)
        #expect(refusal(policy, "10.8.1.1") == "in a range the operator denies")
        #expect(refusal(policy, "192.168.1.1") == "in a range the operator denies")
        #expect(refusal(policy, "fd12::1") == "in a range the operator denies")
        #expect(refusal(policy, "203.0.113.7") == "in a range the operator denies")
        #expect(refusal(policy, "8.8.8.8") == nil)
        #expect(refusal(policy, "127.0.0.5", host: "SIEM.internal") == nil)
    }

    @Test("options take the place of the environment variables")
    func environment() throws {
        let environment = ["PRISMA_RELAY_OUTBOUND_ALLOW": "127.0.0.1", "PRISMA_RELAY_OUTBOUND_DENY": "private"]
        let fromEnvironment = try OutboundPolicy.from(environment: environment)
        #expect(fromEnvironment.allowedRanges == [IPRange("127.0.0.1")!])
        #expect(refusal(fromEnvironment, "10.0.0.1") != nil)
        let fromOptions = try OutboundPolicy.from(environment: environment, allow: "::1", deny: "")
        #expect(refusal(fromOptions, "127.0.0.1") == "a loopback address")
        #expect(refusal(fromOptions, "10.0.0.1") == nil)
    }

    @Test("bad entries are named with the option and variable that carry them")
    func badEntries() {
        do {
            _ = try OutboundPolicy.parse(allow: "10.0.0.0/33, http://x", deny: "everything")
            Issue.record("bad entries were accepted")
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    #"--outbound-allow (PRISMA_RELAY_OUTBOUND_ALLOW): "10.0.0.0/33" is neither an address range such as 10.0.0.0/8 nor a host name"#,
                    #"--outbound-allow (PRISMA_RELAY_OUTBOUND_ALLOW): "http://x" is neither an address range such as 10.0.0.0/8 nor a host name"#,
                    #"--outbound-deny (PRISMA_RELAY_OUTBOUND_DENY): "everything" is neither an address range such as 10.0.0.0/8 nor the word private"#,
                ])
        }
    }

    @Test("addresses parse in every literal form and print canonically")
    func addresses() {
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("::ffff:10.0.0.1")?.description == "10.0.0.1")
        #expect(IPAddress("2130706433") == nil)  // not a literal: resolved like a name, to 127.0.0.1
        #expect(IPAddress("example.com") == nil)
        #expect(IPRange("10.0.0.0/8")!.contains(IPAddress("10.255.0.1")!))
        #expect(!IPRange("172.16.0.0/12")!.contains(IPAddress("172.32.0.1")!))
    }
}

@Suite("URL redaction")
struct URLRedactionTests {
    @Test("credentials, query values and token path parts are masked; the rest stays readable")
    func redact() {
        let cases = [
            "https://hooks.slack.com/services/T000/B000/XXXXsecret": "https://hooks.slack.com/services/T000/B000/********",
            "https://user:hunter2@siem.example.com/hook": "https://user:********@siem.example.com/hook",
            "https://tok3n@siem.example.com/hook": "https://********@siem.example.com/hook",
            "https://x.example.com/in?token=abc&apikey=def": "https://x.example.com/in?token=********&apikey=********",
            "https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S3CR3T":
                "https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=********&sig=********",
            "https://acme.webhook.office.com/webhookb2/a@b/IncomingWebhook/c0ffee/d00d":
                "https://acme.webhook.office.com/webhookb2/a@b/IncomingWebhook/********/********",
            "https://hooks.example.com/t/9f8e7d6c5b4a39281706f5e4d3c2b1a0": "https://hooks.example.com/t/********",
            "https://api.prismacloud.io/v2/alert": "https://api.prismacloud.io/v2/alert",
        ]
        for (url, expected) in cases {
            #expect(URLRedaction.redact(url) == expected)
        }
    }

    @Test("every URL inside a sentence is redacted, its punctuation kept")
    func inText() {
        let text = "could not reach https://x.example.com/in?token=abc: connection refused. Also (https://u:p@h.example/)."
        #expect(
            URLRedaction.redactURLs(in: text)
                == "could not reach https://x.example.com/in?token=********: connection refused. Also (https://u:********@h.example/).")
    }
}
