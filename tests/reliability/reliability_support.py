"""What the crash and outage tests share: `ledger serve` as a process that can be killed and
restarted, databases and PostgreSQL clusters of their own, fixture-shaped Stripe events, and a
sender that delivers them the way Stripe does (retrying every non-2xx answer and every broken
connection, with backoff, until a 2xx).

Only the Python standard library and Debian's python3: http.client, subprocess, threading.
"""
import copy
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "fixtures")
# The fixtures' Stripe endpoint secret (tests/fixtures/stripe/signatures.json).
STRIPE_SECRET = "whsec_test_ledger_0123456789abcdef"
JWT_SECRET = "reliability-jwt-secret-0123456789abcdef-01"


def fail(name, message):
    sys.exit(f"{name}: FAILED: {message}")


def log(name, message):
    print(f"{name}: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ledger(binary, *args, url, check=True, timeout=300):
    """stdout of `ledger ARGS --database-url URL`; exits the test if it fails and `check`."""
    done = subprocess.run([binary, *args, "--database-url", url], capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        sys.exit(f"ledger {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


class WorkDir:
    """A temporary directory removed at exit unless LEDGER_KEEP_TEST_DIRS is set."""

    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.path, 0o755)

    def file(self, name):
        return os.path.join(self.path, name)

    def remove(self):
        if not os.environ.get("LEDGER_KEEP_TEST_DIRS"):
            shutil.rmtree(self.path, ignore_errors=True)


# --- PostgreSQL -----------------------------------------------------------------------------

def psql(url, query):
    """Rows of `query` as lists of strings (psql -At, '|' separated)."""
    done = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", query],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql: {done.stderr.strip()}")
    return [line.split("|") for line in done.stdout.splitlines() if line]


def database_url(owner_url, name):
    base, _, rest = owner_url.rpartition("/")
    query = ("?" + rest.split("?", 1)[1]) if "?" in rest else ""
    return f"{base}/{name}{query}"


class Database:
    """A fresh database on the cluster of `owner_url`, dropped by drop()."""

    def __init__(self, owner_url, prefix):
        self.owner_url = owner_url
        self.name = f"{prefix}_{os.getpid()}_{random.randrange(1 << 30)}"
        psql(owner_url, f"CREATE DATABASE {self.name}")
        self.url = database_url(owner_url, self.name)

    def drop(self):
        try:
            psql(self.owner_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass  # the cluster may be gone already


class OwnPgCluster:
    """A PostgreSQL cluster of the test's own (scripts/pg-test-cluster), which the test may stop
    and start again: the shared test cluster must never be stopped under other tests."""

    def __init__(self, work):
        self.envfile = work.file("pg.env")
        script = os.path.join(REPO, "scripts", "pg-test-cluster")
        done = subprocess.run([script, "start", self.envfile], capture_output=True, text=True,
                              timeout=180)
        if done.returncode != 0:
            raise RuntimeError("pg-test-cluster start: " + done.stderr)
        values = dict(line.split("=", 1) for line in open(self.envfile).read().splitlines()
                      if "=" in line)
        self.url = values["LEDGER_TEST_DATABASE_URL"]
        self.dir = values["LEDGER_TEST_PG_DIR"]
        self.bindir = values["LEDGER_TEST_PG_BINDIR"]
        self.owner = values["LEDGER_TEST_PG_OWNER"]

    def _pg_ctl(self, *args):
        command = [os.path.join(self.bindir, "pg_ctl"), "--pgdata", os.path.join(self.dir, "data"),
                   *args]
        if self.owner != _user():
            command = ["runuser", "-u", self.owner, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.dir, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)}: {done.stdout}{done.stderr}")

    def stop(self, mode="fast"):
        self._pg_ctl("stop", "--mode", mode, "--wait")

    def start(self):
        self._pg_ctl("start", "--wait", "--timeout", "60",
                     "--log", os.path.join(self.dir, "server.log"))

    def remove(self):
        script = os.path.join(REPO, "scripts", "pg-test-cluster")
        subprocess.run([script, "stop", self.envfile], capture_output=True, timeout=120)


def _user():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def stored_provider_events(url):
    """{provider event id: how many events its stripe-<id> stream holds}, read as the owner."""
    rows = psql(url, "SELECT substr(stream_id, 8), count(*) FROM events "
                     "WHERE stream_id LIKE 'stripe-%' GROUP BY stream_id")
    return {row[0]: int(row[1]) for row in rows}


def checkpoints_at_head(url, names=None, required=()):
    """[] when every subscriber's checkpoint (or the named ones) has reached the head of the
    log, and each of `required` has one (a subscriber that has not started yet has none);
    otherwise what is behind or missing."""
    head = int(psql(url, "SELECT coalesce(max(global_position), 0) FROM events")[0][0])
    rows = psql(url, "SELECT name, position FROM projection_checkpoints")
    positions = {name: int(position) for name, position in rows}
    missing = [f"{name}: no checkpoint yet" for name in required if name not in positions]
    behind = [f"{name} at {positions.get(name)} of {head}"
              for name in (names or positions) if positions.get(name, -1) < head]
    return missing + behind if positions else [f"no checkpoints yet (head {head})"]


def eventually(check, what, seconds):
    """Polls `check` (returns a list of problems) until it returns [] or `seconds` pass."""
    deadline = time.time() + seconds
    problems = check()
    while problems and time.time() < deadline:
        time.sleep(0.3)
        problems = check()
    return problems


# --- ledger serve -----------------------------------------------------------------------------

class Serve:
    """`ledger serve` as a child process on a fixed port, so that a restart answers where the
    sender already sends. Its output goes to one log file across restarts."""

    def __init__(self, binary, url, port, log_path, extra=(), env=None):
        self.binary, self.url, self.port = binary, url, port
        self.extra, self.env = list(extra), env
        self.log_path = log_path
        self.process = None
        self.starts = 0

    def start(self, timeout=60):
        self.starts += 1
        log_file = open(self.log_path, "a")
        log_file.write(f"==== start {self.starts} ====\n")
        log_file.flush()
        environment = dict(os.environ)
        environment.update(self.env or {})
        self.process = subprocess.Popen(
            [self.binary, "serve", "--database-url", self.url, "--listen",
             f"127.0.0.1:{self.port}", "--stripe-webhook-secrets", STRIPE_SECRET,
             "--jwt-secret", JWT_SECRET, *self.extra],
            stdout=log_file, stderr=subprocess.STDOUT, env=environment)
        log_file.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited {self.process.returncode}: " + self.tail())
            status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
            if status == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("serve did not answer /healthz: " + self.tail())

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout=60):
        """SIGTERM, then the exit code (serve drains and exits 0)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return -9

    def tail(self, chars=3000):
        try:
            return open(self.log_path, errors="replace").read()[-chars:]
        except OSError:
            return ""

    def metrics(self):
        status, _, body = request(self.port, "GET", "/metrics", timeout=5)
        return body.decode(errors="replace") if status == 200 else ""


def metric_sum(text, name):
    """The sum of every sample of `name` in Prometheus text (0 if absent)."""
    total = 0.0
    for line in text.splitlines():
        if re.match(re.escape(name) + r"(\{| )", line):
            total += float(line.rsplit(" ", 1)[1])
    return total


def request(port, method, path, body=None, headers=None, timeout=10):
    """(status, headers dict with lowercased names, body); status 0 when no answer came (refused,
    reset, timed out)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    except (OSError, http.client.HTTPException):
        return 0, {}, b""
    finally:
        connection.close()


