/* spm_lit_discover.h - turns the PATH arguments into test names (paths
 * relative to the configured root), the way lit discovers tests. */
#ifndef SPM_LIT_DISCOVER_H
#define SPM_LIT_DISCOVER_H

#include "spm_lit_config.h"
#include "spm_lit_util.h"

/* Adds the tests for one command-line path to names: a file or, searched
 * recursively, the files of a directory whose names end with a configured
 * suffix (not starting with '.', not excluded; directories Output, .svn, .git
 * and excluded ones are not searched). Warns on stderr when a path holds no
 * test. Returns 0, or -1 with a message in err (nonexistent path, path
 * outside the root). */
int spm_lit_discover(const spm_lit_config *cfg, const char *path,
                     spm_lit_strvec *names, spm_lit_buf *err);

#endif /* SPM_LIT_DISCOVER_H */
