import RelayModel

/// Everything the relay knows about one integration type, declared in the type's folder: its config schema
/// (fields, defaults, secrets, rules, immutable keys, masking, display name), how a destination is built for a
/// stored integration, and the events its "Test" sends. `DestinationRegistry` lists them.
public struct DestinationKind: Sendable {
    public var schema: IntegrationSchema
    /// Builds the destination of a stored integration; nil while the type can be configured but not sent to yet.
    public var make: (@Sendable (Integration, DestinationContext) async -> any Destination)?
    /// What "Test" sends, from one marked test event (PagerDuty resolves the incident it opened).
    public var testEvents: @Sendable (NormalizedEvent) -> [NormalizedEvent]
    /// "Test" proves the address and credentials with a read-only call instead of sending (Cortex XSOAR, where a
    /// test incident would start a playbook; the enrichment sources, which receive nothing).
    public var readOnlyTest: Bool
    /// Builds the enrichment source of a stored integration, for the types the relay pulls from (Okta, Qualys,
    /// Tenable): rules do not send to them; their answers are added to every event delivered.
    public var enrich: (@Sendable (Integration, DestinationContext) -> any EnrichmentSource)?

    public init(
        schema: IntegrationSchema, testEvents: @escaping @Sendable (NormalizedEvent) -> [NormalizedEvent] = { [$0] },
        readOnlyTest: Bool = false, make: (@Sendable (Integration, DestinationContext) async -> any Destination)?
    ) {
        self.schema = schema
        self.make = make
        self.testEvents = testEvents
        self.readOnlyTest = readOnlyTest
    }

    /// An enrichment source's kind: "Test" is its read-only probe.
    public init(schema: IntegrationSchema, enrich: @escaping @Sendable (Integration, DestinationContext) -> any EnrichmentSource) {
        self.schema = schema
        self.make = nil
        self.testEvents = { [$0] }
        self.readOnlyTest = true
        self.enrich = enrich
    }

    public var type: IntegrationType { schema.type }
}

/// What a destination may be built from: the relay's environment (variables that redirect a hosted service's
/// endpoint, cloud credentials), cached credential chains, the clock, and the other integrations.
public struct DestinationContext: Sendable {
    /// The process environment (tests pass their own).
    public var environment: [String: String]
    public var aws: AWSCredentialChain
    public var azure: AzureCredential
    public var google: GoogleServiceAccount
    public var clock: @Sendable () -> Int64
    /// A stored integration by id (Snowflake stages through the `aws_s3` integration it names).
    public var integration: @Sendable (String) async -> Integration?
    /// What destinations remember between deliveries while the process runs.
    public var memory: DestinationMemory
}
