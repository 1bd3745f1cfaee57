#!/usr/bin/env python3
"""For tests/check_tidy.sh: reads BUILD/compile_commands.json, writes OUT_DIR/compile_commands.json
without GCC's precompiled header (clang cannot read a .gch; every file includes what it uses, the
PCH only speeds GCC up), and prints the project's own translation units relative to ROOT.
For the result cache of check_tidy.sh it also writes, per printed unit N (0, 1, ... in the printed
order), OUT_DIR/pp/N: the directory to run in, then one argument per line, of the command that
preprocesses the unit with clang (comments kept: they carry NOLINT markers).
Usage: tidy_commands.py BUILD/compile_commands.json ROOT OUT_DIR"""
import json
import os
import shlex
import sys


def preprocess_command(args: list) -> list:
    """The compile command `args` as clang's preprocessor only: -E -C to standard output."""
    out, skip = ["clang++-14"], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif a in ("-c", "-MD", "-MMD"):
            pass
        else:
            out.append(a)
    return out + ["-E", "-C", "-Wno-unknown-warning-option", "-o", "-"]


def main() -> None:
    source, root, out_dir = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        entries = json.load(f)
    kept_entries, seen = [], set()
    os.makedirs(os.path.join(out_dir, "pp"), exist_ok=True)
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
            with open(os.path.join(out_dir, "pp", str(len(seen))), "w", encoding="utf-8") as f:
                f.write("\n".join([entry["directory"]] + preprocess_command(kept)) + "\n")
            seen.add(path)
            print(path)
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(kept_entries, f)


if __name__ == "__main__":
    main()
