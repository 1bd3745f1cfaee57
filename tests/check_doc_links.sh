#!/usr/bin/env bash
# Fails when a citation of the project's docs points at a section that does not exist: every
# "docs/<name>.md#<anchor>" in the tracked files (code comments, scripts, Markdown) and every
# "(<name>.md#<anchor>)" or "(#<anchor>)" link inside docs/*.md must name a heading of that file.
# Anchors are GitHub's heading slugs: lower case, spaces to '-', other punctuation dropped.
#   usage: tests/check_doc_links.sh   (from anywhere in the repository)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

# The slugs of a Markdown file's headings (outside fenced code blocks), one per line.
slugs() {
  awk '/^```/ { fence = !fence; next } !fence && /^##* / { sub(/^##* */, ""); print }' "$1" |
    tr '[:upper:]' '[:lower:]' | sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'
}

failed=0
check() {  # file that cites, target file, anchor
  if [ ! -f "$2" ]; then
    echo "$1: cites $2#$3, but $2 does not exist"
    failed=1
  elif ! slugs "$2" | grep -qxF -- "$3"; then
    echo "$1: cites $2#$3, but $2 has no heading with that anchor"
    failed=1
  fi
}

# Citations anywhere in the repository: docs/<name>.md#<anchor>.
while IFS=: read -r file _ match; do
  target=${match%%#*}
  check "$file" "$target" "${match#*#}"
done < <(git grep -noE 'docs/[a-z0-9_.-]+\.md#[a-z0-9_-]+' 2>/dev/null)

# Links inside docs/: (<name>.md#<anchor>) and (#<anchor>).
for doc in docs/*.md; do
  while IFS=: read -r _ match; do
    link=${match#(}
    link=${link%)}
    if [ "${link#\#}" != "$link" ]; then
      check "$doc" "$doc" "${link#\#}"
    else
      check "$doc" "docs/${link%%#*}" "${link#*#}"
    fi
  done < <(grep -noE '\((#|[a-z0-9_.-]+\.md#)[a-z0-9_-]+\)' "$doc")
done

if [ "$failed" -eq 0 ]; then
  echo "doc links ok"
fi
exit "$failed"
