#pragma once

/// Swaps the entries at `first` and `second` in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`, called through `syscall`, for C libraries without its wrapper).
/// Returns 0, or -1 with `errno` set (EINVAL or ENOSYS where the file system or kernel
/// cannot exchange).
int tracereport_exchange(const char *first, const char *second);
