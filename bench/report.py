#!/usr/bin/env python3
"""bench/run's bookkeeping (bench/README.md).

  report.py pgbench-latency LOG...            p50/p90/p99/max of pgbench -l logs, as JSON
  report.py report META RAW OUT.json OUT.md   the results of one bench/run

RAW holds one JSON object per measured run: bench, side ("ledger" or "baseline"), mode,
clients, rep, rate (operations per second) and, where measured, p50_ms/p99_ms. A row of the
table compares the median rate of one ledger series with the median rate of its baseline
series from the same run; a row without a baseline (the query API, folds, lag, replay) stands
alone against its target. Latency targets are checked on the median of the runs' p99s.
Figures are truncated, never rounded up, so a ratio shown as 1.49x is below 1.5x; verdicts use
the unrounded values.
"""
import json
import math
import statistics
import sys

# The rows of the table, in order. "ledger"/"baseline" select series of RAW by
# (bench, side, mode, clients); "baseline" may be None. "unit" is the rate's (default "/s").
# A new benchmark adds its rows here.
ROWS = [
    {"name": "appends, 1 client, direct Append",
     "ledger": ("append", "ledger", "direct", 1), "baseline": ("append", "baseline", "pgbench", 1)},
    {"name": "appends, 1 client, group commit",
     "ledger": ("append", "ledger", "group", 1), "baseline": ("append", "baseline", "pgbench", 1)},
    {"name": "appends, 8 clients, direct Append",
     "ledger": ("append", "ledger", "direct", 8), "baseline": ("append", "baseline", "pgbench", 8)},
    {"name": "appends, 8 clients, group commit",
     "ledger": ("append", "ledger", "group", 8), "baseline": ("append", "baseline", "pgbench", 8)},
    {"name": "appends, 32 clients, direct Append",
     "ledger": ("append", "ledger", "direct", 32), "baseline": ("append", "baseline", "pgbench", 32)},
    {"name": "appends, 32 clients, group commit (AppendBatch)",
     "ledger": ("append", "ledger", "group", 32), "baseline": ("append", "baseline", "pgbench", 32),
     "target_ratio": 1.5},
    {"name": "signed Stripe webhooks over HTTP, 32 connections",
     "ledger": ("webhook", "ledger", "http", 32), "baseline": ("webhook", "baseline", "pgbench", 32),
     "target_ratio": 1.5, "target_p99_ms": 25},
    {"name": "(the same webhooks against the append row's pgbench, 32 clients)",
     "ledger": ("webhook", "ledger", "http", 32), "baseline": ("append", "baseline", "pgbench", 32),
     "target_ratio": 1.5, "target_p99_ms": 25},
    {"name": "bulk import of {events} events",
     "ledger": ("import", "ledger", "ledger import", 1),
     "baseline": ("import", "baseline", "psql \\copy", 1), "target_ratio": 0.8,
     "unit": "events/s"},
    {"name": "full projection rebuild of {rebuild_events} events",
     "ledger": ("rebuild", "ledger", "rebuild", 1),
     "baseline": ("rebuild", "baseline", "copy to", 1),
     "target_rate": 100_000, "target_peak_rss_mib": 256, "unit": "events/s"},
    {"name": "replay of the domain log's first {replay_events} events into SQLite "
             "(`ledger replay --to-position`, PostgreSQL source)",
     "ledger": ("sqlite_replay", "ledger", "replay", 1), "baseline": None,
     "target_rate": 200_000, "unit": "events/s"},
    {"name": "GET /v1/orders/{{id}}, {query_orders} orders, 32 connections, admin token",
     "ledger": ("query", "ledger", "by-id-admin", 32),
     "baseline": ("query", "baseline", "pgbench", 32)},
    {"name": "GET /v1/orders/{{id}}, {query_orders} orders, 32 connections, customer token",
     "ledger": ("query", "ledger", "by-id-customer", 32),
     "baseline": ("query", "baseline", "pgbench", 32)},
    {"name": "GET /v1/orders?limit=50 next pages, {query_orders} orders, 32 connections",
     "ledger": ("query", "ledger", "list", 32), "baseline": None},
    {"name": "GET /v1/orders?limit=50&status=paid next pages, {query_orders} orders, "
             "32 connections",
     "ledger": ("query", "ledger", "list-paid", 32), "baseline": None},
    {"name": "GET /v1/orders/{{id}}, {query_orders} orders, 4 connections, admin token",
     "ledger": ("query", "ledger", "by-id-admin", 4),
     "baseline": ("query", "baseline", "pgbench", 4), "target_p99_ms": 10},
    {"name": "GET /v1/orders/{{id}}, {query_orders} orders, 4 connections, customer token",
     "ledger": ("query", "ledger", "by-id-customer", 4),
     "baseline": ("query", "baseline", "pgbench", 4), "target_p99_ms": 10},
    {"name": "GET /v1/orders?limit=50 next pages, {query_orders} orders, 4 connections",
     "ledger": ("query", "ledger", "list", 4), "baseline": None, "target_p99_ms": 10},
    {"name": "GET /v1/orders?limit=50&status=paid next pages, {query_orders} orders, "
             "4 connections",
     "ledger": ("query", "ledger", "list-paid", 4), "baseline": None, "target_p99_ms": 10},
    {"name": "point-in-time fold of a 1,000-event order stream (FoldOrderAsOf), 1 client",
     "ledger": ("fold", "ledger", "fold", 1), "baseline": None, "target_p99_ms": 5,
     "unit": "folds/s"},
    {"name": "subscription lag at 1,000 appends/s (append to the projector's Apply)",
     "ledger": ("lag", "ledger", "lag", 1), "baseline": None, "target_p99_ms": 50,
     "unit": "events/s"},
]

