#!/usr/bin/env python3
"""The ledger binary end to end: webhooks in, read models out.

Starts `ledger serve` on a fresh SQLite store, posts the 25 assembled Stripe fixtures signed
with the current time (as Stripe would), drives a canary probe sequence over HTTP, and waits
until the server's translator and projectors have turned them into the `orders`, `payments`
and `traffic_split_history` rows spelled out below. Then the query API over HTTP
(check_queries: who sees which orders by list and by id, paging, filters, roles, `as_of`,
read-your-writes) and the digest: the log exported from the live store and imported into a
fresh SQLite store (and, with `postgres`, a fresh PostgreSQL database, where a second server
answers the same queries under row-level security) projected from scratch gives the live
digest.

Usage: serve_projections.py LEDGER_BINARY FIXTURES_DIR sqlite|postgres
postgres needs LEDGER_TEST_DATABASE_URL (an owner URL).
"""
import atexit
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import jsonschema
import yaml

LEDGER, FIXTURES, KIND = sys.argv[1], sys.argv[2], sys.argv[3]
SECRET = "whsec_test_ledger_0123456789abcdef"
PRINTIFY_SECRET = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"
JWT_SECRET = "e2e-jwt-secret-0123456789abcdef-0123456789"

CARD_ORDER = "cs_test_b1Qk8Zr2dLmN4pX6tV9yW3cE5fH7jK0sA2gU4iO6qR8eT1wY3zBx5nM7vC9"
ASYNC_PAID_ORDER = "cs_test_a4Nm2Pq8Rs6Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8No0Pq2Rs4Tu6Vw8Xy0Za2"
ASYNC_FAILED_ORDER = "cs_test_a9Zy8Xw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7Ba6Zy5Xw4Vu3Ts2Rq1Po0Nm9"
EXPIRED_ORDER = "cs_test_a2Ex4Pi6Re8Dx0Yz2Ab4Cd6Ef8Gh0Ij2Kl4Mn6Op8Qr0St2Uv4Wx6Yz8Ab0Cd2"
CUSTOMER = "cus_TqLmNp2QxYz4Ab"
US = 1_000_000  # timestamps are microseconds in SQLite

# (order id) -> the columns checked, as SQLite stores them.
EXPECTED_ORDERS = {
    CARD_ORDER: {"status": "paid", "payment_status": "paid", "customer_id": CUSTOMER,
                 "amount_total_minor": 5399, "amount_subtotal_minor": 4800,
                 "amount_shipping_minor": 599, "currency": "USD",
                 "payment_intent_id": "pi_3RkT9wLmNp2QxYz40aB1cD2e",
                 "created_at": 1787133600 * US, "paid_at": 1787133644 * US,
                 "anomaly_count": 0},
    ASYNC_PAID_ORDER: {"status": "paid", "customer_id": CUSTOMER, "amount_total_minor": 5399,
                       "payment_intent_id": "pi_3RkV0bLmNp2QxYz41cE2fG3h",
                       "paid_at": 1787482800 * US},
    ASYNC_FAILED_ORDER: {"status": "payment_failed", "payment_status": "failed",
                         "customer_id": CUSTOMER, "paid_at": None,
                         "payment_failed_at": 1787483400 * US},
    EXPIRED_ORDER: {"status": "expired", "payment_status": "unpaid",
                    "customer_id": "guest_" + EXPIRED_ORDER, "payment_intent_id": None,
                    "expired_at": 1787230812 * US},
}
EXPECTED_PAYMENTS = {
    "pi_3RkT9wLmNp2QxYz40aB1cD2e": {
        "order_id": CARD_ORDER, "status": "succeeded", "amount_minor": 5399,
        "amount_received_minor": 5399, "currency": "USD", "refunded_minor": 2400,
        "refund_status": "partial", "dispute_id": "dp_1RkU2aLmNp2QxYz4Dq9Wv3Bn",
        "dispute_status": "won", "dispute_amount_minor": 2999, "early_fraud_warning": 1,
        "customer_id": CUSTOMER},
    "pi_3RkV0bLmNp2QxYz41cE2fG3h": {"order_id": ASYNC_PAID_ORDER, "status": "succeeded",
                                   "refunded_minor": 0, "refund_status": "none"},
    "pi_3RkW4cLmNp2QxYz42dF3gH4i": {"order_id": ASYNC_FAILED_ORDER, "status": "failed",
                                   "failure_code": "async_payment_failed"},
    "pi_3RkX5dLmNp2QxYz43eG4hI5j": {"order_id": None, "status": "failed",
                                   "failure_code": "card_declined",
                                   "decline_code": "insufficient_funds"},
    "pi_3RkY6eLmNp2QxYz44fH5iJ6k": {"status": "canceled", "cancellation_reason": "automatic"},
}
# A canary run: configure (threshold 2), three passes, two failures (rollback), one pass.
PROBES = ["pass", "pass", "pass", "fail", "fail", "pass"]
EXPECTED_HISTORY = [  # (v1_before, v2_before, v1_after, v2_after, trigger_source)
    (100, 0, 90, 10, "probe"), (90, 10, 80, 20, "probe"), (80, 20, 70, 30, "probe"),
    (70, 30, 100, 0, "rollback"), (100, 0, 90, 10, "probe"),
]


