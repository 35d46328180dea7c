/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_snapshot(): a recorded sysroot replays to what the live host prints. */
#include <sys/stat.h>
#include <unistd.h>

#include "host/node.h"
#include "host/section.h"
#include "hostcaps.h"
#include "test-util.h"

static unsigned implemented(void) {
        unsigned m = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        m |= 1u << i;
        return m;
}

Test(snapshot, replays_identically) {
        char *dir = test_mkdtemp(), *snap = NULL;
        /* Free memory moves between two reads: the volatile section is
         * compared by shape in its own tests, not here. */
        unsigned sections = implemented() & ~(unsigned)HOSTCAPS_SECTION_MEMORY;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert_eq(hostcaps_snapshot(snap, sections, 0), 0, "%s", hostcaps_error_message());
        for (int f = HOSTCAPS_FORMAT_XML; f <= HOSTCAPS_FORMAT_TEXT; f++) {
                char *live = test_document(NULL, sections, (hostcaps_format)f);
                char *replay = test_document(snap, sections, (hostcaps_format)f);
                cr_assert_str_eq(replay, live, "format %d differs", f);
                free(live);
                free(replay);
        }
        test_rm_rf(dir);
        free(dir);
        free(snap);
}

Test(snapshot, records_only_what_probes_read) {
        char *dir = test_mkdtemp(), *snap = NULL, *cmd = NULL;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert_eq(hostcaps_snapshot(snap, HOSTCAPS_SECTION_CPU, 0), 0, "%s", hostcaps_error_message());
        /* A CPU-only snapshot holds no NUMA, cache or resctrl file. */
        cr_assert(asprintf(&cmd,
                           "cd '%s' && ! find . -type f | grep -E "
                           "'system/node/|/cache/index|fs/resctrl|meminfo'",
                           snap) >= 0);
        cr_assert_eq(system(cmd), 0, "the CPU snapshot recorded another section's files");
        free(cmd);
        cr_assert(asprintf(&cmd, "test -f '%s/hostcaps-snapshot.txt'", snap) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        test_rm_rf(dir);
        free(dir);
        free(snap);
}

Test(snapshot, refuses_bad_targets) {
        char *dir = test_mkdtemp();
        test_write(dir, "occupied", "x");
        cr_assert_eq(hostcaps_snapshot(dir, HOSTCAPS_SECTION_CPU, 0), -EEXIST);
        cr_assert(strstr(hostcaps_error_message(), "not empty"));
        cr_assert_eq(hostcaps_snapshot(dir, 0, 0), -EINVAL);
        cr_assert_eq(hostcaps_snapshot(dir, HOSTCAPS_SECTION_CPU, 1), -EINVAL);
        cr_assert_eq(hostcaps_snapshot(NULL, HOSTCAPS_SECTION_CPU, 0), -EINVAL);
        test_rm_rf(dir);
        free(dir);
}

/* ---- a snapshot cannot be redirected (run as root into a directory others
 * can write beside) ---------------------------------------------------- */

struct plant {
        const char *at_step; /* the hook's step that triggers it */
        const char *at_rel;  /* and path prefix ("" = the first such step) */
        const char *link;    /* created relative to the snapshot */
        const char *target;  /* what it points at */
        const char *snap;
        bool done;
};

static void plant_hook(void *userdata, const char *step, const char *rel) {
        struct plant *p = userdata;
        char *path = NULL;
        if (p->done || strcmp(step, p->at_step) != 0 || strncmp(rel, p->at_rel, strlen(p->at_rel)) != 0)
                return;
        p->done = true;
        cr_assert(asprintf(&path, "%s/%s", p->snap, p->link) >= 0);
        cr_assert_eq(symlink(p->target, path), 0, "planting %s: %s", path, strerror(errno));
        free(path);
}

/* Plant a link while the recording is written; the recording must fail (or
 * go around it) and the victim must be untouched. */
static void check_plant(const char *at_step, const char *at_rel, const char *link, bool to_dir) {
        char *dir = test_mkdtemp(), *snap = NULL, *victim = NULL, *victim_dir = NULL;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert(asprintf(&victim_dir, "%s/victim", dir) >= 0);
        cr_assert(asprintf(&victim, "%s/victim/file", dir) >= 0);
        cr_assert_eq(mkdir(victim_dir, 0700), 0);
        test_write(dir, "victim/file", "precious\n");
        struct plant p = {.at_step = at_step, .at_rel = at_rel, .link = link, .snap = snap};
        /* The link points at the victim file, or at its directory. */
        p.target = to_dir ? victim_dir : victim;
        hostcaps_snapshot_set_hook(plant_hook, &p);
        int r = hostcaps_snapshot(snap, HOSTCAPS_SECTION_CPU, 0);
        hostcaps_snapshot_set_hook(NULL, NULL);
        cr_assert(p.done, "the hook never reached step %s %s", at_step, at_rel);
        cr_assert_lt(r, 0, "a recording went on through a planted link %s", link);
        cr_assert(hostcaps_error_message());
        char *content = test_read_file(victim);
        cr_assert_str_eq(content, "precious\n", "the victim was overwritten through %s", link);
        free(content);
        /* Nothing else appeared beside the victim. */
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "test $(ls -A '%s' | wc -l) -eq 1", victim_dir) >= 0);
        cr_assert_eq(system(cmd), 0, "files were written into the victim's directory");
        free(cmd);
        test_rm_rf(dir);
        free(dir);
        free(snap);
        free(victim);
        free(victim_dir);
}

