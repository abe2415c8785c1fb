"""Runs moto in server mode on loopback for one jest test file that executes state machines.

Unlike test/cli/support/moto_server.py it picks the port itself and exports it as MOTO_PORT before moto starts:
moto's Step Functions interpreter calls S3 (ItemReader, ResultWriter), Lambda and the aws-sdk integrations through
boto3 at localhost:$MOTO_PORT, which would otherwise be 5000. Prints the port once the server accepts requests,
and stops when stdin closes.
"""
import os
import socket
import sys

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
os.environ["MOTO_PORT"] = str(port)

from moto.server import ThreadedMotoServer  # noqa: E402 (after MOTO_PORT on purpose)

server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
print(port, flush=True)
sys.stdin.read()
server.stop()
