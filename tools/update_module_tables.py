#!/usr/bin/env python3
"""Regenerates the "## Module files" table at the end of every src/<layer>/README.md from the source
lists in cmake/modules/*.cmake and the first comment line of each file's header.
Usage: python3 tools/update_module_tables.py   (from the repository root; rewrites READMEs in place)"""
import glob, os, re

rows = {}  # layer -> {stem: module}
for path in sorted(glob.glob("cmake/modules/*.cmake")):
    module = os.path.basename(path)[:-len(".cmake")]
    for layer, stem in re.findall(r"\bsrc/(\w+)/(\w+)\.cpp", open(path).read()):
        rows.setdefault(layer, {})[stem] = module


def summary(layer, stem):
    header = f"include/tessera/{layer}/{stem}.h"
    if not os.path.exists(header):
        return ""
    for line in open(header):
        line = line.strip()
        if line.startswith("#pragma") or not line:
            continue
        return line[2:].strip().replace("|", "/") if line.startswith("//") else ""
    return ""


for layer, stems in sorted(rows.items()):
    readme = f"src/{layer}/README.md"
    if not os.path.exists(readme):
        continue
    text = open(readme).read()
    head = text.split("## Module files")[0].rstrip("\n")
    table = ["## Module files", "| file | module | what |", "|---|---|---|"]
    table += [f"| `{s}` | {m} | {summary(layer, s)} |" for s, m in sorted(stems.items())]
    new = head + "\n\n" + "\n".join(table) + "\n"
    if new != text:
        tmp = readme + ".tmp"
        open(tmp, "w").write(new)
        os.replace(tmp, readme)
        print("updated", readme)
