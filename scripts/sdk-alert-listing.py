#!/usr/bin/env python3
"""Palo Alto's Python SDK for Prisma Cloud (prismacloud-api) listing every alert of a seven-day window from a
simulator over HTTPS and writing them to a file, one JSON document a line: the peer `scripts/bench ingest
--compare-sdk` measures the relay against. Prints one tab-separated row like prisma-relay-bench's:
mode, alerts, seconds, alerts/s, MB/s (of the JSON written), peak RSS in MB.

usage: sdk-alert-listing.py HTTPS_PORT KEY_ID SECRET OUTPUT PAGE_SIZE"""

import json
import resource
import sys
import time

from prismacloud.api import pc_api

port, key_id, secret, output, page_size = sys.argv[1:6]
api = pc_api
# The SDK only accepts Prisma Cloud hosts; it is pointed at the simulator after configuring, as in Tests/sdk.
api.configure({"url": "api.prismacloud.io", "identity": key_id, "secret": secret, "verify": False}, use_meta_info=False)
api.api = "127.0.0.1:%s" % port
now = int(time.time() * 1000)
query = {
    "timeRange": {"type": "absolute", "value": {"startTime": now - 7 * 86_400_000, "endTime": now}},
    "filters": [{"name": "alert.status", "operator": "=", "value": status}
                for status in ["open", "resolved", "dismissed", "snoozed", "pending_resolution"]]
               + [{"name": "timeRange.type", "operator": "=", "value": "ALERT_OPENED"}],
    "limit": int(page_size), "sortBy": ["alertTime:desc"], "detailed": True,
}
started = time.monotonic()
alerts = api.alert_v2_list_read(body_params=query)
written = 0
with open(output, "w") as out:
    for alert in alerts:
        line = json.dumps(alert) + "\n"
        written += len(line)
        out.write(line)
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("\t".join(["sdk", str(len(alerts)), "%.2f" % seconds, "%.0f" % (len(alerts) / seconds),
                 "%.1f" % (written / 1_048_576 / seconds), "%.0f" % peak]))
