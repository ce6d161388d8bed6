#!/usr/bin/env python3
"""Builds the simulated city: one snmpsim data file for every SNMP-managed device of an inventory.

    simnet.py INVENTORY_DIR POLICIES_DIR OUT_DIR [--port PORT]

Writes
  OUT_DIR/data/<address>.snmprec   what each device answers (the responder picks the file by the address the
                                   request arrived on; see simnet-responder.py)
  OUT_DIR/inventory/               a copy of the inventory whose management ports are PORT (so that nothing needs
                                   root and nothing clashes with a system snmpd on 161)
  OUT_DIR/truth.json               what the simulation sets: every interface's speed and bits per second in each
                                   direction, every access point's state and clients, every server's figures
  OUT_DIR/endpoints.txt            ADDRESS:PORT per line, for the responder
  OUT_DIR/fleet/roster.csv         the sample fleet: every school's students and teachers by class (GB18030, as Excel
  OUT_DIR/fleet/terminals.csv      on a Chinese Windows saves it) and its e-book terminals (UTF-8 with BOM), for
                                   `edunet fleet import`

Where the devices come from
  - Huawei S5720-36C-EI school core switches are the real recording `network/router/huawei-s5720` of the PyPI
    package snmpsim-data: its whole MIB, with sysName set to the device id and the octet counters of the
    interfaces the inventory's links use made to advance at the simulated rates (snmpsim's `numeric` variation).
  - Every other device is generated: the system group, IF-MIB ifTable and ifXTable (HC counters, ifHighSpeed,
    ifAlias = link id), and by role the access-point tables of its vendor's wireless MIB (the same columns EduNet's
    profiles read, proven against the real controller recordings) or HOST-RESOURCES-MIB for servers.

What the simulation sets (deterministic: the same inventory gives the same city)
  - every link runs at its contracted capacity (the tier's target, rounded up to a port speed, when none is set);
    the deliberately slow uplinks of the sample city therefore negotiate 1 Gbit/s;
  - downstream utilisation 5-55 % and upstream 2-22 % of the speed, from a hash of the link id; about one
    county-school link in twelve is congested (86-94 % downstream);
  - about one access point in eleven is down (Huawei: run state fault; Ruijie: offline), the others have 0-40
    clients; a few Ruijie APs have 100 Mbit/s uplinks;
  - the sample fleet: a roster of each school's planning figures (a few schools' rosters differ from them), one
    terminal for every person on it, except about one school in six that is 5-28 % short; 1 % spares in stock;
  - each controller's client (station) table lists, per AP, as many clients as its AP table says, all of them
    terminals of the AP's school, with transmit rates (Huawei; about one AP in four serves slow clients, median
    under 100 Mbit/s); Ruijie's lists the AP MAC only. One listed terminal is registered lost (the import says
    so), one belongs to another school; every other terminal is never seen.
"""
import argparse
import bz2
import csv
import datetime
import glob
import hashlib
import json
import math
import os
import shutil
import sys

import yaml

IF_TABLE = "1.3.6.1.2.1.2.2.1"
IF_X_TABLE = "1.3.6.1.2.1.31.1.1.1"
PORT_SPEEDS = [100e6, 1e9, 2.5e9, 10e9, 25e9, 40e9, 100e9]
ENTERPRISE = {"Huawei": "2011.2.23.419", "H3C": "25506.1.1190", "Ruijie": "4881.1.1.10.1.230", "Cisco": "9.1.2494",
              "Inspur": "8072.3.2.10"}
HUAWEI_RECORDING = ("network/router/huawei-s5720", "S5720-36C-EI")
# A compute host that keeps restarting: its hrSystemUptime starts again from zero every this many seconds.
RESTARTING_HOST, RESTART_PERIOD = "cloud-a-host3", 60


