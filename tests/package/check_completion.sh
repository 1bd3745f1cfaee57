#!/usr/bin/env bash
# Checks the bash completion of bzjira (deploy/completion/bzjira) against a bzjira binary: the
# words offered for a command, an option, an option's value (mapping files, choices), the forms
# "--opt value" and "--opt=value", and that a binary without the hidden `help --complete` gives no
# words (rather than garbage). Usage: check_completion.sh BZJIRA_BINARY COMPLETION_FILE
set -euo pipefail
binary=${1:?usage: check_completion.sh BZJIRA_BINARY COMPLETION_FILE}
completion=${2:?usage: check_completion.sh BZJIRA_BINARY COMPLETION_FILE}
[ -x "$binary" ] || { echo "FAIL: $binary is not an executable"; exit 1; }
[ -f "$completion" ] || { echo "FAIL: $completion is missing"; exit 1; }
binary=$(realpath "$binary")
completion=$(realpath "$completion")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/my-ca.json" "$work/other.json" "$work/notes.txt"
mkdir "$work/sub"

# The words offered for the command line "$1" with the cursor at its end, sorted, one a line.
# COMP_WORDS is split the way bash splits it (at blanks and at "=").
offered() {
  (
    cd "$work"
    # shellcheck source=/dev/null
    . "$completion"
    local line=$1
    read -r -a COMP_WORDS <<<"${line//=/ = }"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_WORDS[0]=$binary
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _bzjira
    printf '%s\n' "${COMPREPLY[@]}" | sort
  )
}

failures=0
expect() {  # expect "COMMAND LINE" "WORDS SEPARATED BY SPACES"
  local got want
  got=$(offered "$1" | tr '\n' ' ' | sed 's/ $//')
  want=$2
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$1' offered [$got], expected [$want]"
    failures=$((failures + 1))
  else
    echo "ok   '$1' -> $want"
  fi
}
contains() {  # contains "COMMAND LINE" WORD...
  local line=$1 got w
  shift
  got=" $(offered "$line" | tr '\n' ' ') "
  for w in "$@"; do
    if [[ $got != *" $w "* ]]; then
      echo "FAIL: '$line' did not offer $w (offered:$got)"
      failures=$((failures + 1))
      return
    fi
  done
  echo "ok   '$line' offers $*"
}

expect "bzjira sn" "snapshot"
contains "bzjira " init sync status audit check snapshot help --help --version
expect "bzjira help st" "status"
expect "bzjira sync --dr" "--dry-run"
contains "bzjira init --" --bugzilla --ca --jira --jira-project --yes --force --ca-account
contains "bzjira sync -c " my-ca.json other.json sub
# Only mapping files and directories: notes.txt is not offered.
expect "bzjira sync -c no" ""
expect "bzjira sync --config my" "my-ca.json"
expect "bzjira sync --config=my" "my-ca.json"
expect "bzjira audit -c my-ca.json --format " "csv json markdown text"
expect "bzjira status --format=j" "json"
expect "bzjira sync --log-level w" "warning"
expect "bzjira init --jira-flavor d" "datacenter"
expect "bzjira snapshot -o no" "notes.txt"
expect "bzjira sync --now " ""
# A binary that does not know `help --complete` (an older one) offers nothing, not its errors.
printf '#!/bin/sh\necho "unknown command" >&2\nexit 2\n' >"$work/old-bzjira"
chmod +x "$work/old-bzjira"
binary="$work/old-bzjira" expect "bzjira sy" ""

if [ "$failures" -gt 0 ]; then
  echo "FAIL: $failures completion checks failed"
  exit 1
fi
echo "completion ok"
