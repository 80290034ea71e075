"""Webhook receiver for the stack scenario: appends every notification Alertmanager
posts to a JSON-lines file the tests read."""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

OUTPUT = sys.argv[1]


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(OUTPUT, "a") as handle:
            handle.write(json.dumps(json.loads(body)) + "\n")
        self.send_response(200)
        self.end_headers()


HTTPServer(("127.0.0.1", 9999), Sink).serve_forever()
