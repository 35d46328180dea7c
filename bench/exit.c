/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An empty program: built once plain and once linked with libhostcaps, to
 * measure what loading the library adds to every process start. */
int main(void) {
        return 0;
}
