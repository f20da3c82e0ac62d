/* test_util.h: small helpers shared by the cmocka suites. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Assert |a - b| <= tol, printing both values on failure. */
#define assert_close(a, b, tol)                                                                   \
    do {                                                                                          \
        double a_ = (a), b_ = (b), t_ = (tol);                                                    \
        if (!(fabs(a_ - b_) <= t_))                                                               \
            fail_msg("%s = %.17g, expected %s = %.17g (tol %.3g)", #a, a_, #b, b_, t_);           \
    } while (0)

#endif
