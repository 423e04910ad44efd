#!/usr/bin/env python3
"""PostgreSQL restart under load (docs/reliability.md, "Crash and outage").

Starts a PostgreSQL cluster of its own (scripts/pg-test-cluster: the shared test cluster must
not be stopped under other tests) and `ledger serve` on it, delivers signed Stripe events from
a sender that retries like Stripe, and stops the cluster twice while the load runs: once
`pg_ctl stop -m fast` (a clean shutdown: sessions are terminated) and once `-m immediate` (a
crash: recovery on the next start). Meanwhile the server must answer webhooks 503 with a
Retry-After header and /readyz 503, and stay alive (/healthz 200). After each start the same
server process, never restarted, must take webhooks again by itself. Then:

- every event that got a 2xx is stored exactly once, none twice (all are acknowledged);
- the translator and projectors reach the head of the log, and their digest equals the
  digest after `ledger rebuild`.

Usage: pg_restart_test.py LEDGER_BINARY [--events N] [--outage-seconds S] [--minutes M]
With --minutes: restarts every ~20-40 s for that long (the soak).
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

NAME = "pg_restart"


def outage(cluster, serve, mode, seconds):
    """Stops the cluster in `mode`, checks what the server says meanwhile, starts it again.
    Returns the /readyz statuses seen during the outage."""
    cluster.stop(mode)
    stopped = time.time()
    readyz, healthz = [], []
    while time.time() - stopped < seconds:
        readyz.append(rs.request(serve.port, "GET", "/readyz", timeout=5)[0])
        healthz.append(rs.request(serve.port, "GET", "/healthz", timeout=5)[0])
        time.sleep(0.2)
    cluster.start()
    if serve.process.poll() is not None:
        rs.fail(NAME, f"serve exited ({serve.process.returncode}) while PostgreSQL was down: "
                      + serve.tail())
    if 503 not in readyz:
        rs.fail(NAME, f"/readyz never said 503 while PostgreSQL was down ({mode}): {readyz}")
    if any(status != 200 for status in healthz):
        rs.fail(NAME, f"/healthz failed while PostgreSQL was down ({mode}): {healthz}")
    return readyz


def wait_ready(serve, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if rs.request(serve.port, "GET", "/readyz", timeout=5)[0] == 200:
            return True
        time.sleep(0.2)
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger")
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--outage-seconds", type=float, default=3.0)
    parser.add_argument("--minutes", type=float, default=0)
    args = parser.parse_args()
    soak = args.minutes > 0

    work = rs.WorkDir("ledger-pgrestart-")
    cluster = rs.OwnPgCluster(work)
    serve = None
    try:
        database = rs.Database(cluster.url, "ledger_pgrestart")
        rs.ledger(args.ledger, "migrate", url=database.url)
        serve = rs.Serve(args.ledger, database.url, rs.free_port(), work.file("serve.log"))
        serve.start()
        count = args.events if not soak else int(args.minutes * 60 * 80)
        events = rs.stripe_events(count, f"pg{random.randrange(1 << 20):05x}")
        sender = rs.StripeSender(serve.port, events, threads=6, pace=0.1 if soak else 0.02)
        started = time.time()
        sender.start()
        outages = []
        if soak:
            deadline = started + args.minutes * 60
            while time.time() < deadline:
                time.sleep(random.uniform(20, 40))
                mode = random.choice(["fast", "immediate"])
                outages.append((mode, outage(cluster, serve, mode, random.uniform(2, 8))))
            with sender._lock:  # no new events; finish those under way
                sender.deliveries = sender.deliveries[:sender._next]
        else:
            for mode, share in (("fast", 0.25), ("immediate", 0.6)):
                while sender.acknowledged() < count * share:
                    time.sleep(0.01)
                before = sender.acknowledged()
                outages.append((mode, outage(cluster, serve, mode, args.outage_seconds)))
                if sender.acknowledged() >= count:
                    rs.fail(NAME, "the load ended during the outage: nothing proved after it")
                if not wait_ready(serve, 60):
                    rs.fail(NAME, f"/readyz not 200 within 60 s of PostgreSQL's start ({mode})"
                                  + serve.tail())
                rs.log(NAME, f"outage {mode}: {before} acknowledged before, readyz "
                             f"{sorted(set(outages[-1][1]))} during, ready again")
        if not sender.join(timeout=240):
            rs.fail(NAME, f"the sender did not finish: {sender.acknowledged()} of "
                          f"{len(sender.deliveries)} acknowledged; " + serve.tail())
        elapsed = time.time() - started
        if serve.starts != 1 or serve.process.poll() is not None:
            rs.fail(NAME, "serve did not survive the outages on its own")
        if sender.retry_after_503 == 0:
            rs.fail(NAME, "no webhook was answered 503 with Retry-After during the outages")
        if sender.bare_503:
            rs.fail(NAME, f"{sender.bare_503} 503 answers lacked Retry-After")
        stored = rs.check_stored_exactly_once(NAME, database.url, sender)
        if sender.acknowledged() != len(sender.deliveries):
            rs.fail(NAME, "not every event was acknowledged")
        other = sorted({s for d in sender.deliveries for s in d.statuses
                        if s not in (200, 503, 0)})
        rs.log(NAME, f"sent {len(sender.deliveries)} events in {sender.sent} requests over "
                     f"{elapsed:.1f} s, {len(outages)} outages; acknowledged "
                     f"{sender.acknowledged()}, stored {len(stored)}, lost 0; "
                     f"503+Retry-After {sender.retry_after_503}, other statuses {other}")

        behind = rs.eventually(
            lambda: rs.checkpoints_at_head(database.url, required=("translator", "orders")),
            "checkpoints", 90)
        if behind:
            rs.fail(NAME, "the projections never caught up: " + "; ".join(behind[:5]))
        live = rs.ledger(args.ledger, "digest", url=database.url).stdout.strip()
        code = serve.stop()
        if code != 0:
            rs.fail(NAME, f"serve exited {code} on SIGTERM: {serve.tail()}")
        rs.ledger(args.ledger, "rebuild", url=database.url)
        rebuilt = rs.ledger(args.ledger, "digest", url=database.url).stdout.strip()
        if rebuilt != live:
            rs.fail(NAME, f"live digest {live} != rebuilt {rebuilt}")
        rs.log(NAME, "ok: the same server recovered from every outage; digest equals a rebuild")
        print(f"FIGURES pg_restart sent={len(sender.deliveries)} "
              f"acknowledged={sender.acknowledged()} stored={len(stored)} lost=0 "
              f"duplicates_stored=0 outages={len(outages)} requests={sender.sent} "
              f"retry_after_503={sender.retry_after_503} seconds={elapsed:.0f}")
    finally:
        if serve is not None and serve.process is not None and serve.process.poll() is None:
            serve.process.kill()
            serve.process.wait()
        cluster.remove()
        work.remove()


if __name__ == "__main__":
    main()
