/**
 * Shell snippets whose output the guest (Debian's i386 busybox on our
 * emulated PC) and the host (busybox run natively) must print identically:
 * hashing, compression, sorting, shell arithmetic, process creation, pipes,
 * and floating point through awk (x87 in the guest). Each runs in a scratch
 * directory (`/tmp` in the guest) and makes what it needs itself; stderr
 * is part of the compared output.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BusyboxCheck {
  readonly name: string;
  readonly script: string;
}

export const BUSYBOX_CHECKS: readonly BusyboxCheck[] = [
  { name: "md5sum and sha256sum of a generated file", script: "seq 1 20000 > numbers; md5sum numbers; sha256sum numbers; wc -c numbers" },
  { name: "gzip and gunzip", script: "seq 1 20000 > numbers; gzip -9 -c numbers > numbers.gz; md5sum numbers.gz; gunzip -c numbers.gz | md5sum; wc -c numbers.gz" },
  { name: "sort", script: "seq 1 4000 | sort -r | md5sum; seq 1 4000 | sort | head -3; seq 1 600 | sort -n -r | tail -2" },
  {
    name: "shell arithmetic loop",
    script: "i=0; s=0; while [ $i -lt 3000 ]; do s=$((s + i * i % 7 - (i >> 2))); i=$((i + 1)); done; echo $s",
  },
  { name: "fork and exec of many processes", script: "n=0; for i in $(seq 1 120); do /bin/true && n=$((n + 1)); done; echo $n; echo $(( $(ls / | wc -l) > 3 ))" },
  { name: "pipes", script: "seq 1 20000 | grep 7 | wc -l; seq 1 500 | tr 0-9 a-j | tail -2; yes abc | head -5000 | md5sum" },
  {
    // Debian's busybox awk has no libm functions: plain double arithmetic and printf conversions.
    name: "floating point in awk",
    script:
      "awk 'BEGIN { s = 0; p = 1; for (i = 1; i <= 3000; i++) { s += i / 7; p *= 1.0001; } printf \"%.6f %.9f %.4e\\n\", s, p, s * p * 1e20; printf \"%d %d %.3f\\n\", int(-7.5), 2147483648 + 1, -1 / 3; x = 0.1; y = 0.2; printf \"%.17g\\n\", x + y }'",
  },
];

/**
 * Runs a check on the host with `busybox sh -c` in a fresh directory whose
 * `bin/` links every applet to that busybox (as the guest's /bin does);
 * returns its stdout with a trailing newline removed.
 */
export function runCheckOnHost(busyboxPath: string, check: BusyboxCheck): { output: string; status: number } {
  const directory = mkdtempSync(join(tmpdir(), "xeno86-check-"));
  try {
    const bin = join(directory, "bin");
    mkdirSync(bin);
    const list = spawnSync(busyboxPath, ["--list"], { encoding: "utf8" });
    for (const applet of (list.stdout ?? "").split("\n").filter(Boolean)) symlinkSync(busyboxPath, join(bin, applet));
    const work = join(directory, "work");
    mkdirSync(work);
    const result = spawnSync(busyboxPath, ["sh", "-c", `{ ${check.script}\n} 2>&1`], {
      cwd: work,
      encoding: "utf8",
      env: { PATH: bin, LC_ALL: "C" },
      timeout: 60_000,
    });
    if (result.error) throw result.error;
    return { output: (result.stdout ?? "").replace(/\n$/, ""), status: result.status ?? -1 };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
