"""A webhook receiver as another government system would run it, for the end-to-end tests.

    python webhook_receiver.py PORT SECRET OUT_FILE

Verifies each delivery's ``Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
(refusing timestamps more than 5 minutes away) with nothing but the standard library, answers 204
(401 when the signature fails) and appends one JSON line per delivery to OUT_FILE.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


def verified(secret: str, header: str, body: bytes) -> bool:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def main() -> None:
    port, secret, out_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server hook
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = verified(secret, self.headers.get("Webhook-Signature", ""), body)
            with open(out_file, "a", encoding="utf-8") as out:
                out.write(json.dumps({"verified": ok, "webhook_id": self.headers.get("Webhook-Id"),
                                      "content_type": self.headers.get("Content-Type"),
                                      "event": json.loads(body) if ok else None}) + "\n")
            self.send_response(204 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    with ThreadingHTTPServer(("127.0.0.1", port), Handler) as server:
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
