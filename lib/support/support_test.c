// Unit tests of lib/support: status, strbuf, file_io, parse_size.
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/file_io.h"
#include "support/parse_size.h"
#include "support/status.h"
#include "support/strbuf.h"
#include "support/unit_test.h"

SPM_TEST(status_ok_and_error) {
  SPM_EXPECT(spm_status_is_ok(SPM_OK));
  SPM_EXPECT(spm_status_code(SPM_OK) == SPM_STATUS_OK);
  spm_status_t s = spm_status_make(SPM_STATUS_NOT_FOUND, "no %s %d", "x", 3);
  SPM_EXPECT(!spm_status_is_ok(s));
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_NOT_FOUND);
  SPM_EXPECT(strcmp(spm_status_message(s), "no x 3") == 0);
  spm_status_free(s);
  // OK is not a valid error code: it becomes INTERNAL.
  s = spm_status_make(SPM_STATUS_OK, "oops");
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INTERNAL);
  spm_status_free(s);
}

SPM_TEST(strbuf_grows) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  SPM_EXPECT(strcmp(spm_strbuf_cstr(&b), "") == 0);
  for (int i = 0; i < 1000; ++i)
    spm_strbuf_appendf(&b, "%d,", i);
  SPM_EXPECT(b.len == strlen(b.data));
  SPM_EXPECT(strncmp(b.data, "0,1,2,", 6) == 0);
  SPM_EXPECT_STR_CONTAINS(b.data, "999,");
  spm_strbuf_clear(&b);
  SPM_EXPECT(b.len == 0 && strcmp(spm_strbuf_cstr(&b), "") == 0);
  spm_strbuf_free(&b);
}

SPM_TEST(str_is_token) {
  SPM_EXPECT(spm_str_is_token("gemmini_v2.1-b", 14));
  SPM_EXPECT(spm_str_is_token("a b", 1)); // only s[0..n) counts
  SPM_EXPECT(!spm_str_is_token("", 0));
  SPM_EXPECT(!spm_str_is_token("a b", 3));
  SPM_EXPECT(!spm_str_is_token("a\"b", 3));
  SPM_EXPECT(!spm_str_is_token("a/b", 3));
}

SPM_TEST(file_read_errors) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  spm_status_t s = spm_file_read("/nonexistent/spm-file", &b);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_IO_ERROR);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "/nonexistent/spm-file");
  spm_status_free(s);
  s = spm_file_read("/", &b);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "is a directory");
  spm_status_free(s);
  spm_strbuf_free(&b);
}

SPM_TEST(file_write_atomic_roundtrip) {
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(path, "hello\n", 6)));
  spm_strbuf_t b = SPM_STRBUF_INIT;
  SPM_EXPECT(spm_status_is_ok(spm_file_read(path, &b)));
  SPM_EXPECT(strcmp(spm_strbuf_cstr(&b), "hello\n") == 0);
  spm_strbuf_free(&b);
  // Writing into a missing directory fails and leaves nothing behind.
  char bad[300];
  snprintf(bad, sizeof bad, "%s/missing/out.txt", dir);
  spm_status_t s = spm_file_write_atomic(bad, "x", 1);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_IO_ERROR);
  spm_status_free(s);
  unlink(path);
  SPM_EXPECT(rmdir(dir) == 0); // empty: no temporary file left
}

// Existing non-regular files are written, never replaced (as root a
// rename over /dev/null would succeed): a FIFO stays a FIFO and its reader
// gets the data; a symbolic link stays a link and its target gets the data.
SPM_TEST(file_write_atomic_special_files) {
  struct stat st;
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char fifo[256], target[256], link[256];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  snprintf(target, sizeof target, "%s/target.txt", dir);
  snprintf(link, sizeof link, "%s/link.txt", dir);
  SPM_EXPECT(mkfifo(fifo, 0600) == 0);
  int rd = open(fifo, O_RDONLY | O_NONBLOCK); // so that opening to write
  SPM_EXPECT(rd >= 0);                        // does not block
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(fifo, "pipe", 4)));
  char got[8] = {0};
  SPM_EXPECT(read(rd, got, sizeof got) == 4 && memcmp(got, "pipe", 4) == 0);
  close(rd);
  SPM_EXPECT(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(target, "old\n", 4)));
  SPM_EXPECT(symlink("target.txt", link) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(link, "new\n", 4)));
  SPM_EXPECT(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
  spm_strbuf_t b = SPM_STRBUF_INIT;
  SPM_EXPECT(spm_status_is_ok(spm_file_read(target, &b)));
  SPM_EXPECT(strcmp(spm_strbuf_cstr(&b), "new\n") == 0);
  spm_strbuf_free(&b);
  unlink(fifo);
  unlink(link);
  unlink(target);
  SPM_EXPECT(rmdir(dir) == 0); // no temporary file left
}

// Reads `path` and compares it with `want`.
static bool file_holds(const char *path, const char *want) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  bool ok = spm_status_is_ok(spm_file_read(path, &b)) &&
            strcmp(spm_strbuf_cstr(&b), want) == 0;
  spm_strbuf_free(&b);
  return ok;
}

