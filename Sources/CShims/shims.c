#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "shims.h"

int ehcp_rename_exchange(const char *a, const char *b) {
#ifdef RENAME_EXCHANGE
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#include <unistd.h>

long ehcp_copy_file_range(int in, long long *in_offset, int out, unsigned long length) {
#ifdef __linux__
    off64_t offset = (off64_t)*in_offset;
    ssize_t n = copy_file_range(in, &offset, out, NULL, (size_t)length, 0);
    *in_offset = (long long)offset;
    return (long)n;
#else
    errno = ENOSYS;
    return -1;
#endif
}
