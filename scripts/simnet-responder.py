#!/usr/bin/env python3
"""snmpsim's command responder, answering each request from the data file named after the address it arrived on.

snmpsim 1.2 (pysnmp 7) picks a data file by community (or SNMPv3 context) only: its documented selection by
transport endpoint is never called under pysnmp 7, which calls `handle_management_operation` where snmpsim
overrides the old `handleMgmtOperation`. The simulated city needs one device per loopback address, all with
the same community, so this wrapper adds that selection: a request that arrived on the N-th
`--agent-udpv4-endpoint` (transport domain 1.3.6.1.6.1.1.N) is answered from `<that endpoint's address>.snmprec`.
Every other argument goes to snmpsim unchanged.

An address listed in DIR/silent (one a line, DIR being the data directory's parent) gets no answer, as if its
device had stopped, so that a test can take hosts down; the file is read again at most once a second. The vendor
default community `public` is answered only at the addresses DIR/public-community lists (devices left with it).
"""
import hashlib
import os
import sys
import time

os.environ.setdefault("SNMPSIM_ALLOW_ROOT", "true")  # as root, snmpsim otherwise insists on dropping privileges

from pysnmp.entity.rfc3413 import cmdrsp  # noqa: E402
from snmpsim.commands import responder  # noqa: E402

ENDPOINTS = [arg.split("=", 1)[1].rsplit(":", 1)[0] for arg in sys.argv if arg.startswith("--agent-udpv4-endpoint=")]
OFFSET = next((int(arg.split("=", 1)[1]) for arg in sys.argv if arg.startswith("--transport-id-offset=")), 0)
DATA_DIR = next((arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--data-dir=")), None)
SILENT_FILE = os.path.join(os.path.dirname(os.path.abspath(DATA_DIR)), "silent") if DATA_DIR else None
silent = {"addresses": frozenset(), "read": float("-inf")}
PUBLIC_FILE = os.path.join(os.path.dirname(os.path.abspath(DATA_DIR)), "public-community") if DATA_DIR else None
public = {}
PUBLIC = hashlib.md5(b"public").hexdigest().encode()  # snmpsim's context name of a community is its MD5


def silenced():
    """The addresses DIR/silent lists now (read again at most once a second)."""
    now = time.monotonic()
    if SILENT_FILE and now - silent["read"] >= 1:
        silent["read"] = now
        try:
            with open(SILENT_FILE) as f:
                silent["addresses"] = frozenset(line.strip() for line in f if line.strip())
        except FileNotFoundError:
            silent["addresses"] = frozenset()
    return silent["addresses"]


def left_open():
    """The addresses that still answer the vendor default community (read once)."""
    if "addresses" not in public:
        try:
            with open(PUBLIC_FILE, "rb") as f:
                public["addresses"] = frozenset(line.strip() for line in f if line.strip())
        except (FileNotFoundError, TypeError):
            public["addresses"] = frozenset()
    return public["addresses"]


def device_context(snmp_engine, context_name):
    """The context (data file) of the address the request came in on, else the one the community chose."""
    domain = snmp_engine.observer.get_execution_context("rfc3412.receiveMessage:request")["transportDomain"]
    position = domain[-1] - OFFSET
    return ENDPOINTS[position].encode() if 0 <= position < len(ENDPOINTS) else context_name


def by_endpoint(base):
    def handle_management_operation(self, snmp_engine, state_reference, context_name, pdu, *rest):
        context = device_context(snmp_engine, context_name)
        if context.decode(errors="replace") in silenced() or (context_name == PUBLIC and context not in left_open()):
            self.release_state_information(state_reference)  # no answer: the device is down
            return None
        return base.handle_management_operation(self, snmp_engine, state_reference, context, pdu, *rest)
    return handle_management_operation


for name in ("GetCommandResponder", "NextCommandResponder", "BulkCommandResponder"):
    getattr(responder, name).handle_management_operation = by_endpoint(getattr(cmdrsp, name))

if __name__ == "__main__":
    sys.exit(responder.main())