Test(snapshot, planted_metadata_link_is_not_followed) {
        check_plant("meta", "", "hostcaps-snapshot.txt", false);
}

Test(snapshot, planted_directory_link_is_not_entered) {
        /* Planted just before the writer makes that directory. */
        check_plant("mkdir", "sys/devices/system/cpu", "sys/devices/system/cpu", true);
}

Test(snapshot, planted_file_link_is_not_written_through) {
        /* A link where a file is about to be created (the first file). */
        check_plant("create", "sys/devices/system/cpu/online", "sys/devices/system/cpu/online", false);
}

Test(snapshot, existing_directory_must_be_ours_and_empty) {
        char *dir = test_mkdtemp(), *path = NULL, *link = NULL;
        cr_assert(asprintf(&path, "%s/full", dir) >= 0);
        test_write(dir, "full/x", "x");
        cr_assert_lt(hostcaps_snapshot(path, HOSTCAPS_SECTION_CPU, 0), 0);
        cr_assert(strstr(hostcaps_error_message(), "is not empty"), "%s", hostcaps_error_message());
        /* A symlink to an empty directory is not taken for it. */
        cr_assert(asprintf(&link, "%s/link", dir) >= 0);
        free(path);
        cr_assert(asprintf(&path, "%s/empty", dir) >= 0);
        cr_assert_eq(mkdir(path, 0755), 0);
        cr_assert_eq(symlink(path, link), 0);
        cr_assert_lt(hostcaps_snapshot(link, HOSTCAPS_SECTION_CPU, 0), 0);
        cr_assert(strstr(hostcaps_error_message(), "symlink"), "%s", hostcaps_error_message());
        /* Another user's empty directory (root can make one to check). */
        if (geteuid() == 0) {
                cr_assert_eq(chown(path, 65534, 65534), 0);
                cr_assert_eq(hostcaps_snapshot(path, HOSTCAPS_SECTION_CPU, 0), -EPERM);
                cr_assert(strstr(hostcaps_error_message(), "belongs to another user"), "%s",
                          hostcaps_error_message());
        } else
                fprintf(stderr, "NOTE: another user's directory is checked only when run as root\n");
        test_rm_rf(dir);
        free(dir);
        free(path);
        free(link);
}

/* Every recorded link is relative and resolves inside the snapshot: no
 * "../" chain climbs above its root. */
Test(snapshot, recorded_links_stay_inside) {
        char *dir = test_mkdtemp(), *snap = NULL, *cmd = NULL;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert_eq(hostcaps_snapshot(snap, implemented(), 0), 0, "%s", hostcaps_error_message());
        /* realpath -m resolves without the links having to exist; each
         * resolved target must start with the snapshot's own path. */
        cr_assert(asprintf(&cmd,
                           "cd '%s' && s=$(pwd -P) && n=0 && for l in $(find . -type l); do "
                           "t=$(readlink \"$l\"); case \"$t\" in /*) echo \"absolute: $l\"; exit 1;; esac; "
                           "r=$(realpath -m \"$(dirname \"$l\")/$t\"); case \"$r\" in \"$s\"|\"$s\"/*) ;; "
                           "*) echo \"outside: $l -> $t\"; exit 1;; esac; n=$((n+1)); done; "
                           "echo \"$n links checked\" >&2",
                           snap) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        test_rm_rf(dir);
        free(dir);
        free(snap);
}
