#define _POSIX_C_SOURCE 200809L
#include "support/file_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

spm_status_t spm_file_read(const char *path, spm_strbuf_t *out) {
  FILE *f = stdin;
  if (strcmp(path, "-") != 0) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return spm_status_make(SPM_STATUS_IO_ERROR,
                             "cannot read '%s': is a directory", path);
    f = fopen(path, "rb");
    if (!f)
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot open '%s': %s",
                             path, strerror(errno));
  }
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    spm_strbuf_append(out, chunk, n);
  int failed = ferror(f);
  int err = errno;
  if (f != stdin)
    fclose(f);
  if (failed)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot read '%s': %s", path,
                           strerror(err));
  spm_strbuf_append(out, "", 0); // ensure NUL termination of empty input
  return SPM_OK;
}

// Writes to an existing non-regular file (device, FIFO, symbolic link).
static spm_status_t write_direct(const char *path, const char *data,
                                 size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                           path, strerror(errno));
  int err = 0;
  if (fwrite(data, 1, n, f) != n || fflush(f) != 0)
    err = errno;
  if (fclose(f) != 0 && !err)
    err = errno;
  if (err)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                           path, strerror(err));
  return SPM_OK;
}

spm_status_t spm_file_write_atomic(const char *path, const char *data,
                                   size_t n) {
  if (strcmp(path, "-") == 0) {
    if (fwrite(data, 1, n, stdout) != n || fflush(stdout) != 0)
      return spm_status_make(SPM_STATUS_IO_ERROR,
                             "cannot write standard output: %s",
                             strerror(errno));
    return SPM_OK;
  }
  // Only a regular file (or a new one) is replaced by rename. Anything else
  // that exists -- a device (/dev/null), a FIFO, a symbolic link
  // (/dev/stdout) -- is opened and written directly (through the link), so
  // it is never replaced by a regular file (which root could otherwise do).
  struct stat st;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return write_direct(path, data, n);
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp.XXXXXX", 12);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    spm_status_t s = spm_status_make(
        SPM_STATUS_IO_ERROR, "cannot write '%s': %s", path, strerror(errno));
    free(tmp);
    return s;
  }
  // mkstemp creates 0600; give the output the usual umask-based mode.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  size_t done = 0;
  int err = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      err = errno;
      break;
    }
    done += (size_t)w;
  }
  if (!err && fsync(fd) != 0 && errno != EINVAL)
    err = errno;
  if (close(fd) != 0 && !err)
    err = errno;
  if (!err && rename(tmp, path) != 0)
    err = errno;
  if (err) {
    unlink(tmp);
    free(tmp);
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                           path, strerror(err));
  }
  free(tmp);
  return SPM_OK;
}

spm_status_t spm_file_check_writable(const char *path) {
  if (strcmp(path, "-") == 0)
    return SPM_OK;
  struct stat st;
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                             path, strerror(EISDIR));
    if (access(path, W_OK) != 0)
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                             path, strerror(errno));
    return SPM_OK;
  }
  // A new file: its directory must exist and be writable.
  const char *slash = strrchr(path, '/');
  size_t dlen = slash ? (size_t)(slash - path) : 0;
  char *dir = malloc(dlen + 2);
  if (!dir)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  if (!slash)
    strcpy(dir, ".");
  else if (dlen == 0)
    strcpy(dir, "/");
  else {
    memcpy(dir, path, dlen);
    dir[dlen] = '\0';
  }
  int ok = access(dir, W_OK | X_OK) == 0;
  int err = errno;
  free(dir);
  if (!ok)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                           path, strerror(err));
  return SPM_OK;
}
