#ifndef EHCP_SHIMS_H
#define EHCP_SHIMS_H

/// Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE): how a finished
/// output folder replaces last month's in one step. Returns 0, or -1 with errno set.
int ehcp_rename_exchange(const char *a, const char *b);

/// Frees the storage of bytes [offset, offset + length) of a file, keeping its size
/// (Linux fallocate with FALLOC_FL_PUNCH_HOLE): a temporary file read for the last time
/// gives its pages back as it is read. Returns 0, or -1 with errno set.
int ehcp_punch_hole(int fd, long long offset, long long length);

/// Gives the memory freed so far back to the system (glibc's malloc_trim): freed chunks
/// between live ones otherwise stay resident. Does nothing outside glibc.
void ehcp_return_freed_memory(void);

#endif
