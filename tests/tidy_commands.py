#!/usr/bin/env python3
"""For tests/check_tidy.sh: the clang-tidy runs that check the project's source files.
Reads BUILD/compile_commands.json; writes OUT_DIR/compile_commands.json without GCC's precompiled
header (clang cannot read a .gch; every file includes what it uses, the PCH only speeds GCC up).

A unity batch (cmake/Unity.cmake) is checked as the one translation unit the build compiles: a
copy of the batch, OUT_DIR/unity/NAME.cpp, whose #include lines carry NOLINT(bugprone-suspicious-
include) (including .cpp files is what a batch is for), is checked with the configuration its
files get on their own (clang-tidy takes the configuration of the main file, which for the batch
in the build directory would be the top-level .clang-tidy only: tests/.clang-tidy would be
ignored) and with its files added to the header filter (so their findings are reported: alone,
each would be the main file, always reported). Checking a batch reports what checking each of its
files alone reports except for the few checks whose verdict on one declaration depends on the rest
of the translation unit (CONTEXT_CHECKS: another file of the batch can define, use or redeclare
what a file only declares, and silence a finding), so those are also run on each file alone; that
costs little more than parsing the file. A batch of one file, or whose files are not configured
alike, is checked file by file, as are the files the build does not batch.
With --per-file, every file is checked alone with every check (the way before batches were
checked as one; for comparing the two).

Prints one run a line: N, its kind, the file clang-tidy is given, and the project files it checks
(paths relative to ROOT, separated by spaces), separated by tabs. Kinds: "file" (every check, on
the file alone), "batch" (every check, on the copy of a batch), "context" (CONTEXT_CHECKS only, on
a file of a batch alone). For each run it writes OUT_DIR/args/N, the run's clang-tidy arguments
besides -p and the file (one a line), and, for the result cache of check_tidy.sh, OUT_DIR/pp/N:
the directory to run in, then one argument per line, of the command that preprocesses the run's
file with clang (comments kept: they carry NOLINT markers).
Usage: tidy_commands.py BUILD/compile_commands.json ROOT OUT_DIR CLANG_TIDY [--per-file]"""
import json
import os
import re
import shlex
import subprocess
import sys

UNITY_INCLUDE = re.compile(r'^#include "(.+)"$')
UNITY_MARK = "// bzjira unity batch"
# The enabled checks whose verdict on a declaration depends on other code of the translation
# unit in a way more code can only silence (clang-tidy 14):
#   bugprone-forward-declaration-namespace  skips a forward declaration once the translation unit
#                                           defines or references the class (hasDefinition(),
#                                           isReferenced(): any redeclaration)
#   modernize-use-equals-delete             skips a private special member with a body anywhere in
#                                           the translation unit (hasAnyBody: any redeclaration)
#   bugprone-argument-comment               compares /*name=*/ comments with the parameter names
#                                           of the callee's first declaration in the unit
CONTEXT_CHECKS = ("bugprone-argument-comment", "bugprone-forward-declaration-namespace",
                  "modernize-use-equals-delete")


def batch_sources(entry: dict, root: str) -> list:
    """The sources a unity batch (cmake/Unity.cmake) includes, by their paths relative to ROOT,
    or [] when the entry is not a batch."""
    path = os.path.join(entry["directory"], entry["file"])
    if "/unity/" not in path:
        return []
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    if not lines or not lines[0].startswith(UNITY_MARK):
        return []
    return [m.group(1) for m in (UNITY_INCLUDE.match(line) for line in lines) if m]


def mine(rel: str) -> bool:
    """Whether a path relative to ROOT is one of the project's own files to check."""
    return rel.split("/")[0] in ("sync", "adapters", "tests")


def without_pch(args: list) -> list:
    """The compile command without GCC's force-included precompiled header."""
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
    return kept


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


def config_chain(path: str) -> tuple:
    """The .clang-tidy files clang-tidy may read for a file at `path`: files with the same chain
    get the same configuration."""
    chain, d = [], os.path.dirname(path)
    while True:
        candidate = os.path.join(d, ".clang-tidy")
        if os.path.isfile(candidate):
            chain.append(candidate)
        parent = os.path.dirname(d)
        if parent == d:
            return tuple(chain)
        d = parent


def tidy_output(tidy: str, *args: str) -> str:
    """clang-tidy's standard output for `args` (no compilation database needed: `--`)."""
    return subprocess.run([tidy, *args, "--"], check=True, capture_output=True, text=True).stdout


