"""Palo Alto's own Python SDK for Prisma Cloud (prismacloud-api) manages PrismaRelay's integrations and alert
rules unchanged: it logs in with a key pair from `prisma-relay token create`, over HTTPS, and calls the same paths
it calls on a real tenant."""

import json
import os
import re
import subprocess
import tempfile
import time

import pytest
from prismacloud.api import pc_api

BIN = os.environ.get("PRISMA_RELAY_BIN", ".build/debug/prisma-relay")


def run(*args, env):
    return subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def relay():
    workdir = tempfile.mkdtemp(prefix="prisma-relay-sdk-")
    # The simulated tenant and the receivers listen on this machine, which the outbound policy refuses by default.
    env = dict(os.environ, PRISMA_RELAY_DATABASE=os.path.join(workdir, "relay.sqlite"), PRISMA_RELAY_OUTBOUND_ALLOW="127.0.0.1,::1")
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True)
    token = run("token", "create", "sdk", env=env)
    key_id = re.search(r"^Access key ID: (\S+)$", token, re.M).group(1)
    secret = re.search(r"^Secret key: (\S+)$", token, re.M).group(1)
    server = subprocess.Popen(
        [BIN, "serve", "--port", "0", "--tls-cert", cert, "--tls-key", key], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = None
    deadline = time.time() + 60
    while time.time() < deadline and port is None:
        line = server.stdout.readline()
        found = re.search(r"serving on https://127\.0\.0\.1:(\d+)", line)
        if found:
            port = found.group(1)
    assert port, "serve did not start"
    yield {"port": port, "key_id": key_id, "secret": secret}
    server.terminate()
    assert server.wait(timeout=30) == 0


@pytest.fixture()
def sdk(relay):
    api = pc_api
    api.token = None
    # The SDK only accepts Prisma Cloud hosts; point it at the relay after configuring it.
    api.configure({"url": "api.prismacloud.io", "identity": relay["key_id"], "secret": relay["secret"], "verify": False},
                  use_meta_info=False)
    api.api = "127.0.0.1:%s" % relay["port"]
    return api


def test_sdk_adds_lists_updates_and_deletes_an_integration(sdk):
    assert sdk.integration_list_read() == []
    sdk.execute("POST", "integration", body_params={
        "name": "soc-splunk", "integrationType": "splunk", "enabled": True,
        "integrationConfig": {"url": "https://splunk.example.com:8088", "authToken": "HEC-SDK-SECRET"}})
    listed = sdk.integration_list_read()
    assert [i["name"] for i in listed] == ["soc-splunk"]
    splunk = listed[0]
    assert splunk["integrationConfig"]["authToken"] == "********"
    assert splunk["integrationConfig"]["sourceType"] == "_json"
    assert "HEC-SDK-SECRET" not in json.dumps(listed)

    config = dict(splunk["integrationConfig"], sourceType="prisma:alert")
    sdk.execute("PUT", "integration/%s" % splunk["id"], body_params={
        "name": "soc-splunk", "integrationType": "splunk", "enabled": True, "integrationConfig": config})
    updated = sdk.execute("GET", "integration/%s" % splunk["id"])
    assert updated["integrationConfig"]["sourceType"] == "prisma:alert"
    assert updated["integrationConfig"]["authToken"] == "********"

    sdk.integration_delete(splunk["id"])
    assert sdk.integration_list_read() == []


def test_sdk_manages_alert_rules_that_route_to_an_integration(sdk):
    created = sdk.execute("POST", "api/v1/tenant/1/integration", body_params={
        "name": "pager", "integrationType": "pager_duty",
        "integrationConfig": {"integrationKey": "0123456789abcdef0123456789abcdef"}})
    rule = sdk.alert_rule_create({
        "name": "critical to pager", "filters": {"originalSeverities": ["critical"]},
        "alertRuleNotificationConfig": [{"type": "pager_duty", "recipients": [created["id"]]}]})
    assert [r["name"] for r in sdk.alert_rule_list_read()] == ["critical to pager"]
    assert sdk.alert_rule_read(rule["policyScanConfigId"])["integrationIDs"] == [created["id"]]
    sdk.alert_rule_delete(rule["policyScanConfigId"])
    assert sdk.alert_rule_list_read() == []
    sdk.integration_delete(created["id"])
