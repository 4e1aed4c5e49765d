"""A Service Bus SAS token as Microsoft's documentation computes it in Python, so the relay's signer is checked
against an independent implementation. Reads {uri, keyName, key, expiry} as JSON on stdin; prints the token."""
import base64
import hashlib
import hmac
import json
import sys
import urllib.parse

given = json.load(sys.stdin)
resource = urllib.parse.quote_plus(given["uri"])
signed = f"{resource}\n{given['expiry']}".encode("utf-8")
signature = base64.b64encode(hmac.new(given["key"].encode("utf-8"), signed, hashlib.sha256).digest())
print(f"SharedAccessSignature sr={resource}&sig={urllib.parse.quote_plus(signature)}&se={given['expiry']}&skn={given['keyName']}")
