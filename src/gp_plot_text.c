/* gp_plot_text.c: text in figures. A string is drawn as written unless it has
 * maths: the parts between pairs of unescaped $ (as in TeX and matplotlib;
 * a string with one $ has none, and \$ is a dollar sign in a string that has
 * maths). Maths is a small TeX subset:
 *   x^2, x^{n+1}, k_J, x_{i,j}     superscript and subscript (one character,
 *                                  a \command or a {group})
 *   \alpha .. \omega, \Gamma ..    Greek letters; \ell, \pm, \sim, \le, ...
 *                                  (the table below), \mathbb{R}
 *   \sqrt{x}, \frac{a}{b}          as √x and a/b, with parentheses where needed
 *   \exp, \log, \sin, \text{...}   upright words
 *   \, \; \quad \{ \} \$ \_ \^     spaces and escaped characters
 * Latin letters are set in italics (as TeX does), - is a minus sign and ' a prime.
 * The result is gnuplot enhanced text (x^{2}, {/:Italic x}) for the graphical
 * terminals, or plain UTF-8 (x², k_J, x^(n+1)) for the dumb terminal. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_plot_impl.h"

static const struct {
    const char *name, *utf8;
} symbols[] = {
    {"alpha", "α"},    {"beta", "β"},       {"gamma", "γ"},    {"delta", "δ"},
    {"epsilon", "ϵ"},  {"varepsilon", "ε"}, {"zeta", "ζ"},     {"eta", "η"},
    {"theta", "θ"},    {"vartheta", "ϑ"},   {"iota", "ι"},     {"kappa", "κ"},
    {"lambda", "λ"},   {"mu", "μ"},         {"nu", "ν"},       {"xi", "ξ"},
    {"pi", "π"},       {"varpi", "ϖ"},      {"rho", "ρ"},      {"varrho", "ϱ"},
    {"sigma", "σ"},    {"varsigma", "ς"},   {"tau", "τ"},      {"upsilon", "υ"},
    {"phi", "ϕ"},      {"varphi", "φ"},     {"chi", "χ"},      {"psi", "ψ"},
    {"omega", "ω"},    {"Gamma", "Γ"},      {"Delta", "Δ"},    {"Theta", "Θ"},
    {"Lambda", "Λ"},   {"Xi", "Ξ"},         {"Pi", "Π"},       {"Sigma", "Σ"},
    {"Upsilon", "Υ"},  {"Phi", "Φ"},        {"Psi", "Ψ"},      {"Omega", "Ω"},
    {"ell", "ℓ"},      {"pm", "±"},         {"mp", "∓"},       {"times", "×"},
    {"cdot", "·"},     {"div", "÷"},        {"ast", "∗"},      {"star", "⋆"},
    {"circ", "∘"},     {"sim", "∼"},        {"approx", "≈"},   {"simeq", "≃"},
    {"equiv", "≡"},    {"propto", "∝"},     {"le", "≤"},       {"leq", "≤"},
    {"ge", "≥"},       {"geq", "≥"},        {"ne", "≠"},       {"neq", "≠"},
    {"ll", "≪"},       {"gg", "≫"},         {"infty", "∞"},    {"partial", "∂"},
    {"nabla", "∇"},    {"sum", "∑"},        {"prod", "∏"},     {"int", "∫"},
    {"in", "∈"},       {"notin", "∉"},      {"subset", "⊂"},   {"cup", "∪"},
    {"cap", "∩"},      {"to", "→"},         {"rightarrow", "→"}, {"leftarrow", "←"},
    {"Rightarrow", "⇒"}, {"mapsto", "↦"},   {"ldots", "…"},    {"cdots", "⋯"},
    {"dots", "…"},     {"prime", "′"},      {"langle", "⟨"},   {"rangle", "⟩"},
    {"|", "‖"},        {"Vert", "‖"},       {"vert", "|"},     {"lvert", "|"},
    {"rvert", "|"},    {"top", "⊤"},        {"dagger", "†"},   {"forall", "∀"},
    {"exists", "∃"},   {"emptyset", "∅"},   {"deg", "°"},      {"neg", "¬"},
    {",", "\xe2\x80\x89"}, {";", " "},      {":", " "},        {" ", " "},
    {"quad", "\xe2\x80\x83"}, {"!", ""},    {"left", ""},      {"right", ""},
};

/* Upright function names: \exp is "exp". */
static const char *const words[] = {"exp", "log", "ln",  "sin", "cos", "tan", "sinh", "cosh",
                                    "tanh", "max", "min", "sup", "inf", "det", "tr", "arg",
                                    "lim", "erf", "var", "cov", "diag", "rank", "Var", "Cov",
                                    NULL};

