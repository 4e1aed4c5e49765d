import RelayModel

/// The integration types the relay knows, one line each. The engine, the API's type lists, the console's forms and
/// the CLI all ask it; adding a destination is a folder under `Destinations/` and a line here.
public struct DestinationRegistry: Sendable {
    public private(set) var kinds: [DestinationKind]

    public init(_ kinds: [DestinationKind]) {
        self.kinds = kinds
    }

    /// Prisma Cloud's fifteen types.
    public static let standard = DestinationRegistry([
        S3Destination.kind,
        SQSDestination.kind,
        ServiceBusDestination.kind,
        XSOARDestination.kind,
        SCCDestination.kind,
        TeamsDestination.kind,
        OktaSource.kind,
        PagerDutyDestination.kind,
        QualysSource.kind,
        ServiceNowDestination.kind,
        SlackDestination.kind,
        SnowflakeDestination.kind,
        SplunkHECDestination.kind,
        TenableSource.kind,
        WebhookDestination.kind,
    ])

    /// This registry with one more kind (or `kind` in place of the one of its type).
    public func adding(_ kind: DestinationKind) -> DestinationRegistry {
        DestinationRegistry(kinds.filter { $0.type != kind.type } + [kind])
    }

    /// Every type, in the order registered.
    public var types: [IntegrationType] { kinds.map(\.type) }

    public func kind(of type: IntegrationType) -> DestinationKind? { kinds.first { $0.type == type } }

    /// The schema of a registered type (a programming error otherwise).
    public func schema(_ type: IntegrationType) -> IntegrationSchema {
        guard let kind = kind(of: type) else { preconditionFailure("\(type) is not a registered integration type") }
        return kind.schema
    }

    /// A registered type by Prisma's spelling of its name, or nil.
    public func type(prisma name: String) -> IntegrationType? {
        let type = IntegrationType(prisma: name)
        return kind(of: type) == nil ? nil : type
    }

    /// The name people know a type by; its raw name when it is not registered.
    public func displayName(of type: IntegrationType) -> String { kind(of: type)?.schema.displayName ?? type.rawValue }
}
