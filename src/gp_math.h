/* gp_math.h: numerical constants shared by the core (one definition each). */
#ifndef GP_MATH_H
#define GP_MATH_H

#define GP_PI 3.14159265358979323846
#define GP_LOG_2PI 1.8378770664093454836 /* log(2 pi) */

#endif
