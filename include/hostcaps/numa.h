/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The numa section: typed access is not part of this version yet. */

#ifdef __cplusplus
}
#endif