/* \mathbb letters. */
static const struct {
    char letter;
    const char *utf8;
} blackboard[] = {{'R', "ℝ"}, {'N', "ℕ"}, {'Z', "ℤ"}, {'Q', "ℚ"}, {'C', "ℂ"}, {'E', "𝔼"},
                  {'P', "ℙ"}};

/* The parser: one string, its position, the target, the first error. */
typedef struct mathp {
    const char *s;   /* the whole string, for messages */
    const char *p;   /* the position */
    const char *end; /* the end of the maths part */
    int plain;       /* 1: plain UTF-8; 0: gnuplot enhanced text */
    const char *what;
    gp_error *err;
    gp_code rc;
} mathp;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail(mathp *m, const char *fmt, ...)
{
    if (m->rc)
        return;
    char reason[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    m->rc = gp_error_set(m->err, GP_ERR_ARG, "%s: %s in the maths of '%s'", m->what, reason, m->s);
}

/* Length of the UTF-8 sequence that starts with byte c (1 for bytes that
 * cannot start one: gp_gnuplot_check_text has validated the string). */
static size_t seq_len(unsigned char c)
{
    return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Write text with gnuplot's enhanced-text characters escaped (\^ ...). */
static void put_escaped(FILE *out, const char *s, size_t n, int plain)
{
    for (size_t i = 0; i < n; i++) {
        if (!plain && strchr("^_{}@&~\\", s[i]))
            fputc('\\', out);
        fputc(s[i], out);
    }
}

/* Superscript and subscript forms of the characters that Unicode has them
 * for; NULL when c has none. */
static const char *script_form(const char *c, size_t n, int sup)
{
    static const char *const digits[2][10] = {
        {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"},
        {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}};
    static const struct {
        const char *c, *sub, *sup;
    } others[] = {{"+", "₊", "⁺"}, {"-", "₋", "⁻"}, {"−", "₋", "⁻"}, {"=", "₌", "⁼"},
                  {"(", "₍", "⁽"}, {")", "₎", "⁾"}, {"n", "ₙ", "ⁿ"}, {"i", "ᵢ", "ⁱ"},
                  {"a", "ₐ", NULL}, {"e", "ₑ", NULL}, {"o", "ₒ", NULL}, {"x", "ₓ", NULL},
                  {"h", "ₕ", NULL}, {"k", "ₖ", NULL}, {"l", "ₗ", NULL}, {"m", "ₘ", NULL},
                  {"p", "ₚ", NULL}, {"s", "ₛ", NULL}, {"t", "ₜ", NULL}, {"j", "ⱼ", NULL},
                  {"r", "ᵣ", NULL}, {"u", "ᵤ", NULL}, {"v", "ᵥ", NULL}};
    if (n == 1 && c[0] >= '0' && c[0] <= '9')
        return digits[sup][c[0] - '0'];
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (strlen(others[i].c) == n && memcmp(others[i].c, c, n) == 0)
            return sup ? others[i].sup : others[i].sub;
    return NULL;
}

/* Number of code points in s[0..n). */
static size_t code_points(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i += seq_len((unsigned char)s[i]))
        k++;
    return k;
}

static void parse_list(mathp *m, FILE *out, int in_group);

/* One argument (of ^, _, \sqrt, ...): a {group}, a \command or one character,
 * rendered into a new string (*len bytes; caller frees); *wide is 1 when its
 * source is more than one character or command (it needs parentheses after
 * \sqrt and in \frac). */
static char *parse_arg(mathp *m, const char *after, size_t *len, int *wide)
{
    char *buf = NULL;
    *len = 0;
    FILE *out = open_memstream(&buf, len);
    if (!out) {
        m->rc = m->rc ? m->rc : gp_error_set(m->err, GP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    *wide = 0;
    if (m->p >= m->end || *m->p == '}') {
        fail(m, "'%s' needs something after it", after);
    } else if (*m->p == '{') {
        const char *start = ++m->p;
        parse_list(m, out, 1);
        size_t n = m->p > start ? (size_t)(m->p - start - 1) : 0;
        *wide = !(n == 0 || (n == seq_len((unsigned char)*start) && *start != '\\') ||
                  (*start == '\\' && 1 + strspn(start + 1, "abcdefghijklmnopqrstuvwxyz"
                                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n));
    } else {
        const char *stop = m->end;
        m->end = m->p + (*m->p == '\\' ? 1 + strspn(m->p + 1, "abcdefghijklmnopqrstuvwxyz"
                                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                       : seq_len((unsigned char)*m->p));
        if (m->end == m->p + 1 && *m->p == '\\' && m->p + 1 < stop)
            m->end++; /* \, \{ ... */
        if (m->end > stop)
            m->end = stop;
        parse_list(m, out, 0);
        m->end = stop;
    }
    fclose(out);
    return buf;
}

/* ^ or _ and its argument. */
static void put_script(mathp *m, FILE *out, int sup)
{
    size_t len;
    int wide;
    char *arg = parse_arg(m, sup ? "^" : "_", &len, &wide);
    if (!arg)
        return;
    if (!m->plain) {
        fprintf(out, "%c{%s}", sup ? '^' : '_', arg);
    } else {
        /* Unicode forms when every character has one, else ^c or ^(...). */
        char *forms = NULL;
        size_t flen = 0;
        FILE *f = open_memstream(&forms, &flen);
        int all = f != NULL;
        for (size_t i = 0; all && i < len; i += seq_len((unsigned char)arg[i])) {
            const char *form = script_form(arg + i, seq_len((unsigned char)arg[i]), sup);
            if (form)
                fputs(form, f);
            all = form != NULL;
        }
        if (f)
            fclose(f);
        if (all && flen > 0)
            fputs(forms, out);
        else if (code_points(arg, len) == 1)
            fprintf(out, "%c%s", sup ? '^' : '_', arg);
        else
            fprintf(out, "%c(%s)", sup ? '^' : '_', arg);
        free(forms);
    }
    free(arg);
}

/* \sqrt{a} as √a or √(a); \frac{a}{b} as a/b with parentheses around parts
 * longer than one character. */
static void put_wrapped(FILE *out, const char *arg, int wide)
{
    fprintf(out, wide ? "(%s)" : "%s", arg);
}

/* A \command (m->p after the backslash: a name, or one character; there is
 * always one, since a \ before the closing $ would escape it). */
static void put_command(mathp *m, FILE *out)
{
    const char *name = m->p;
    size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (n == 0)
        n = seq_len((unsigned char)*name);
    m->p += n;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "%.*s", (int)(n < 31 ? n : 31), name);
    if (n == 1 && strchr("{}$_^%&#\\", cmd[0])) {
        put_escaped(out, cmd, 1, m->plain);
        return;
    }
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        if (strlen(symbols[i].name) == n && memcmp(symbols[i].name, name, n) == 0) {
            fputs(symbols[i].utf8, out);
            return;
        }
    for (size_t i = 0; words[i]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], name, n) == 0) {
            fputs(words[i], out);
            return;
        }
    size_t len, len2;
    int wide, wide2;
    char *arg = NULL, *arg2 = NULL;
    if (strcmp(cmd, "sqrt") == 0 && (arg = parse_arg(m, "\\sqrt", &len, &wide))) {
        fputs("√", out);
        put_wrapped(out, arg, wide);
    } else if (strcmp(cmd, "frac") == 0 && (arg = parse_arg(m, "\\frac", &len, &wide)) &&
               (arg2 = parse_arg(m, "\\frac", &len2, &wide2))) {
        put_wrapped(out, arg, wide);
        fputc('/', out);
        put_wrapped(out, arg2, wide2);
    } else if ((strcmp(cmd, "text") == 0 || strcmp(cmd, "mathrm") == 0 ||
                strcmp(cmd, "operatorname") == 0) &&
               m->p < m->end && *m->p == '{') {
        const char *close = memchr(m->p, '}', (size_t)(m->end - m->p));
        if (!close) {
            fail(m, "a { without its }");
            return;
        }
        put_escaped(out, m->p + 1, (size_t)(close - m->p - 1), m->plain);
        m->p = close + 1;
    } else if (strcmp(cmd, "mathbb") == 0) { /* \mathbb{R} or \mathbb R */
        const char *letter = m->p + (m->p < m->end && *m->p == '{');
        size_t i = 0;
        while (i < sizeof blackboard / sizeof blackboard[0] &&
               !(letter < m->end && *letter == blackboard[i].letter))
            i++;
        int braced = letter > m->p, closed = !braced || (letter + 1 < m->end && letter[1] == '}');
        if (i < sizeof blackboard / sizeof blackboard[0] && closed) {
            fputs(blackboard[i].utf8, out);
            m->p = letter + 1 + braced;
        } else {
            fail(m, "\\mathbb%.*s is not one of R, N, Z, Q, C, E, P",
                 (int)strcspn(m->p, "}$") + braced, m->p);
        }
    } else if (strcmp(cmd, "sqrt") != 0 && strcmp(cmd, "frac") != 0) {
        fail(m, "unknown command '\\%s' (see the README's list)", cmd);
    }
    free(arg);
    free(arg2);
}

/* Atoms until the end of the maths part, or a } closing a group. */
static void parse_list(mathp *m, FILE *out, int in_group)
{
    while (m->p < m->end && !m->rc) {
        char c = *m->p;
        if (c == '}') {
            if (!in_group)
                fail(m, "a } without its {");
            m->p++;
            return;
        }
        if (c == '{') {
            m->p++;
            if (!m->plain)
                fputc('{', out);
            parse_list(m, out, 1);
            if (!m->plain)
                fputc('}', out);
        } else if (c == '^' || c == '_') {
            m->p++;
            put_script(m, out, c == '^');
        } else if (c == '\\') {
            m->p++;
            put_command(m, out);
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            size_t n = strspn(m->p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
            if (m->p + n > m->end)
                n = (size_t)(m->end - m->p);
            if (m->plain)
                fwrite(m->p, 1, n, out);
            else
                fprintf(out, "{/:Italic %.*s}", (int)n, m->p);
            m->p += n;
        } else if (c == '-') {
            fputs("−", out);
            m->p++;
        } else if (c == '\'') {
            fputs("′", out);
            m->p++;
        } else {
            size_t n = seq_len((unsigned char)c);
            put_escaped(out, m->p, n, m->plain);
            m->p += n;
        }
    }
    if (in_group && !m->rc)
        fail(m, "a { without its }");
}

/* Positions of the unescaped $ in s (at most cap), their count. */
static size_t dollars(const char *s, const char **at, size_t cap)
{
    size_t k = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '$') {
            if (k < cap)
                at[k] = p;
            k++;
        }
    }
    return k;
}

/* A text part between maths: \$ is $, everything else as written. */
static void put_text_part(FILE *out, const char *s, size_t n, int escape)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '$')
            i++;
        put_escaped(out, s + i, 1, !escape);
    }
}

