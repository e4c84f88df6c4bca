#ifndef EHCP_SHIMS_H
#define EHCP_SHIMS_H

/// Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE): how a finished
/// output folder replaces last month's in one step. Returns 0, or -1 with errno set.
int ehcp_rename_exchange(const char *a, const char *b);

/// Frees the storage of bytes [offset, offset + length) of a file, keeping its size
/// (Linux fallocate with FALLOC_FL_PUNCH_HOLE): a temporary file read for the last time
/// gives its pages back as it is read. Returns 0, or -1 with errno set.
int ehcp_punch_hole(int fd, long long offset, long long length);

#endif
