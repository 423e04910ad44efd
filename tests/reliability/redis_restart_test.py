#!/usr/bin/env python3
"""Redis stopped under load (docs/reliability.md, "Crash and outage"; issue 9, "Failure").

`ledger serve --redis-url` on a fresh PostgreSQL database, with a redis-server of the test's
own (append-only file), a fake Printify API and an SMTP sink on loopback. Signed Stripe
checkouts paid at checkout keep arriving; each paid order asks for two jobs
(printify.submit_order and email.order_confirmation). Redis is stopped (SHUTDOWN) while a
quarter of the load has been acknowledged and started again, on the same port with the same
data directory, once more has arrived. The serve process is never restarted. Then:

- every webhook was answered 200, during the outage too (ingestion does not need Redis);
- the dispatcher noticed the outage (ledger_dispatcher_unavailable_total > 0) and resumed by
  itself: every paid order has exactly its two jobs, each `succeeded` in the `jobs` read
  model, each with exactly one job.queued and one job.succeeded in its stream;
- the fake Printify received exactly one order per Printify job (external_id = job id), and
  the sink exactly one message per email job (Message-ID = the job id): none lost, none doubled.

Why the same data directory: the job queue's Redis is not a cache (docs/jobs.md, "Redis
down"); with its append-only file a restart keeps the ready stream and the dedup keys, which
is the deployment the docs ask for. An empty Redis would lose jobs queued but not yet run.

Usage: redis_restart_test.py LEDGER_BINARY [--events N] [--minutes M]
Needs LEDGER_TEST_DATABASE_URL and redis-server / redis-cli on PATH.
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_services  # noqa: E402
import reliability_support as rs  # noqa: E402

NAME = "redis_restart"
KINDS = ("printify.submit_order", "email.order_confirmation")


def job_problems(url, orders, printify, smtp):
    """[] once the jobs of `orders` paid orders are all done exactly once."""
    problems = []
    paid = int(rs.psql(url, "SELECT count(*) FROM events WHERE event_type = 'order.paid'")[0][0])
    if paid != orders:
        problems.append(f"{paid} order.paid events, expected {orders}")
    try:
        rows = rs.psql(url, "SELECT kind, status, count(*) FROM jobs GROUP BY 1, 2")
    except RuntimeError:
        rows = []  # the jobs projector has not created its table yet
    counts = {(kind, status): int(n) for kind, status, n in rows}
    expected = {(kind, "succeeded"): orders for kind in KINDS}
    if counts != expected:
        problems.append(f"jobs {counts}, expected {expected}")
    events = dict((t, int(n)) for t, n in rs.psql(
        url, "SELECT event_type, count(*) FROM events WHERE stream_id LIKE 'job-%' GROUP BY 1"))
    for event_type in ("job.queued", "job.succeeded"):
        if events.get(event_type, 0) != 2 * orders:
            problems.append(f"{events.get(event_type, 0)} {event_type}, expected {2 * orders}")
    doubled = rs.psql(url, "SELECT stream_id, event_type, count(*) FROM events "
                           "WHERE stream_id LIKE 'job-%' AND event_type IN "
                           "('job.queued', 'job.succeeded', 'job.dead_lettered') "
                           "GROUP BY 1, 2 HAVING count(*) > 1")
    if doubled:
        problems.append(f"job events recorded twice: {doubled[:3]}")
    printify_jobs = {row[0] for row in rs.psql(
        url, "SELECT job_id FROM jobs WHERE kind = 'printify.submit_order'")}
    email_jobs = {row[0] for row in rs.psql(
        url, "SELECT job_id FROM jobs WHERE kind = 'email.order_confirmation'")}
    submitted = printify.snapshot()
    if set(submitted) != printify_jobs or any(n != 1 for n in submitted.values()):
        extra = {k: n for k, n in submitted.items() if n != 1 or k not in printify_jobs}
        problems.append(f"Printify got {sum(submitted.values())} orders for "
                        f"{len(printify_jobs)} jobs; unexpected {list(extra.items())[:3]}")
    mailed = smtp.snapshot()
    ids = {message_id.strip("<>").split("@")[0]: n for message_id, n in mailed.items()}
    if set(ids) != email_jobs or any(n != 1 for n in mailed.values()):
        problems.append(f"the sink got {sum(mailed.values())} messages for {len(email_jobs)} "
                        f"email jobs ({len(ids)} distinct ids)")
    return problems


def redis_leftovers(redis):
    """What the job queue in Redis still holds ([] when every job is finished there too)."""
    def cli(*words):
        return subprocess.run(["redis-cli", "-p", str(redis.port), *words], capture_output=True,
                              text=True, timeout=30).stdout.split()
    left = []
    pending = cli("XPENDING", "ledger:jobs:ready", "workers")
    if pending and pending[0] != "0":
        left.append(f"{pending[0]} claimed entries")
    jobs = cli("--scan", "--pattern", "ledger:jobs:job:*")
    if jobs:
        left.append(f"{len(jobs)} job hashes")
    return left


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=0)
    args = parser.parse_args()
    owner = os.environ.get("LEDGER_TEST_DATABASE_URL")
    if not owner:
        rs.fail(NAME, "LEDGER_TEST_DATABASE_URL is not set (scripts/test sets it)")
    soak = args.minutes > 0

    work = rs.WorkDir("ledger-redisrestart-")
    database = rs.Database(owner, "ledger_redisrestart")
    redis = fake_services.OwnRedis(work.file("redis"), rs.free_port())
    printify, smtp = fake_services.FakePrintify(), fake_services.SmtpSink()
    serve = None
    try:
        rs.ledger(args.ledger, "migrate", url=database.url)
        env = {"LEDGER_PRINTIFY_API_URL": printify.base_url,
               "LEDGER_PRINTIFY_API_TOKEN": "pf-reliability-token",
               "LEDGER_PRINTIFY_SHOP_ID": "42",
               "LEDGER_SMTP_URL": smtp.url, "LEDGER_SMTP_FROM": "shop@example.com"}
        serve = rs.Serve(args.ledger, database.url, rs.free_port(), work.file("serve.log"),
                         extra=["--redis-url", redis.url, "--job-threads", "2"], env=env)
        serve.start()
        count = args.events if not soak else int(args.minutes * 60 * 80)
        events = rs.stripe_events(count, f"rd{random.randrange(1 << 20):05x}",
                                  printify_lines=True)
        sender = rs.StripeSender(serve.port, events, threads=4, pace=0.1 if soak else 0.08)
        started = time.time()
        sender.start()
        outages = 0
        during = 0  # events acknowledged while Redis was down
        if soak:
            deadline = started + args.minutes * 60
            while time.time() < deadline:
                time.sleep(random.uniform(20, 40))
                before = sender.acknowledged()
                redis.stop()
                time.sleep(random.uniform(2, 10))
                during += sender.acknowledged() - before
                redis.start()
                outages += 1
            with sender._lock:  # no new events; finish those under way
                sender.deliveries = sender.deliveries[:sender._next]
        else:
            while sender.acknowledged() < count * 0.2:
                time.sleep(0.01)
            before = sender.acknowledged()
            redis.stop()
            stopped = time.time()
            while sender.acknowledged() < count * 0.5 or time.time() - stopped < 3:
                if time.time() - stopped > 60:
                    rs.fail(NAME, "webhooks stalled while Redis was down: " + serve.tail())
                time.sleep(0.05)
            during = sender.acknowledged() - before
            redis.start()
            outages = 1
            rs.log(NAME, f"Redis down {time.time() - stopped:.1f} s; {during} webhooks "
                         "acknowledged meanwhile")
        if not sender.join(timeout=240):
            rs.fail(NAME, f"the sender did not finish: {sender.acknowledged()} acknowledged")
        statuses = sorted({s for d in sender.deliveries for s in d.statuses})
        if statuses != [200]:
            rs.fail(NAME, f"webhooks were not all answered 200 at once: statuses {statuses}")
        if during == 0:
            rs.fail(NAME, "no webhook arrived while Redis was down: the test proved nothing")
        rs.check_stored_exactly_once(NAME, database.url, sender)
        orders = sum(1 for d in sender.deliveries if "_cs_" in d.event_id)

        problems = rs.eventually(lambda: job_problems(database.url, orders, printify, smtp),
                                 "jobs", 120)
        if problems:
            rs.fail(NAME, "jobs never settled: " + "; ".join(problems) + "\n" + serve.tail())
        elapsed = time.time() - started
        print(f"FIGURES redis_restart sent={len(sender.deliveries)} "
              f"acknowledged={sender.acknowledged()} stored={len(sender.deliveries)} lost=0 "
              f"jobs={2 * orders} jobs_lost=0 outages={outages} "
              f"acknowledged_during_outage={during} seconds={elapsed:.0f}")
        # Redis must agree that every job is finished: a job the ledger records as succeeded
        # but Redis still holds as claimed runs again once its visibility timeout (5 min in
        # serve) passes. A worker with a 2 s timeout makes "later" now: it reclaims whatever
        # is left, and the counts above must still hold after it.
        left = redis_leftovers(redis)
        reclaimer = subprocess.Popen(
            [args.ledger, "worker", "--redis-url", redis.url, "--database-url", database.url,
             "--visibility-timeout", "2", "--threads", "1", "--name", "reclaimer"],
            stdout=open(work.file("worker.log"), "w"), stderr=subprocess.STDOUT,
            env={**os.environ, **env})
        time.sleep(6)
        reclaimer.send_signal(signal.SIGTERM)
        reclaimer.wait(timeout=30)
        problems = job_problems(database.url, orders, printify, smtp)
        succeeded = int(rs.psql(database.url, "SELECT count(*) FROM events "
                                              "WHERE event_type = 'job.succeeded'")[0][0])
        print(f"FIGURES redis_restart_reclaim left_in_redis={left or 0} "
              f"jobs_run_again={succeeded - 2 * orders} "
              f"emails_doubled={sum(smtp.snapshot().values()) - orders} "
              f"printify_doubled={sum(printify.snapshot().values()) - orders}", flush=True)
        if left or problems:
            rs.fail(NAME, f"Redis still held finished jobs after the outage ({left}); after a "
                          f"worker reclaimed them: {problems or 'no repeat'}")
        metrics = serve.metrics()
        unavailable = rs.metric_sum(metrics, "ledger_dispatcher_unavailable_total")
        worker_errors = rs.metric_sum(metrics, "ledger_worker_errors_total")
        if unavailable == 0:
            rs.fail(NAME, "the dispatcher never saw Redis down: the outage missed it")
        if serve.starts != 1 or serve.process.poll() is not None:
            rs.fail(NAME, "serve did not survive the outage on its own")
        rs.log(NAME, f"ok: {len(sender.deliveries)} webhooks all 200, {orders} paid orders, "
                     f"{2 * orders} jobs each run once after {outages} Redis outage(s) "
                     f"(dispatcher unavailable batches {unavailable:.0f}, worker errors "
                     f"{worker_errors:.0f})")
        code = serve.stop()
        if code != 0:
            rs.fail(NAME, f"serve exited {code} on SIGTERM: {serve.tail()}")
    finally:
        if serve is not None and serve.process is not None and serve.process.poll() is None:
            serve.process.kill()
            serve.process.wait()
        try:
            redis.stop()
        except (RuntimeError, OSError):
            pass
        printify.close()
        smtp.close()
        database.drop()
        work.remove()


if __name__ == "__main__":
    main()
