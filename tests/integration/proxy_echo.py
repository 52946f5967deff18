#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A test backend for tests/integration/proxy_serve.sh: answers every request
with JSON naming itself, the path, the Host, the method, the header fields and
the body's length, in HTTP/1.1 with keep-alive. usage: proxy_echo.py PORT NAME"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        n = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                n += len(self.rfile.read(size))
                self.rfile.readline()
        elif self.headers.get("Content-Length"):
            n = len(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {}
        for k, v in self.headers.items():
            headers.setdefault(k.lower(), []).append(v)
        body = json.dumps({"pod": sys.argv[2], "path": self.path, "method": self.command,
                           "host": self.headers.get("Host"), "headers": headers,
                           "body_len": n}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Backend", sys.argv[2])
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