def header_filter_of(config: str) -> str:
    """The HeaderFilterRegex of a configuration as clang-tidy --dump-config prints it."""
    for line in config.splitlines():
        if line.startswith("HeaderFilterRegex:"):
            value = line.split(":", 1)[1].strip()
            if value.startswith("'"):
                return value[1:-1].replace("''", "'")
            if value.startswith('"'):
                return json.loads(value)
            return value
    return ""


class Runs:
    """The runs, numbered in the order they are added, with their files in OUT_DIR."""

    def __init__(self, out_dir: str, root: str):
        self.out_dir, self.root, self.count = out_dir, root, 0
        for sub in ("pp", "args", "unity", "config"):
            os.makedirs(os.path.join(out_dir, sub), exist_ok=True)

    def add(self, kind: str, path: str, members: list, directory: str, args: list,
            tidy_args: list) -> None:
        n = str(self.count)
        self.count += 1
        with open(os.path.join(self.out_dir, "pp", n), "w", encoding="utf-8") as f:
            f.write("\n".join([directory] + preprocess_command(args)) + "\n")
        with open(os.path.join(self.out_dir, "args", n), "w", encoding="utf-8") as f:
            f.write("".join(a + "\n" for a in tidy_args))
        shown = path if path.startswith(self.out_dir) else os.path.relpath(path, self.root)
        print("\t".join([n, kind, shown, " ".join(members)]))


def main() -> None:
    source, root, out_dir, tidy = sys.argv[1:5]
    per_file = "--per-file" in sys.argv[5:]
    with open(source, encoding="utf-8") as f:
        entries = json.load(f)
    runs = Runs(out_dir, root)
    db_entries, seen = [], set()
    configs, context_checks = {}, {}
    batches = []  # (entry, its command, its sources relative to ROOT)
    for entry in entries:
        args = without_pch(entry["arguments"] if "arguments" in entry else shlex.split(entry["command"]))
        unit, directory = entry["file"], entry["directory"]
        sources = batch_sources(entry, root)
        for rel in sources or [os.path.relpath(os.path.join(directory, unit), root)]:
            # Each file alone, with the command of its batch (if any) in place of the batch's file.
            path = os.path.join(root, rel)
            db_entries.append({"directory": directory, "file": path,
                               "arguments": [path if a == unit else a for a in args]})
        if sources:
            batches.append((entry, args, sources))
    alone = []  # files checked alone with every check: (path relative to ROOT, db entry)
    for e in db_entries:
        rel = os.path.relpath(e["file"], root)
        if mine(rel) and rel not in seen:
            seen.add(rel)
            alone.append((rel, e))
    batched = {}
    if not per_file:
        for entry, args, sources in batches:
            sources = [s for s in sources if mine(s)]
            chains = {config_chain(os.path.join(root, s)) for s in sources}
            if len(sources) < 2 or len(chains) != 1:
                continue  # checked file by file
            chain = chains.pop()
            if chain not in configs:
                configs[chain] = os.path.join(out_dir, "config", f"{len(configs)}.yaml")
                with open(configs[chain], "w", encoding="utf-8") as f:
                    f.write(tidy_output(tidy, "--dump-config", os.path.join(root, sources[0])))
                enabled = tidy_output(tidy, "--list-checks", os.path.join(root, sources[0])).split()
                context_checks[chain] = [c for c in CONTEXT_CHECKS if c in enabled]
            name = os.path.basename(entry["file"])
            copy = os.path.join(out_dir, "unity", name)
            with open(copy, "w", encoding="utf-8") as f:
                f.write(f"{UNITY_MARK} (tests/tidy_commands.py: a copy of {name})\n")
                f.writelines(f'#include "{s}"  // NOLINT(bugprone-suspicious-include)\n'
                             for s in sources)
            batch_args = [copy if a == entry["file"] else a for a in args]
            db_entries.append({"directory": entry["directory"], "file": copy, "arguments": batch_args})
            with open(configs[chain], encoding="utf-8") as f:
                own = header_filter_of(f.read())
            members = "|".join(re.sub(r"([.^$|()\[\]{}*+?\\])", r"\\\1", s) for s in sources)
            header_filter = f"({own})|(^|/)({members})$" if own else f"(^|/)({members})$"
            runs.add("batch", copy, sources, entry["directory"], batch_args,
                     [f"--config-file={configs[chain]}", f"--header-filter={header_filter}"])
            for s in sources:
                batched[s] = context_checks[chain]
    for rel, e in alone:
        if rel not in batched:
            runs.add("file", e["file"], [rel], e["directory"], e["arguments"], [])
        elif batched[rel]:
            runs.add("context", e["file"], [rel], e["directory"], e["arguments"],
                     ["--checks=-*," + ",".join(batched[rel])])
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(db_entries, f)


if __name__ == "__main__":
    main()
