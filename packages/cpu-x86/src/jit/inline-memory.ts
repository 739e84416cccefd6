/**
 * Rewrites the memory accesses of a specialised handler template into
 * inline TLB fast paths for compiled code.
 *
 * `cpu.read32(3, ea)` becomes: linear address from a local copy of the
 * segment base, one masked compare of the TLB entry against a local mask
 * that is zero when the segment needs slow checks (or, for the stack, when
 * SS is 16-bit), an alignment test, and a typed-array load; otherwise the
 * CPU's accessor (which does everything: segment checks, page walk, MMIO,
 * code pages, faults). Pushes, pops and read-modify-write operands get the
 * same treatment. The locals (`sbN`, `mrN`, `mwN`, `msr`, `msw`) are set on
 * entry to the compiled function and after every hand-written handler (the
 * only code that can change segments, CPL or the stack size mid-function).
 *
 * Reads and pops are hoisted to the start of the instruction (every
 * template reads its memory operand first and unconditionally, and a fault
 * must come before any other effect anyway); writes and pushes are replaced
 * where they stand.
 */

/** What the rewritten code needs declared: segment locals and the stack masks. */
export interface MemoryLocals {
  /** Bit n: segment n's base and masks are used. */
  segments: number;
  stack: boolean;
}

const SS = 2;

/** The closing parenthesis matching the one at `open`, and the top-level arguments. */
function callArguments(code: string, open: number): { args: string[]; end: number } | null {
  let depth = 0;
  let start = open + 1;
  const args: string[] = [];
  for (let k = open; k < code.length; k++) {
    const c = code[k];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        const last = code.slice(start, k).trim();
        if (last !== "") args.push(last);
        return { args, end: k + 1 };
      }
    } else if (c === "," && depth === 1) {
      args.push(code.slice(start, k).trim());
      start = k + 1;
    }
  }
  return null;
}

/** Code before `index` can make what follows conditional (so it must not be hoisted). */
function conditionalBefore(code: string, index: number): boolean {
  return /\bif\b|\?|&&|\|\||\bfor\b|\bwhile\b/.test(code.slice(0, index));
}

function alignTest(bytes: number, linear: string): string {
  return bytes === 1 ? "" : ` && (${linear} & ${bytes - 1}) === 0`;
}

/** The RAM element for a physical address expression. */
function ram(bytes: number, physical: string): string {
  if (bytes === 1) return `ram8[${physical}]`;
  if (bytes === 2) return `ram16[(${physical}) >>> 1]`;
  return `ram32[(${physical}) >>> 2]`;
}

const PHYSICAL = "(E_ & -4096) | (L_ & 4095)";

/**
 * Rewrites one instruction's body; returns it unchanged when it holds a
 * memory access this pass does not understand.
 */
