"""The web console in real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium), against a
running `prisma-relay serve` and the simulated Prisma Cloud tenant of `prisma-relay sim`: sign in, add a connector
and test it, poll, add a webhook integration and a rule, and follow the events to their deliveries. Each page is
photographed; with PRISMA_RELAY_SCREENSHOTS=docs/screenshots the pictures land where the README shows them."""

import hashlib
import hmac
import http.server
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BIN = os.environ.get("PRISMA_RELAY_BIN", ".build/debug/prisma-relay")
SHOTS = os.environ.get("PRISMA_RELAY_SCREENSHOTS") or tempfile.mkdtemp(prefix="prisma-relay-shots-")
HOOK_TOKEN = "hook-token-4f1c9a7e2b"
PAGERDUTY_WEBHOOK_SECRET = "pd-webhook-secret-8e21"


def start(args, env, pattern):
    """Starts a relay process and waits for the line that says where it listens."""
    process = subprocess.Popen([BIN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        found = re.search(pattern, line)
        if found:
            return process, found, lines
    raise AssertionError("did not start: " + "".join(lines))


class HookReceiver(http.server.BaseHTTPRequestHandler):
    """A webhook receiver: a JSON POST with the integration's bearer token is accepted, anything else refused."""

    received = []
    headers = []
    # While set, every POST answers 500, as a destination in trouble does.
    failing = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        HookReceiver.headers.append(dict(self.headers))
        if HookReceiver.failing:
            self.send_response(500)
        elif self.headers.get("Authorization") != "Bearer " + HOOK_TOKEN:
            self.send_response(401)
        else:
            try:
                HookReceiver.received.append(json.loads(body))
                self.send_response(200)
            except ValueError:
                self.send_response(400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class PagerDutyReceiver(http.server.BaseHTTPRequestHandler):
    """PagerDuty's Events API v2 as documented: POST /v2/enqueue with a JSON event whose routing_key is a 32-character
    integration key; trigger needs a payload with summary, source and severity (critical, error, warning, info);
    acknowledge and resolve need a dedup_key. A valid event is 202 with its dedup_key, anything else 400 with the
    errors, as PagerDuty answers."""

    ROUTING_KEY = "a" * 32
    # Per dedup key, the event actions received, in order.
    events = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        errors = []
        try:
            event = json.loads(body)
        except ValueError:
            event, errors = {}, ["Event object is not valid JSON"]
        if self.path != "/v2/enqueue":
            errors.append("unknown path " + self.path)
        if "application/json" not in (self.headers.get("Content-Type") or ""):
            errors.append("Content-Type must be application/json")
        if event.get("routing_key") != PagerDutyReceiver.ROUTING_KEY:
            errors.append("'routing_key' is invalid")
        action = event.get("event_action")
        if action not in ("trigger", "acknowledge", "resolve"):
            errors.append("'event_action' is invalid")
        if action == "trigger":
            payload = event.get("payload") or {}
            for name in ("summary", "source", "severity"):
                if not payload.get(name):
                    errors.append("'payload.%s' is missing or blank" % name)
            if payload.get("severity") not in ("critical", "error", "warning", "info"):
                errors.append("'payload.severity' is invalid")
        elif not event.get("dedup_key"):
            errors.append("'dedup_key' is missing or blank")
        if errors:
            answer, status = {"status": "invalid event", "message": "Event object is invalid", "errors": errors}, 400
        else:
            key = event.get("dedup_key") or "generated-%d" % len(PagerDutyReceiver.events)
            PagerDutyReceiver.events.setdefault(key, []).append(action)
            answer, status = {"status": "success", "message": "Event processed", "dedup_key": key}, 202
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def relay():
    workdir = tempfile.mkdtemp(prefix="prisma-relay-console-")
    # The simulated tenant and the receivers listen on this machine, which the outbound policy refuses by default.
    env = dict(os.environ, PRISMA_RELAY_DATABASE=os.path.join(workdir, "relay.sqlite"), PRISMA_RELAY_OUTBOUND_ALLOW="127.0.0.1,::1")
    token = subprocess.run([BIN, "token", "create", "console"], env=env, check=True, capture_output=True, text=True).stdout
    key_id = re.search(r"^Access key ID: (\S+)$", token, re.M).group(1)
    secret = re.search(r"^Secret key: (\S+)$", token, re.M).group(1)
    sim, found, _ = start(["sim", "--port", "0", "--alerts", "400", "--rate-limit", "0"], env, r"API at (http://\S+) with")
    sim_url = found.group(1)
    sim_lines = [sim.stdout.readline() for _ in range(2)]
    sim_key = re.search(r"Access key ID: (\S+)", sim_lines[0]).group(1)
    sim_secret = re.search(r"Secret key: (\S+)", sim_lines[1]).group(1)
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HookReceiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    pager = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PagerDutyReceiver)
    threading.Thread(target=pager.serve_forever, daemon=True).start()
    env["PRISMA_RELAY_PAGERDUTY_URL"] = "http://127.0.0.1:%d/v2/enqueue" % pager.server_address[1]
    server, found, _ = start(["serve", "--port", "0"], env, r"serving on (http://127\.0\.0\.1:\d+)")
    yield {"url": found.group(1), "key_id": key_id, "secret": secret, "sim_url": sim_url, "sim_key": sim_key,
           "sim_secret": sim_secret, "hook_url": "http://127.0.0.1:%d/hook" % hook.server_address[1], "env": env}
    hook.shutdown()
    pager.shutdown()
    server.terminate()
    sim.terminate()
    assert server.wait(timeout=30) == 0
    sim.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                     "--force-device-scale-factor=1"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def shot(browser, name, width=1366):
    os.makedirs(SHOTS, exist_ok=True)
    browser.set_window_size(width, 900)
    browser.execute_script("window.scrollTo(0, 0)")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height, 700), 2400))
    browser.save_screenshot(os.path.join(SHOTS, name + ".png"))
    browser.set_window_size(1366, 900)


