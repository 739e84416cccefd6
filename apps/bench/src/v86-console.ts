/**
 * The v86 emulator (npm package `v86`, in Node) as a `SerialConsole`, for
 * running the same Linux workload on a peer in the same process. v86 needs
 * a BIOS: Debian's `seabios` package provides bios.bin and vgabios-stdvga.bin.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { SerialConsole } from "@xeno86/cli";

export interface V86Images {
  kernel: string;
  initramfs: string;
  bios: string;
  vgaBios: string;
}

function arrayBuffer(path: string): ArrayBuffer {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

interface V86Instance {
  add_listener(event: "serial0-output-byte", listener: (byte: number) => void): void;
  serial0_send(text: string): void;
  destroy(): Promise<void> | void;
}

export class V86Console implements SerialConsole {
  private text = "";
  private pending: number[] = [];
  private constructor(private readonly emulator: V86Instance) {
    emulator.add_listener("serial0-output-byte", (byte) => this.pending.push(byte));
  }

  static async start(images: V86Images, commandLine: string, memoryMiB: number): Promise<V86Console> {
    const require = createRequire(import.meta.url);
    const packageDirectory = dirname(require.resolve("v86/package.json"));
    const { V86 } = (await import(join(packageDirectory, "build", "libv86.mjs"))) as { V86: new (options: object) => V86Instance };
    const emulator = new V86({
      wasm_path: join(packageDirectory, "build", "v86.wasm"),
      memory_size: memoryMiB * 1024 * 1024,
      vga_memory_size: 8 * 1024 * 1024,
      bios: { buffer: arrayBuffer(images.bios) },
      vga_bios: { buffer: arrayBuffer(images.vgaBios) },
      bzimage: { buffer: arrayBuffer(images.kernel) },
      initrd: { buffer: arrayBuffer(images.initramfs) },
      cmdline: commandLine,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
    });
    return new V86Console(emulator);
  }

  get output(): string {
    if (this.pending.length > 0) {
      this.text += Buffer.from(this.pending).toString("latin1");
      this.pending = [];
    }
    return this.text;
  }

  send(text: string): void {
    this.emulator.serial0_send(text);
  }

  /** v86 runs on the event loop: give it a moment. */
  async advance(): Promise<string | null> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return null;
  }

  async stop(): Promise<void> {
    await this.emulator.destroy();
  }
}
