#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 // realpath
#include "support/file_io.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

spm_status_t spm_file_read(const char *path, spm_strbuf_t *out) {
  return spm_file_read_until(path, out, NULL, NULL);
}

spm_status_t spm_file_read_until(const char *path, spm_strbuf_t *out,
                                 spm_file_chunk_fn stop, void *user) {
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
  spm_status_t s = SPM_OK;
  bool stopped = false;
  while (!stopped && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    size_t from = out->len;
    spm_strbuf_append(out, chunk, n);
    stopped = stop && stop(out, from, user, &s);
  }
  int failed = !stopped && ferror(f);
  int err = errno;
  if (f != stdin)
    fclose(f);
  if (failed)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot read '%s': %s", path,
                           strerror(err));
  spm_strbuf_append(out, "", 0); // ensure NUL termination of empty input
  return s;
}

static int spm_file_write_fd(int fd, const char *data, size_t n);

// The descriptor `path` names, or -1: /dev/stdout, /dev/stderr, /dev/fd/N
// or /proc/self/fd/N. Such names are written through the descriptor itself,
// as a shell redirection expects: opening them anew would truncate a file
// that `>>` appends to, and start writing where the shell's offset is not.
static int spm_file_named_fd(const char *path) {
  if (strcmp(path, "/dev/stdout") == 0)
    return 1;
  if (strcmp(path, "/dev/stderr") == 0)
    return 2;
  const char *num = NULL;
  if (strncmp(path, "/dev/fd/", 8) == 0)
    num = path + 8;
  else if (strncmp(path, "/proc/self/fd/", 14) == 0)
    num = path + 14;
  if (!num || *num < '0' || *num > '9')
    return -1;
  char *end;
  errno = 0;
  long fd = strtol(num, &end, 10);
  if (errno || *end || fd > 1 << 20)
    return -1;
  return (int)fd;
}

// Writes to an existing file that is not replaced (device, FIFO, a link
// in /dev or /proc): through the descriptor it names, if it names one,
// else opened and written through `path`.
static spm_status_t write_direct(const char *path, const char *data,
                                 size_t n) {
  int fd = spm_file_named_fd(path);
  if (fd >= 0) {
    fflush(stdout); // what stdio holds goes first
    fflush(stderr);
    int err = spm_file_write_fd(fd, data, n);
    if (err)
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                             path, strerror(err));
    return SPM_OK;
  }
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

// Appends the directory part of `path` to `out`: "." for a bare name, "/"
// for a name in the root directory.
static void spm_file_dirname(const char *path, spm_strbuf_t *out) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    spm_strbuf_append_str(out, ".");
  else if (slash == path)
    spm_strbuf_append_str(out, "/");
  else
    spm_strbuf_append(out, path, (size_t)(slash - path));
}

// True when the symbolic link `link` lives in /dev or /proc (after
// resolving its directory): such links (/dev/stdout -> /proc/self/fd/1 ->
// whatever descriptor 1 is) name open files and devices, not files to be
// replaced -- even when descriptor 1 is a regular file, the shell's
// redirection must receive the data.
static bool spm_file_link_is_pseudo(const char *link) {
  spm_strbuf_t dir = SPM_STRBUF_INIT;
  spm_file_dirname(link, &dir);
  char *real = realpath(spm_strbuf_cstr(&dir), NULL);
  spm_strbuf_free(&dir);
  if (!real)
    return false;
  bool pseudo = strcmp(real, "/dev") == 0 || strncmp(real, "/dev/", 5) == 0 ||
                strcmp(real, "/proc") == 0 || strncmp(real, "/proc/", 6) == 0;
  free(real);
  return pseudo;
}

// Replaces `cur`, a symbolic link, with the path it points to (a relative
// one taken from the link's directory). False with errno set on failure.
static bool spm_file_follow(spm_strbuf_t *cur) {
  for (size_t cap = 256;; cap *= 2) {
    char *text = malloc(cap);
    if (!text) {
      errno = ENOMEM;
      return false;
    }
    ssize_t got = readlink(spm_strbuf_cstr(cur), text, cap);
    int err = errno;
    if (got >= 0 && (size_t)got == cap) { // possibly cut short: retry
      free(text);
      continue;
    }
    if (got < 0) {
      free(text);
      errno = err;
      return false;
    }
    spm_strbuf_t next = SPM_STRBUF_INIT;
    if (got == 0 || text[0] != '/') {
      spm_file_dirname(spm_strbuf_cstr(cur), &next);
      spm_strbuf_append_str(&next, "/");
    }
    spm_strbuf_append(&next, text, (size_t)got);
    free(text);
    spm_strbuf_free(cur);
    *cur = next;
    return true;
  }
}

// At most this many symbolic links are followed (Linux's own limit).
#define SPM_FILE_MAX_LINKS 40