// A chain of symbolic links (relative targets, another directory) stays a
// chain and its final target is replaced by rename -- a new inode, not the
// old one truncated and rewritten -- with no temporary left in either
// directory. A dangling link gets its target created.
SPM_TEST(file_write_atomic_through_links) {
  struct stat st;
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char sub[256], target[256], link[256], link2[256], dangling[256], born[256];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  snprintf(target, sizeof target, "%s/sub/target.txt", dir);
  snprintf(link, sizeof link, "%s/link.txt", dir);
  snprintf(link2, sizeof link2, "%s/link2.txt", dir);
  snprintf(dangling, sizeof dangling, "%s/dangling.txt", dir);
  snprintf(born, sizeof born, "%s/sub/born.txt", dir);
  SPM_EXPECT(mkdir(sub, 0700) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(target, "old\n", 4)));
  SPM_EXPECT(stat(target, &st) == 0);
  ino_t old_ino = st.st_ino;
  SPM_EXPECT(symlink("sub/target.txt", link) == 0);
  SPM_EXPECT(symlink("link.txt", link2) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(link2, "new\n", 4)));
  SPM_EXPECT(lstat(link2, &st) == 0 && S_ISLNK(st.st_mode));
  SPM_EXPECT(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
  SPM_EXPECT(lstat(target, &st) == 0 && S_ISREG(st.st_mode));
  SPM_EXPECT(st.st_ino != old_ino);
  SPM_EXPECT(file_holds(target, "new\n"));
  SPM_EXPECT(symlink("sub/born.txt", dangling) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(dangling, "born\n", 5)));
  SPM_EXPECT(lstat(dangling, &st) == 0 && S_ISLNK(st.st_mode));
  SPM_EXPECT(file_holds(born, "born\n"));
  unlink(link2);
  unlink(link);
  unlink(dangling);
  unlink(target);
  unlink(born);
  SPM_EXPECT(rmdir(sub) == 0); // no temporary file left
  SPM_EXPECT(rmdir(dir) == 0);
}

// A link cycle is an error naming the path, not a hang.
SPM_TEST(file_write_atomic_link_loop) {
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char a[256], b[256];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  SPM_EXPECT(symlink("b", a) == 0);
  SPM_EXPECT(symlink("a", b) == 0);
  spm_status_t s = spm_file_write_atomic(a, "x", 1);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_IO_ERROR);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "symbolic links");
  spm_status_free(s);
  unlink(a);
  unlink(b);
  SPM_EXPECT(rmdir(dir) == 0);
}

// A name of NAME_MAX (255) bytes is written: the temporary's name does not
// grow with it.
SPM_TEST(file_write_atomic_long_name) {
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char path[512];
  int at = snprintf(path, sizeof path, "%s/", dir);
  memset(path + at, 'n', 255);
  path[at + 255] = '\0';
  spm_status_t s = spm_file_write_atomic(path, "long\n", 5);
  SPM_EXPECT(spm_status_is_ok(s));
  spm_status_free(s);
  SPM_EXPECT(file_holds(path, "long\n"));
  unlink(path);
  SPM_EXPECT(rmdir(dir) == 0);
}

// Replacing a file keeps its permission bits (also through a link); a new
// file gets 0666 minus the umask.
SPM_TEST(file_write_atomic_keeps_mode) {
  struct stat st;
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char path[256], link[256], fresh[256];
  snprintf(path, sizeof path, "%s/private.txt", dir);
  snprintf(link, sizeof link, "%s/link.txt", dir);
  snprintf(fresh, sizeof fresh, "%s/fresh.txt", dir);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(path, "a", 1)));
  SPM_EXPECT(chmod(path, 0600) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(path, "b", 1)));
  SPM_EXPECT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  SPM_EXPECT(chmod(path, 0640) == 0);
  SPM_EXPECT(symlink("private.txt", link) == 0);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(link, "c", 1)));
  SPM_EXPECT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  mode_t mask = umask(027);
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(fresh, "d", 1)));
  umask(mask);
  SPM_EXPECT(stat(fresh, &st) == 0 && (st.st_mode & 0777) == 0640);
  unlink(link);
  unlink(path);
  unlink(fresh);
  SPM_EXPECT(rmdir(dir) == 0);
}

static bool writable(const char *path) {
  spm_status_t s = spm_file_check_writable(path);
  bool ok = spm_status_is_ok(s);
  if (!ok)
    SPM_EXPECT(spm_status_code(s) == SPM_STATUS_IO_ERROR);
  spm_status_free(s);
  return ok;
}

