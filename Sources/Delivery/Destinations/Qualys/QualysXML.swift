import Foundation
import SWXMLHash

/// Reads the Qualys API v2 XML answers the relay uses (their DTDs: `host_list_vm_detection_output.dtd`,
/// `knowledge_base_vuln_list_output.dtd`, `simple_return.dtd`).
public enum QualysXML {
    /// A host of the VM detection list, with its open detections.
    public struct Host: Sendable, Equatable {
        public var id: String
        public var ip: String?
        public var dns: String?
        public var lastScan: String?
        /// QID and severity (1–5) of each detection.
        public var detections: [(qid: String, severity: Int)]

        public static func == (a: Host, b: Host) -> Bool {
            a.id == b.id && a.ip == b.ip && a.dns == b.dns && a.lastScan == b.lastScan
                && a.detections.map { "\($0.qid):\($0.severity)" } == b.detections.map { "\($0.qid):\($0.severity)" }
        }
    }

    /// The first host of a `HOST_LIST_VM_DETECTION_OUTPUT`, or nil when it lists none; throws when the document is
    /// not one.
    public static func detectionHost(_ text: String) throws -> Host? {
        let xml = XMLHash.parse(text)
        let response = xml["HOST_LIST_VM_DETECTION_OUTPUT"]["RESPONSE"]
        guard response.element != nil else { throw Unexpected(root: root(xml)) }
        guard let host = response["HOST_LIST"]["HOST"].all.first, let id = value(host["ID"]) else { return nil }
        let detections = host["DETECTION_LIST"]["DETECTION"].all.compactMap { detection -> (qid: String, severity: Int)? in
            guard let qid = value(detection["QID"]) else { return nil }
            return (qid, Int(value(detection["SEVERITY"]) ?? "") ?? 0)
        }
        return Host(
            id: id, ip: value(host["IP"]), dns: value(host["DNS"]),
            lastScan: value(host["LAST_VM_SCANNED_DATE"]) ?? value(host["LAST_SCAN_DATETIME"]), detections: detections)
    }

    /// Titles by QID from a `KNOWLEDGE_BASE_VULN_LIST_OUTPUT`.
    public static func titles(_ text: String) throws -> [String: String] {
        let xml = XMLHash.parse(text)
        let response = xml["KNOWLEDGE_BASE_VULN_LIST_OUTPUT"]["RESPONSE"]
        guard response.element != nil else { throw Unexpected(root: root(xml)) }
        var titles: [String: String] = [:]
        for vuln in response["VULN_LIST"]["VULN"].all {
            if let qid = value(vuln["QID"]), let title = value(vuln["TITLE"]) { titles[qid] = title }
        }
        return titles
    }

    /// Whether the text is a host list (`HOST_LIST_OUTPUT`), as the probe expects.
    public static func isHostList(_ text: String) -> Bool { XMLHash.parse(text)["HOST_LIST_OUTPUT"]["RESPONSE"].element != nil }

    /// `CODE` and `TEXT` of a `SIMPLE_RETURN` error, when the text is one.
    public static func simpleReturn(_ text: String) -> (code: String?, text: String?)? {
        let response = XMLHash.parse(text)["SIMPLE_RETURN"]["RESPONSE"]
        guard response.element != nil else { return nil }
        return (value(response["CODE"]), value(response["TEXT"]))
    }

    /// The document's root element name.
    static func root(_ xml: XMLIndexer) -> String { xml.children.first?.element?.name ?? "no XML" }

    static func value(_ indexer: XMLIndexer) -> String? {
        guard let text = indexer.element?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// A document other than the one expected.
    public struct Unexpected: Error, CustomStringConvertible {
        public var root: String
        public var description: String { "the answer is \(root), not the expected Qualys XML" }
    }
}