// Finds the file that writing `path` should replace: `path` itself, or the
// end of the chain of symbolic links it starts (which need not exist yet),
// appended to `target` (caller-owned). *direct is set when the file is
// instead to be written in place through `path`: it exists and is not a
// regular file (a device, a FIFO, a directory -- which the write then
// reports), or a link in /dev or /proc leads to it.
static spm_status_t spm_file_resolve(const char *path, spm_strbuf_t *target,
                                     bool *direct) {
  spm_strbuf_append_str(target, path);
  *direct = false;
  for (int hops = 0;; ++hops) {
    struct stat st;
    if (lstat(spm_strbuf_cstr(target), &st) != 0)
      return SPM_OK; // a new file (or an error that creating it reports)
    if (!S_ISLNK(st.st_mode)) {
      *direct = !S_ISREG(st.st_mode);
      return SPM_OK;
    }
    if (spm_file_link_is_pseudo(spm_strbuf_cstr(target))) {
      *direct = true;
      return SPM_OK;
    }
    if (hops == SPM_FILE_MAX_LINKS)
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                             path, strerror(ELOOP));
    if (!spm_file_follow(target))
      return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                             path, strerror(errno));
  }
}

// The mode the replacement of `target` gets: an existing regular file's
// permission bits, else what a new file gets under the umask (mkstemp
// itself creates 0600).
static mode_t spm_file_new_mode(const char *target) {
  struct stat st;
  if (stat(target, &st) == 0 && S_ISREG(st.st_mode))
    return st.st_mode & 0777;
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

// Writes all of data[0..n) to `fd` and flushes it to disk; errno value or 0.
static int spm_file_write_fd(int fd, const char *data, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    done += (size_t)w;
  }
  if (fsync(fd) != 0 && errno != EINVAL)
    return errno;
  return 0;
}

// Replaces the regular file `target` (or creates it) atomically: a
// temporary file `.spm-XXXXXX` in its directory -- short, so that it fits
// wherever `target`'s own name does -- written, given `target`'s mode and
// renamed over it. On failure the temporary is removed and `target` is as
// it was. Messages name `path`, the name the user gave.
static spm_status_t spm_file_replace(const char *path, const char *target,
                                     const char *data, size_t n) {
  spm_strbuf_t tmp = SPM_STRBUF_INIT;
  spm_file_dirname(target, &tmp);
  if (tmp.data[tmp.len - 1] != '/')
    spm_strbuf_append_str(&tmp, "/");
  spm_strbuf_append_str(&tmp, ".spm-XXXXXX");
  mode_t mode = spm_file_new_mode(target);
  int fd = mkstemp(tmp.data);
  if (fd < 0) {
    spm_status_t s = spm_status_make(
        SPM_STATUS_IO_ERROR, "cannot write '%s': %s", path, strerror(errno));
    spm_strbuf_free(&tmp);
    return s;
  }
  int err = fchmod(fd, mode) != 0 ? errno : 0;
  if (!err)
    err = spm_file_write_fd(fd, data, n);
  if (close(fd) != 0 && !err)
    err = errno;
  if (!err && rename(tmp.data, target) != 0)
    err = errno;
  if (err)
    unlink(tmp.data);
  spm_strbuf_free(&tmp);
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
  // A regular file (or a new one), also at the end of symbolic links, is
  // replaced by rename; the links stay links. Anything else that exists --
  // a device (/dev/null), a FIFO, /dev/stdout -- is opened and written
  // directly, so it is never replaced by a regular file (which root could
  // otherwise do).
  spm_strbuf_t target = SPM_STRBUF_INIT;
  bool direct;
  spm_status_t s = spm_file_resolve(path, &target, &direct);
  if (spm_status_is_ok(s))
    s = direct ? write_direct(path, data, n)
               : spm_file_replace(path, spm_strbuf_cstr(&target), data, n);
  spm_strbuf_free(&target);
  return s;
}

// An error naming `path` unless `dir` is a directory that files can be
// created in.
static spm_status_t spm_file_check_dir(const char *path, const char *dir) {
  if (access(dir, W_OK | X_OK) != 0)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s",
                           path, strerror(errno));
  return SPM_OK;
}

spm_status_t spm_file_check_writable(const char *path) {
  if (strcmp(path, "-") == 0)
    return SPM_OK;
  spm_strbuf_t target = SPM_STRBUF_INIT;
  bool direct;
  spm_status_t s = spm_file_resolve(path, &target, &direct);
  struct stat st;
  if (spm_status_is_ok(s) && stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      s = spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s", path,
                          strerror(EISDIR));
    else if (access(path, W_OK) != 0)
      s = spm_status_make(SPM_STATUS_IO_ERROR, "cannot write '%s': %s", path,
                          strerror(errno));
  }
  // A file that is replaced (or created) needs a temporary file next to it.
  if (spm_status_is_ok(s) && !direct) {
    spm_strbuf_t dir = SPM_STRBUF_INIT;
    spm_file_dirname(spm_strbuf_cstr(&target), &dir);
    s = spm_file_check_dir(path, spm_strbuf_cstr(&dir));
    spm_strbuf_free(&dir);
  }
  spm_strbuf_free(&target);
  return s;
}
