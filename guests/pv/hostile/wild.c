/*
 * A hostile guest that scribbles: it writes through every mapping it has,
 * then jumps into the hypervisor's area, which must kill only it.
 */
#include "guest.h"
XENO86_GUEST("hostile-wild");

int main(void) {
  /* Reading the machine-to-physical table is allowed; writing it is not (no handler: killed). */
  volatile ulong first = M2P[0];
  (void)first;
  print("expect-kill: a write to the read-only machine-to-physical table\n");
  *(volatile ulong *)MACHINE_TO_PHYS_VIRT = 0;
  test_failure("wrote to the machine-to-physical table");
}
