#!/usr/bin/env python3
"""Writes the hand-made seed inputs into fuzz/corpus/<target>/seed-*.

The byte layouts follow the decoders in fuzz-logic/src/*.rs; libFuzzer grows the
corpora from here. Run from the repository root: python3 fuzz/seeds.py
"""
import os, struct

def put(target, name, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(bytes(data))

# ---- api_sequence -----------------------------------------------------------------------
# handle byte: index into every socket made so far (0 = first).
L, C, S = 0, 1, 2
def sock(kind=0): return [0, kind, 0]                   # kind 0: TCP/IPv4, 3: UDP/IPv4
def bind(h, port=1, ip=0): return [3, h, port, ip, 0]  # port 1 -> 7000, ip 0 -> 127.0.0.1
def listen(h): return [4, h, 3]                       # backlog 5
def connect(h, port=1, ip=0): return [5, h, port, ip, 0, 0]
def accept(h): return [7, h, 0, 3, 0]
def send(h, n, flags=4): return [9, h, 1, n, flags, 0, 0]
def sendto(h, n, port=1): return [9, h, 1, n, 4, 1, port, 0, 0, 0]
def recv(h, n=200, flags=5): return [12, h, 1, n, flags, 0, 0, 0]
def recvfrom(h): return [12, h, 1, 200, 5, 1, 0, 0]
def idle(): return [27, 7]
def close(h): return [2, h]
def evsel(h): return [16, h, 0, 1]                     # FD_ALL_EVENTS on event 0
def enum(h): return [17, h, 1]
def select(hs): return [19, len(hs)] + sum([[h, k] for k, h in enumerate(hs)], []) + [7]
def cleanup(): return [24, 1]
def startup(): return [24, 0, 0]

tcp = sock() + bind(L) + listen(L) + sock() + connect(C) + idle() + accept(L)
put("api_sequence", "tcp-echo", [1, 0, 0] + tcp + send(C, 100) + idle() + recv(S)
    + send(S, 50) + recv(C) + send(C, 200) + send(C, 7))
put("api_sequence", "tcp-small-buffers", [2, 0, 2, 200, 0, 200, 0, 0, 1] + tcp
    + send(C, 255) + send(C, 255) + recv(S) + send(C, 255) + recv(S) + recv(S))
put("api_sequence", "tcp-faults", [3, 0, 8] + [0x41, 0x41, 0x41, 0x41, 0, 0, 0, 0] + tcp
    + send(C, 255) + send(S, 255) + idle() + recv(S) + recv(C) + send(C, 80))
put("api_sequence", "udp", [4, 0, 0] + sock(3) + bind(0) + sock(3) + sendto(1, 30)
    + recvfrom(0) + sendto(1, 30, port=2) + recvfrom(1))
put("api_sequence", "events", [5, 0, 0] + sock() + bind(L) + evsel(L) + listen(L) + sock()
    + evsel(C) + connect(C) + idle() + enum(L) + enum(C) + accept(L) + select([L, C, S])
    + send(C, 10) + enum(S) + recv(S) + close(C) + enum(S) + recv(S))
put("api_sequence", "stale", [6, 0, 0] + sock() + close(0) + sock() + close(0) + bind(0)
    + sock() + cleanup() + startup() + sock() + close(1) + select([0, 1, 2, 3]))
put("api_sequence", "shutdown", [7, 0, 0] + tcp + send(C, 40) + [15, C, 1] + recv(S)
    + recv(S) + send(S, 9) + [15, S, 2] + recv(C) + [26, C, 0, 0])

# ---- addr_text --------------------------------------------------------------------------
for i, (af, text) in enumerate([
        (0, b"127.0.0.1:80"), (0, b"0x7f.1"), (0, b"1.2.3.4:0"), (1, b"[::1%3]:80"),
        (1, b"fe80::1:2:3:4%4294967295"), (1, b"::ffff:1.2.3.4"), (1, b"1::5efe:1.2.3.4"),
        (1, b"[1:2:3:4:5:6:7:8]:0x50"), (0, b" 1.2.3.4"), (2, b"1.2.3.4")]):
    put("addr_text", f"text{i}", [1, af, 128] + list(text))
put("addr_text", "bytes-v4", [0, 2, 0, 0, 80, 127, 0, 0, 1] + [0] * 8)
put("addr_text", "bytes-v6", [0, 23, 0, 0, 80, 0, 0, 0, 0] + [0] * 15 + [1, 3, 0, 0, 0])
put("addr_text", "built-v6", [2, 1, 0x50, 0] + [0] * 10 + [0xff, 0xff, 0x81, 2, 3, 4] + [0, 0])

# ---- sockopt_buffers --------------------------------------------------------------------
def opt_set(sock, lvl, name, ln, val): return [0, sock, 0, 0, lvl, 0, name, ln] + list(struct.pack("<I", val))
def opt_get(sock, lvl, name, ln): return [0, sock, 1, 0, lvl, 0, name, ln]
put("sockopt_buffers", "rcvbuf", [0, 3] + opt_set(0, 0, 12, 4, 8192) + opt_get(0, 0, 12, 4)
    + opt_get(0, 0, 12, 1) + [0, 1, 2, 0, 0, 0, 0, 4])
put("sockopt_buffers", "linger", [0, 2] + opt_set(4, 0, 7, 4, 0x00050001) + opt_get(6, 0, 7, 4))
put("sockopt_buffers", "ioctls", [1, 3] + sum(([0, s, 2, 0, c, 4, 1, 0, 0, 0, 4] for s in range(7)
    for c in range(0, 21, 4)), []))

# ---- protocol_info ----------------------------------------------------------------------
for i in range(4):
    put("protocol_info", f"catalog{i}", [0x40 + i, 0, 0, 0, 0, 0, 0, 0])
put("protocol_info", "udp-from-tcp", [0x40, 2, 2, 0, 0, 0, 14, 17, 0, 0, 0, 16, 0, 0, 0, 0])
put("protocol_info", "zeroed", [0] * 120)
put("protocol_info", "chain", [0x41, 2, 3, 0, 0, 0, 6, 0x01, 0x10, 0x50, 0x77, 7, 1, 1, 1])
