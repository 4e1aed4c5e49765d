/// How a destination knows one alert across its life — PagerDuty's `dedup_key`, an SQS FIFO group, ServiceNow's
/// `correlation_id`, SCC's `findingId`, the outbox's per-alert order: the connector (tenant) and the native id
/// together, so two tenants whose alert ids overlap never share an incident.
public enum AlertKey {
    /// `<connector>/<native id>`.
    public static func of(_ event: NormalizedEvent) -> String { "\(event.connector)/\(event.nativeID)" }

    /// The same identity as a fixed-length hex digest, for keys that allow only letters and digits.
    public static func digest(_ event: NormalizedEvent) -> String { EventID.digest([event.connector, event.nativeID]) }
}
