extension NormalizedEvent {
    /// The fields of a raw Prisma object that name people (logins, e-mail addresses, owners) and hosts (addresses,
    /// instance ids, DNS names): what enrichment looks up for every event it delivers. A stored event read back for
    /// enrichment has them read in the same pass that checks its raw event's text, the rest stepped over.
    public static let subjectFields: JSONSelection = [
        "resource": [
            "id": .all,
            "data": [
                "userName": .all, "user": .all, "email": .all, "owner": .all, "tags": .all, "privateIpAddress": .all,
                "publicIpAddress": .all, "ipAddress": .all, "instanceId": .all, "privateDnsName": .all, "publicDnsName": .all,
                "networkInterfaces": [
                    "privateIpAddress": .all, "association": ["publicIp": .all], "networkIP": .all,
                    "privateIpAddresses": ["privateIpAddress": .all], "accessConfigs": ["natIP": .all],
                ],
            ],
        ],
        "alertAttribution": ["resourceCreatedBy": .all, "attributionEventList": ["username": .all]],
        "audits": ["user": .all], "resourceID": .all, "fqdn": .all, "hostname": .all,
    ]

    /// The raw event with only `subjectFields` in it: as read with the stored event, or read now. (An event whose raw
    /// event is not lazy has all of it at hand, and that is returned.)
    public var rawSubjectFields: JSONValue { Self.subjectFields(of: rawEvent) }

    /// `rawSubjectFields` of an event whose raw event is `rawEvent`. (Called with an event's stored `rawEvent`, in a
    /// loop over many: a property of the event read there copies the whole event first.)
    public static func subjectFields(of rawEvent: JSONValue) -> JSONValue {
        rawEvent.preselected ?? rawEvent.selecting(subjectFields)
    }
}
