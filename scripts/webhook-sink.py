#!/usr/bin/env python3
"""A webhook receiver for the demo, on loopback: answers every POST as the services do (robots' errcode 0) and
appends it to a JSON-lines file, checking Standard Webhooks signatures when given the secret.

    scripts/webhook-sink.py PORT FILE [STANDARD_WEBHOOKS_SECRET]
"""
import base64, hashlib, hmac, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, path = int(sys.argv[1]), sys.argv[2]
secret = sys.argv[3] if len(sys.argv) > 3 else None


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        record = {"path": self.path.split("?")[0], "message_id": self.headers.get("X-EduNet-Message-ID"), "body": json.loads(body or b"{}")}
        if secret and self.headers.get("webhook-signature"):
            key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
            signed = f"{self.headers['webhook-id']}.{self.headers['webhook-timestamp']}.".encode() + body
            expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
            record["signature_ok"] = hmac.compare_digest(expected, self.headers["webhook-signature"])
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        reply = b'{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
