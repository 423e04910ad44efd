#!/usr/bin/env python3
"""kill -9 under load (docs/reliability.md, "Crash and outage").

Starts `ledger serve` on a fresh PostgreSQL database, delivers signed Stripe events from a
sender that retries like Stripe, and SIGKILLs the server at random moments, restarting it
each time on the same port. Then:

- every event that got a 2xx is stored exactly once, and no event is stored twice (the
  sender retries until every event is acknowledged, so that is every event);
- once the last server's translator and projectors have reached the head of the log,
  `ledger digest` equals the digest after `ledger rebuild` of every projector: work
  interrupted by the kills converged to what a clean replay of the log gives.

Usage: kill9_test.py LEDGER_BINARY [--events N] [--kills K] [--minutes M]
Needs LEDGER_TEST_DATABASE_URL (an owner URL of a test cluster).
With --minutes the run delivers events for about that long (the soak), killing every
~10-20 s; without it, N events and K kills.
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

NAME = "kill9"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger")
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=0)
    args = parser.parse_args()
    owner = os.environ.get("LEDGER_TEST_DATABASE_URL")
    if not owner:
        rs.fail(NAME, "LEDGER_TEST_DATABASE_URL is not set (scripts/test sets it)")

    soak = args.minutes > 0
    count = args.events if not soak else int(args.minutes * 60 * 80)  # ample for the time
    work = rs.WorkDir("ledger-kill9-")
    database = rs.Database(owner, "ledger_kill9")
    serve = None
    try:
        rs.ledger(args.ledger, "migrate", url=database.url)
        serve = rs.Serve(args.ledger, database.url, rs.free_port(), work.file("serve.log"))
        serve.start()
        tag = f"k9{random.randrange(1 << 20):05x}"
        events = rs.stripe_events(count, tag)
        # Spread the events over the run so that kills land in the middle of the load.
        pace = 0.0 if not soak else 0.1
        sender = rs.StripeSender(serve.port, events, threads=6, pace=pace)
        started = time.time()
        sender.start()
        kills = 0
        marks = sorted(random.uniform(0.1, 0.9) for _ in range(args.kills))
        deadline = started + args.minutes * 60 if soak else None
        while True:
            if soak:
                if time.time() >= deadline:
                    break
                time.sleep(random.uniform(10, 20))
            else:
                if kills >= args.kills:
                    break
                # A random moment inside the load, however fast this machine is: when a random
                # share of the events (spread over 10%..90%) has been acknowledged.
                target = len(events) * marks[kills]
                while sender.acknowledged() < target:
                    time.sleep(0.01)
            serve.kill9()
            kills += 1
            time.sleep(random.uniform(0, 0.3))  # sometimes the sender finds nobody listening
            serve.start()
        if soak:
            # Stop feeding new events: deliver only what threads hold, then finish.
            with sender._lock:
                sent_so_far = sender._next
                sender.deliveries = sender.deliveries[:sent_so_far]
        if not sender.join(timeout=240):
            rs.fail(NAME, f"the sender did not finish: {sender.acknowledged()} of "
                          f"{len(sender.deliveries)} acknowledged")
        elapsed = time.time() - started
        stored = rs.check_stored_exactly_once(NAME, database.url, sender)
        unacknowledged = [d.event_id for d in sender.deliveries if not d.acknowledged]
        if unacknowledged:
            rs.fail(NAME, f"{len(unacknowledged)} events never acknowledged")
        broken = sum(1 for d in sender.deliveries for s in d.statuses if s == 0)
        duplicates = sum(d.duplicate_answers for d in sender.deliveries)
        rs.log(NAME, f"sent {len(sender.deliveries)} events in {sender.sent} requests over "
                     f"{elapsed:.1f} s, {kills} kills; acknowledged {sender.acknowledged()}, "
                     f"stored {sum(stored.values())} (distinct {len(stored)}), lost 0; "
                     f"{broken} requests got no answer, {duplicates} acknowledged as duplicates")
        if kills == 0 or broken == 0:
            rs.fail(NAME, f"no request was cut off by a kill ({kills} kills): the test proved "
                          "nothing; the load ended before the kills")

        # Convergence: the last server's subscribers reach the head of the log.
        behind = rs.eventually(
            lambda: rs.checkpoints_at_head(database.url, required=("translator", "orders")),
            "checkpoints", 90)
        if behind:
            rs.fail(NAME, "the projections never caught up: " + "; ".join(behind[:5]))
        subscribers = [row[0] for row in rs.psql(database.url,
                                                 "SELECT name FROM projection_checkpoints")]
        if "translator" not in subscribers or "orders" not in subscribers:
            rs.fail(NAME, f"the translator or the orders projector never ran: {subscribers}")
        live = rs.ledger(args.ledger, "digest", url=database.url).stdout.strip()
        code = serve.stop()
        if code != 0:
            rs.fail(NAME, f"serve exited {code} on SIGTERM: {serve.tail()}")
        rebuilt = rs.ledger(args.ledger, "rebuild", url=database.url)
        rebuilt_digest = rs.ledger(args.ledger, "digest", url=database.url).stdout.strip()
        if rebuilt_digest != live:
            tables = rs.ledger(args.ledger, "digest", "--tables", url=database.url).stdout
            rs.fail(NAME, f"live digest {live} != rebuilt {rebuilt_digest}\n{tables}"
                          f"{rebuilt.stdout}")
        rs.log(NAME, f"ok: digest after the kills equals a full rebuild ({live[:16]}...)")
        print(f"FIGURES kill9 sent={len(sender.deliveries)} acknowledged={sender.acknowledged()} "
              f"stored={len(stored)} lost=0 duplicates_stored=0 kills={kills} "
              f"requests={sender.sent} seconds={elapsed:.0f}")
    finally:
        if serve is not None and serve.process is not None and serve.process.poll() is None:
            serve.process.kill()
            serve.process.wait()
        database.drop()
        work.remove()


if __name__ == "__main__":
    main()