# --- Stripe events and a sender that behaves like Stripe --------------------------------------

def _fixture(name):
    with open(os.path.join(FIXTURES, "stripe", "assembled", name), encoding="utf-8") as f:
        return json.load(f)


def stripe_events(count, tag, printify_lines=False):
    """`count` fixture-shaped events with distinct ids: for order k, the checkout session
    completed (paid at checkout) and, for even k, its payment intent succeeded. Returns
    [(provider event id, body bytes)]. `tag` keeps runs apart in one database."""
    checkout, intent = (_fixture("05_checkout.session.completed.json"),
                        _fixture("04_payment_intent.succeeded.json"))
    events = []
    k = 0
    while len(events) < count:
        session, payment_intent = f"cs_test_{tag}_{k:06d}", f"pi_{tag}_{k:06d}"
        event = copy.deepcopy(checkout)
        event["id"] = f"evt_{tag}_cs_{k:06d}"
        event["created"] += k
        obj = event["data"]["object"]
        obj["id"], obj["payment_intent"], obj["client_reference_id"] = (
            session, payment_intent, f"order_{tag}_{k}")
        obj["created"] += k
        if printify_lines:
            obj["metadata"]["printify_line_items"] = json.dumps(
                [{"product_id": "pp_reliability", "variant_id": 17, "quantity": 1 + k % 3}])
        events.append((event["id"], json.dumps(event, separators=(",", ":")).encode()))
        if k % 2 == 0 and len(events) < count:
            event = copy.deepcopy(intent)
            event["id"] = f"evt_{tag}_pi_{k:06d}"
            event["created"] += k
            event["data"]["object"]["id"] = payment_intent
            event["data"]["object"]["latest_charge"] = f"ch_{tag}_{k:06d}"
            events.append((event["id"], json.dumps(event, separators=(",", ":")).encode()))
        k += 1
    return events


