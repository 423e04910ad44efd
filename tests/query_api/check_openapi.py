#!/usr/bin/env python3
"""Checks docs/openapi.yaml against real responses of the query API.

Runs the query API test binary's recording case (which starts a real server, fills the read
models with the real projectors and calls every route), then validates each recorded response
body against the schema docs/openapi.yaml gives for its route and status. Fails if a response
does not match, if a route and status has no schema, or if a route in the file was never
answered with 200 (an undocumented-by-test route would drift unnoticed); the console's routes
are answered and checked by tests/console/check_console_openapi.py instead.

usage: check_openapi.py QUERY_API_TESTS_BINARY OPENAPI_YAML WORK_DIR
"""
import json
import os
import subprocess
import sys

import jsonschema
import yaml

# Paths whose answers another check records and validates: the admin console's routes, served
# by adapters/console rather than the query API (tests/console/check_console_openapi.py).
CHECKED_ELSEWHERE = {"/v1/orders/{id}/events", "/v1/health"}


def main():
    binary, openapi_path, work_dir = sys.argv[1:4]
    with open(openapi_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    if not str(spec.get("openapi", "")).startswith("3.1"):
        sys.exit("check_openapi: not an OpenAPI 3.1 file")
    os.makedirs(work_dir, exist_ok=True)
    samples_path = os.path.join(work_dir, "query_api_samples.jsonl")
    env = dict(os.environ, LEDGER_QUERY_API_SAMPLES=samples_path)
    subprocess.run([binary, "-tc=responses of every query route are recorded*"], env=env,
                   check=True)

    with open(samples_path, encoding="utf-8") as f:
        samples = [json.loads(line) for line in f]
    if not samples:
        sys.exit("check_openapi: no responses were recorded")
    failures, answered = check_samples(spec, samples)
    for pattern in spec["paths"]:
        if pattern not in answered and pattern not in CHECKED_ELSEWHERE:
            failures.append(f"{pattern}: no 200 response was checked")
    for failure in failures:
        print("check_openapi:", failure, file=sys.stderr)
    print(f"check_openapi: {len(samples)} responses, {len(failures)} mismatches")
    return 1 if failures else 0


def check_samples(spec, samples):
    """Validates recorded answers ({pattern, target, status, body}) against the file's schemas.

    Returns the failures (text) and the set of patterns answered 200. Shared with
    tests/console/check_console_openapi.py.
    """
    failures = []
    answered = set()
    for sample in samples:
        pattern, status = sample["pattern"], str(sample["status"])
        where = f'{sample["target"]} -> {status}'
        operation = spec["paths"].get(pattern, {}).get("get")
        if operation is None:
            failures.append(f"{where}: no GET {pattern} in the file")
            continue
        response = operation["responses"].get(status)
        if response is None:
            failures.append(f"{where}: status {status} is not documented for {pattern}")
            continue
        if "$ref" in response:
            response = resolve(spec, response["$ref"])
        schema = response["content"]["application/json"]["schema"]
        # The schema is checked inside a document that carries the components, so that its
        # "#/components/..." references resolve without a resolver (jsonschema 4.10 and later).
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": spec["components"], **schema}
        validator = jsonschema.Draft202012Validator(root)
        for error in validator.iter_errors(sample["body"]):
            failures.append(f"{where}: {error.json_path}: {error.message[:300]}")
        if status == "200":
            answered.add(pattern)
    return failures, answered


def resolve(spec, ref):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


if __name__ == "__main__":
    sys.exit(main())
