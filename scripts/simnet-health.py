#!/usr/bin/env python3
"""The simulated city's service health checks: answers 200 on every health URL that DIR/health.txt lists (one
`address:port path` a line, written by simnet.py from the services' `health` URLs), on that address, and 503 for a
check also listed in DIR/health-down (the same `address:port path` lines), so that a test can take one replica down
without stopping anything."""
import http.server
import os
import sys
import threading

directory = sys.argv[1]
checks = {}
with open(os.path.join(directory, "health.txt")) as f:
    for line in f:
        endpoint, path = line.split()
        checks.setdefault(endpoint, set()).add(path)


def down():
    try:
        with open(os.path.join(directory, "health-down")) as f:
            return {line.strip() for line in f if line.strip()}
    except FileNotFoundError:
        return set()


def handler(paths):
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            address, port = self.server.server_address[:2]
            if self.path not in paths:
                self.send_error(404)
            elif f"{address}:{port} {self.path}" in down():
                self.send_error(503, "replica marked down by the simulation")
            else:
                body = b"ok\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args):
            pass
    return Health


servers = []
for endpoint, paths in checks.items():
    address, port = endpoint.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((address, int(port)), handler(paths))
    servers.append(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"simnet-health serving {sum(len(p) for p in checks.values())} health checks", flush=True)
threading.Event().wait()
