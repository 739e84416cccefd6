#!/bin/sh
# Runs one assembled program under QEMU, as a reference to compare with (never
# used by the tests). The program is wrapped in a 64 KiB BIOS ROM whose reset
# code copies it to 0000:7C00 and jumps there, so it starts exactly as in the
# rig. Prints the values reported on port 0xE9 (hex, one per line) and QEMU's
# exit status (isa-debug-exit at 0xF4 exits with status*2+1).
#   usage: run-in-qemu.sh NAME   (needs qemu-system-i386 and nasm)
# With NASM_DEFINES set (e.g. "-DQEMU"), the program is assembled afresh with
# them, for the few checks that QEMU cannot survive.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
name="$1"
NASM="${NASM:-$(node "$here/../../../../scripts/tools/ensure-nasm.mjs")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/rom.asm" <<'ROM'
bits 16
org 0
program:
    incbin PROGRAM
program_end:
    times 0xff00 - ($ - $$) db 0xff
copy:
    cli
    cld
    xor ax, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    mov ax, 0xf000
    mov ds, ax
    xor si, si
    mov di, 0x7c00
    mov cx, program_end - program
    rep movsb
    xor ax, ax
    mov ds, ax
    jmp 0:0x7c00
    times 0xfff0 - ($ - $$) db 0xff
    jmp 0xf000:copy
    times 0x10000 - ($ - $$) db 0xff
ROM
binary="$here/$name.bin"
if [ -n "${NASM_DEFINES:-}" ]; then
  binary="$work/$name.bin"
  (cd "$here" && "$NASM" -f bin $NASM_DEFINES -o "$binary" "$name.asm")
fi
"$NASM" -f bin -DPROGRAM="\"$binary\"" -o "$work/rom.bin" "$work/rom.asm"
set +e
timeout 20 qemu-system-i386 -cpu pentium2 -m 32 -display none -no-reboot -bios "$work/rom.bin" \
  -chardev file,id=dbg,path="$work/out.bin" -device isa-debugcon,iobase=0xe9,chardev=dbg \
  -device isa-debug-exit,iobase=0xf4,iosize=4 ${QEMU_EXTRA:-} </dev/null >"$work/qemu.log" 2>&1
status=$?
set -e
od -An -v -tx4 -w4 "$work/out.bin" | sed 's/^ */0x/'
echo "qemu exit: $status"
