/// The one event shape every Prisma finding is turned into (DESIGN.md, "Normalized event").
public struct NormalizedEvent: Sendable, Equatable {
    /// The policy that raised an alert.
    public struct Policy: Sendable, Equatable {
        public var id: String?
        public var name: String?
        public var type: String?
        public var subtypes: [String]
        public init(id: String? = nil, name: String? = nil, type: String? = nil, subtypes: [String] = []) {
            self.id = id
            self.name = name
            self.type = type
            self.subtypes = subtypes
        }
    }

    /// The cloud resource or workload a finding is about.
    public struct Resource: Sendable, Equatable {
        public var id: String?
        public var name: String?
        public var type: String?
        public var cloud: String?
        public var accountID: String?
        public var region: String?
        public init(
            id: String? = nil, name: String? = nil, type: String? = nil, cloud: String? = nil,
            accountID: String? = nil, region: String? = nil
        ) {
            self.id = id
            self.name = name
            self.type = type
            self.cloud = cloud
            self.accountID = accountID
            self.region = region
        }
    }

    /// What an audit record says (`kind: audit`): who acted, from where, what they did and how it ended.
    public struct Audit: Sendable, Equatable {
        /// The user (an e-mail address, or an access key's name).
        public var user: String?
        public var ipAddress: String?
        /// Whether the action was taken with an access key rather than in the console.
        public var accessKey: Bool
        /// Prisma's action type, upper case: CREATE, READ, UPDATE, DELETE, LOGIN, TEST.
        public var action: String
        /// `success`, `failure`, or Prisma's own word when it is neither.
        public var result: String
        /// Which audit log the record is from: `cspm` (the tenant's administration log), or a Compute runtime stream
        /// (`ComputeAuditStream`: `container`, `host`, `serverless`, `waas`).
        public var type: String

        /// The `type` of the tenant's administration log.
        public static let tenantLog = "cspm"
        /// Whether the record is of someone's action on the tenant (an API call), not a detection on a workload.
        public var isTenantActivity: Bool { type == Self.tenantLog }

        public init(user: String?, ipAddress: String?, accessKey: Bool, action: String, result: String, type: String) {
            self.user = user
            self.ipAddress = ipAddress
            self.accessKey = accessKey
            self.action = action
            self.result = result
            self.type = type
        }
    }

    /// Stable id derived from connector, kind, native id and version (see `EventID`).
    public var id: String
    /// Always `prisma_cloud`.
    public var source: String
    public var kind: EventKind
    /// The name of the connector that collected the event.
    public var connector: String
    /// The alert id, or the Compute incident `_id`.
    public var nativeID: String
    /// The alert's `lastUpdated` in epoch milliseconds, or the incident `_id`.
    public var version: String
    /// Lower-case Prisma status: open, resolved, dismissed, snoozed or pending_resolution.
    public var status: String
    public var severity: Severity
    /// The tier Prisma used before mapping (`critical`, `informational`, …), as Prisma wrote it.
    public var originalSeverity: String?
    public var module: Module
    public var title: String
    public var description: String?
    public var policy: Policy?
    public var resource: Resource
    public var firstSeen: String?
    public var lastSeen: String?
    /// When the relay fetched the event.
    public var observedAt: String
    /// The Prisma object exactly as received.
    public var rawEvent: JSONValue
    /// The finding in Prisma's console, when the relay knows the console (a documented regional host).
    public var link: String?
    /// What was cut to fit a destination's size limit (`raw_event.resource.data`, `description`, …); empty for an
    /// event as stored.
    public var truncated: [String] = []
    /// What the enrichment sources (Okta, Qualys, Tenable) know of the event's identities and hosts, by source type
    /// (`okta`, `qualys`, `tenable`), each with an `error` when the source could not say in time; added as the event is
    /// delivered, never changing the fields above.
    public var enrichment: JSONObject = [:]
    /// For `kind: audit`: the record's actor, action and result.
    public var audit: Audit?
    /// The Compute incident a runtime audit belongs to (its `_id`), when the relay saw the incident name it.
    public var incidentID: String?

    public init(
        id: String, source: String = "prisma_cloud", kind: EventKind, connector: String, nativeID: String,
        version: String, status: String, severity: Severity, originalSeverity: String?, module: Module,
        title: String, description: String?, policy: Policy?, resource: Resource, firstSeen: String?,
        lastSeen: String?, observedAt: String, rawEvent: JSONValue, link: String? = nil
    ) {
        self.id = id
        self.source = source
        self.kind = kind
        self.connector = connector
        self.nativeID = nativeID
        self.version = version
        self.status = status
        self.severity = severity
        self.originalSeverity = originalSeverity
        self.module = module
        self.title = title
        self.description = description
        self.policy = policy
        self.resource = resource
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.observedAt = observedAt
        self.rawEvent = rawEvent
        self.link = link
    }
}

extension NormalizedEvent {
    /// When Prisma last changed the finding, epoch milliseconds, for ordering newest first: the time that leads an
    /// alert's or an audit record's version (`lastUpdated`, the record's time), or an incident's time.
    public var updatedMillis: Int64 { Self.updatedMillis(kind: kind, version: version, lastSeen: lastSeen) }

    /// `updatedMillis` from the fields it is read from: what reads an event in place (through a pointer) calls this,
    /// as calling the property there would copy the whole event first.
    public static func updatedMillis(kind: EventKind, version: String, lastSeen: String?) -> Int64 {
        switch kind {
        // An audit record's version is its timestamp; a runtime audit's, its time and count.
        case .alert, .audit: Timestamp.epochMilliseconds(leading: version) ?? 0
        // The relay's health events order by when they were raised or resolved.
        case .incident, .health, .heartbeat: lastSeen.flatMap { Timestamp.epochMilliseconds(rfc3339: $0) } ?? 0
        }
    }
}
