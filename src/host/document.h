/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcaps/common.h"
#include "section.h"

/* Format the given objects (index HOSTCAPS_IDX_*, NULL = not requested) as
 * one document. */
int hostcaps_document_format(const char *arch, const hostcaps_object *const *objs, hostcaps_format format,
                             char **ret);
