/**
 * The identities Linux expects on bus 0 of a PC: an Intel 440FX host bridge
 * (82441FX PMC, 8086:1237, class 06/00) at 00:00.0 and a PIIX3 PCI-to-ISA
 * bridge (82371SB function 0, 8086:7000, class 06/01) at 00:01.0. They carry
 * no behaviour beyond their configuration space: chipset registers are
 * plain read/write bytes (Linux's quirks for these parts read and write a
 * few of them), and the PIIX3's PIRQ route control registers (0x60-0x63)
 * hold the IRQs the host bridge routes PIRQ A-D to, as a BIOS would leave
 * them.
 */
import { PciFunction } from "./pci-function";

export const INTEL_VENDOR_ID = 0x8086;

export class I440fxHostBridge extends PciFunction {
  constructor() {
    super({ vendorId: INTEL_VENDOR_ID, deviceId: 0x1237, classCode: 0x060000, revision: 0x02, commandMask: 0x0006 });
    this.set16(0x04, 0x0006); // memory space and bus master, as after POST
    // PMCCFG, DRAM control, PAM and DRB registers and the rest of the device-specific space.
    for (let i = 0x40; i < 0x100; i++) this.writeMask[i] = 0xff;
  }
}

export class Piix3IsaBridge extends PciFunction {
  constructor(pirqIrqs: readonly [number, number, number, number] = [10, 11, 5, 9]) {
    super({ vendorId: INTEL_VENDOR_ID, deviceId: 0x7000, classCode: 0x060100, multifunction: true, commandMask: 0x0007 });
    this.set16(0x04, 0x0007);
    for (let i = 0x40; i < 0x100; i++) this.writeMask[i] = 0xff;
    for (let i = 0; i < 4; i++) this.config[0x60 + i] = pirqIrqs[i]! & 0x0f; // PIRQRC[A-D]: routed, bit 7 clear
    this.config[0x69] = 0x02; // top of memory (reset value)
    this.config[0x70] = 0x80; // MBIRQ0 disabled
    this.config[0x71] = 0x80;
    this.config[0x76] = 0x0c; // MBDMA disabled
    this.config[0x77] = 0x0c;
    this.config[0x80] = 0x00;
    this.config[0x82] = 0x00; // DLC (Linux's passive-release quirk sets bits here)
    this.config[0xa0] = 0x08; // SMI control
  }
}

/** Plugs the host bridge at 00:00.0 and the ISA bridge at 00:01.0 into `host`. */
export function plugChipset(host: { plug(device: PciFunction, slot: number, fn?: number): unknown; readonly pirqIrqs: readonly [number, number, number, number] }): {
  hostBridge: I440fxHostBridge;
  isaBridge: Piix3IsaBridge;
} {
  const hostBridge = new I440fxHostBridge();
  const isaBridge = new Piix3IsaBridge(host.pirqIrqs);
  host.plug(hostBridge, 0, 0);
  host.plug(isaBridge, 1, 0);
  return { hostBridge, isaBridge };
}
