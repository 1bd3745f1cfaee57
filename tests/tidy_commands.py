#!/usr/bin/env python3
"""For tests/check_tidy.sh: reads BUILD/compile_commands.json, writes OUT_DIR/compile_commands.json
without GCC's precompiled header (clang cannot read a .gch; every file includes what it uses, the
PCH only speeds GCC up), with an entry for each source file of a unity batch (cmake/Unity.cmake: the
batch's file #includes its sources; each gets the batch's flags, so clang-tidy checks every file on
its own) instead of the batch's, and prints the project's own source files relative to ROOT.
For the result cache of check_tidy.sh it also writes, per printed file N (0, 1, ... in the printed
order), OUT_DIR/pp/N: the directory to run in, then one argument per line, of the command that
preprocesses the file with clang (comments kept: they carry NOLINT markers).
Usage: tidy_commands.py BUILD/compile_commands.json ROOT OUT_DIR"""
import json
import os
import re
import shlex
import sys

UNITY_INCLUDE = re.compile(r'^#include "(.+)"$')
UNITY_MARK = "// bzjira unity batch"


def sources_of(entry: dict, root: str) -> list:
    """The source files an entry compiles: its file, or those a unity batch includes (by their
    paths relative to ROOT: cmake/Unity.cmake)."""
    path = os.path.join(entry["directory"], entry["file"])
    if "/unity/" not in path:
        return [path]
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    if not lines or not lines[0].startswith(UNITY_MARK):
        return [path]
    return [os.path.join(root, m.group(1)) for m in (UNITY_INCLUDE.match(line) for line in lines) if m]


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


def write_pp(out_dir: str, name: str, directory: str, args: list) -> None:
    """OUT_DIR/pp/NAME: the directory, then the preprocessing command of `args`, one a line."""
    with open(os.path.join(out_dir, "pp", name), "w", encoding="utf-8") as f:
        f.write("\n".join([directory] + preprocess_command(args)) + "\n")


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
        unit = entry["file"]
        for source in sources_of(entry, root):
            # The batch's command with the source in place of the batch's file.
            args_of = [source if a == unit else a for a in kept]
            kept_entries.append(
                {"directory": entry["directory"], "file": source, "arguments": args_of})
            path = os.path.relpath(source, root)
            if path.split("/")[0] in ("sync", "adapters", "tests") and path not in seen:
                write_pp(out_dir, str(len(seen)), entry["directory"], args_of)
                seen.add(path)
                print(path)
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(kept_entries, f)


if __name__ == "__main__":
    main()
