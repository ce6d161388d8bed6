#!/usr/bin/env python3
"""A slow SNMP device for tests: forwards UDP datagrams from 127.0.0.1:PORT to an agent on loopback and
relays each answer DELAY_MS late, without holding up other datagrams meanwhile.

Usage: slow-udp-proxy.py PORT UPSTREAM_PORT DELAY_MS   (loopback only)
"""
import asyncio
import sys


class Relay(asyncio.DatagramProtocol):
    def __init__(self, listener, client, delay):
        self.listener, self.client, self.delay = listener, client, delay

    def datagram_received(self, data, _addr):
        asyncio.get_running_loop().call_later(self.delay, self.listener.sendto, data, self.client)


class Listener(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay):
        self.upstream, self.delay, self.relays = upstream, delay, {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, client):
        asyncio.ensure_future(self.forward(data, client))

    async def forward(self, data, client):
        relay = self.relays.get(client)
        if relay is None:
            relay, _ = await asyncio.get_running_loop().create_datagram_endpoint(
                lambda: Relay(self.transport, client, self.delay), remote_addr=("127.0.0.1", self.upstream))
            self.relays[client] = relay
        relay.sendto(data)


async def main(port, upstream, delay):
    await asyncio.get_running_loop().create_datagram_endpoint(lambda: Listener(upstream, delay), local_addr=("127.0.0.1", port))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0))
