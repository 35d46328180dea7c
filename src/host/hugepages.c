/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hugepages.h"
#include "util.h"

int hostcaps_hugepages_foreach(hostcaps_reader *r, const char *dir, hostcaps_object *o,
                               hostcaps_hugepage_fn fn, void *userdata) {
        char **names = NULL;
        size_t n = 0;
        int e = hostcaps_read_dir(r, dir, &names, &n);

        if (e < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                const char *s = startswith(names[i], "hugepages-");
                char canonical[64];
                unsigned long long kib;
                char *end;
                if (!s)
                        continue;
                errno = 0;
                kib = strtoull(s, &end, 10);
                snprintf(canonical, sizeof(canonical), "hugepages-%llukB", kib);
                if (errno || !isdigit((unsigned char)*s) || kib == 0 || strcmp(names[i], canonical) != 0)
                        e = hostcaps_optional(
                                o, hostcaps_error(EINVAL, "%s/%s: not a hugepage size", dir, names[i]));
                else
                        e = fn(userdata, names[i], kib);
        }
        hostcaps_strv_free(names);
        return e;
}
