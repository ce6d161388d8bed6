#!/usr/bin/env python3
"""A capture of one school's mirror port, for the demo: three minutes of its e-book terminals on the network, and what
the detectors of `edunet capture analyze` are for. Written byte by byte (classic pcap, Ethernet), no dependencies.

    scripts/make-school-capture.py INVENTORY_DIR TERMINALS_CSV SCHOOL_ID OUT.pcap

What it holds, and what each detector should say of it:
  - the terminals (the fleet register's MACs) browsing and asking DNS, the school's core switch (its inventory `mac`)
    answering ARP for the gateway, and a DHCP offer relayed from the authorised server: nothing;
  - at 1:00 a travel router someone plugged in offers addresses (rogue DHCP server, unknown station);
  - at 1:30 another station claims the gateway's address (the gateway's ARP changed: critical; an unknown station),
    and at 1:40 the real gateway answers again (flip-flop);
  - at 2:00 a terminal asks for www.gambling.example (a blocked domain);
  - at 2:20 a host outside tries 30 ports of the school's server (a port scan).
"""
import csv
import ipaddress
import os
import struct
import sys

import yaml

START = 1_764_550_800  # 2025-12-01 09:00 Beijing time


def mac(text):
    return bytes(int(part, 16) for part in text.replace("-", ":").split(":")) if ":" in text or "-" in text else bytes.fromhex(text)


def ip(text):
    return ipaddress.IPv4Address(text).packed


def ethernet(dst, src, kind, payload):
    return mac(dst) + mac(src) + struct.pack(">H", kind) + payload


def ipv4(src, dst, proto, payload):
    return struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0) + ip(src) + ip(dst) + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 0x50, flags, 1024, 0, 0) + payload


def arp(op, sender_mac, sender_ip, target_mac, target_ip):
    return struct.pack(">HHBBH", 1, 0x0800, 6, 4, op) + mac(sender_mac) + ip(sender_ip) + mac(target_mac) + ip(target_ip)


def dhcp_offer(server_id, yiaddr, giaddr, client):
    bootp = struct.pack(">BBBBIHH", 2, 1, 6, 0, 0x1234, 0, 0) + ip("0.0.0.0") + ip(yiaddr) + ip("0.0.0.0") + ip(giaddr)
    bootp += mac(client) + bytes(10 + 64 + 128) + b"\x63\x82\x53\x63"
    return bootp + bytes([53, 1, 2, 54, 4]) + ip(server_id) + bytes([1, 4, 255, 255, 240, 0, 255])


def dns_query(name, ident):
    labels = b"".join(bytes([len(part)]) + part.encode() for part in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + struct.pack(">HH", 1, 1)


def main():
    inventory, terminals_csv, school_id, out = sys.argv[1:5]
    schools, devices = [], []
    for root, _, files in os.walk(inventory):
        for name in files:
            if name.endswith(".yaml"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    document = yaml.safe_load(f) or {}
                schools += document.get("schools", [])
                devices += document.get("devices", [])
    school = next(s for s in schools if s["id"] == school_id)
    network = ipaddress.IPv4Network(school["subnets"][0])
    gateway = str(network[1])
    core = next(d for d in devices if d.get("school") == school_id and d["role"] == "core-switch")
    gateway_mac = core.get("mac", "02:ed:00:00:00:01")
    # The sample's headers are Chinese (学校, MAC地址), an English export's `school` and `mac`.
    with open(terminals_csv, encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        school_column = next(key for key in reader.fieldnames if key in ("学校", "school"))
        mac_column = next(key for key in reader.fieldnames if "mac" in key.lower())
        rows = [row for row in reader if row[school_column] == school_id]
    if not rows:
        sys.exit(f"make-school-capture: no terminal of {school_id} in {terminals_csv}")
    terminals = [(str(network[20 + i]), row[mac_column]) for i, row in enumerate(rows[:40])]
    server = str(network[10])
    frames = []

    def at(second, frame):
        frames.append((START + second, frame))

    for second in range(180):
        for k, (address, terminal) in enumerate(terminals):
            if (second + k) % 4 == 0:
                at(second + k / 100, ethernet(gateway_mac, terminal, 0x0800, ipv4(address, "203.0.113.80", 6, tcp(40000 + k, 443, 0x18, bytes(600)))))
                at(second + k / 100 + 0.005, ethernet(terminal, gateway_mac, 0x0800, ipv4("203.0.113.80", address, 6, tcp(443, 40000 + k, 0x18, bytes(1200)))))
            if (second + k) % 30 == 0:
                at(second + k / 100 + 0.01, ethernet(gateway_mac, terminal, 0x0800, ipv4(address, "10.0.0.53", 17, udp(53000 + k, 53, dns_query("resources.edu.example", k)))))
        if second % 20 == 5:
            at(second, ethernet("ff:ff:ff:ff:ff:ff", gateway_mac, 0x0806, arp(2, gateway_mac, gateway, "00:00:00:00:00:00", gateway)))
    first_address, first_terminal = terminals[0]
    # A lease from the authorised server, relayed by the gateway (giaddr): not rogue.
    at(10, ethernet(first_terminal, gateway_mac, 0x0800, ipv4(gateway, first_address, 17, udp(67, 68, dhcp_offer("10.0.0.67", first_address, gateway, first_terminal)))))
    # A travel router offering addresses of its own.
    at(60, ethernet("ff:ff:ff:ff:ff:ff", "02:66:66:00:00:01", 0x0800, ipv4("192.168.0.1", "255.255.255.255", 17, udp(67, 68, dhcp_offer("192.168.0.1", "192.168.0.100", "0.0.0.0", first_terminal)))))
    at(60.5, ethernet("ff:ff:ff:ff:ff:ff", "02:66:66:00:00:01", 0x0806, arp(2, "02:66:66:00:00:01", str(network[200]), "00:00:00:00:00:00", str(network[200]))))
    # Someone claims the gateway's address, then the gateway answers again.
    at(90, ethernet("ff:ff:ff:ff:ff:ff", "02:66:66:00:00:02", 0x0806, arp(2, "02:66:66:00:00:02", gateway, "00:00:00:00:00:00", gateway)))
    at(100, ethernet("ff:ff:ff:ff:ff:ff", gateway_mac, 0x0806, arp(2, gateway_mac, gateway, "00:00:00:00:00:00", gateway)))
    # A blocked domain.
    at(120, ethernet(gateway_mac, terminals[1][1], 0x0800, ipv4(terminals[1][0], "10.0.0.53", 17, udp(53999, 53, dns_query("www.gambling.example", 999)))))
    # A port scan of the school's server from outside.
    for port in range(1, 31):
        at(140 + port / 100, ethernet(gateway_mac, "02:00:5e:00:53:01", 0x0800, ipv4("198.51.100.23", server, 6, tcp(50000, port, 0x02))))
    frames.sort(key=lambda item: item[0])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for time, frame in frames:
            seconds = int(time)
            f.write(struct.pack("<IIII", seconds, int(round((time - seconds) * 1e6)), len(frame), len(frame)) + frame)
    print(f"{out}: {len(frames)} frames of {school_id} ({network}, gateway {gateway}, {len(terminals)} terminals)")


if __name__ == "__main__":
    main()
