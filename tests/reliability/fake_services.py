"""Loopback stand-ins for the far side of the job kinds, and a redis-server the test owns.

- FakePrintify: Printify's order API (POST /v1/shops/{shop}/orders.json); counts every request
  by its `external_id` (the job id) and always answers 200 with a fresh order id. It does NOT
  refuse a repeated external id as Printify would, so a doubled submission shows.
- SmtpSink: just enough SMTP for libcurl; counts messages by their Message-ID header.
- OwnRedis: redis-server on a fixed loopback port with an append-only file in its own
  directory; stop() is SHUTDOWN (the file is flushed), start() brings it back on the same
  port with the same data.
"""
import http.server
import json
import os
import re
import socketserver
import subprocess
import threading
import time
from collections import Counter


class FakePrintify:
    def __init__(self):
        self.requests = Counter()  # external_id -> requests
        self.paths = Counter()
        self._lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    external_id = json.loads(body).get("external_id", "")
                except ValueError:
                    external_id = "<not json>"
                with fake._lock:
                    fake.requests[external_id] += 1
                    fake.paths[self.path] += 1
                    order_id = f"pf_{sum(fake.requests.values())}"
                answer = json.dumps({"id": order_id}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def snapshot(self):
        with self._lock:
            return Counter(self.requests)

    def close(self):
        self.server.shutdown()


class SmtpSink:
    def __init__(self):
        self.messages = Counter()  # Message-ID -> messages received
        self._lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def say(self, line):
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                self.say("220 sink ESMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line.decode(errors="replace").strip().upper()
                    if verb.startswith("EHLO") or verb.startswith("HELO"):
                        self.say("250 sink")
                    elif verb.startswith("DATA"):
                        self.say("354 end with <CRLF>.<CRLF>")
                        data = []
                        while True:
                            chunk = self.rfile.readline()
                            if not chunk or chunk == b".\r\n":
                                break
                            data.append(chunk)
                        text = b"".join(data).decode(errors="replace")
                        found = re.search(r"^Message-ID:\s*(\S+)", text, re.I | re.M)
                        with sink._lock:
                            sink.messages[found.group(1) if found else "<none>"] += 1
                        self.say("250 ok")
                    elif verb.startswith("QUIT"):
                        self.say("221 bye")
                        return
                    else:
                        self.say("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"smtp://127.0.0.1:{self.server.server_address[1]}"

    def snapshot(self):
        with self._lock:
            return Counter(self.messages)

    def close(self):
        self.server.shutdown()


class OwnRedis:
    def __init__(self, directory, port):
        self.dir, self.port = directory, port
        os.makedirs(directory, exist_ok=True)
        self.start()

    def start(self):
        subprocess.run(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", self.dir,
             "--appendonly", "yes", "--save", "", "--daemonize", "yes",
             "--pidfile", os.path.join(self.dir, "redis.pid"),
             "--logfile", os.path.join(self.dir, "redis.log")], check=True, timeout=30)
        for _ in range(100):
            if self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start: " +
                           open(os.path.join(self.dir, "redis.log")).read()[-2000:])

    def ping(self):
        done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True, timeout=10)
        return done.stdout.strip() == "PONG"

    def stop(self):
        """SHUTDOWN (the append-only file is written out), then waits until the port is free."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown"], capture_output=True,
                       timeout=30)
        for _ in range(100):
            if not self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not stop")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"
