/* gp_stack.h: a growable stack of fixed-size items, for walking expression
 * trees (kernels, processes) without recursion, so that their depth costs
 * heap, not C stack. Private to the core. Out of memory sets failed and
 * makes every later push fail; the caller reports it.
 *
 *   gp_stack s; gp_stack_init(&s, sizeof(item));
 *   gp_stack_push(&s, &item); while (gp_stack_pop(&s, &item)) ...;
 *   if (s.failed) ...; gp_stack_free(&s); */
#ifndef GP_STACK_H
#define GP_STACK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct gp_stack {
    unsigned char *data;
    size_t n, cap, item;
    int failed;
} gp_stack;

static inline void gp_stack_init(gp_stack *s, size_t item)
{
    *s = (gp_stack){NULL, 0, 0, item, 0};
}

/* 1, or 0 (and failed set) when out of memory. */
static inline int gp_stack_push(gp_stack *s, const void *item)
{
    if (s->failed)
        return 0;
    if (s->n == s->cap) {
        const size_t cap = s->cap ? 2 * s->cap : 32;
        unsigned char *d = cap > SIZE_MAX / s->item ? NULL : realloc(s->data, cap * s->item);
        if (!d) {
            s->failed = 1;
            return 0;
        }
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->n++ * s->item, item, s->item);
    return 1;
}

/* 1 with the top item in *item, or 0 if the stack is empty. */
static inline int gp_stack_pop(gp_stack *s, void *item)
{
    if (s->n == 0)
        return 0;
    memcpy(item, s->data + --s->n * s->item, s->item);
    return 1;
}

static inline void gp_stack_free(gp_stack *s)
{
    free(s->data);
    gp_stack_init(s, s->item);
}

#endif
