#!/usr/bin/env python3
"""Bulk TCP traffic for the benchmark capture.

server ADDR PORT N: accept N connections, read each to EOF (discarding), close.
client ADDR PORT N BYTES MSS RATE: N parallel connections, each sends BYTES with
  TCP_MAXSEG MSS (smaller segments give more packets per gigabyte) at RATE bytes/s at
  most (so the capturing tcpdump keeps up and drops nothing), then closes.
Bounded: sockets time out after 60 s.
"""
import socket
import sys
import threading
import time


def server(addr, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(60)
    s.bind((addr, port))
    s.listen(n)
    print('listening', flush=True)

    def drain(c):
        c.settimeout(60)
        while c.recv(1 << 20):
            pass
        c.close()

    threads = []
    for _ in range(n):
        c, _ = s.accept()
        t = threading.Thread(target=drain, args=(c,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def client(addr, port, n, total, mss, rate):
    block = bytes(range(256)) * 256

    def send():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        s.settimeout(60)
        s.connect((addr, port))
        sent = 0
        start = time.monotonic()
        while sent < total:
            sent += s.send(block[:min(len(block), total - sent)])
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
        s.close()

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        server(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]))
