/* console_write: ordinary lines, a zero count, a NUL inside, more than 256 bytes, a bad pointer. */
#include "guest.h"
XENO86_GUEST("test-console");

int main(void) {
  EXPECT_EQ(HYPERVISOR_console_write("console: one line\n", 18), 0, "console_write");
  EXPECT_EQ(HYPERVISOR_console_write((const char *)1, 0), 0, "a zero count reads nothing");
  EXPECT_EQ(HYPERVISOR_console_write("console: stops at NUL\n\0not this\n", 33), 0, "console_write with NUL");
  char long_line[300];
  memset(long_line, 'x', sizeof long_line);
  memcpy(long_line, "console: long ", 14);
  long_line[299] = '\n';
  EXPECT_EQ(HYPERVISOR_console_write(long_line, sizeof long_line), 0, "a long write is cut to 256 bytes");
  print("\n");
  EXPECT_EQ(HYPERVISOR_console_write((const char *)0x1000, 10), -XEN_EFAULT, "an unmapped buffer");
  EXPECT_EQ(HYPERVISOR_console_write((const char *)HYPERVISOR_VIRT_START, 10), -XEN_EFAULT, "the hypervisor's area");
  printf("console: printf %d %u %x %s %c\n", -42, 42u, 0xbeefu, "ok", '!');
  return 0;
}
