/* spm_lit_expr.h - lit's boolean feature expressions (REQUIRES:,
 * UNSUPPORTED:, XFAIL:): identifiers, !, &&, ||, parentheses and {{regex}}
 * parts (POSIX extended regular expressions here, Python ones in lit). */
#ifndef SPM_LIT_EXPR_H
#define SPM_LIT_EXPR_H

#include "spm_lit_util.h"

/* Evaluates expr against the available features ("true" is always true).
 * Returns 1 or 0, or -1 on a syntax error with lit's message in err. */
int spm_lit_expr_eval(const char *expr, const spm_lit_strvec *features,
                      spm_lit_buf *err);

#endif /* SPM_LIT_EXPR_H */
