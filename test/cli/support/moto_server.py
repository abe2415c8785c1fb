"""Runs moto in server mode on loopback, on a port the OS picks, for one jest test file.

Prints the port on the first line of stdout once the server accepts requests, and stops when stdin closes,
so the server never outlives the test process that started it, even when that process is killed.
"""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