def fraction(*parts):
    """A number in [0, 1) from a hash of the parts: the simulation's only source of variety."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def bandwidth(text):
    units = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    text = str(text).strip()
    return float(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else float(text)


def load(directory):
    docs = []
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.yaml"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            docs.append((path, yaml.safe_load(f) or {}))
    return docs


class Device:
    def __init__(self, entry):
        self.id = entry["id"]
        self.role = entry["role"]
        self.vendor = entry.get("vendor") or "Huawei"
        self.model = entry.get("model") or ""
        self.address = entry["management"]["address"]
        self.interfaces = {}  # name -> dict(speed, in_Bps, out_Bps, alias, up)

    def interface(self, name, speed, in_bps, out_bps, alias="", up=True):
        # Rates in octets per second, to three decimals as the data file holds them; the truth is what is served.
        self.interfaces[name] = {"speed": speed, "in": round(in_bps / 8, 3), "out": round(out_bps / 8, 3), "alias": alias, "up": up}


def value_line(oid, tag, value):
    if tag == "4":
        data = str(value).encode("utf-8")
        printable = all(0x20 <= b < 0x7F for b in data) and "|" not in str(value)
        return f"{oid}|4|{value}" if printable else f"{oid}|4x|{data.hex()}"
    return f"{oid}|{tag}|{value}"


def counter(oid, tag, initial, rate):
    if not rate:
        return f"{oid}|{tag}|{initial}"
    wrap = ",wrap=1" if tag == "65" else ""
    return f"{oid}|{tag}:numeric|initial={initial},rate={rate}{wrap}"


def oid_key(line):
    return tuple(int(x) for x in line.split("|", 1)[0].split("."))


def system_lines(device, descr, object_id):
    uptime = 100 * (86_400 * 3 + int(fraction(device.id, "uptime") * 86_400 * 30))
    return [value_line("1.3.6.1.2.1.1.1.0", "4", descr), value_line("1.3.6.1.2.1.1.2.0", "6", object_id),
            f"1.3.6.1.2.1.1.3.0|67:numeric|initial={uptime},rate=100",
            value_line("1.3.6.1.2.1.1.4.0", "4", "noc@edu.yinchuan.example"), value_line("1.3.6.1.2.1.1.5.0", "4", device.id),
            value_line("1.3.6.1.2.1.1.6.0", "4", "Yinchuan")]


def interface_lines(device, index, name, spec):
    speed = spec["speed"]
    up = "1" if spec["up"] else "2"
    hc_in = int(fraction(device.id, name, "in") * 2**46)
    hc_out = int(fraction(device.id, name, "out") * 2**46)
    t, x = IF_TABLE, IF_X_TABLE
    return [
        f"{t}.1.{index}|2|{index}", value_line(f"{t}.2.{index}", "4", name), f"{t}.3.{index}|2|6", f"{t}.4.{index}|2|1500",
        f"{t}.5.{index}|66|{min(int(speed), 4294967295)}", f"{t}.6.{index}|4x|{hashlib.md5(name.encode()).hexdigest()[:12]}",
        f"{t}.7.{index}|2|1", f"{t}.8.{index}|2|{up}", f"{t}.9.{index}|67|0",
        counter(f"{t}.10.{index}", "65", hc_in % 2**32, spec["in"]), f"{t}.13.{index}|65|0", f"{t}.14.{index}|65|0",
        counter(f"{t}.16.{index}", "65", hc_out % 2**32, spec["out"]), f"{t}.19.{index}|65|0", f"{t}.20.{index}|65|0",
        value_line(f"{x}.1.{index}", "4", name), counter(f"{x}.6.{index}", "70", hc_in, spec["in"]),
        counter(f"{x}.10.{index}", "70", hc_out, spec["out"]), f"{x}.15.{index}|66|{int(speed // 1_000_000)}",
        value_line(f"{x}.18.{index}", "4", spec["alias"]), f"{x}.19.{index}|67|0",
    ]


def mac(*parts):
    return [int(fraction(*parts, i) * 256) for i in range(6)]


def wireless_lines(controller, aps, fleet, truth):
    """The controller's AP table in its vendor's MIB, with the columns EduNet's profiles read, and its client table."""
    lines, readings = [], []
    for n, ap in enumerate(aps):
        index = ".".join(map(str, mac(ap, "mac")))
        up = fraction(ap, "state") >= 0.09
        clients = int(fraction(ap, "clients") * 41) if up else 0
        reading = {"name": ap, "index": index, "up": up, "clients": clients}
        lines += station_lines(controller, ap, index, fleet.serve(controller.id, ap, clients), reading)
        if controller.vendor == "Ruijie":
            base = "1.3.6.1.4.1.4881.1.1.10.2.56.2.1.1.1"
            uplink = 100 if fraction(ap, "uplink") < 0.15 else 1000
            lines += [value_line(f"{base}.2.{index}", "4", ap), f"{base}.24.{index}|2|{uplink}", f"{base}.34.{index}|2|{clients}",
                      f"{base}.48.{index}|2|{1 if up else 2}"]
            reading.update(state="online" if up else "offline", uplink_mbps=uplink, radios=0)
        else:  # Huawei AC: hwWlanApTable and hwWlanRadioInfoTable, two radios an AP
            ap_table, radio_table = "1.3.6.1.4.1.2011.6.139.13.3.3.1", "1.3.6.1.4.1.2011.6.139.16.1.2.1"
            lines += [value_line(f"{ap_table}.4.{index}", "4", ap), f"{ap_table}.6.{index}|2|{8 if up else 4}",
                      f"{ap_table}.44.{index}|2|{clients}"]
            for radio, share in ((0, clients // 3), (1, clients - clients // 3)):
                lines += [value_line(f"{radio_table}.3.{index}.{radio}", "4", ap), f"{radio_table}.6.{index}.{radio}|2|{1 if up else 2}",
                          f"{radio_table}.40.{index}.{radio}|66|{share}"]
            reading.update(state="normal" if up else "fault", radios=2)
        readings.append(reading)
    truth["access_points"][controller.id] = readings
    return lines


HT_RATES = [72, 86, 144, 173, 216, 286, 300, 400, 433, 573, 600, 866]
SLOW_RATES = [24, 39, 52, 65, 72, 86, 130]


def station_lines(controller, ap, ap_index, terminals, reading):
    """The client table rows of one AP: HUAWEI-WLAN-STATION-MIB hwWlanStationTable (AP MAC, AP name, transmit rate,
    SSID) or Ruijie's station table (AP MAC), indexed by the client's MAC."""
    ap_mac = "".join(f"{int(x):02x}" for x in ap_index.split("."))
    lines, rates = [], []
    slow = fraction(ap, "slow clients") < 0.25
    for terminal in terminals:
        index = ".".join(str(int(terminal["mac"][i:i + 2], 16)) for i in range(0, 12, 2))
        if controller.vendor == "Ruijie":
            lines.append(f"1.3.6.1.4.1.4881.1.1.10.2.56.5.1.1.1.2.{index}|4x|{ap_mac}")
            continue
        choices = SLOW_RATES if slow else HT_RATES
        rate = choices[int(fraction(terminal["serial"], "rate") * len(choices))]
        rates.append(rate)
        station = "1.3.6.1.4.1.2011.6.139.18.1.2.1"
        lines += [f"{station}.3.{index}|4x|{ap_mac}", value_line(f"{station}.4.{index}", "4", ap), f"{station}.15.{index}|66|{rate}",
                  value_line(f"{station}.16.{index}", "4", "YC-EDU")]
    # The median the poller reports: nearest rank.
    reading["client_rate_mbps"] = sorted(rates)[(len(rates) + 1) // 2 - 1] if rates else None
    return lines


GRADES = {
    "primary": ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"],
    "nine-year": ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"],
    "junior-secondary": ["七年级", "八年级", "九年级"],
    "senior-secondary": ["高一", "高二", "高三"],
    "secondary-vocational": ["中职一年级", "中职二年级", "中职三年级"],
    "vocational": ["大一", "大二", "大三"],
    "kindergarten": ["小班", "中班", "大班"],
}
AREA_CODES = {"xingqing": "640104", "xixia": "640105", "jinfeng": "640106", "yongning": "640121", "helan": "640122", "lingwu": "640181"}
MODELS = [("MatePad 11", "HarmonyOS 4.2"), ("Lenovo TB-J716F", "Android 13"), ("iPad (10th gen)", "iPadOS 17.6")]


def student_number(area, n):
    """A national student number (学籍号): G and an ID-card number of the county's area code, a birth date, a
    sequence and the ISO 7064 MOD 11-2 check character. Unique for every n."""
    born = datetime.date(2008, 9, 1) + datetime.timedelta(days=n // 900)
    body = f"{area}{born:%Y%m%d}{100 + n % 900:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "G" + body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


class Fleet:
    """The sample fleet: the roster of every school and its terminals; the controllers' client tables draw on it."""

    def __init__(self, schools):
        self.roster, self.terminals, self.by_school, self.cursor, self.served, self.ap_school = [], [], {}, {}, {}, {}
        people = 0
        for school in schools:
            sid, county = school["id"], school["county"]
            grades = GRADES.get(school["kind"], GRADES["primary"])
            students, teachers = school.get("students", 0), school.get("teachers", 0)
            if fraction(sid, "roster") < 0.1:  # the roster has moved on from the planning figures
                students += int(fraction(sid, "roster change") * 40) - 20
            size = 30 if school["kind"] == "kindergarten" else 45
            holders = []
            for i in range(students):
                number = student_number(AREA_CODES.get(county, "640100"), people)
                people += 1
                grade, group = divmod(i // size, len(grades))
                self.roster.append([school["name"], number, f"{grades[group]}{grade + 1}班", "学生"])
                holders.append(number)
            for i in range(teachers):
                number = f"JS{sid.split('-')[-1]}{AREA_CODES.get(county, '640100')}{i + 1:04d}"
                self.roster.append([school["name"], number, "", "教师"])
                holders.append(number)
            short = fraction(sid, "fleet") < 1 / 6
            covered = int(len(holders) * (0.72 + 0.23 * fraction(sid, "coverage"))) if short else len(holders)
            spares = len(holders) // 100
            own = []
            for i in range(covered + spares):
                n = len(self.terminals)
                model, os_version = MODELS[int(fraction(sid, "model") * len(MODELS))]
                terminal = {"serial": f"EB{AREA_CODES.get(county, '640100')[-3:]}{n + 1:06d}", "mac": f"d06544{n:06x}", "model": model,
                            "os": os_version, "batch": "2025-1", "school": sid, "state": "assigned" if i < covered else "in-stock",
                            "holder": holders[i] if i < covered else ""}
                self.terminals.append(terminal)
                own.append(terminal)
            self.by_school[sid] = [t for t in own if t["state"] == "assigned"]

    def serve(self, controller, ap, count):
        """The next `count` assigned terminals of the AP's school, each listed at one AP only."""
        school = self.ap_school.get(ap)
        pool = self.by_school.get(school, [])
        start = self.cursor.get(school, 0)
        self.cursor[school] = start + count
        for terminal in pool[start:start + count]:
            self.served[terminal["serial"]] = {"controller": controller, "ap": ap, "school": school}
        return pool[start:start + count]

    def write(self, directory, truth):
        """The CSVs, with the one lost terminal and the one at another school; the truth of who is where."""
        os.makedirs(directory, exist_ok=True)
        served = self.served
        listed = sorted(served, key=lambda s: (served[s]["controller"], served[s]["ap"], s))
        lost = next(s for s in listed if served[s]["controller"].startswith("wlc-"))
        wanderer = next(s for s in reversed(listed) if served[s]["school"] != served[lost]["school"])
        for terminal in self.terminals:
            if terminal["serial"] == lost:
                terminal["state"] = "lost"
        home = next(t for t in self.terminals if t["serial"] == wanderer)
        other = next(s for s in sorted(self.by_school) if s != home["school"] and self.by_school[s])
        home["school"], home["holder"] = other, ""
        home["state"] = "in-stock"
        with open(os.path.join(directory, "roster.csv"), "w", encoding="gb18030", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["学校", "学籍号", "班级", "角色"])
            writer.writerows(self.roster)
        with open(os.path.join(directory, "terminals.csv"), "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["序列号", "MAC地址", "型号", "系统版本", "批次", "学校", "状态", "持有人"])
            writer.writerows([t["serial"], t["mac"], t["model"], t["os"], t["batch"], t["school"], t["state"], t["holder"]]
                             for t in self.terminals)
        truth["fleet"] = {"terminals": len(self.terminals), "roster": len(self.roster), "served": served, "lost_seen": lost,
                          "wrong_school": {"serial": wanderer, "registered": other, "seen": served[wanderer]["school"]}}


def host_lines(device, truth):
    """HOST-RESOURCES-MIB: the host's uptime, eight processors, memory with net-snmp's buffers and cache rows, two
    file systems and a volume too large for its allocation units; /data (the storage pool's file system) grows at a
    set rate. Each processor's load moves: its base plus a sine of the host's amplitude and period (snmpsim's `numeric`
    variation), so that a host's p95 is not its mean. Uptimes count from when the responder started (the `numeric`
    variation's time), one host's wrapping every RESTART_PERIOD seconds as if it restarted."""
    # Loads of 10-40 % moving by 10 %: the sample pool's p95 use survives the loss of a site (< 80 % of one site).
    loads = [int(10 + fraction(device.id, "cpu", i) * 30) for i in range(8)]
    amplitude = 10
    period = 50 + int(fraction(device.id, "period") * 40)
    initial = 0 if device.id == RESTARTING_HOST else int(86_400 * (5 + fraction(device.id, "boot") * 60))
    wrap = f",max={RESTART_PERIOD * 100},wrap=1" if device.id == RESTARTING_HOST else ""
    lines = [f"1.3.6.1.2.1.25.1.1.0|67:numeric|initial={initial * 100},rate=100{wrap}"]
    for i, load in enumerate(loads):
        lines += [f"1.3.6.1.2.1.25.3.3.1.1.{196608 + i}|6|0.0",
                  f"1.3.6.1.2.1.25.3.3.1.2.{196608 + i}|2:numeric|function=sin,rate={2 * math.pi / period:.6f},"
                  f"scale={amplitude},offset={load},min=0,max=100"]
    # (index, type, description, allocation unit, size in bytes, share used, growth in allocation units a second);
    # sizes count allocation units, which must fit an Integer32.
    other = "1.3.6.1.2.1.25.2.1.1"
    growth = int(200 + fraction(device.id, "growth") * 800)
    storage = [(1, "1.3.6.1.2.1.25.2.1.2", "Physical memory", 1024, 768 * 2**30, fraction(device.id, "mem"), 0),
               (6, other, "Memory buffers", 1024, 768 * 2**30, 0.02, 0),
               (7, other, "Cached memory", 1024, 768 * 2**30, 0.10, 0),
               (31, "1.3.6.1.2.1.25.2.1.4", "/", 4096, 100 * 2**30, fraction(device.id, "root"), 0),
               (36, "1.3.6.1.2.1.25.2.1.4", "/data", 65536, 46 * 2**40, fraction(device.id, "data"), growth),
               (41, "1.3.6.1.2.1.25.2.1.4", "/backup", 1024, (2**31 - 1) * 1024, 0.5, 0)]
    used_bytes = {}
    for index, kind, descr, units, size_bytes, used, rate in storage:
        size = size_bytes // units
        # Buffers and cache take the share given; the others between 20 % and 80 %.
        used_units = int(size * (used if kind == other else 0.2 + 0.6 * used))
        used_bytes[descr] = used_units * units
        b = "1.3.6.1.2.1.25.2.3.1"
        used_line = (f"{b}.6.{index}|2:numeric|initial={used_units},rate={rate},max={size}" if rate else f"{b}.6.{index}|2|{used_units}")
        lines += [f"{b}.1.{index}|2|{index}", f"{b}.2.{index}|6|{kind}", value_line(f"{b}.3.{index}", "4", descr),
                  f"{b}.4.{index}|2|{units}", f"{b}.5.{index}|2|{size}", used_line]
        if rate:
            truth.setdefault("storage", {})[device.id] = {
                "mount": descr, "size": size * units, "rate_bytes_per_second": rate * units}
    truth["hosts"][device.id] = {
        "processors": 8, "mean_load": sum(loads) / len(loads), "load_amplitude": amplitude, "load_period_seconds": period,
        "memory_used": used_bytes["Physical memory"] - used_bytes["Memory buffers"] - used_bytes["Cached memory"],
        "uptime_at_start": initial, "restart_period_seconds": RESTART_PERIOD if device.id == RESTARTING_HOST else None}
    return lines


def generated(device, truth, aps, fleet):
    descr = f"{device.vendor} {device.model} (EduNet simulated city)".replace("  ", " ")
    lines = system_lines(device, descr, "1.3.6.1.4.1." + ENTERPRISE.get(device.vendor, "8072.3.2.10"))
    for index, (name, spec) in enumerate(sorted(device.interfaces.items()), start=1):
        lines += interface_lines(device, index, name, spec)
    lines.append(f"1.3.6.1.2.1.2.1.0|2|{len(device.interfaces)}")
    if device.role == "wireless-controller":
        lines += wireless_lines(device, aps, fleet, truth)
    if device.role == "server":
        lines += host_lines(device, truth)
    return lines


def from_recording(device, recording_lines):
    """The real Huawei S5720 recording, its link interfaces driven at the simulated rates."""
    names = {}
    for line in recording_lines:
        oid, tag, value = line.split("|", 2)
        if oid.startswith(IF_X_TABLE + ".1."):
            names[oid.rsplit(".", 1)[1]] = bytes.fromhex(value).decode() if tag == "4x" else value
    by_name = {name: index for index, name in names.items()}
    missing = [n for n in device.interfaces if n not in by_name]
    if missing:
        sys.exit(f"simnet: {device.id}: the S5720 recording has no interface {', '.join(missing)}")
    overrides = {}
    for name, spec in device.interfaces.items():
        index = by_name[name]
        for line in interface_lines(device, index, name, spec):
            overrides[line.split("|", 1)[0]] = line
    out = []
    for line in recording_lines:
        oid = line.split("|", 1)[0]
        if oid == "1.3.6.1.2.1.1.5.0":
            line = value_line(oid, "4", device.id)
        elif oid == "1.3.6.1.2.1.1.3.0":
            line = system_lines(device, "", "")[2]
        out.append(overrides.pop(oid, line))
    return out + list(overrides.values())


def recording(name):
    import snmpsim_data  # the PyPI package snmpsim-data
    path = os.path.join(os.path.dirname(snmpsim_data.__file__), "data", name + ".snmprec.bz2")
    with bz2.open(path, "rt", encoding="latin-1", newline="\n") as f:
        return [line for line in f.read().split("\n") if line.count("|") >= 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inventory")
    parser.add_argument("policies")
    parser.add_argument("out")
    parser.add_argument("--port", type=int, default=16100)
    args = parser.parse_args()

    docs = load(args.inventory)
    entries = [d for _, doc in docs for d in doc.get("devices") or []]
    links = [l for _, doc in docs for l in doc.get("links") or []]
    with open(os.path.join(args.policies, "bandwidth-tiers.yaml"), encoding="utf-8") as f:
        targets = {t["tier"]: bandwidth(t["minimum"]) for t in yaml.safe_load(f)["links"]}
    devices = {e["id"]: Device(e) for e in entries if e.get("management") and e.get("snmp_profile")}
    aps = {}
    fleet = Fleet([s for _, doc in docs for s in doc.get("schools") or []])
    for e in entries:
        if e["role"] == "access-point" and e.get("controller"):
            aps.setdefault(e["controller"], []).append(e["id"])
            fleet.ap_school[e["id"]] = e.get("school")

    truth = {"port": args.port, "devices": {}, "access_points": {}, "hosts": {}, "congested": []}
    for link in sorted(links, key=lambda l: l["id"]):
        lid = link["id"]
        speed = bandwidth(link["capacity"]) if link.get("capacity") else next(
            s for s in PORT_SPEEDS if s >= targets.get(link["tier"], 1e9))
        down = (0.05 + 0.50 * fraction(lid, "down")) * speed
        up = (0.02 + 0.20 * fraction(lid, "up")) * speed
        if link["tier"] == "county-school" and fraction(lid, "congested") < 1 / 12:
            down = (0.86 + 0.08 * fraction(lid, "level")) * speed
            truth["congested"].append(lid)
        a, b = devices.get(link["a"]["device"]), devices.get(link["b"]["device"])
        if a:
            a.interface(link["a"]["interface"], speed, in_bps=up, out_bps=down, alias=lid)
        if b:
            b.interface(link["b"]["interface"], speed, in_bps=down, out_bps=up, alias=lid)
    for device in devices.values():
        if device.role == "server":
            for n in (0, 1):
                device.interface(f"ens{n + 1}f0", 10e9, (0.05 + 0.3 * fraction(device.id, n, "in")) * 10e9,
                                 (0.05 + 0.3 * fraction(device.id, n, "out")) * 10e9, alias="cloud fabric")
        elif not device.interfaces:
            device.interface("GigabitEthernet0/0/1", 1e9, 0.02 * 1e9, 0.04 * 1e9, alias="uplink")
        device.interface("MEth0/0/1", 1e9, 0, 0, alias="management")

    data = os.path.join(args.out, "data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    s5720 = None
    for device in devices.values():
        if device.role == "core-switch" and device.vendor == "Huawei" and device.model == HUAWEI_RECORDING[1]:
            s5720 = s5720 or recording(HUAWEI_RECORDING[0])
            device.interfaces.pop("MEth0/0/1")  # the recording has its own
            lines = from_recording(device, s5720)
        else:
            lines = generated(device, truth, aps.get(device.id, []), fleet)
        with open(os.path.join(data, device.address + ".snmprec"), "w", encoding="latin-1", newline="\n") as f:
            f.write("\n".join(sorted(lines, key=oid_key)) + "\n")
        truth["devices"][device.id] = {
            "address": device.address,
            "interfaces": {n: {"speed_bps": s["speed"], "in_bps": s["in"] * 8, "out_bps": s["out"] * 8, "up": s["up"]}
                           for n, s in device.interfaces.items()}}
    # Requests must carry a known community before the responder maps them to a device; this file only exists
    # for that, its name is the simulation's community.
    with open(os.path.join(data, "edunet-sim.snmprec"), "w") as f:
        f.write("1.3.6.1.2.1.1.1.0|4|EduNet simulated city: no device at this address\n")
    # Two access switches left with the vendor default community `public` as well (graded protection's finding); the
    # responder answers `public` at their addresses only (DIR/public-community).
    left_open = sorted((d for d in devices.values() if d.role == "access-switch"), key=lambda d: fraction(d.id, "public"))[:2]
    with open(os.path.join(data, "public.snmprec"), "w") as f:
        f.write("1.3.6.1.2.1.1.1.0|4|EduNet simulated city: the vendor default community\n")
    with open(os.path.join(args.out, "public-community"), "w") as f:
        f.write("".join(d.address + "\n" for d in left_open))
    truth["default_community"] = sorted(d.id for d in left_open)

    fleet.write(os.path.join(args.out, "fleet"), truth)

    inventory = os.path.join(args.out, "inventory")
    shutil.rmtree(inventory, ignore_errors=True)
    for path, _ in docs:
        target = os.path.join(inventory, os.path.relpath(path, args.inventory))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # The health checks answer on TCP at the simulation's (UDP) SNMP port, so that one port number is the run's.
        text = text.replace(", port: 161}", f", port: {args.port}}}").replace(":18080/", f":{args.port}/")
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    services = [s for _, doc in docs for s in (doc.get("compute_pool") or {}).get("services") or []]
    with open(os.path.join(args.out, "health.txt"), "w") as f:
        for service in services:
            for url in (service.get("health") or {}).values():
                rest = url.split("://", 1)[1].replace(":18080/", f":{args.port}/")
                endpoint, path = rest.split("/", 1)
                f.write(f"{endpoint} /{path}\n")
    with open(os.path.join(args.out, "endpoints.txt"), "w") as f:
        f.write("".join(f"{d.address}:{args.port}\n" for d in devices.values()))
    with open(os.path.join(args.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=True)
    print(f"simnet: {len(devices)} devices ({sum(1 for d in devices.values() if d.role == 'core-switch' and d.vendor == 'Huawei' and d.model == HUAWEI_RECORDING[1])} "
          f"from the huawei-s5720 recording), {sum(len(v) for v in truth['access_points'].values())} access points, "
          f"{len(truth['congested'])} congested links, {len(fleet.terminals)} terminals ({len(fleet.served)} on Wi-Fi) -> {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
