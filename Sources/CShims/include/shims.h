#ifndef EHCP_SHIMS_H
#define EHCP_SHIMS_H

/// Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE): how a finished
/// output folder replaces last month's in one step. Returns 0, or -1 with errno set.
int ehcp_rename_exchange(const char *a, const char *b);

#endif
