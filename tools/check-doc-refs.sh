#!/usr/bin/env bash
# Fails when the source tree cites a document that is not in the repository, or a section that the
# document does not have (the `doc_references` test). What counts as a citation:
#   - a file name ending in .md, then the section sign and a number, with lists and ranges after
#     it (2-3; 4.4-4.5, 4.9; 2 and 5, each number with or without its own section sign). Each
#     number must be a numbered heading of the file ("## 4. ...", "### 4.5 ...").
#     A comment line may end with the file name and the next comment line start with its sections.
#   - a section sign and a number alone in a document: a section of that document itself. In any
#     other file it fails, because it does not say which document it means.
#   - any `<name>.md` in a document or in a comment (//, /* */, #, a Python docstring): the file
#     must exist, as written from the repository root or from the citing file's folder. URLs,
#     absolute paths and globs are not citations.
# Usage: tools/check-doc-refs.sh [repository root]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    list_files() { git ls-files --cached --others --exclude-standard; }
else
    list_files() { find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||'; }
fi
mapfile -t files < <(list_files | grep -E '(\.(md|h|hpp|c|cpp|cu|cuh|qml|js|py|sh|cmake|in)|CMakeLists\.txt|\.clang-format)$' |
    while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done)

awk '
function exists(path,    line, r) {
    r = (getline line < path)
    if (r >= 0) close(path)
    return r >= 0
}
function dir_of(path) {
    if (path !~ /\//) return ""
    sub(/\/[^\/]*$/, "", path)
    return path "/"
}
# Loads the numbered headings of `doc` into sections[doc, N] once.
function load_sections(doc,    line, number) {
    if (doc in loaded) return
    loaded[doc] = 1
    while ((getline line < doc) > 0) {
        if (line ~ /^#+[ \t]+[0-9]+(\.[0-9]+)*([. \t]|$)/) {
            number = line
            sub(/^#+[ \t]+/, "", number)
            match(number, /^[0-9]+(\.[0-9]+)*/)
            sections[doc, substr(number, 1, RLENGTH)] = 1
        }
    }
    close(doc)
}
function fail_at(file, line, message) {
    printf "%s:%d: %s\n", file, line, message
    failures++
}
function fail(message) {
    fail_at(FILENAME, FNR, message)
}
# Checks every section number of `list` (e.g. 4.4-4.5, 4.9 after section signs) against `doc`. A document citing
# itself is checked once it has been read (reading it again while awk reads it would not work).
function check_sections(doc, shown, list,    rest, number) {
    if (doc == FILENAME) {
        pending_list[++pending] = list
        pending_line[pending] = FNR
        return
    }
    load_sections(doc)
    rest = list
    while (match(rest, /[0-9]+(\.[0-9]+)*/)) {
        number = substr(rest, RSTART, RLENGTH)
        rest = substr(rest, RSTART + RLENGTH)
        if (!((doc, number) in sections)) fail(shown " has no section " number)
    }
}
# The self-citations of the document just read, against the headings it had.
function check_pending(file,    i, rest, number) {
    for (i = 1; i <= pending; i++) {
        rest = pending_list[i]
        while (match(rest, /[0-9]+(\.[0-9]+)*/)) {
            number = substr(rest, RSTART, RLENGTH)
            rest = substr(rest, RSTART + RLENGTH)
            if (!((file, number) in own)) fail_at(file, pending_line[i], "no section " number " here")
        }
    }
    pending = 0
}
BEGIN {
    section_list = "^[ \t]*§[ \t]*[0-9]+(\\.[0-9]+)*([ \t]*(,|-|–|and)[ \t]*(§)?[ \t]*[0-9]+(\\.[0-9]+)*)*"
}
FNR == 1 {
    carry_doc = ""
    if (previous != "") check_pending(previous)
    previous = FILENAME
    is_doc = FILENAME ~ /\.md$/
    c_family = FILENAME ~ /\.(h|hpp|c|cpp|cu|cuh|qml|js)$/
    in_docstring = 0
}
{
    line = $0
    text = ""
    if (is_doc) {
        text = line
        if (line ~ /^#+[ \t]+[0-9]+(\.[0-9]+)*([. \t]|$)/) {
            number = line
            sub(/^#+[ \t]+/, "", number)
            match(number, /^[0-9]+(\.[0-9]+)*/)
            own[FILENAME, substr(number, 1, RLENGTH)] = 1
        }
    } else if (c_family) {
        if (index(line, "//")) text = substr(line, index(line, "//"))
        else if (line ~ /^[ \t]*(\/\*|\*)/) text = line
    } else {
        if (FILENAME ~ /\.py$/) {
            quotes = gsub(/"""/, "\"\"\"", line)
            if (in_docstring || quotes > 0) text = line
            if (quotes % 2 == 1) in_docstring = !in_docstring
        }
        if (text == "" && index(line, "#")) text = substr(line, index(line, "#"))
    }
    # Sections continued from a file name that ended the previous comment line.
    if (carry_doc != "" && text != "") {
        rest = text
        sub(/^[ \t]*(\/\/+|#+|\*|\"\"\")?[ \t]*\(?/, "", rest)
        if (match(rest, section_list)) {
            list = substr(rest, RSTART, RLENGTH)
            text = substr(rest, RSTART + RLENGTH)
            check_sections(carry_doc, carry_name, list)
        }
    }
    carry_doc = ""
    scan = text
    while (match(scan, /[A-Za-z0-9_.\/-]*[A-Za-z0-9_-]\.md/)) {
        name = substr(scan, RSTART, RLENGTH)
        before = RSTART > 1 ? substr(scan, RSTART - 1, 1) : ""
        scan = substr(scan, RSTART + RLENGTH)
        if (before == "*" || before == ":" || name ~ /^\// || substr(scan, 1, 1) == "*") continue
        if (exists(name)) doc = name
        else if (exists(dir_of(FILENAME) name)) doc = dir_of(FILENAME) name
        else {
            fail("cites " name ", which is not in the repository")
            sub(section_list, "", scan)
            continue
        }
        if (match(scan, section_list)) {
            list = substr(scan, RSTART, RLENGTH)
            scan = substr(scan, RSTART + RLENGTH)
            check_sections(doc, name, list)
        } else if (scan ~ /^[ \t]*$/) {
            carry_doc = doc
            carry_name = name
        }
    }
    # What is left with a § in it cites no file.
    bare = text
    gsub(/[A-Za-z0-9_.\/-]*[A-Za-z0-9_-]\.md[ \t]*§[ \t]*[0-9]+(\.[0-9]+)*([ \t]*(,|-|–|and)[ \t]*(§)?[ \t]*[0-9]+(\.[0-9]+)*)*/, "", bare)
    if (bare ~ /§[ \t]*[0-9]/) {
        if (is_doc) {
            while (match(bare, /§[ \t]*[0-9]+(\.[0-9]+)*([ \t]*(,|-|–|and)[ \t]*(§)?[ \t]*[0-9]+(\.[0-9]+)*)*/)) {
                list = substr(bare, RSTART, RLENGTH)
                bare = substr(bare, RSTART + RLENGTH)
                check_sections(FILENAME, "this document", list)
            }
        } else {
            fail("a section reference (§) that names no document: cite it as docs/<file>.md §N")
        }
    }
}
END {
    if (previous != "") check_pending(previous)
    if (failures) {
        printf "%d broken document reference(s)\n", failures
        exit 1
    }
    print "document references ok"
}
' "${files[@]}"
