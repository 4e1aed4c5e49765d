import RelayModel

/// One Compute runtime incident of the simulated console, rendered as `shared.Incident` when served.
struct SimIncident: Sendable {
    struct Audit: Sendable {
        var id: String
        var time: Int64
        var type: String
        var attackType: String
        var severity: String
        var effect: String
        var message: String
        var processPath: String
    }

    var id: String
    var serial: Int
    var type: String
    var category: String
    var time: Int64
    var hostname: String
    var cluster: String
    var namespace: String
    var app: String
    var containerName: String
    var containerID: String
    var imageName: String
    var function: String
    var runtime: String
    var provider: String
    var region: String
    var accountID: String
    var customRuleName: String
    var acknowledged: Bool
    var audits: [Audit]

    var profileID: String { type == "host" ? hostname : "sha256:\(containerID.prefix(16))_\(namespace)_\(app)" }
    var functionID: String { function.isEmpty ? "" : "arn:aws:lambda:\(region):\(accountID):function:\(function)" }

    /// Reads a query filter's field the way `GET /audits/incidents` matches it.
    func field(_ name: String) -> String? {
        switch name {
        case "hostname": hostname
        case "category": category
        case "type": type
        case "cluster": cluster
        case "id": id
        case "profileID": profileID
        case "appID": app
        case "containerID": containerID
        case "functionID": functionID
        case "customRuleName": customRuleName
        default: nil
        }
    }

    var json: JSONValue {
        let isContainer = ["container", "appEmbedded", "fargate"].contains(type)
        let workload: JSONObject = [
            "hostname": .string(hostname), "fqdn": .string(hostname.isEmpty ? "" : hostname + ".ec2.internal"),
            "containerId": .string(isContainer ? containerID : ""), "containerName": .string(isContainer ? containerName : ""),
            "imageName": .string(isContainer ? imageName : ""), "namespace": .string(namespace), "cluster": .string(cluster),
            "accountID": .string(accountID), "provider": .string(provider), "region": .string(region),
        ]
        var object: JSONObject = [
            "_id": .string(id), "type": .string(type), "profileID": .string(profileID),
            "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "hostname": .string(hostname),
            "fqdn": .string(hostname.isEmpty ? "" : hostname + ".ec2.internal"), "category": .string(category),
            "serialNum": .int(serial), "acknowledged": .bool(acknowledged), "shouldCollect": .bool(false),
            "containerID": .string(isContainer ? containerID : ""), "containerName": .string(isContainer ? containerName : ""),
            "imageID": .string(isContainer ? "sha256:\(containerID)" : ""), "imageName": .string(isContainer ? imageName : ""),
            "namespace": .string(namespace), "cluster": .string(cluster), "app": .string(app), "appID": .string(""),
            "accountID": .string(accountID), "provider": .string(provider), "region": .string(region),
            "resourceID": .string(type == "function" ? functionID : "i-\(id.suffix(12))"), "vmID": .string(""),
            "labels": .object(app.isEmpty ? [:] : ["app": .string(app)]), "collections": .array([.string("All")]),
            "customRuleName": .string(customRuleName), "function": .string(function), "functionID": .string(functionID),
            "runtime": .string(runtime), "windows": .bool(false),
        ]
        object["audits"] = .array(
            audits.map { audit in
                var entry: JSONObject = [
                    "_id": .string(audit.id), "time": .string(Timestamp.rfc3339(epochMilliseconds: audit.time)),
                    "type": .string(audit.type), "attackType": .string(audit.attackType),
                    "attackTechniques": .array([.string("execution")]), "severity": .string(audit.severity),
                    "effect": .string(audit.effect), "msg": .string(audit.message), "processPath": .string(audit.processPath),
                    "user": .string("root"), "pid": .int(1000 + serial), "container": .bool(isContainer),
                    "ruleName": .string(customRuleName.isEmpty ? "Default - alert on suspicious runtime behavior" : customRuleName),
                    "collections": .array([.string("All")]), "count": .int(1), "version": .string("34.04.145"),
                ]
                for member in workload { entry[member.key] = member.value }
                return .object(entry)
            })
        return .object(object)
    }
}
