#!/usr/bin/env bash
# Reassembles the bare-metal kernels (flat binaries loaded at 0000:7C00).
# NASM comes from scripts/tools/ensure-nasm.mjs (PATH, or Debian's package in .cache/tools).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nasm="$(node "$here/../../scripts/tools/ensure-nasm.mjs")"
cd "$here"
for source in *.asm; do
  "$nasm" -f bin -o "${source%.asm}.bin" "$source"
done
