#!/bin/sh
# Command task: counts rows per species from the upstream JSON value and writes a report file.
set -eu
echo "reading $CAIRN_IN_rows"
grep -o '"species":"[a-z]*"' "$CAIRN_IN_rows" | sort | uniq -c > "$CAIRN_OUT/species-counts.txt"
cat "$CAIRN_OUT/species-counts.txt"