def phone(browser, name):
    """Photographs the page as a phone shows it, after checking that nothing needs sideways scrolling."""
    browser.set_window_size(390, 844)
    wide = browser.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1 ? document.documentElement.scrollWidth : 0")
    culprit = browser.execute_script(
        "const w = window.innerWidth; const out = [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1 && e.getBoundingClientRect().width > 0);"
        "return out.slice(-3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40)).join(' | ')") if wide else ""
    assert not wide, "%s is %dpx wide on a 390px phone: %s" % (name, wide, culprit)
    shot(browser, name + "-phone", width=390)


def click(browser, by, selector):
    """Clicks a button or link and waits for the next page to replace this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    try:
        browser.find_element(by, selector).click()
    except WebDriverException as error:
        # Chromium may report the clicked node gone when the navigation it started is that quick.
        if "does not belong to the document" not in str(error):
            raise
    WebDriverWait(browser, 30).until(lambda _: replaced(page))


def replaced(page):
    """Whether the page an element belongs to has gone (Chromium says so in two ways)."""
    try:
        page.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def field(browser, name):
    return browser.find_element(By.NAME, name)


def fill(browser, values):
    for name, value in values.items():
        element = field(browser, name)
        element.clear()
        element.send_keys(value)


def error_next_to(browser, name):
    """The error shown under a field, found through the field's aria-describedby."""
    described = field(browser, name).get_attribute("aria-describedby")
    assert described, "no error is attached to " + name
    return browser.find_element(By.ID, described).text


def sign_in(browser, relay):
    browser.delete_all_cookies()
    browser.get(relay["url"] + "/console")
    assert "/console/login" in browser.current_url
    fill(browser, {"keyId": relay["key_id"], "secret": relay["secret"]})
    click(browser, By.CSS_SELECTOR, "main button[type=submit]")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Overview"


