#!/usr/bin/env python3
"""A do-nothing OTLP/HTTP receiver for benchmarks: answers every POST to /v1/traces, /v1/metrics and
/v1/logs with 200 and an empty protobuf body (a valid empty Export*ServiceResponse), counting requests
and bytes per path. It does not decode (the tests' OtlpReceiver does that); it only gives the exporter
somewhere real to send, so the export's cost is in the measurement.

Usage: otlp_sink.py PORT STATS_FILE   (writes name=value lines to STATS_FILE on SIGTERM)
"""
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("content-length", "0"))
        self.rfile.read(n)
        key = self.path.strip("/").replace("/", "_")
        with lock:
            reqs, size = counts.get(key, (0, 0))
            counts[key] = (reqs + 1, size + n)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        pass


def main():
    port, stats = int(sys.argv[1]), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), Sink)

    def stop(*_):
        with lock, open(stats, "w") as f:
            for key, (reqs, size) in sorted(counts.items()):
                f.write(f"otlp_{key}_requests={reqs}\notlp_{key}_bytes={size}\n")
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