gp_code plot_text_render(const char *what, const char *s, int enhanced_all, int plain,
                         char **out, int *enhanced, gp_error *err)
{
    enum { MAX_DOLLARS = 256 };
    const char *at[MAX_DOLLARS];
    size_t k = dollars(s, at, MAX_DOLLARS);
    if (plain && enhanced_all)
        plain = 0; /* markup throughout: the dumb terminal does what it can with it */
    *enhanced = enhanced_all;
    if (k < 2 || k % 2 != 0) { /* no maths: as written */
        *out = strdup(s);
        return *out ? GP_OK : gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    }
    if (k > MAX_DOLLARS)
        return gp_error_set(err, GP_ERR_ARG, "%s: more than %d $ signs in '%s'", what,
                            MAX_DOLLARS, s);
    size_t len = 0;
    *out = NULL;
    FILE *f = open_memstream(out, &len);
    if (!f)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    mathp m = {s, s, s, plain, what, err, GP_OK};
    const char *text = s;
    for (size_t i = 0; i < k && !m.rc; i += 2) {
        put_text_part(f, text, (size_t)(at[i] - text), !plain && !enhanced_all);
        m.p = at[i] + 1;
        m.end = at[i + 1];
        parse_list(&m, f, 0);
        text = at[i + 1] + 1;
    }
    put_text_part(f, text, strlen(text), !plain && !enhanced_all);
    if (fclose(f) != 0 && !m.rc)
        m.rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    if (m.rc) {
        free(*out);
        *out = NULL;
        return m.rc;
    }
    *enhanced = !plain;
    return GP_OK;
}

gp_code plot_text_check(const char *what, const char *s, gp_error *err)
{
    char *out = NULL;
    int enhanced;
    gp_code rc = plot_text_render(what, s, 0, 1, &out, &enhanced, err);
    free(out);
    return rc;
}

size_t plot_text_width(const char *s)
{
    char *out = NULL;
    int enhanced;
    size_t n = plot_text_render("text", s, 0, 1, &out, &enhanced, NULL) ? strlen(s)
                                                                        : code_points(out, strlen(out));
    free(out);
    return n;
}
