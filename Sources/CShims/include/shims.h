#ifndef EHCP_SHIMS_H
#define EHCP_SHIMS_H

/// Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE): how a finished
/// output folder replaces last month's in one step. Returns 0, or -1 with errno set.
int ehcp_rename_exchange(const char *a, const char *b);

/// Copies `length` bytes of `in` from `*in_offset` (advanced) to `out` at its file offset,
/// inside the kernel (Linux copy_file_range). Returns the bytes copied, or -1 with errno.
long ehcp_copy_file_range(int in, long long *in_offset, int out, unsigned long length);

#endif
