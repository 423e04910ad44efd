#!/usr/bin/env python3
"""Checks the console routes' answers against docs/openapi.yaml.

Runs console_routes_tests with LEDGER_CONSOLE_SAMPLES set (each JSON answer of
GET /v1/orders/{id}/events and GET /v1/health is recorded), then validates every answer
against the schema the file gives for its route and status (under `paths`, beside the query
API's routes, whose own check leaves these two to this one). Fails if an
answer does not match, a route and status has no schema, or a route was never answered 200.

usage: check_console_openapi.py CONSOLE_ROUTES_TESTS_BINARY OPENAPI_YAML WORK_DIR
"""
import json
import os
import subprocess
import sys

import yaml

# The validation is the query API check's own (tests/query_api/check_openapi.py); no
# __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "query_api"))
from check_openapi import check_samples  # noqa: E402

ROUTES = ("/v1/orders/{id}/events", "/v1/health")


def main():
    binary, openapi_path, work_dir = sys.argv[1:4]
    with open(openapi_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    os.makedirs(work_dir, exist_ok=True)
    samples_path = os.path.join(work_dir, "console_samples.jsonl")
    if os.path.exists(samples_path):
        os.remove(samples_path)  # the test appends
    subprocess.run([binary], env=dict(os.environ, LEDGER_CONSOLE_SAMPLES=samples_path), check=True,
                   stdout=subprocess.DEVNULL)
    with open(samples_path, encoding="utf-8") as f:
        samples = [json.loads(line) for line in f]
    failures, answered = check_samples(spec, samples)
    for pattern in ROUTES:
        if pattern not in answered:
            failures.append(f"{pattern}: no 200 answer was checked")
    for failure in failures:
        print("check_console_openapi:", failure, file=sys.stderr)
    print(f"check_console_openapi: {len(samples)} answers, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
