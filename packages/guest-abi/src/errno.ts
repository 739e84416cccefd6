/**
 * Errors: hypercalls return the negative of these (Linux i386 errno
 * values, xen-reference A.1).
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ENOSYS: 38,
} as const;

export type ErrnoName = keyof typeof Errno;
