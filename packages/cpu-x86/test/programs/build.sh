#!/bin/sh
# Assembles every program here (binary and symbol map), as the freshness test does.
set -e
cd "$(dirname "$0")"
NASM="${NASM:-$(node ../../../../scripts/tools/ensure-nasm.mjs)}"
for source in *.asm; do
  name="${source%.asm}"
  "$NASM" -f bin -o "$name.bin" --before "[map symbols $name.map]" "$source"
done
