#!/usr/bin/env python3
"""One hostile WebSocket client: sends many tiny invalid frames to ragd's native socket and never
reads a reply. Prints name=value lines: how many frames the server let it send before it stopped
reading (back-pressure), and when the server dropped the connection. Loopback only; bounded in
frames and seconds. Standard library only; computes no percentiles (the Java clients share one
routine, dev.ragd.ops.bench.Percentiles). bench/flood.sh runs it.

Usage: flood.py PORT [--frames N] [--frame-bytes B] [--payload TEXT] [--seconds S] [--path /v1/chat]
"""
import argparse, base64, os, socket, struct, sys, time

def handshake(port, path):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            sys.exit("flood.py: the server closed during the handshake")
        head += chunk
    if b" 101 " not in head.split(b"\r\n")[0]:
        sys.exit("flood.py: handshake refused: " + head.split(b"\r\n")[0].decode())
    return s

def frame(payload):
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | len(payload)]) + mask + masked  # text, final; payload < 126 bytes

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--frames", type=int, default=300_000)
    ap.add_argument("--frame-bytes", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--path", default="/v1/chat")
    ap.add_argument("--payload", default="", help="send this text in every frame instead of x * frame-bytes")
    a = ap.parse_args()
    s = handshake(a.port, a.path)
    one = frame(a.payload.encode() if a.payload else b"x" * a.frame_bytes)  # not JSON: each one earns an error frame
    batch = 1000
    start = time.monotonic()
    sent = 0
    blocked_at = None
    s.settimeout(2.0)
    while sent < a.frames and time.monotonic() - start < a.seconds:
        n = min(batch, a.frames - sent)
        try:
            s.sendall(one * n)
            sent += n
        except socket.timeout:
            blocked_at = time.monotonic() - start  # the server stopped reading us
            break
        except OSError:
            break
    print(f"frames_total={a.frames}")
    print(f"frames_sent={sent}")
    print(f"send_blocked_after_s={blocked_at:.1f}" if blocked_at is not None else "send_blocked_after_s=never")
    sys.stdout.flush()
    # Still never reading: wait for the server to give up on us (or the time bound).
    s.settimeout(0.5)
    closed_at = None
    while time.monotonic() - start < a.seconds:
        try:
            s.send(one)  # fails once the server has dropped the connection
        except socket.timeout:
            pass
        except OSError:
            closed_at = time.monotonic() - start
            break
        time.sleep(0.5)
    print(f"server_closed_after_s={closed_at:.1f}" if closed_at is not None else "server_closed_after_s=never")
    s.close()

if __name__ == "__main__":
    main()
