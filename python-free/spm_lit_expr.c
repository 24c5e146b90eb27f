/* spm_lit_expr.c - evaluates lit's boolean feature expressions, a port of
 * lit's BooleanExpression.py (same grammar, same error messages):
 *
 *   or_expr    :: and_expr ('||' and_expr)*
 *   and_expr   :: not_expr ('&&' not_expr)*
 *   not_expr   :: '!' not_expr | '(' or_expr ')' | match_expr
 *   match_expr :: (identifier | '{{' regex '}}')+
 *   identifier :: [-+=._a-zA-Z0-9]+
 */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_expr.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  spm_lit_strvec tokens; /* the END marker is the position tokens.len */
  size_t pos;
  const spm_lit_strvec *features;
  spm_lit_buf *err;
  int failed;
} spm_lit_expr_parser;

static int spm_lit_expr_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("-+=._", c));
}

/* Python's repr() of a str, for ASCII text. */
static void spm_lit_expr_repr(spm_lit_buf *out, const char *s) {
  char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
  spm_lit_buf_putc(out, q);
  for (; *s; s++) {
    if (*s == q || *s == '\\')
      spm_lit_buf_putc(out, '\\');
    spm_lit_buf_putc(out, *s);
  }
  spm_lit_buf_putc(out, q);
}

/* Length of a match_expr token starting at s (0 if none). */
static size_t spm_lit_expr_match_len(const char *s) {
  size_t n = 0;
  for (;;) {
    if (spm_lit_expr_ident_char(s[n])) {
      while (spm_lit_expr_ident_char(s[n]))
        n++;
    } else if (s[n] == '{' && s[n + 1] == '{' && s[n + 2]) {
      const char *close = strstr(s + n + 3, "}}");
      if (!close)
        return n;
      n = (size_t)(close - s) + 2;
    } else {
      return n;
    }
  }
}

static int spm_lit_expr_tokenize(spm_lit_expr_parser *p, const char *s) {
  for (;;) {
    const char *start = s;
    while (spm_lit_is_space(*s))
      s++;
    if (!*s) {
      if (*start == '\0')
        return 0;
      s = start; /* Python: "" matches END, "  " does not parse */
    }
    size_t n = 0;
    if (*s == '(' || *s == ')' || *s == '!')
      n = 1;
    else if ((s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|'))
      n = 2;
    else
      n = spm_lit_expr_match_len(s);
    if (n == 0) {
      spm_lit_buf_puts(p->err, "couldn't parse text: ");
      spm_lit_expr_repr(p->err, start);
      return -1;
    }
    spm_lit_strvec_push(&p->tokens, spm_lit_xstrndup(s, n));
    s += n;
    while (spm_lit_is_space(*s))
      s++;
  }
}

static const char *spm_lit_expr_peek(const spm_lit_expr_parser *p) {
  return p->pos < p->tokens.len ? p->tokens.items[p->pos] : NULL;
}

static void spm_lit_expr_quote_token(spm_lit_buf *out, const char *tok) {
  if (!tok)
    spm_lit_buf_puts(out, "<end of expression>");
  else
    spm_lit_expr_repr(out, tok);
}

static int spm_lit_expr_accept(spm_lit_expr_parser *p, const char *t) {
  const char *tok = spm_lit_expr_peek(p);
  if (tok && strcmp(tok, t) == 0) {
    p->pos++;
    return 1;
  }
  return 0;
}

static void spm_lit_expr_fail_expect(spm_lit_expr_parser *p,
                                     const char *expected) {
  if (p->failed)
    return;
  p->failed = 1;
  spm_lit_buf_printf(p->err, "expected: %s\nhave: ", expected);
  spm_lit_expr_quote_token(p->err, spm_lit_expr_peek(p));
}

/* Does any feature (or "true") fully match the token? */
static int spm_lit_expr_match(spm_lit_expr_parser *p, const char *tok) {
  if (!strstr(tok, "{{")) {
    return strcmp(tok, "true") == 0 ||
           spm_lit_strvec_contains(p->features, tok);
  }
  spm_lit_buf re = {0};
  spm_lit_buf_puts(&re, "^(");
  for (const char *s = tok; *s;) {
    if (s[0] == '{' && s[1] == '{') {
      const char *close = strstr(s + 3, "}}");
      spm_lit_buf_putc(&re, '(');
      spm_lit_buf_append(&re, s + 2, (size_t)(close - (s + 2)));
      spm_lit_buf_putc(&re, ')');
      s = close + 2;
    } else {
      if (*s == '.' || *s == '+')
        spm_lit_buf_putc(&re, '\\');
      spm_lit_buf_putc(&re, *s++);
    }
  }
  spm_lit_buf_puts(&re, ")$");
  regex_t rx;
  int rc = regcomp(&rx, re.data, REG_EXTENDED | REG_NOSUB);
  spm_lit_buf_free(&re);
  if (rc != 0) {
    if (!p->failed) {
      p->failed = 1;
      spm_lit_buf_puts(p->err, "invalid regular expression in ");
      spm_lit_expr_repr(p->err, tok);
    }
    return 0;
  }
  int value = regexec(&rx, "true", 0, NULL, 0) == 0;
  for (size_t i = 0; !value && i < p->features->len; i++)
    value = regexec(&rx, p->features->items[i], 0, NULL, 0) == 0;
  regfree(&rx);
  return value;
}

static int spm_lit_expr_or(spm_lit_expr_parser *p);

static int spm_lit_expr_not(spm_lit_expr_parser *p) {
  if (p->failed)
    return 0;
  if (spm_lit_expr_accept(p, "!"))
    return !spm_lit_expr_not(p);
  if (spm_lit_expr_accept(p, "(")) {
    int v = spm_lit_expr_or(p);
    if (!p->failed && !spm_lit_expr_accept(p, ")"))
      spm_lit_expr_fail_expect(p, "')'");
    return v;
  }
  const char *tok = spm_lit_expr_peek(p);
  if (!tok || !strcmp(tok, "&&") || !strcmp(tok, "||") || !strcmp(tok, ")")) {
    spm_lit_expr_fail_expect(p, "'!', '(', '{{', or identifier");
    return 0;
  }
  p->pos++;
  return spm_lit_expr_match(p, tok);
}

static int spm_lit_expr_and(spm_lit_expr_parser *p) {
  int v = spm_lit_expr_not(p);
  while (!p->failed && spm_lit_expr_accept(p, "&&")) {
    int right = spm_lit_expr_not(p);
    v = v && right;
  }
  return v;
}

static int spm_lit_expr_or(spm_lit_expr_parser *p) {
  int v = spm_lit_expr_and(p);
  while (!p->failed && spm_lit_expr_accept(p, "||")) {
    int right = spm_lit_expr_and(p);
    v = v || right;
  }
  return v;
}

int spm_lit_expr_eval(const char *expr, const spm_lit_strvec *features,
                      spm_lit_buf *err) {
  spm_lit_expr_parser p = {.features = features, .err = err};
  int value = 0;
  if (spm_lit_expr_tokenize(&p, expr) != 0) {
    p.failed = 1;
  } else {
    value = spm_lit_expr_or(&p);
    if (!p.failed && p.pos != p.tokens.len)
      spm_lit_expr_fail_expect(&p, "<end of expression>");
  }
  spm_lit_strvec_free(&p.tokens);
  if (p.failed) {
    spm_lit_buf_puts(err, "\nin expression: ");
    spm_lit_expr_repr(err, expr);
    return -1;
  }
  return value;
}
