/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "bitmap.h"

hostcaps_bitmap *hostcaps_bitmap_new(void) {
        return calloc(1, sizeof(hostcaps_bitmap));
}

hostcaps_bitmap *hostcaps_bitmap_free(hostcaps_bitmap *b) {
        if (b) {
                free(b->words);
                free(b);
        }
        return NULL;
}

hostcaps_bitmap *hostcaps_bitmap_dup(const hostcaps_bitmap *b) {
        hostcaps_bitmap *n = hostcaps_bitmap_new();
        if (!n)
                return NULL;
        if (b && b->n_words) {
                n->words = malloc(b->n_words * sizeof(uint64_t));
                if (!n->words)
                        return hostcaps_bitmap_free(n);
                memcpy(n->words, b->words, b->n_words * sizeof(uint64_t));
                n->n_words = b->n_words;
        }
        return n;
}

static int bitmap_reserve(hostcaps_bitmap *b, size_t n_words) {
        if (n_words <= b->n_words)
                return 0;
        uint64_t *w = realloc(b->words, n_words * sizeof(uint64_t));
        if (!w)
                return -ENOMEM;
        memset(w + b->n_words, 0, (n_words - b->n_words) * sizeof(uint64_t));
        b->words = w;
        b->n_words = n_words;
        return 0;
}

int hostcaps_bitmap_set(hostcaps_bitmap *b, unsigned int i) {
        if (i >= HOSTCAPS_BITMAP_MAX)
                return -ERANGE;
        int r = bitmap_reserve(b, i / 64 + 1);
        if (r < 0)
                return r;
        b->words[i / 64] |= UINT64_C(1) << (i % 64);
        return 0;
}

void hostcaps_bitmap_clear(hostcaps_bitmap *b, unsigned int i) {
        if (i / 64 < b->n_words)
                b->words[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

bool hostcaps_bitmap_test(const hostcaps_bitmap *b, unsigned int i) {
        return b && i / 64 < b->n_words && (b->words[i / 64] >> (i % 64)) & 1;
}

unsigned int hostcaps_bitmap_count(const hostcaps_bitmap *b) {
        unsigned int n = 0;
        for (size_t w = 0; b && w < b->n_words; w++)
                n += (unsigned)__builtin_popcountll(b->words[w]);
        return n;
}

bool hostcaps_bitmap_is_empty(const hostcaps_bitmap *b) {
        for (size_t w = 0; b && w < b->n_words; w++)
                if (b->words[w])
                        return false;
        return true;
}

bool hostcaps_bitmap_equal(const hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        size_t na = a ? a->n_words : 0, nb = b ? b->n_words : 0;
        size_t n = na > nb ? na : nb;
        for (size_t w = 0; w < n; w++) {
                uint64_t x = w < na ? a->words[w] : 0, y = w < nb ? b->words[w] : 0;
                if (x != y)
                        return false;
        }
        return true;
}

int hostcaps_bitmap_next(const hostcaps_bitmap *b, unsigned int from) {
        if (!b)
                return -1;
        for (size_t w = from / 64; w < b->n_words; w++) {
                uint64_t word = b->words[w];
                if (w == from / 64)
                        word &= ~UINT64_C(0) << (from % 64);
                if (word)
                        return (int)(w * 64 + (size_t)__builtin_ctzll(word));
        }
        return -1;
}

int hostcaps_bitmap_last(const hostcaps_bitmap *b) {
        for (size_t w = b ? b->n_words : 0; w > 0; w--)
                if (b->words[w - 1])
                        return (int)((w - 1) * 64 + 63 - (size_t)__builtin_clzll(b->words[w - 1]));
        return -1;
}

int hostcaps_bitmap_or(hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        if (!b)
                return 0;
        int r = bitmap_reserve(a, b->n_words);
        if (r < 0)
                return r;
        for (size_t w = 0; w < b->n_words; w++)
                a->words[w] |= b->words[w];
        return 0;
}

void hostcaps_bitmap_and(hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        for (size_t w = 0; w < a->n_words; w++)
                a->words[w] &= (b && w < b->n_words) ? b->words[w] : 0;
}

void hostcaps_bitmap_sub(hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        for (size_t w = 0; b && w < a->n_words && w < b->n_words; w++)
                a->words[w] &= ~b->words[w];
}

char *hostcaps_bitmap_format(const hostcaps_bitmap *b) {
        size_t len = 0, cap = 64;
        char *s = malloc(cap);
        if (!s)
                return NULL;
        s[0] = '\0';
        for (int i = hostcaps_bitmap_next(b, 0); i >= 0;) {
                int j = i;
                while (hostcaps_bitmap_test(b, (unsigned)j + 1))
                        j++;
                char item[32];
                int n = i == j ? snprintf(item, sizeof(item), "%s%d", len ? "," : "", i)
                               : snprintf(item, sizeof(item), "%s%d-%d", len ? "," : "", i, j);
                if (len + (size_t)n + 1 > cap) {
                        cap = (len + (size_t)n + 1) * 2;
                        char *t = realloc(s, cap);
                        if (!t) {
                                free(s);
                                return NULL;
                        }
                        s = t;
                }
                memcpy(s + len, item, (size_t)n + 1);
                len += (size_t)n;
                i = hostcaps_bitmap_next(b, (unsigned)j + 1);
        }
        return s;
}
