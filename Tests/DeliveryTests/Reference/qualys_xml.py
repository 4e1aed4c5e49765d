"""Reads a Qualys VM detection list with xmltodict and prints the first host as JSON, to check the relay's reading."""
import json
import sys

import xmltodict

doc = xmltodict.parse(sys.stdin.read())
hosts = doc["HOST_LIST_VM_DETECTION_OUTPUT"]["RESPONSE"]["HOST_LIST"]["HOST"]
host = hosts[0] if isinstance(hosts, list) else hosts
detections = host["DETECTION_LIST"]["DETECTION"]
detections = detections if isinstance(detections, list) else [detections]
print(json.dumps({
    "id": host["ID"], "ip": host.get("IP"), "dns": host.get("DNS"),
    "lastScan": host.get("LAST_VM_SCANNED_DATE") or host.get("LAST_SCAN_DATETIME"),
    "detections": [[d["QID"], int(d["SEVERITY"])] for d in detections],
}, sort_keys=True))
