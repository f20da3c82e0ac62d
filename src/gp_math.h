/* gp_math.h: numerical constants shared by the core (one definition each). */
#ifndef GP_MATH_H
#define GP_MATH_H

#define GP_PI 3.14159265358979323846

#endif
