import Foundation
import RelayModel

/// One alert of the simulated tenant, held compactly and rendered as Prisma's `AlertModel` when served.
struct SimAlert: Sendable {
    struct Change: Sendable {
        var status: String
        var reason: String
        var modifiedOn: Int64
        var modifiedBy: String?
    }

    var number: Int
    var policy: Int
    var cloud: String
    var account: Int
    var region: Int
    var resourceType: Int
    var resourceSuffix: String
    var firstSeen: Int64
    var alertTime: Int64
    var lastSeen: Int64
    var lastUpdated: Int64
    var status: String
    var reason: String
    /// Newest first, as Prisma lists it.
    var history: [Change]
    /// A dismissal or snooze by an action (`POST /alert/dismiss`): its note, who, and until when.
    struct Dismissal: Sendable {
        var note: String
        var by: String
        var until: Int64?
    }

    var dismissal: Dismissal?

    var id: String { "P-\(number)" }
    var policyModel: SimPolicy { PolicyCatalog.all[policy] }
    var cloudModel: CloudCatalog.Cloud { CloudCatalog.clouds[cloud]! }

    /// Records a status change at `time`, as Prisma does: `lastSeen` and `lastUpdated` move, history grows.
    mutating func change(to newStatus: String, reason newReason: String, at time: Int64, by user: String?) {
        status = newStatus
        reason = newReason
        lastSeen = time
        lastUpdated = time
        if newStatus == "open" { alertTime = time }
        history.insert(Change(status: newStatus, reason: newReason, modifiedOn: time, modifiedBy: user), at: 0)
    }

    /// The alert as `POST /v2/alert` returns it; `detailed` adds the policy details Prisma adds.
    func json(detailed: Bool) -> JSONValue {
        let policy = policyModel
        let cloud = cloudModel
        let account = cloud.accounts[self.account]
        let region = cloud.regions[self.region]
        let type = cloud.resourceTypes[resourceType]
        let resourceID =
            cloud.cloudType == "aws" && type.type == "INSTANCE"
            ? "i-\(resourceSuffix)" : "\(type.type.lowercased().replacingOccurrences(of: "_", with: "-"))-\(resourceSuffix)"
        var policyObject: JSONObject = [
            "policyId": .string(policy.policyId), "policyType": .string(policy.policyType),
            "systemDefault": .bool(true), "remediable": .bool(policy.policyType == "config"),
            "cloudType": .string(cloud.cloudType),
            "policySubTypes": .array(policy.subTypes.map(JSONValue.string)),
        ]
        if detailed {
            policyObject["name"] = .string(policy.name)
            policyObject["description"] = .string(policy.description)
            policyObject["severity"] = .string(policy.severity)
            policyObject["recommendation"] = .string(policy.recommendation)
            policyObject["labels"] = .array(policy.labels.map(JSONValue.string))
            policyObject["complianceMetadata"] = .array(
                policy.compliance.map { standard in
                    [
                        .object([
                            "standardName": .string(standard), "requirementId": .string("4"),
                            "requirementName": .string("Networking"), "sectionId": .string("4.3"),
                            "policyId": .string(policy.policyId), "customAssigned": .bool(false),
                        ])
                    ]
                } ?? [])
            policyObject["lastModifiedOn"] = .int(1_645_161_768_985 as Int64)
            policyObject["lastModifiedBy"] = .string("template@paloaltonetworks.com")
            policyObject["deleted"] = .bool(false)
        } else {
            policyObject["severity"] = .string(policy.severity)
        }
        var data: JSONObject = ["name": .string("\(account.name)-\(resourceSuffix)"), "region": .string(region.id)]
        if ["INSTANCE", "VIRTUAL_MACHINE"].contains(type.type) {
            let host = SimDirectory.host(forAlert: number)
            data["instanceId"] = .string(resourceID)
            data["privateIpAddress"] = .string(SimDirectory.privateIP(host))
            data["privateDnsName"] = .string(SimDirectory.privateDNS(host))
        }
        var alert: JSONObject = [
            "id": .string(id), "status": .string(status), "reason": .string(reason),
            "firstSeen": .int(firstSeen), "lastSeen": .int(lastSeen), "alertTime": .int(alertTime),
            "lastUpdated": .int(lastUpdated), "policyId": .string(policy.policyId),
            "saveSearchId": .string("ss-\(policy.policyId.prefix(8))"),
            "metadata": .object(["saveSearchId": .string("ss-\(policy.policyId.prefix(8))")]),
            "policy": .object(policyObject),
            "alertRules": .array([]),
            "history": .array(
                history.map { change in
                    var entry: JSONObject = [:]
                    if let by = change.modifiedBy { entry["modifiedBy"] = .string(by) }
                    entry["modifiedOn"] = .int(change.modifiedOn)
                    entry["status"] = .string(change.status)
                    entry["reason"] = .string(change.reason)
                    return .object(entry)
                }),
            "resource": .object([
                "rrn": .string("rrn::\(cloud.cloudType):\(region.id):\(account.id):\(resourceID)"),
                "id": .string(resourceID), "name": .string("\(account.name)-\(resourceSuffix)"),
                "account": .string(account.name), "accountId": .string(account.id),
                "cloudAccountGroups": .array([.string("Default Account Group")]),
                "region": .string(region.name), "regionId": .string(region.id),
                "resourceType": .string(type.type), "resourceApiName": .string(type.apiName),
                "cloudServiceName": .string(type.service),
                "data": .object(data),
                "additionalInfo": .object([:]), "cloudType": .string(cloud.cloudType),
                "resourceTs": .int(firstSeen - 1000), "unifiedAssetId": .string("ua-\(resourceSuffix)"),
                "resourceConfigJsonAvailable": .bool(true), "resourceDetailsAvailable": .bool(true),
            ]),
            "alertAdditionalInfo": .object(["scannerVersion": .string("CS_2.0")]),
        ]
        if detailed {
            // Who created the resource, as Prisma's attribution says with detailed results.
            let person = SimDirectory.person(forAlert: number).login
            alert["alertAttribution"] = .object([
                "resourceCreatedBy": .string(person), "resourceCreatedOn": .int(firstSeen - 86_400_000),
                "attributionEventList": .array([
                    .object([
                        "username": .string(person), "accountId": .string(account.id), "event": .string("Create\(type.type.capitalized)"),
                        "eventTs": .int(firstSeen - 86_400_000), "resourceName": .string("\(account.name)-\(resourceSuffix)"),
                    ])
                ]),
            ])
        }
        if status == "dismissed" || status == "snoozed" {
            alert["dismissalNote"] = .string(dismissal?.note ?? "Accepted risk: tracked in change ticket")
            alert["dismissedBy"] = .string(dismissal?.by ?? "secops@example.com")
        }
        if status == "snoozed" { alert["dismissalUntilTs"] = .int(dismissal?.until ?? (lastUpdated + 7 * 86_400_000)) }
        return .object(alert)
    }
}