def test_the_console_walks_from_a_connector_to_delivered_events(relay, browser):
    browser.get(relay["url"] + "/console/login")
    shot(browser, "sign-in")
    fill(browser, {"keyId": relay["key_id"], "secret": "not-the-secret"})
    click(browser, By.CSS_SELECTOR, "main button[type=submit]")
    assert "do not match" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    sign_in(browser, relay)
    # A new relay shows the way: connector, integration, rule, in that order.
    steps = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#first-run li")]
    assert [s.split("\n")[0] for s in steps] == ["Add your first connector", "Add an integration", "Add an alert rule"], steps
    shot(browser, "overview-first-run")
    click(browser, By.LINK_TEXT, "Add your first connector")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Add a CSPM connector"

    # The natural order: first a connector. A URL where nothing listens is explained in words, with the fix; the
    # network detail is folded under it.
    # Two forms, one per kind, each with every option the CLI has; the advanced ones are folded away.
    browser.get(relay["url"] + "/console/connectors/new")
    click(browser, By.LINK_TEXT, "Compute incidents")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Add a Compute connector"
    assert browser.find_element(By.CSS_SELECTOR, "label[for='f-apiURL']").text.startswith("Path to Console")
    assert not field(browser, "pageSize").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "details.advanced summary").click()
    assert field(browser, "pageSize").is_displayed() and field(browser, "includeAcknowledged")
    shot(browser, "connector-form-compute")
    click(browser, By.LINK_TEXT, "CSPM alerts")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Add a CSPM connector"
    assert "(Compute:" not in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "details.advanced summary").click()
    ticked = [box.get_attribute("value") for box in browser.find_elements(By.CSS_SELECTOR, "input[name=statuses]") if box.is_selected()]
    assert ticked == ["open"], ticked
    assert Select(field(browser, "timeField")).first_selected_option.get_attribute("value") == "updated"
    shot(browser, "connector-form")
    phone(browser, "connector-form")
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    fill(browser, {"name": "sim-cspm", "apiURL": "http://127.0.0.1:%d" % closed_port, "accessKeyID": relay["sim_key"],
                   "secretKey": "wrong-secret", "intervalSeconds": "3600"})
    click(browser, By.CSS_SELECTOR, "button[value=test]")
    result = browser.find_element(By.ID, "test-result")
    sentence = result.find_element(By.CSS_SELECTOR, ".error-sentence").text
    assert sentence.startswith("Nothing is listening at 127.0.0.1:%d (connection refused): check the API URL" % closed_port), sentence
    assert "errno" not in result.text and "could not reach" not in result.text, result.text
    result.find_element(By.TAG_NAME, "summary").click()
    assert "could not reach http://127.0.0.1:%d: connection refused" % closed_port in result.text, result.text
    shot(browser, "connector-test-refused")
    # With a wrong secret, Test Connection says the key was refused, and what to check.
    fill(browser, {"apiURL": relay["sim_url"]})
    click(browser, By.CSS_SELECTOR, "button[value=test]")
    result = browser.find_element(By.ID, "test-result").text
    assert result.startswith("Connection failed: Prisma Cloud refused the access key (HTTP 401): check the key ID and secret"), result
    shot(browser, "connector-test-failed")
    # Fixed, it succeeds with a time; the secret never comes back to the browser.
    fill(browser, {"secretKey": relay["sim_secret"]})
    click(browser, By.CSS_SELECTOR, "button[value=test]")
    result = browser.find_element(By.ID, "test-result").text
    assert re.match(r"Connection successful at \d{4}-\d\d-\d\dT", result), result
    assert relay["sim_secret"] not in browser.page_source
    shot(browser, "connector-test-passed")
    click(browser, By.CSS_SELECTOR, "button[value=save]")
    assert "Connector sim-cspm was saved" in browser.find_element(By.CSS_SELECTOR, ".flash").text

    # Poll now: the connector shows as Active with the events it collected. The scheduler polls a saved connector at
    # once, so Poll now often finds nothing new: it says so against the poll before, never as a bare 0.
    browser.get(relay["url"] + "/console/connectors")
    click(browser, By.XPATH, "//button[text()='Poll now']")
    flash = browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert re.search(r"Polled sim-cspm: (\d+ new events added \(\d+ alerts fetched; \d+ stored in all\)"
                     r"|no new alerts since the last poll at \d\d:\d\d UTC \(\d+ stored in all)", flash), flash
    row = browser.find_element(By.XPATH, "//tr[td/a[text()='sim-cspm']]")
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "Active"
    total = row.find_element(By.CSS_SELECTOR, "td[data-label=Total]").text
    assert int(total) > 0, row.text
    shot(browser, "connectors")
    # On a phone the table becomes cards that keep every key fact (status, last poll, counts), with no sideways scroll.
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    row = browser.find_element(By.XPATH, "//tr[td/a[text()='sim-cspm']]")
    for label in ["Status", "Last poll", "Added by the last poll", "Total"]:
        assert row.find_element(By.CSS_SELECTOR, "td[data-label='%s']" % label).is_displayed(), label
    shot(browser, "connectors-phone", width=390)
    browser.set_window_size(1366, 900)

    # The connector's own page: its status in a sentence, events and polls per hour, and the last polls.
    click(browser, By.LINK_TEXT, "sim-cspm")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("sim-cspm")
    assert browser.find_element(By.ID, "connector-status").text == "Active"
    assert browser.find_element(By.ID, "connector-sentence").text.startswith("Collecting: the last poll (")
    charts = [svg.get_attribute("aria-label") for svg in browser.find_elements(By.CSS_SELECTOR, ".chart svg")]
    assert re.match(r"Events per hour by severity, last 24 hours: [1-9]\d* in all", charts[0]), charts
    assert re.match(r"Polls per hour, last 24 hours: [1-9]\d* in all", charts[1]), charts
    polls = browser.find_elements(By.CSS_SELECTOR, "#polls tbody tr")
    assert polls and "OK" in polls[0].text, [p.text for p in polls]
    assert any(int(p.find_element(By.CSS_SELECTOR, "td[data-label=New]").text) > 0 for p in polls)
    shot(browser, "connector")
    click(browser, By.LINK_TEXT, "Last 7 days")
    assert "Polls per hour, last 7 days" in browser.page_source
    phone(browser, "connector")

    # Then an integration: a bad config shows the message next to the field.
    browser.get(relay["url"] + "/console/integrations/new")
    Select(field(browser, "type")).select_by_value("webhook")
    click(browser, By.CSS_SELECTOR, "main button[type=submit]")
    fill(browser, {"name": "soc-hook", "cfg.url": "not a url", "cfg.authToken": HOOK_TOKEN})
    click(browser, By.CSS_SELECTOR, "main button.primary")
    assert "must be an http(s) URL" in error_next_to(browser, "cfg.url")
    assert HOOK_TOKEN not in browser.page_source
    shot(browser, "integration-invalid")
    # Fields speak words, with Prisma's key beside each; the auth token is optional, headers are rows.
    label = browser.find_element(By.CSS_SELECTOR, "label[for='f-cfg.authToken']").text
    assert label.startswith("Auth token") and "authToken" in label and "*" not in label, label
    # Test before Save: the test message goes out with what the form holds, headers included, and the token typed
    # stays in the session for Save (the page shows only the mask).
    fill(browser, {"cfg.url": relay["hook_url"], "cfg.authToken": HOOK_TOKEN, "cfg.headers.0.key": "X-Team",
                   "cfg.headers.0.value": "soc-east"})
    click(browser, By.XPATH, "//button[text()='Test']")
    result = browser.find_element(By.ID, "test-result").text
    assert result.startswith("Test passed:"), result
    assert HookReceiver.headers and HookReceiver.headers[-1].get("X-Team") == "soc-east", HookReceiver.headers
    assert field(browser, "cfg.authToken").get_attribute("value") == "********"
    assert HOOK_TOKEN not in browser.page_source
    shot(browser, "integration-test-passed")
    HookReceiver.received.clear()
    click(browser, By.CSS_SELECTOR, "main button.primary")
    assert "Integration soc-hook was saved" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert browser.find_element(By.ID, "integration-status")

    # Last, a rule sending high-severity events to it: the events stored before it are offered, counted, and sent.
    browser.get(relay["url"] + "/console/rules/new")
    fill(browser, {"name": "high to soc"})
    browser.find_element(By.CSS_SELECTOR, "input[name=severities][value=high]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=integrations]").click()
    shot(browser, "rule-form")
    click(browser, By.CSS_SELECTOR, "main button.primary")
    assert "Rule high to soc was saved" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    offer = browser.find_element(By.ID, "backfill-count").text
    found = re.match(r"(\d+) stored events from the last 24 hours match this rule; (\d+) of them have not gone", offer)
    assert found and int(found.group(2)) > 0, offer
    assert not HookReceiver.received, "the rule sent stored events before being asked"
    shot(browser, "rule-backfill")
    phone(browser, "rule-backfill")
    click(browser, By.XPATH, "//button[starts-with(text(), 'Send ')]")
    assert "Queued %s stored events" % found.group(2) in browser.find_element(By.CSS_SELECTOR, ".flash").text
    shot(browser, "rules")
    phone(browser, "rules")

    # The delivery engine sends the high-severity events; the events page says where each went.
    deadline = time.time() + 60
    while time.time() < deadline:
        browser.get(relay["url"] + "/console/events?severity=high")
        if "soc-hook: delivered" in browser.page_source:
            break
        time.sleep(1)
    assert "soc-hook: delivered" in browser.page_source
    assert HookReceiver.received, "the webhook received nothing"
    shot(browser, "events")
    # Every event can be reached: the total that matches, and older pages by keyset.
    browser.get(relay["url"] + "/console/events")
    total = int(re.match(r"(\d+) events? match", browser.find_element(By.ID, "event-total").text).group(1))
    first_page = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table tbody tr td a")]
    assert not browser.find_elements(By.LINK_TEXT, "Newest")
    assert len(first_page) == min(total, 100), (len(first_page), total)
    assert total > 100, total
    click(browser, By.LINK_TEXT, "Older events")
    assert "after=" in browser.current_url
    second_page = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "table tbody tr td a")]
    assert second_page and len(second_page) == min(total - 100, 100)
    assert browser.find_elements(By.LINK_TEXT, "Newest")
    # Filtered by delivery: what reached soc-hook, and what no rule sent anywhere.
    browser.get(relay["url"] + "/console/events")
    Select(field(browser, "delivery")).select_by_value("delivered")
    Select(field(browser, "integration")).select_by_visible_text("soc-hook")
    click(browser, By.XPATH, "//button[text()='Filter']")
    delivered = int(re.match(r"(\d+) events? match", browser.find_element(By.ID, "event-total").text).group(1))
    assert delivered > 0, delivered
    assert all("soc-hook: delivered" in row.text for row in browser.find_elements(By.CSS_SELECTOR, "#events tbody tr"))
    browser.get(relay["url"] + "/console/events?delivery=none&severity=high")
    assert re.match(r"0 events match", browser.find_element(By.ID, "event-total").text)
    browser.get(relay["url"] + "/console/events?severity=high")
    click(browser, By.CSS_SELECTOR, "table tbody tr td a")
    assert browser.find_element(By.XPATH, "//h2[text()='Raw event from Prisma']")
    # What Prisma says to do is shown, not only inside the raw JSON.
    assert browser.find_element(By.XPATH, "//section[@id='guidance']/h2[text()='Recommendation']")
    assert "delivered" in browser.find_element(By.XPATH, "//h2[text()='Deliveries']/..").text
    shot(browser, "event")
    phone(browser, "event")

    browser.get(relay["url"] + "/console/integrations")
    assert "GREEN" in browser.find_element(By.XPATH, "//tr[td/a[text()='soc-hook']]").text
    # A failed Test turns the integration YELLOW with the reason, until a delivery (or a Test) succeeds.
    HookReceiver.failing = True
    try:
        click(browser, By.XPATH, "//tr[td/a[text()='soc-hook']]//button[text()='Test']")
        assert "The webhook is having trouble (HTTP 500)" in browser.find_element(By.CSS_SELECTOR, ".flash").text
        row = browser.find_element(By.XPATH, "//tr[td/a[text()='soc-hook']]").text
        assert "YELLOW" in row and "The last Test failed: The webhook is having trouble (HTTP 500)" in row, row
        shot(browser, "integrations-test-failed")
    finally:
        HookReceiver.failing = False
    click(browser, By.XPATH, "//tr[td/a[text()='soc-hook']]//button[text()='Test']")
    assert "GREEN" in browser.find_element(By.XPATH, "//tr[td/a[text()='soc-hook']]").text
    shot(browser, "integrations")
    phone(browser, "integrations")
    browser.get(relay["url"] + "/console")
    assert browser.find_element(By.CSS_SELECTOR, ".chart svg")
    # Past the first run: each connector and integration with its last 24 hours.
    assert not browser.find_elements(By.ID, "first-run")
    sources = browser.find_element(By.ID, "sources").text
    assert "sim-cspm" in sources and "soc-hook" in sources and re.search(r"[1-9]\d* delivered", sources), sources
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sources svg.spark")) == 2
    # The serve this console belongs to lists itself among the replicas, running, with the connector it polls.
    replica = browser.find_element(By.XPATH, "//table[@id='replicas']//tr[contains(., '(this one)')]").text
    assert "running" in replica and "pid " in replica, replica
    shot(browser, "overview")
    phone(browser, "overview")

    # No secret in any page.
    for path in ["/console", "/console/connectors", "/console/connectors/sim-cspm", "/console/connectors/sim-cspm/edit",
                 "/console/integrations", "/console/rules", "/console/events"]:
        browser.get(relay["url"] + path)
        for secret in [relay["sim_secret"], HOOK_TOKEN, relay["secret"]]:
            assert secret not in browser.page_source, path
    # The integration's own page: status with its reason, deliveries per hour, latency, and its actions.
    browser.get(relay["url"] + "/console/integrations")
    click(browser, By.XPATH, "//a[text()='soc-hook']")
    assert browser.find_element(By.ID, "integration-status").text == "GREEN"
    assert browser.find_element(By.ID, "integration-sentence").text.startswith("Delivering: the last delivery was")
    chart = browser.find_element(By.CSS_SELECTOR, ".chart svg")
    assert re.match(r"Deliveries per hour, last 24 hours: [1-9]\d* in all", chart.get_attribute("aria-label"))
    assert re.search(r"≤ [\d.]+ m?s\s+p50 latency", browser.find_element(By.CSS_SELECTOR, ".grid").text)
    shot(browser, "integration")
    phone(browser, "integration")
    # Disabled from its page, and back.
    click(browser, By.XPATH, "//button[text()='Disable']")
    assert browser.find_element(By.ID, "integration-status").text == "Disabled"
    click(browser, By.XPATH, "//button[text()='Enable']")
    assert browser.find_element(By.ID, "integration-status").text == "GREEN"
    click(browser, By.LINK_TEXT, "Edit")
    assert field(browser, "cfg.authToken").get_attribute("value") == "********"
    shot(browser, "integration-edit")
    phone(browser, "integration-edit")
    # The events page on a phone: cards, with when, severity and status shown.
    browser.get(relay["url"] + "/console/events")
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    card = browser.find_element(By.CSS_SELECTOR, "#events tbody tr")
    for label in ["When", "Severity", "Status", "Deliveries"]:
        assert card.find_element(By.CSS_SELECTOR, "td[data-label='%s']" % label).is_displayed(), label
    shot(browser, "events-phone", width=390)
    browser.set_window_size(1366, 900)