BASELINE_NAMES = {"pgbench": "pgbench", "psql \\copy": "psql \\copy",
                  "copy to": "COPY ... TO STDOUT"}
BASELINE_NOTES = {"query": "the order row's SELECT alone, no RLS"}


def floor_to(value, digits):
    scale = 10 ** digits
    return math.floor(value * scale) / scale


def fmt(value, digits=1):
    return f"{floor_to(value, digits):,.{digits}f}"


def nearest_rank(sorted_values, q):
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(q * len(sorted_values))))
    return sorted_values[rank - 1]


def pgbench_latency(paths):
    # pgbench -l: "client_id transaction_no time script_no time_epoch time_us" per transaction,
    # time in microseconds; failed transactions say "failed" instead of a time.
    latencies = []
    for path in paths:
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000.0)
    latencies.sort()
    return {"ops": len(latencies), "p50_ms": nearest_rank(latencies, 0.50),
            "p90_ms": nearest_rank(latencies, 0.90), "p99_ms": nearest_rank(latencies, 0.99),
            "max_ms": nearest_rank(latencies, 1.0)}


def series(runs, key):
    bench, side, mode, clients = key
    return [r for r in runs if (r["bench"], r["side"], r["mode"], r["clients"]) ==
            (bench, side, mode, clients)]


def summarize(runs):
    rates = [r["rate"] for r in runs]
    out = {"runs": len(runs), "rate_median": statistics.median(rates),
           "rate_min": min(rates), "rate_max": max(rates),
           "errors": sum(r.get("errors", 0) for r in runs)}
    for q in ("p50_ms", "p99_ms"):
        values = [r[q] for r in runs if q in r]
        if values:
            out[q + "_median"] = statistics.median(values)
    if all("cpu_us_per_op" in r for r in runs):
        out["cpu_us_per_op_median"] = statistics.median(r["cpu_us_per_op"] for r in runs)
        out["cpu_busy_median"] = statistics.median(r["cpu_busy"] for r in runs)
    if any("peak_rss_mib" in r for r in runs):
        out["peak_rss_mib_max"] = max(r.get("peak_rss_mib", 0) for r in runs)
    if any("mean_batch" in r for r in runs):
        out["mean_batch_median"] = statistics.median(r["mean_batch"] for r in runs)
    if all("visible_p99_ms" in r for r in runs):
        out["ack_p99_ms_median"] = statistics.median(r["ack_p99_ms"] for r in runs)
        out["visible_p99_ms_median"] = statistics.median(r["visible_p99_ms"] for r in runs)
    if any("p99_ms" in r for r in runs):
        out["p99_ms_max"] = max(r.get("p99_ms", 0) for r in runs)
    return out


def cell(summary, unit):
    text = f"{fmt(summary['rate_median'])} {unit}"
    details = [f"{fmt(summary['rate_min'])}–{fmt(summary['rate_max'])}"]
    if "p50_ms_median" in summary:
        details.append(f"p50 {fmt(summary['p50_ms_median'], 2)} ms, "
                       f"p99 {fmt(summary['p99_ms_median'], 2)} ms")
    if "p99_ms_max" in summary and summary["runs"] > 1:
        details.append(f"worst run's p99 {fmt(summary['p99_ms_max'], 2)} ms")
    if "visible_p99_ms_median" in summary:
        details.append(f"append acknowledged p99 {fmt(summary['ack_p99_ms_median'], 2)} ms, "
                       f"row queryable p99 {fmt(summary['visible_p99_ms_median'], 2)} ms")
    if "mean_batch_median" in summary:
        details.append(f"{fmt(summary['mean_batch_median'])}/batch")
    if "peak_rss_mib_max" in summary:
        details.append(f"peak RSS {fmt(summary['peak_rss_mib_max'])} MiB")
    if "cpu_us_per_op_median" in summary:
        details.append(f"CPU {fmt(summary['cpu_us_per_op_median'], 0)} µs/op at "
                       f"{fmt(summary['cpu_busy_median'], 2)} cores busy")
    if summary["errors"]:
        details.append(f"{summary['errors']} errors")
    return f"{text} ({'; '.join(details)})"


