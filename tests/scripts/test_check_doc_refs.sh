#!/usr/bin/env bash
# tools/check-doc-refs.sh on a small tree made here: it passes citations of files and sections
# that exist (lists and ranges included) and fails, naming file and line, on a missing file, a
# missing section, a section sign with no file, and a document's reference to its own missing
# section.
set -uo pipefail
checker=${1:?usage: $0 <path to tools/check-doc-refs.sh>}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect <description> <command...>
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

mkdir -p "$work/docs" "$work/src"
# \043 is the hash sign: written so, this line is not a comment to the checker running on the tree.
printf '\043 Guide\n\n\043\043 1. One\n\n\043\043\043 1.2 Sub\n\n\043\043 2. Two\n\nSee \302\2471.2 and \302\2472.\n' \
    > "$work/docs/guide.md"
cat > "$work/src/good.h" <<'EOF'
// Follows docs/guide.md §1.2; also docs/guide.md §1-2 and docs/guide.md §1.2, §2 and §1.
// A reference broken over two comment lines, as a formatter may leave it: docs/guide.md
// §2 and §1.2.
// A file name in code outside a comment is data, not a citation:
const char* name = "notes.md";
EOF
bash "$checker" "$work" > "$work/good.out" 2>&1
expect "a tree whose citations all exist passes" [ $? -eq 0 ]

cat > "$work/src/bad.h" <<'EOF'
// Cites docs/guide.md §3, which the guide does not have.
// Cites docs/gone.md, which does not exist.
// A section with no document: §1.
// Broken over two lines, still checked: docs/guide.md
// §7.
EOF
printf 'Back to §9.\n' >> "$work/docs/guide.md"
bash "$checker" "$work" > "$work/bad.out" 2>&1
expect "a broken tree fails" [ $? -ne 0 ]
expect "names the missing section" grep -q "src/bad.h:1: docs/guide.md has no section 3" "$work/bad.out"
expect "names the missing file" grep -q "src/bad.h:2: cites docs/gone.md" "$work/bad.out"
expect "names the section without a document" grep -q "src/bad.h:3: a section reference" "$work/bad.out"
expect "names the document's own missing section" grep -q "docs/guide.md:10: no section 9 here" "$work/bad.out"
expect "checks sections continued on the next line" grep -q "src/bad.h:5: docs/guide.md has no section 7" "$work/bad.out"
expect "counts exactly those five" grep -q "^5 broken document reference" "$work/bad.out"

if [ "$failures" -gt 0 ]; then
    echo "--- checker output (good):"; cat "$work/good.out"
    echo "--- checker output (bad):"; cat "$work/bad.out"
    exit 1
fi
echo "check-doc-refs.sh: all checks passed"
