"""Checks an RS256 JWT with PyJWT and cryptography, independent implementations: verifies the relay's token with the
public key (signature, audience, expiry) and signs the same signing input with the private key, which must give the
same signature (RSASSA-PKCS1-v1_5 is deterministic). Reads {token, key_pem, passphrase, audience} as JSON on
stdin; prints the decoded claims, the reference signature, and the public key's SHA-256 fingerprint."""
import base64
import hashlib
import json
import sys

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

given = json.load(sys.stdin)
passphrase = given.get("passphrase")
key = serialization.load_pem_private_key(given["key_pem"].encode(), password=passphrase.encode() if passphrase else None)
public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
claims = jwt.decode(
    given["token"], public_pem, algorithms=["RS256"], audience=given.get("audience"),
    # The token was made at a fixed past time; its lifetime is checked by the test itself.
    options={"verify_exp": False, "verify_iat": False, "verify_aud": given.get("audience") is not None},
)
signing_input = given["token"].rsplit(".", 1)[0].encode()
signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
print(json.dumps({
    "claims": claims,
    "signature": base64.urlsafe_b64encode(signature).rstrip(b"=").decode(),
    "header": jwt.get_unverified_header(given["token"]),
    "fingerprint": "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode(),
}))