def build_rows(meta, runs):
    rows = []
    for spec in ROWS:
        ledger_runs = series(runs, spec["ledger"])
        baseline_runs = series(runs, spec["baseline"]) if spec["baseline"] else []
        if not ledger_runs or (spec["baseline"] and not baseline_runs):
            continue
        ledger = summarize(ledger_runs)
        row = {"name": spec["name"].format(events=f"{meta['events']:,}",
                                           rebuild_events=f"{meta.get('rebuild_events', 0):,}",
                                           query_orders=f"{meta.get('query_orders', 0):,}",
                                           replay_events=f"{meta.get('replay_events', 0):,}"),
               "ledger": ledger, "unit": spec.get("unit", "/s")}
        if baseline_runs:
            baseline = summarize(baseline_runs)
            row.update(baseline=baseline, ratio=ledger["rate_median"] / baseline["rate_median"],
                       baseline_tool=BASELINE_NAMES[spec["baseline"][2]],
                       baseline_note=BASELINE_NOTES.get(spec["baseline"][0], ""))
        ratio = row.get("ratio")
        checks = []
        if "target_ratio" in spec:
            row["target_ratio"] = spec["target_ratio"]
            checks.append(ratio is not None and ratio >= spec["target_ratio"])
        if "target_p99_ms" in spec:
            row["target_p99_ms"] = spec["target_p99_ms"]
            checks.append(ledger.get("p99_ms_median", math.inf) < spec["target_p99_ms"])
        if "target_rate" in spec:
            row["target_rate"] = spec["target_rate"]
            checks.append(ledger["rate_median"] >= spec["target_rate"])
        if "target_peak_rss_mib" in spec:
            row["target_peak_rss_mib"] = spec["target_peak_rss_mib"]
            checks.append(ledger.get("peak_rss_mib_max", math.inf) < spec["target_peak_rss_mib"])
        if checks:
            row["met"] = all(checks)
        rows.append(row)
    return rows


def markdown(meta, rows):
    lines = ["| benchmark | ledger (median; range of runs) | baseline, same run "
             "(median; range) | ratio | target | result |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        unit = row["unit"]
        target = []
        if "target_ratio" in row:
            target.append(f">= {row['target_ratio']}x")
        if "target_p99_ms" in row:
            target.append(f"p99 < {row['target_p99_ms']} ms")
        if "target_rate" in row:
            target.append(f">= {row['target_rate']:,} events/s")
        if "target_peak_rss_mib" in row:
            target.append(f"peak RSS < {row['target_peak_rss_mib']} MiB")
        result = "—" if "met" not in row else ("met" if row["met"] else "**missed**")
        if "baseline" in row:
            note = f" ({row['baseline_note']})" if row.get("baseline_note") else ""
            baseline = f"{row['baseline_tool']}{note}: {cell(row['baseline'], unit)}"
            ratio = f"{floor_to(row['ratio'], 2):.2f}x"
        else:
            baseline, ratio = "—", "—"
        lines.append(f"| {row['name']} | {cell(row['ledger'], unit)} | {baseline} | {ratio} | "
                     f"{', '.join(target) or '—'} | {result} |")
    settings = meta.get("settings") or {}
    lines += ["",
              f"Run `{meta['command']}` on {meta['date']}, commit {meta['commit']}"
              f"{' with uncommitted changes' if meta['uncommitted_changes'] else ''}; "
              f"{meta['reps']} interleaved runs per append and webhook point, "
              f"{meta['import_reps']} per import"
              f"{', ' + str(meta['rebuild_reps']) + ' per rebuild' if 'rebuild_reps' in meta else ''}"
              f"{', ' + str(meta['replay_reps']) + ' per replay' if 'replay_reps' in meta else ''}"
              f"{', ' + str(meta['query_reps']) + ' per query mode, fold and lag (' + str(meta['query_seconds']) + ' s each)' if 'query_reps' in meta else ''}"
              f"{' (quick mode: not for publishing)' if meta['quick'] else ''}. "
              f"Machine: {meta['machine']['nproc']} CPUs ({meta['machine']['cpu']}), "
              f"{meta['machine']['memory']}; load average before {meta['load_before']}, "
              f"after {meta['load_after']}. PostgreSQL {settings.get('server_version', '?')}, "
              f"{meta['server']}: fsync={settings.get('fsync', '?')}, "
              f"synchronous_commit={settings.get('synchronous_commit', '?')}, "
              f"wal_sync_method={settings.get('wal_sync_method', '?')}, "
              f"commit_delay={settings.get('commit_delay', '?')}."
              f"{' Measuring took ' + str(meta['measuring_seconds']) + ' s (build excluded).' if 'measuring_seconds' in meta else ''}"]
    return "\n".join(lines) + "\n"


def report(meta_path, raw_path, json_path, md_path):
    with open(meta_path) as f:
        meta = json.load(f)
    with open(raw_path) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    rows = build_rows(meta, runs)
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "rows": rows, "runs": runs}, f, indent=2)
        f.write("\n")
    with open(md_path, "w") as f:
        f.write(markdown(meta, rows))


def main(argv):
    if len(argv) >= 2 and argv[1] == "pgbench-latency":
        print(json.dumps(pgbench_latency(argv[2:])))
    elif len(argv) == 6 and argv[1] == "report":
        report(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
