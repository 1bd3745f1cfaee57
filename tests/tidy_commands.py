#!/usr/bin/env python3
"""For tests/check_tidy.sh: reads BUILD/compile_commands.json, writes OUT_DIR/compile_commands.json
without GCC's precompiled header (clang cannot read a .gch; every file includes what it uses, the
PCH only speeds GCC up), and prints the project's own translation units relative to ROOT.
Usage: tidy_commands.py BUILD/compile_commands.json ROOT OUT_DIR"""
import json
import os
import shlex
import sys


def main() -> None:
    source, root, out_dir = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        entries = json.load(f)
    kept_entries, seen = [], set()
    for entry in entries:
        args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        kept, skip = [], False
        for a in args:
            if skip:
                skip = False
            elif a == "-include":
                skip = True  # the next argument is the force-included header (the PCH's)
            elif a.startswith("-include") or a == "-Winvalid-pch":
                pass
            else:
                kept.append(a)
        kept_entries.append({"directory": entry["directory"], "file": entry["file"], "arguments": kept})
        path = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
        if path.split("/")[0] in ("sync", "adapters", "tests") and path not in seen:
            seen.add(path)
            print(path)
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(kept_entries, f)


if __name__ == "__main__":
    main()
