"""Signs a request with botocore, the AWS SDK's own SigV4, so the relay's signer is checked against an
independent implementation. Reads the request as JSON on stdin; prints the Authorization header."""
import base64
import datetime
import json
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

given = json.load(sys.stdin)
request = AWSRequest(
    method=given["method"], url=given["url"], headers=dict(given["headers"]), data=base64.b64decode(given["body"])
)
credentials = Credentials(given["key"], given["secret"], given.get("token"))
auth_class = botocore.auth.S3SigV4Auth if given["service"] == "s3" else botocore.auth.SigV4Auth
signer = auth_class(credentials, given["service"], given["region"])
moment = datetime.datetime.strptime(given["date"], "%Y%m%dT%H%M%SZ")
with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
    signer.add_auth(request)
print(request.headers["Authorization"])