// The pre-check agrees with what the write would do: "-", an existing
// file, a new file in an existing directory, a bare name (the current
// directory) are writable; a file in a missing directory and a directory
// are not.
SPM_TEST(file_check_writable) {
  char dir[] = "/tmp/spm-unit-XXXXXX";
  SPM_EXPECT(mkdtemp(dir) != NULL);
  char path[256], missing[256];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  snprintf(missing, sizeof missing, "%s/missing/out.txt", dir);
  SPM_EXPECT(writable("-"));
  SPM_EXPECT(writable(path)); // new
  SPM_EXPECT(spm_status_is_ok(spm_file_write_atomic(path, "x", 1)));
  SPM_EXPECT(writable(path)); // existing
  SPM_EXPECT(writable("spm-unit-bare-name-never-created"));
  SPM_EXPECT(!writable(missing));
  SPM_EXPECT(!writable(dir));
  SPM_EXPECT(writable("/dev/null"));
  // A link is judged by where it leads: its target's directory must exist.
  char link[256];
  snprintf(link, sizeof link, "%s/link.txt", dir);
  SPM_EXPECT(symlink("missing/out.txt", link) == 0);
  SPM_EXPECT(!writable(link));
  unlink(link);
  SPM_EXPECT(symlink("out.txt", link) == 0);
  SPM_EXPECT(writable(link));
  unlink(link);
  unlink(path);
  SPM_EXPECT(rmdir(dir) == 0);
}

// Every accepted form, every rejected one, and the range edges (with and
// without a suffix), against values computed here.
SPM_TEST(parse_size_grammar_and_range) {
  static const struct {
    const char *text;
    spm_parse_size_result_t result;
    int64_t value;
  } cases[] = {
      {"0", SPM_PARSE_SIZE_OK, 0},
      {"262144", SPM_PARSE_SIZE_OK, 262144},
      {"007", SPM_PARSE_SIZE_OK, 7},
      {"1K", SPM_PARSE_SIZE_OK, 1024},
      {"3k", SPM_PARSE_SIZE_OK, 3072},
      {"1M", SPM_PARSE_SIZE_OK, 1 << 20},
      {"2m", SPM_PARSE_SIZE_OK, 2 << 20},
      {"1G", SPM_PARSE_SIZE_OK, INT64_C(1) << 30},
      {"5g", SPM_PARSE_SIZE_OK, INT64_C(5) << 30},
      {"9223372036854775807", SPM_PARSE_SIZE_OK, INT64_MAX},
      {"8589934591G", SPM_PARSE_SIZE_OK, INT64_C(8589934591) << 30},
      {"9007199254740991K", SPM_PARSE_SIZE_OK, INT64_C(9007199254740991) << 10},
      {"9223372036854775808", SPM_PARSE_SIZE_OUT_OF_RANGE, 0},
      {"99999999999999999999999", SPM_PARSE_SIZE_OUT_OF_RANGE, 0},
      {"8589934592G", SPM_PARSE_SIZE_OUT_OF_RANGE, 0},
      {"9007199254740992K", SPM_PARSE_SIZE_OUT_OF_RANGE, 0},
      {"8796093022208M", SPM_PARSE_SIZE_OUT_OF_RANGE, 0},
      {"", SPM_PARSE_SIZE_MALFORMED, 0},
      {"K", SPM_PARSE_SIZE_MALFORMED, 0},
      {"-1", SPM_PARSE_SIZE_MALFORMED, 0},
      {"+1", SPM_PARSE_SIZE_MALFORMED, 0},
      {" 1", SPM_PARSE_SIZE_MALFORMED, 0},
      {"1 ", SPM_PARSE_SIZE_MALFORMED, 0},
      {"1KB", SPM_PARSE_SIZE_MALFORMED, 0},
      {"1KK", SPM_PARSE_SIZE_MALFORMED, 0},
      {"1T", SPM_PARSE_SIZE_MALFORMED, 0},
      {"1.5K", SPM_PARSE_SIZE_MALFORMED, 0},
      {"0x10", SPM_PARSE_SIZE_MALFORMED, 0},
      // Out of range but also malformed: malformed wins.
      {"99999999999999999999999x", SPM_PARSE_SIZE_MALFORMED, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; ++k) {
    int64_t v = -7;
    spm_parse_size_result_t r = spm_parse_size(cases[k].text, &v);
    if (r != cases[k].result)
      fprintf(stderr, "  '%s': result %d, expected %d\n", cases[k].text,
              (int)r, (int)cases[k].result);
    SPM_EXPECT(r == cases[k].result);
    // *out is written on success only.
    SPM_EXPECT(v == (r == SPM_PARSE_SIZE_OK ? cases[k].value : -7));
  }
}

int main(void) {
  SPM_RUN(status_ok_and_error);
  SPM_RUN(strbuf_grows);
  SPM_RUN(str_is_token);
  SPM_RUN(parse_size_grammar_and_range);
  SPM_RUN(file_read_errors);
  SPM_RUN(file_write_atomic_roundtrip);
  SPM_RUN(file_write_atomic_special_files);
  SPM_RUN(file_write_atomic_through_links);
  SPM_RUN(file_write_atomic_link_loop);
  SPM_RUN(file_write_atomic_long_name);
  SPM_RUN(file_write_atomic_keeps_mode);
  SPM_RUN(file_check_writable);
  return spm_test_finish();
}