def test_a_form_without_a_valid_csrf_token_is_refused(relay, browser):
    sign_in(browser, relay)
    session = browser.get_cookie("relay_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    for token in [None, "forged"]:
        form = {"name": "x", "type": "cspm"}
        if token:
            form["csrf"] = token
        request = urllib.request.Request(
            relay["url"] + "/console/connectors", data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={"Cookie": "relay_session=" + session["value"], "Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 403
        assert "CSRF" in refused.value.read().decode()


def wait_until(condition, seconds=60, what="the condition"):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def api(relay, path):
    request = urllib.request.Request(relay["url"] + path, headers={"Authorization": "Bearer %s:%s" % (relay["key_id"], relay["secret"])})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def test_an_analyst_dismisses_an_alert_in_the_console_and_pagerduty_resolves_its_incident(relay, browser):
    env = dict(relay["env"], PRISMA_RELAY_SECRET=relay["sim_secret"])
    cli = lambda *args: subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True).stdout
    cli("connector", "add", "--name", "acting", "--url", relay["sim_url"], "--key-id", relay["sim_key"], "--status", "all",
        "--interval", "3600", "--allow-actions")
    config = os.path.join(tempfile.mkdtemp(prefix="prisma-relay-pd-"), "pd.json")
    with open(config, "w") as file:
        json.dump({"integrationKey": PagerDutyReceiver.ROUTING_KEY, "webhookSecret": PAGERDUTY_WEBHOOK_SECRET}, file)
    pd = cli("integration", "add", "--name", "soc-pager", "--type", "pager_duty", "--config-file", config).split()[-1]
    cli("rule", "add", "--name", "page-on-acting", "--integration", pd, "--connector", "acting", "--notify-on", "open",
        "--notify-on", "dismissed")
    # serve polls the new connector and pages for its open alerts.
    wait_until(lambda: any(key.startswith("acting/") for key in PagerDutyReceiver.events), what="PagerDuty's first trigger")
    event = wait_until(lambda: next((e for e in api(relay, "/api/v1/events?connector=acting&status=open&limit=50")["items"]
                                     if PagerDutyReceiver.events.get("acting/" + e["native_id"]) == ["trigger"]), None),
                       what="an open alert paged")
    alert = event["native_id"]

    sign_in(browser, relay)
    browser.get(relay["url"] + "/console/events/" + urllib.parse.quote(event["id"], safe=""))
    assert browser.find_element(By.ID, "actions")
    fill(browser, {"note": "Accepted risk: lab account"})
    shot(browser, "event-actions")
    click(browser, By.XPATH, "//section[@id='actions']//button[text()='Dismiss']")
    flash = browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert flash.startswith("Done: Prisma Cloud accepted the dismiss of " + alert), flash
    row = browser.find_element(By.CSS_SELECTOR, "#action-log tbody tr").text
    assert "dismiss" in row and "done" in row and "console user" in row, row
    # Dismissed in Prisma before the next poll says so: the page offers to reopen it.
    assert browser.find_elements(By.XPATH, "//section[@id='actions']//button[text()='Reopen']")
    shot(browser, "event-actions-done")
    phone(browser, "event-actions-done")

    # The next poll stores the dismissed version; PagerDuty's incident for the alert is resolved.
    browser.get(relay["url"] + "/console/connectors/acting")
    click(browser, By.XPATH, "//button[text()='Poll now']")
    assert "Polled acting" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    wait_until(lambda: PagerDutyReceiver.events.get("acting/" + alert) == ["trigger", "resolve"], what="the resolve of " + alert)
    dismissed = [e for e in api(relay, "/api/v1/events?connector=acting&status=dismissed&limit=500")["items"] if e["native_id"] == alert]
    assert len(dismissed) == 1, dismissed
    assert api(relay, "/api/v1/events/" + urllib.parse.quote(dismissed[0]["id"], safe=""))["actions"][0]["note"] == "Accepted risk: lab account"

    # A responder resolves another alert's incident in PagerDuty: its v3 webhook, signed with the integration's
    # secret, dismisses the alert; a forged one is refused with 401. The dismissed version is not sent back.
    other = next(e for e in api(relay, "/api/v1/events?connector=acting&status=open&limit=50")["items"]
                 if e["native_id"] != alert and PagerDutyReceiver.events.get("acting/" + e["native_id"]) == ["trigger"])
    body = json.dumps({"event": {"id": "01", "event_type": "incident.resolved", "resource_type": "incident",
                                 "agent": {"summary": "Tenex Engineer", "type": "user_reference"},
                                 "data": {"id": "PGR0VU2", "type": "incident", "number": 7, "status": "resolved",
                                          "incident_key": "acting/" + other["native_id"], "title": other["title"]}}}).encode()

    def deliver(signature):
        request = urllib.request.Request(relay["url"] + "/api/v1/inbound/pagerduty/" + pd, data=body, method="POST",
                                         headers={"Content-Type": "application/json", "X-PagerDuty-Signature": signature})
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()

    status, text = deliver("v1=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest())
    assert status == 401, text
    status, text = deliver("v1=" + hmac.new(PAGERDUTY_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest())
    assert status == 200 and "done" in text, text
    actions = api(relay, "/api/v1/events/" + urllib.parse.quote(other["id"], safe=""))["actions"]
    assert actions[0]["note"].startswith("Resolved in PagerDuty by Tenex Engineer: incident #7"), actions
    browser.get(relay["url"] + "/console/connectors/acting")
    click(browser, By.XPATH, "//button[text()='Poll now']")
    wait_until(lambda: [e for e in api(relay, "/api/v1/events?connector=acting&status=dismissed&limit=500")["items"]
                        if e["native_id"] == other["native_id"]], what="the dismissed version of " + other["native_id"])
    dismissed = [e for e in api(relay, "/api/v1/events?connector=acting&status=dismissed&limit=500")["items"]
                 if e["native_id"] == other["native_id"]][0]
    wait_until(lambda: [d for d in api(relay, "/api/v1/events/" + urllib.parse.quote(dismissed["id"], safe=""))["deliveries"]
                        if d["state"] != "pending"], what="the dismissed version's delivery settled")
    delivery = api(relay, "/api/v1/events/" + urllib.parse.quote(dismissed["id"], safe=""))["deliveries"][0]
    assert delivery["state"] == "filtered" and "not sent back" in (delivery["lastError"] or ""), delivery
    assert PagerDutyReceiver.events["acting/" + other["native_id"]] == ["trigger"]
