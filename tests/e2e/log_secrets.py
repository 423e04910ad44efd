#!/usr/bin/env python3
"""No secrets or personal data in the logs of `ledger serve` (issue 11).

Runs `ledger serve` on a fresh SQLite store at its default (info) log level through a full
flow, capturing stdout and stderr together:

- every signed Stripe fixture (customer emails, names, addresses, card brand, last4 and
  fingerprint) and every signed Printify fixture;
- webhooks with a wrong signature, a stale one and none, and an unsigned body full of
  personal data;
- commands with bearer tokens, a command with a forged token and one with no token;
- queries with admin and customer tokens, an expired and a forged token, and a token in the
  query string (where some clients put it);
- a graceful shutdown (SIGTERM).

Then it asserts that the log holds none of: the Stripe, Printify and JWT secrets; any token
sent, whole or its signature part; an Authorization header or a bearer scheme; any Stripe-
Signature or X-Pfy-Signature value; any email address of a body that was sent; any 48-byte
window of a raw body that contains a quote (a JSON fragment). The log must also show that
requests were logged at all (one access line per request), so a silent server cannot pass.

Usage: log_secrets.py LEDGER_BINARY FIXTURES_DIR
"""
import atexit
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

LEDGER, FIXTURES = sys.argv[1], sys.argv[2]
STRIPE_SECRET = json.load(open(os.path.join(FIXTURES, "stripe", "signatures.json")))["secret"]
PRINTIFY_SECRET = json.load(open(os.path.join(FIXTURES, "printify", "signatures.json")))["secret"]
JWT_SECRET = "log-test-jwt-secret-0123456789-abcdefghijklmnop"
EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def fail(message):
    sys.exit("log_secrets: " + message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sent:
    """Everything sent that must never come back in the log."""

    def __init__(self):
        self.secrets = [STRIPE_SECRET, PRINTIFY_SECRET, JWT_SECRET]
        self.tokens = []
        self.signatures = []
        self.bodies = []
        self.requests = 0


def request(port, method, path, sent, body=None, headers=None):
    sent.requests += 1
    if body is not None:
        sent.bodies.append(body)
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stripe_signature(body, t=None):
    t = str(int(time.time()) if t is None else t)
    mac = hmac.new(STRIPE_SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def post_stripe(port, sent, body, signature):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
        sent.signatures.append(signature)
        sent.signatures.append(signature.split("v1=")[-1])
    return request(port, "POST", "/v1/webhooks/stripe", sent, body, headers)


def post_printify(port, sent, body, signature):
    sent.signatures.append(signature)
    sent.signatures.append(signature.split("=", 1)[-1])
    return request(port, "POST", "/v1/webhooks/printify", sent, body,
                   {"Content-Type": "application/json", "X-Pfy-Signature": signature})


def mint(role, customer=None):
    args = [LEDGER, "token", "--tenant", "default", "--role", role, "--jwt-secret", JWT_SECRET]
    if customer:
        args += ["--customer", customer]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"ledger token exited {done.returncode}: {done.stderr}")
    return done.stdout.strip()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def expired_token():
    """A well-signed admin token that expired an hour ago (past the 30 s leeway)."""
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    claims = b64url(json.dumps({"sub": "user:old", "tenant": "default", "role": "admin",
                                "exp": int(time.time()) - 3600}).encode())
    mac = hmac.new(JWT_SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64url(mac)}"


def forged(token):
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    claims["tenant"] = "someone_else"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    mac = hmac.new(b"not-the-secret-0123456789-abcdefghijk", f"{header}.{body}".encode(),
                   hashlib.sha256).digest()
    return f"{header}.{body}." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def with_token(sent, token):
    sent.tokens.append(token)
    sent.tokens.append(token.split(".")[-1])
    return {"Authorization": "Bearer " + token}


def drive(port, sent):
    """The full flow; returns how many requests answered as expected."""
    folder = os.path.join(FIXTURES, "stripe", "assembled")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            body = f.read()
        if post_stripe(port, sent, body, stripe_signature(body)) != 200:
            fail(f"POST stripe {name} was not admitted")
    for entry in json.load(open(os.path.join(FIXTURES, "printify", "signatures.json")))["files"]:
        with open(os.path.join(FIXTURES, "printify", entry["file"]), "rb") as f:
            body = f.read()
        if post_printify(port, sent, body, entry["X-Pfy-Signature"]) != 200:
            fail(f"POST printify {entry['file']} was not admitted")

    # Refused webhooks: the reason is logged (metrics, a line), never the header or body.
    personal = json.dumps({"id": "evt_log_secret_1", "object": "event", "type": "charge.succeeded",
                           "created": 1, "data": {"object": {
                               "billing_details": {"email": "mallory.secret@example.org",
                                                   "name": "Mallory Secret",
                                                   "phone": "+44 7700 900123"}}}}).encode()
    expect = [(post_stripe(port, sent, personal, stripe_signature(personal)[:-4] + "beef"), 401),
              (post_stripe(port, sent, personal, stripe_signature(personal, t=1)), 401),
              (post_stripe(port, sent, personal, None), 401),
              (post_printify(port, sent, personal, "sha256=" + "ab" * 32), 401)]

    admin = mint("admin")
    operator = mint("operator")
    customer = mint("customer", customer="cus_TqLmNp2QxYz4Ab")
    expired = expired_token()
    command = json.dumps({"content_id": "c-log-1", "name": "Mug",
                          "description": "A mug for jordan.rivera@example.com"}).encode()
    json_headers = {"Content-Type": "application/json"}
    expect += [
        (request(port, "POST", "/v1/commands/screen-content", sent, command,
                 {**json_headers, **with_token(sent, operator)}), 200),
        (request(port, "POST", "/v1/commands/configure-canary", sent,
                 b'{"route":"checkout","failure_threshold":3,"step":10}',
                 {**json_headers, **with_token(sent, admin)}), 200),
        (request(port, "POST", "/v1/commands/screen-content", sent, command,
                 {**json_headers, **with_token(sent, forged(operator))}), 401),
        (request(port, "POST", "/v1/commands/screen-content", sent, command, json_headers), 401),
        (request(port, "GET", "/v1/orders", sent, None, with_token(sent, admin)), 200),
        (request(port, "GET", "/v1/orders", sent, None, with_token(sent, customer)), 200),
        (request(port, "GET", "/v1/orders", sent, None, with_token(sent, expired)), 401),
        (request(port, "GET", "/v1/orders", sent, None, with_token(sent, forged(admin))), 401),
        (request(port, "GET", "/v1/orders?access_token=" + admin, sent), 401),
        (request(port, "GET", "/v1/products", sent, None, with_token(sent, customer)), 403),
    ]
    for got, wanted in expect:
        if got != wanted:
            fail(f"the flow went wrong: expected {[w for _, w in expect]}, "
                 f"got {[g for g, _ in expect]}")


def leaks(log, sent):
    """Every forbidden thing found in the log, described without repeating it whole."""
    found = []

    def check(what, value):
        if value and value.encode() in log:
            found.append(f"{what} ({value[:6]}...)")

    for secret in sent.secrets:
        check("a secret", secret)
    for token in sent.tokens:
        check("a token", token)
    for signature in sent.signatures:
        check("a signature", signature)
    for marker in (b"Authorization", b"authorization:", b"Bearer ", b"bearer ",
                   b"Stripe-Signature", b"X-Pfy-Signature"):
        if marker in log:
            found.append(f"a header ({marker.decode()!r})")
    emails = set()
    for body in sent.bodies:
        emails.update(EMAIL.findall(body))
    if not emails:
        fail("no email address in the bodies sent: the check would prove nothing")
    for email in sorted(emails):
        if email in log:
            found.append(f"an email address ({email[:3].decode()}...)")
    windows = set()
    for body in sent.bodies:
        compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
        for raw in (body, compact):
            for start in range(0, max(1, len(raw) - 48), 8):
                window = raw[start:start + 48]
                if b'"' in window and len(window) == 48:
                    windows.add(window)
    body_hits = [w for w in windows if w in log]
    if body_hits:
        found.append(f"{len(body_hits)} fragments of raw bodies, e.g. {body_hits[0][:20]!r}")
    return found


def main():
    work = tempfile.mkdtemp(prefix="ledger-log-")
    atexit.register(shutil.rmtree, work, True)
    url = "sqlite:" + os.path.join(work, "live.db")
    done = subprocess.run([LEDGER, "migrate", "--database-url", url], capture_output=True)
    if done.returncode != 0:
        fail(f"ledger migrate failed: {done.stderr!r}")
    port = free_port()
    log_path = os.path.join(work, "serve.log")
    with open(log_path, "wb") as log_file:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        server = subprocess.Popen(
            [LEDGER, "serve", "--database-url", url, "--listen", f"127.0.0.1:{port}",
             "--stripe-webhook-secrets", STRIPE_SECRET,
             "--printify-webhook-secret", PRINTIFY_SECRET, "--jwt-secret", JWT_SECRET],
            stdout=log_file, stderr=subprocess.STDOUT, env=env)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None:
                        fail("ledger serve exited at start: " + open(log_path).read())
                    time.sleep(0.1)
            sent = Sent()
            drive(port, sent)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                fail("ledger serve did not stop on SIGTERM")
    if code != 0:
        fail(f"ledger serve exited {code}")
    with open(log_path, "rb") as f:
        log = f.read()
    access_lines = len(re.findall(rb" (?:GET|POST) /\S* \d{3} ", log))
    if access_lines < sent.requests:
        fail(f"only {access_lines} access lines for {sent.requests} requests: is it logging?")
    found = leaks(log, sent)
    if found:
        fail("the log of ledger serve holds:\n  " + "\n  ".join(found))
    print(f"log_secrets: {sent.requests} requests, {len(log)} bytes of log, nothing leaked")


if __name__ == "__main__":
    main()