def stripe_signature(body, now=None):
    t = str(int(now if now is not None else time.time()))
    mac = hmac.new(STRIPE_SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class Delivery:
    """What happened to one event: each attempt's status (0: no answer)."""

    def __init__(self, event_id, body):
        self.event_id, self.body = event_id, body
        self.statuses = []
        self.acknowledged = False
        self.duplicate_answers = 0


class StripeSender:
    """Delivers events from `threads` threads, each retrying its event until a 2xx: every
    non-2xx and every broken or refused connection is retried with exponential backoff
    (50 ms doubling to 1 s, jittered), as Stripe does (Stripe's own schedule is hours long;
    the shape is the same). Records every answer, and whether a 503 carried Retry-After."""

    def __init__(self, port, events, threads=6, request_timeout=10, pace=0.0):
        self.port = port
        self.deliveries = [Delivery(event_id, body) for event_id, body in events]
        self.threads = threads
        self.request_timeout = request_timeout
        self.pace = pace  # seconds between a thread's events: spreads the load over a run
        self._next = 0
        self._lock = threading.Lock()
        self._workers = []
        self.retry_after_503 = 0  # 503 answers with a Retry-After header
        self.bare_503 = 0         # 503 answers without one
        self.sent = 0             # requests sent, including retries

    def start(self):
        for _ in range(self.threads):
            worker = threading.Thread(target=self._run, daemon=True)
            worker.start()
            self._workers.append(worker)

    def join(self, timeout):
        deadline = time.time() + timeout
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.time()))
        return not any(w.is_alive() for w in self._workers)

    def acknowledged(self):
        return sum(1 for d in self.deliveries if d.acknowledged)

    def _take(self):
        with self._lock:
            if self._next >= len(self.deliveries):
                return None
            delivery = self.deliveries[self._next]
            self._next += 1
            return delivery

    def _run(self):
        while True:
            delivery = self._take()
            if delivery is None:
                return
            self._deliver(delivery)
            if self.pace:
                time.sleep(self.pace)

    def _deliver(self, delivery):
        backoff = 0.05
        while True:
            status, headers, body = request(
                self.port, "POST", "/v1/webhooks/stripe", body=delivery.body,
                headers={"Content-Type": "application/json",
                         "Stripe-Signature": stripe_signature(delivery.body)},
                timeout=self.request_timeout)
            with self._lock:
                self.sent += 1
                delivery.statuses.append(status)
                if status == 503:
                    if "retry-after" in headers:
                        self.retry_after_503 += 1
                    else:
                        self.bare_503 += 1
            if 200 <= status < 300:
                delivery.acknowledged = True
                if b'"duplicate":true' in body:
                    delivery.duplicate_answers += 1
                return
            time.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(1.0, backoff * 2)


def check_stored_exactly_once(name, url, sender):
    """Every event the sender saw acknowledged is stored exactly once, nothing else of the
    run is stored, and nothing twice. Returns the stored counts."""
    stored = stored_provider_events(url)
    ours = {d.event_id for d in sender.deliveries}
    problems = []
    for d in sender.deliveries:
        n = stored.get(d.event_id, 0)
        if d.acknowledged and n != 1:
            problems.append(f"{d.event_id} acknowledged, stored {n} times")
        if n > 1:
            problems.append(f"{d.event_id} stored {n} times")
    strangers = [k for k in stored if k not in ours]
    if strangers:
        problems.append(f"{len(strangers)} stored events were never sent: {strangers[:3]}")
    if problems:
        fail(name, "; ".join(problems[:10]) + f" ({len(problems)} problems)")
    return stored