def fail(message):
    sys.exit("serve_projections: " + message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ledger(*args, url, check=True):
    done = subprocess.run([LEDGER, *args, "--database-url", url], capture_output=True, text=True)
    if check and done.returncode != 0:
        fail(f"ledger {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def post_stripe(port, body):
    t = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/webhooks/stripe", data=body, method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": f"t={t},v1={signature}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def post_command(port, name, body, token):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/commands/{name}",
                                     data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def rows(db, table, key):
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return {r[key]: dict(r) for r in connection.execute(f"SELECT * FROM {table}")}
    except sqlite3.OperationalError:
        return {}  # the projector has not created its tables yet
    finally:
        connection.close()


def mismatches(actual, expected):
    problems = []
    for key, columns in expected.items():
        row = actual.get(key)
        if row is None:
            problems.append(f"no row {key}")
            continue
        for column, value in columns.items():
            if row.get(column) != value:
                problems.append(f"{key}.{column} = {row.get(column)!r}, expected {value!r}")
    if len(actual) != len(expected):
        problems.append(f"{len(actual)} rows, expected {len(expected)}")
    return problems


def history_mismatches(db):
    connection = sqlite3.connect(db)
    try:
        got = connection.execute(
            "SELECT v1_before, v2_before, v1_after, v2_after, trigger_source "
            "FROM traffic_split_history WHERE route = 'checkout' ORDER BY change_number").fetchall()
    except sqlite3.OperationalError:
        got = []
    finally:
        connection.close()
    return [] if got == EXPECTED_HISTORY else [f"traffic_split_history {got}"]


def eventually(check, what, seconds=60):
    deadline = time.time() + seconds
    problems = check()
    while problems and time.time() < deadline:
        time.sleep(0.2)
        problems = check()
    if problems:
        fail(f"{what} never matched: " + "; ".join(problems[:10]))


def new_postgres_database(created):
    owner = os.environ.get("LEDGER_TEST_DATABASE_URL")
    if not owner:
        fail("LEDGER_TEST_DATABASE_URL is not set (scripts/test sets it)")
    name = f"ledger_e2e_{os.getpid()}_{len(created)}"
    subprocess.run(["psql", "-q", owner, "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True)
    created.append(name)
    return owner.rsplit("/", 1)[0] + "/" + name


def drop_databases(created):
    owner = os.environ.get("LEDGER_TEST_DATABASE_URL")
    for name in created:
        subprocess.run(["psql", "-q", owner, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                       capture_output=True)


def token(role, tenant="default", customer=None):
    args = [LEDGER, "token", "--tenant", tenant, "--role", role, "--subject", "e2e-" + role,
            "--jwt-secret", JWT_SECRET]
    if customer:
        args += ["--customer", customer]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def get(port, path, bearer):
    """(status, JSON body) of GET path with a bearer token."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Authorization": "Bearer " + bearer})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def all_pages(port, path, bearer, limit):
    """Every item of a list, following next_cursor with pages of `limit`."""
    items, cursor = [], None
    for _ in range(100):
        separator = "&" if "?" in path else "?"
        url = f"{path}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, page = get(port, url, bearer)
        if status != 200:
            fail(f"GET {url}: {status} {page}")
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    fail(f"GET {path}: more than 100 pages")


OPENAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                       "openapi.yaml")


def check_schema(pattern, status, body, where):
    """`body` matches docs/openapi.yaml's schema for GET `pattern` answering `status`."""
    with open(OPENAPI, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    response = spec["paths"][pattern]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": spec["components"], **response["content"]["application/json"]["schema"]}
    errors = [e.message[:200] for e in jsonschema.Draft202012Validator(root).iter_errors(body)]
    if errors:
        fail(f"{where}: GET {pattern} -> {status} does not match docs/openapi.yaml: {errors}")


def check_queries(port, where):
    """The query API over real HTTP: who sees which orders, paging, as_of, roles."""
    admin, other_admin = token("admin"), token("admin", tenant="other-store")
    customer = token("customer", customer=CUSTOMER)
    stranger = token("customer", customer="cus_someone_else")
    ids = [o["order_id"] for o in all_pages(port, "/v1/orders", admin, 1)]
    if ids != sorted(EXPECTED_ORDERS):
        fail(f"{where}: admin paging one by one saw {ids}")
    status, card = get(port, f"/v1/orders/{CARD_ORDER}", admin)
    if status != 200 or card["status"] != "paid" or card["customer_id"] != CUSTOMER or \
            "tenant_id" in card or not isinstance(card.get("lines"), list):
        fail(f"{where}: GET the card order: {status} {card}")
    # A customer sees exactly their own orders, by list and by id; never anyone else's.
    own = sorted(k for k, v in EXPECTED_ORDERS.items() if v.get("customer_id") == CUSTOMER)
    seen = [o["order_id"] for o in all_pages(port, "/v1/orders", customer, 2)]
    if seen != own:
        fail(f"{where}: the customer's list is {seen}, not {own}")
    for bearer, order_id, expected in ((customer, EXPIRED_ORDER, 404), (customer, CARD_ORDER, 200),
                                       (stranger, CARD_ORDER, 404), (other_admin, CARD_ORDER, 404),
                                       (admin, "cs_no_such_order", 404)):
        status, body = get(port, f"/v1/orders/{order_id}", bearer)
        if status != expected:
            fail(f"{where}: GET /v1/orders/{order_id:.12} answered {status}, not {expected}")
    for bearer in (stranger, other_admin):
        status, page = get(port, "/v1/orders", bearer)
        if status != 200 or page["items"]:
            fail(f"{where}: a stranger's list: {status} {page}")
    # Roles and tokens.
    for path, bearer, expected in (("/v1/orders", "not.a.token", 401), ("/v1/canary", customer, 403),
                                   ("/v1/review-queue", customer, 403),
                                   ("/v1/orders?stauts=paid", admin, 400)):
        status, _ = get(port, path, bearer)
        if status != expected:
            fail(f"{where}: GET {path} answered {status}, not {expected}")
    # Filters and the canary's history, as the console draws it.
    status, page = get(port, "/v1/orders?status=expired", admin)
    if status != 200 or [o["order_id"] for o in page["items"]] != [EXPIRED_ORDER]:
        fail(f"{where}: status=expired gave {status} {page}")
    history = all_pages(port, "/v1/canary/history?route=checkout", admin, 2)
    got = [(h["v1_before"], h["v2_before"], h["v1_after"], h["v2_after"], h["trigger_source"])
           for h in history]
    if got != EXPECTED_HISTORY:
        fail(f"{where}: /v1/canary/history: {got}")
    # as_of folds the order's own stream: nothing before its first event, the live order after
    # its last.
    status, _ = get(port, f"/v1/orders/{CARD_ORDER}?as_of=1970-01-01T00:00:00Z", admin)
    if status != 404:
        fail(f"{where}: as_of 1970 answered {status}")
    status, then = get(port, f"/v1/orders/{CARD_ORDER}?as_of=2999-01-01T00:00:00Z", customer)
    if status != 200 or {k: v for k, v in then.items() if k not in ("as_of", "position")} != card:
        fail(f"{where}: as_of 2999 is not the live order: {status} {then}")
    check_schema("/v1/orders/{id}", 200, then, where)
    check_schema("/v1/orders/{id}", 200, card, where)
    status, _ = get(port, f"/v1/orders/{CARD_ORDER}?as_of=2999-01-01T00:00:00Z", stranger)
    if status != 404:
        fail(f"{where}: a stranger's as_of answered {status}")


def serve(url, port, log, *extra):
    server = subprocess.Popen(
        [LEDGER, "serve", "--database-url", url, "--listen", f"127.0.0.1:{port}",
         "--jwt-secret", JWT_SECRET, *extra], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    return server


def main():
    work = tempfile.mkdtemp(prefix="ledger-e2e-")
    atexit.register(shutil.rmtree, work, True)
    db = os.path.join(work, "live.db")
    live = "sqlite:" + db
    ledger("migrate", url=live)
    key = os.path.join(work, "seal.pem")
    ledger("seal", "--generate-key", key, url=live)
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen(
        [LEDGER, "serve", "--database-url", live, "--listen", f"127.0.0.1:{port}",
         "--stripe-webhook-secrets", SECRET, "--printify-webhook-secret", PRINTIFY_SECRET,
         "--jwt-secret", JWT_SECRET, "--seal-key-file", key],
        stdout=log, stderr=subprocess.STDOUT)
    created = []
    atexit.register(drop_databases, created)  # also when fail() exits
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        folder = os.path.join(FIXTURES, "stripe", "assembled")
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                status = post_stripe(port, f.read())
            if status != 200:
                fail(f"POST {name} answered {status}")

        # Commands over HTTP need a bearer token of a role that may run them.
        operator = subprocess.run(
            [LEDGER, "token", "--tenant", "default", "--role", "operator", "--subject", "e2e",
             "--jwt-secret", JWT_SECRET], capture_output=True, text=True, check=True).stdout.strip()
        customer = subprocess.run(
            [LEDGER, "token", "--tenant", "default", "--role", "customer", "--customer", CUSTOMER,
             "--jwt-secret", JWT_SECRET], capture_output=True, text=True, check=True).stdout.strip()
        configure = {"route": "checkout", "failure_threshold": 2, "step": 10}
        for token, expected in ((None, 401), ("not.a.token", 401), (customer, 403)):
            status = post_command(port, "configure-canary", configure, token)
            if status != expected:
                fail(f"configure-canary with token {token!r:.20} answered {status}, not {expected}")
        if post_command(port, "configure-canary", configure, operator) != 200:
            fail("configure-canary as operator refused")
        for result in PROBES:
            status = post_command(port, "record-probe", {"route": "checkout", "result": result},
                                  operator)
            if status != 200:
                fail(f"record-probe {result} answered {status}")

        eventually(lambda: mismatches(rows(db, "orders", "order_id"), EXPECTED_ORDERS), "orders")
        eventually(lambda: mismatches(rows(db, "payments", "payment_intent_id"), EXPECTED_PAYMENTS),
                   "payments")
        eventually(lambda: history_mismatches(db), "traffic_split_history")
        # The event feed, for an admin token of the tenant: the admitted events, in log order.
        admin = subprocess.run(
            [LEDGER, "token", "--tenant", "default", "--role", "admin", "--subject", "e2e-admin",
             "--jwt-secret", JWT_SECRET], capture_output=True, text=True, check=True).stdout.strip()
        feed = urllib.request.Request(f"http://127.0.0.1:{port}/v1/events?after=0&limit=5",
                                      headers={"Authorization": "Bearer " + admin})
        with urllib.request.urlopen(feed, timeout=10) as response:
            page = json.loads(response.read())
        positions = [e["global_position"] for e in page["events"]]
        if positions != [1, 2, 3, 4, 5] or page["next"] != 5 or \
                page["events"][0]["event_type"] != "stripe.event_received" or \
                any("raw_body" in e for e in page["events"]):
            fail(f"/v1/events: positions {positions}, next {page.get('next')}")
        # Read your writes: a command's position, then the canary at that position.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/commands/record-probe",
            data=json.dumps({"route": "checkout", "result": "pass", "probe_id": "ryw"}).encode(),
            method="POST", headers={"Content-Type": "application/json",
                                    "Authorization": "Bearer " + operator})
        with urllib.request.urlopen(request, timeout=10) as response:
            written = json.loads(response.read())
        # The server waits up to 2 s for the projector, then says 503 not_caught_up with
        # Retry-After: a client retries (this machine may be busy building).
        for _ in range(15):
            status, page = get(port, f"/v1/canary?min_position={written['global_position']}",
                                admin)
            if status != 503:
                break
            time.sleep(1)
        if status != 200 or page["position"] < written["global_position"] or \
                page["items"][0]["v2_weight"] != written["v2_weight"]:
            fail(f"read your writes: wrote {written}, read {status} {page}")
        PROBES.append("pass")
        EXPECTED_HISTORY.append((90, 10, 80, 20, "probe"))
        eventually(lambda: history_mismatches(db), "traffic_split_history")
        check_queries(port, "sqlite")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            metrics = response.read().decode()
        if 'ledger_projection_leader{projector="orders"} 1' not in metrics:
            fail("/metrics lacks the projection gauges:\n" + metrics[-2000:])
    finally:
        server.terminate()
        code = server.wait(timeout=30)
        log.close()
    served = open(os.path.join(work, "serve.log")).read()
    if code != 0:
        fail(f"serve exited {code}: " + served[-3000:])
    if "[warning]" in served or "[error]" in served:
        fail("serve logged warnings: " +
             "\n".join(l for l in served.splitlines() if "[warning]" in l or "[error]" in l))
    # The log the server built verifies, sealed to its head.
    ledger("seal", "--seal-key-file", key, url=live)
    ledger("verify", "--seal-key-file", key, "--require-sealed", url=live)

    # The live read models, and the same log projected from scratch elsewhere, agree.
    live_digest = ledger("digest", "--catch-up", url=live).strip()
    exported = os.path.join(work, "log.jsonl")
    ledger("export", "--output", exported, url=live)
    targets = ["sqlite:" + os.path.join(work, "copy.db")]
    if KIND == "postgres":
        targets.append(new_postgres_database(created))
    for target in targets:
        ledger("migrate", url=target)
        ledger("import", exported, url=target)
        rebuilt = ledger("digest", "--catch-up", url=target).strip()
        if rebuilt != live_digest:
            fail(f"digest of the log rebuilt in {target.split(':')[0]}: {rebuilt}, "
                 f"live: {live_digest}\n" + ledger("digest", "--tables", url=target) +
                 ledger("digest", "--tables", url=live))
    # The same queries against a server on PostgreSQL, where ledger_reader and row-level
    # security scope them.
    if KIND == "postgres":
        port = free_port()
        log = open(os.path.join(work, "serve-pg.log"), "w")
        server = serve(targets[1], port, log)
        try:
            check_queries(port, "postgres")
        finally:
            server.terminate()
            code = server.wait(timeout=30)
            log.close()
        if code != 0:
            fail(f"serve on postgres exited {code}: " +
                 open(os.path.join(work, "serve-pg.log")).read()[-3000:])
    # Point-in-time replay: to the head gives the live digest, on every target, every time;
    # to an earlier point gives the digest of that prefix of the log projected on its own.
    with open(exported) as f:
        lines = f.readlines()
    head = json.loads(lines[-1])["global_position"]
    replay_targets = ["sqlite:" + os.path.join(work, "replay.db")]
    if KIND == "postgres":
        replay_targets.append(targets[1] + "?schema=replay_head")
    for target in replay_targets:
        for _ in range(2):
            got = ledger("replay", "--to-position", str(head), "--into", target, url=live).strip()
            if got != live_digest:
                fail(f"replay to the head into {target.split(':')[0]}: {got}, live: {live_digest}")
    if ledger("replay", "--as-of", "2999-01-01T00:00:00Z", "--into", replay_targets[0],
              url=live).strip() != live_digest:
        fail("replay as of the future differs from the live digest")
    middle = len(lines) // 2
    prefix_log = os.path.join(work, "prefix.jsonl")
    with open(prefix_log, "w") as f:
        f.writelines(lines[:middle])
    prefix_store = "sqlite:" + os.path.join(work, "prefix.db")
    ledger("migrate", url=prefix_store)
    ledger("import", prefix_log, url=prefix_store)
    expected = ledger("digest", "--catch-up", url=prefix_store).strip()
    position = str(json.loads(lines[middle - 1])["global_position"])
    got = ledger("replay", "--to-position", position, "--into", replay_targets[0], url=live).strip()
    if got != expected or got == live_digest:
        fail(f"replay to {position}: {got}; the prefix projected alone: {expected}")
    refused = subprocess.run([LEDGER, "replay", "--to-position", position, "--into", live,
                              "--database-url", live], capture_output=True, text=True)
    if refused.returncode == 0 or "live" not in refused.stderr:
        fail("replay into the live database was not refused: " + refused.stderr)
    print(f"serve_projections: ok ({KIND}), digest {live_digest}")


main()
