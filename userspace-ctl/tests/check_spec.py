#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check kmod/uapi/memsan.yaml against kmod/uapi/memsan.h: the same commands,
attribute sets and attributes, in the same order (hence the same values), and
every reference in the spec resolves.  Run by `make test`."""
import re
import sys

try:
    import yaml
except ImportError:
    print("check_spec: error: PyYAML is missing (apt-get install python3-yaml)")
    sys.exit(1)

UAPI = sys.argv[1] if len(sys.argv) > 1 else "../../kmod/uapi"
spec = yaml.safe_load(open(f"{UAPI}/memsan.yaml"))
header = open(f"{UAPI}/memsan.h").read()
errors = []


def enum_after(first):
    """The enumerators of the C enum whose first enumerator is @first."""
    i = header.index(first)
    body = header[i:header.index("};", i)]
    return [n for n in re.findall(r"^\s*(MEMSAN_\w+),", body, re.M) if not n.startswith("__")]


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


sets = {s["name"]: s for s in spec["attribute-sets"]}
for s in spec["attribute-sets"]:
    want = enum_after(c_name(s["name-prefix"], "unspec"))[1:]
    got = [c_name(s["name-prefix"], a["name"]) for a in s["attributes"]]
    if want != got:
        errors.append(f"attribute set {s['name']}: header {want}, spec {got}")
    for a in s["attributes"]:
        if "nested-attributes" in a and a["nested-attributes"] not in sets:
            errors.append(f"{s['name']}.{a['name']}: no attribute set {a['nested-attributes']}")

ops = spec["operations"]
want = enum_after("MEMSAN_CMD_UNSPEC")[1:]
got = [c_name(ops["name-prefix"], o["name"]) for o in ops["list"]]
if want != got:
    errors.append(f"commands: header {want}, spec {got}")
groups = [g["name"] for g in spec["mcast-groups"]["list"]]
for o in ops["list"]:
    names = [a["name"] for a in sets[o["attribute-set"]]["attributes"]] if "attribute-set" in o else []
    refs = [a for part in ("do", "dump") for msg in ("request", "reply")
            for a in (o.get(part) or {}).get(msg, {}).get("attributes", [])]
    refs += o.get("event", {}).get("attributes", [])
    errors += [f"{o['name']}: no attribute {a}" for a in refs if a not in names]
    if "mcgrp" in o and o["mcgrp"] not in groups:
        errors.append(f"{o['name']}: no group {o['mcgrp']}")
    if ("admin-perm" in o.get("flags", [])) != (o["name"] in ("set-config", "get-reports", "clear", "leak-scan")):
        errors.append(f"{o['name']}: admin-perm differs from the kernel's GENL_ADMIN_PERM")

for d in spec["definitions"]:
    if d["type"] == "enum":
        want = enum_after(c_name("memsan-" + d["name"] + "-", d["entries"][0]))
        got = [c_name("memsan-" + d["name"] + "-", e) for e in d["entries"]]
        if want != got:
            errors.append(f"enum {d['name']}: header {want}, spec {got}")
    elif d["type"] == "const":
        m = re.search(r"#define\s+" + c_name("memsan-", d["name"]) + r"\s+(\d+)", header)
        if not m or int(m.group(1)) != d["value"]:
            errors.append(f"const {d['name']}: header {m and m.group(1)}, spec {d['value']}")
for name in ("MEMSAN_GENL_NAME", "MEMSAN_MCGRP_REPORTS"):
    if name not in header:
        errors.append(f"header lacks {name}")
if f'#define MEMSAN_GENL_NAME\t"{spec["name"]}"' not in header:
    errors.append("family name differs")

for e in errors:
    print("check_spec: " + e)
print("check_spec: FAILED" if errors else "check_spec: ok: memsan.yaml and memsan.h agree")
sys.exit(1 if errors else 0)
