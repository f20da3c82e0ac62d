#include "gp_error.h"

#include <stdarg.h>
#include <stdio.h>

gp_code gp_error_set(gp_error *err, gp_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void gp_error_clear(gp_error *err)
{
    if (err) {
        err->code = GP_OK;
        err->msg[0] = '\0';
    }
}