export function inlineMemory(body: string, locals: MemoryLocals): string {
  let code = body;
  const hoisted: string[] = [];
  let serial = 0;

  // Reads through a segment: hoisted into m_N.
  for (;;) {
    const match = /cpu\.read(8|16|32)\(/.exec(code);
    if (match === null) break;
    const call = callArguments(code, match.index + match[0].length - 1);
    if (call === null || call.args.length !== 2 || !/^\d$/.test(call.args[0]) || conditionalBefore(code, match.index)) return body;
    const bytes = Number(match[1]) / 8;
    const seg = Number(call.args[0]);
    const ea = call.args[1];
    const name = `m_${serial++}`;
    locals.segments |= 1 << seg;
    hoisted.push(
      `let ${name}; L_ = (sb${seg} + ${ea}) | 0; E_ = tlb[L_ >>> 12]; ` +
        `if ((E_ & mr${seg}) !== 0${alignTest(bytes, "L_")}) ${name} = ${ram(bytes, PHYSICAL)}; else ${name} = cpu.read${match[1]}(${seg}, ${ea});`,
    );
    code = code.slice(0, match.index) + name + code.slice(call.end);
  }

  // Pops: hoisted into p_N.
  for (;;) {
    const match = /cpu\.pop(16|32)\(\)/.exec(code);
    if (match === null) break;
    if (conditionalBefore(code, match.index)) return body;
    const bytes = Number(match[1]) / 8;
    const name = `p_${serial++}`;
    locals.stack = true;
    locals.segments |= 1 << SS;
    hoisted.push(
      `let ${name}; { const s_ = r32[4]; L_ = (sb${SS} + s_) | 0; E_ = tlb[L_ >>> 12]; ` +
        `if ((E_ & msr) !== 0${alignTest(bytes, "L_")}) { ${name} = ${ram(bytes, PHYSICAL)}; r32[4] = (s_ + ${bytes}) | 0; } else ${name} = cpu.pop${match[1]}(); }`,
    );
    code = code.slice(0, match.index) + name + code.slice(match.index + match[0].length);
  }

  // Read-modify-write: the probe becomes a fast test that keeps the physical address in q_.
  const rmw = /const lin = cpu\.rmwLinear\(/.exec(code);
  if (rmw !== null) {
    const call = callArguments(code, rmw.index + rmw[0].length - 1);
    if (call === null || call.args.length !== 3 || !/^\d$/.test(call.args[0]) || !/^[124]$/.test(call.args[2]) || code[call.end] !== ";") return body;
    const seg = Number(call.args[0]);
    const ea = call.args[1];
    const bytes = Number(call.args[2]);
    locals.segments |= 1 << seg;
    const probe =
      `let lin = (sb${seg} + ${ea}) | 0; let q_ = -1; E_ = tlb[lin >>> 12]; ` +
      `if ((E_ & mw${seg}) !== 0${alignTest(bytes, "lin")}) q_ = (E_ & -4096) | (lin & 4095); else lin = cpu.rmwLinear(${seg}, ${ea}, ${bytes});`;
    code = code.slice(0, rmw.index) + probe + code.slice(call.end + 1);
    const bits = bytes * 8;
    code = code.split(`cpu.mmu.read${bits}(lin)`).join(`(q_ >= 0 ? ${ram(bytes, "q_")} : cpu.mmu.read${bits}(lin))`);
    const rmwWrites = new RegExp(`cpu\\.mmu\\.write${bits}\\(lin, `, "g");
    for (;;) {
      const write = rmwWrites.exec(code);
      if (write === null) break;
      const args = callArguments(code, write.index + write[0].indexOf("("));
      if (args === null || args.args.length !== 2 || code[args.end] !== ";") return body;
      const replacement = `{ const w_ = ${args.args[1]}; if (q_ >= 0) ${ram(bytes, "q_")} = w_; else cpu.mmu.write${bits}(lin, w_); }`;
      code = code.slice(0, write.index) + replacement + code.slice(args.end + 1);
      rmwWrites.lastIndex = write.index + replacement.length;
    }
  }

  // Writes through a segment, in place (the search goes on after each replacement, which calls the accessor itself).
  const writes = /cpu\.write(8|16|32)\(/g;
  for (;;) {
    const match = writes.exec(code);
    if (match === null) break;
    const call = callArguments(code, match.index + match[0].length - 1);
    if (call === null || call.args.length !== 3 || !/^\d$/.test(call.args[0]) || code[call.end] !== ";") return body;
    const bytes = Number(match[1]) / 8;
    const seg = Number(call.args[0]);
    const ea = call.args[1];
    locals.segments |= 1 << seg;
    const replacement =
      `{ const w_ = ${call.args[2]}; L_ = (sb${seg} + ${ea}) | 0; E_ = tlb[L_ >>> 12]; ` +
      `if ((E_ & mw${seg}) !== 0${alignTest(bytes, "L_")}) ${ram(bytes, PHYSICAL)} = w_; else cpu.write${match[1]}(${seg}, ${ea}, w_); }`;
    code = code.slice(0, match.index) + replacement + code.slice(call.end + 1);
    writes.lastIndex = match.index + replacement.length;
  }

  // Pushes, in place.
  const pushes = /cpu\.push(16|32)\(/g;
  for (;;) {
    const match = pushes.exec(code);
    if (match === null) break;
    const call = callArguments(code, match.index + match[0].length - 1);
    if (call === null || call.args.length !== 1 || code[call.end] !== ";") return body;
    const bytes = Number(match[1]) / 8;
    locals.stack = true;
    locals.segments |= 1 << SS;
    const replacement =
      `{ const w_ = ${call.args[0]}; const s_ = (r32[4] - ${bytes}) | 0; L_ = (sb${SS} + s_) | 0; E_ = tlb[L_ >>> 12]; ` +
      `if ((E_ & msw) !== 0${alignTest(bytes, "L_")}) { ${ram(bytes, PHYSICAL)} = w_; r32[4] = s_; } else cpu.push${match[1]}(w_); }`;
    code = code.slice(0, match.index) + replacement + code.slice(call.end + 1);
    pushes.lastIndex = match.index + replacement.length;
  }

  return hoisted.length === 0 ? code : `${hoisted.join("\n")}\n${code}`;
}

/** Declarations for the locals an inlined body uses (at the top of the compiled function). */
export function memoryDeclarations(locals: MemoryLocals): string {
  if (locals.segments === 0 && !locals.stack) return "";
  const names = ["L_ = 0", "E_ = 0"];
  for (let s = 0; s < 6; s++) if ((locals.segments & (1 << s)) !== 0) names.push(`sb${s} = 0`, `mr${s} = 0`, `mw${s} = 0`);
  if (locals.stack) names.push("msr = 0", "msw = 0");
  return `const tlb = cpu.mmu.tlb, ram8 = cpu.mmu.ram8, ram16 = cpu.mmu.ram16, ram32 = cpu.mmu.ram32;\nlet ${names.join(", ")};`;
}

/** Statements that (re)load the locals from the CPU's state. */
export function memoryRefresh(locals: MemoryLocals): string {
  if (locals.segments === 0 && !locals.stack) return "";
  const lines = ["{ const fr_ = cpu.mmu.fastReadBit, fw_ = cpu.mmu.fastWriteBit, sr_ = cpu.segSlowRead, sw_ = cpu.segSlowWrite;"];
  for (let s = 0; s < 6; s++) {
    if ((locals.segments & (1 << s)) === 0) continue;
    lines.push(`sb${s} = cpu.segBase[${s}]; mr${s} = (sr_ & ${1 << s}) === 0 ? fr_ : 0; mw${s} = (sw_ & ${1 << s}) === 0 ? fw_ : 0;`);
  }
  if (locals.stack) lines.push(`msr = cpu.stack32 ? mr${SS} : 0; msw = cpu.stack32 ? mw${SS} : 0;`);
  lines.push("}");
  return lines.join("\n");
}
