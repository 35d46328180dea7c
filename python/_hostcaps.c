/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcaps._hostcaps: the CPython extension behind `import hostcaps`.
 *
 * Compiled against the headers of include/hostcaps: every call, struct and constant
 * used here is the library's own declaration, checked by the compiler, so
 * nothing can drift from the headers. Section objects hold a reference to
 * the library's immutable object and read it through the accessors when an
 * attribute is asked for; values (cells, banks, CPU ids) are structseqs.
 * The GIL is released while the library probes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <hostcaps.h>

/* ---- module state: the exception types and the value types ---- */

static PyObject *Error;          /* hostcaps.Error(OSError) */
static PyObject *SectionWarning; /* hostcaps.SectionWarning(UserWarning) */
static PyTypeObject *CellType, *CpuIdType, *MemoryCellType, *CacheBankType, *CacheControlType,
        *MemoryBandwidthType, *MonitorType, *VulnerabilityType, *PciDeviceType, *FrequencyDomainType,
        *FrequencyKindType;
static PyObject *str_cached, *str_refresh, *str_strict, *str_classes;

/* Raise hostcaps.Error for a library failure `r` (a negative errno), with
 * the library's message of this thread. */
static PyObject *raise_error(int r, const char *msg) {
        if (r == -ENOMEM && !msg)
                return PyErr_NoMemory();
        PyObject *args = Py_BuildValue("(is)", -r, msg ? msg : strerror(-r));
        if (args) {
                PyErr_SetObject(Error, args);
                Py_DECREF(args);
        }
        return NULL;
}

/* A message copied out of the library's thread-local buffer, taken right
 * after the failing call, on the thread that made it. */
static char *copy_message(void) {
        const char *m = hostcaps_error_message();
        return m ? strdup(m) : NULL;
}

static PyObject *raise_last(int r) {
        return raise_error(r, hostcaps_error_message());
}

/* ---- conversions ---- */

static PyObject *str_or_none(const char *s) {
        if (!s)
                Py_RETURN_NONE;
        return PyUnicode_DecodeUTF8(s, strlen(s), "replace");
}

static PyObject *u64_or_none(uint64_t v) {
        if (!v)
                Py_RETURN_NONE;
        return PyLong_FromUnsignedLongLong(v);
}

/* A kernel CPU list ("0-3,8") as a frozenset of ints, through the library's
 * own parser; None for NULL (not known). */
static PyObject *frozenset_of_list(const char *list) {
        if (!list)
                Py_RETURN_NONE;
        hostcaps_cpuset *set = NULL;
        int r = hostcaps_cpuset_from_list(list, &set);
        if (r < 0)
                return raise_last(r);
        PyObject *fs = PyFrozenSet_New(NULL);
        for (int id = hostcaps_cpuset_next(set, -1); fs && id >= 0; id = hostcaps_cpuset_next(set, id)) {
                PyObject *v = PyLong_FromLong(id);
                if (!v || PySet_Add(fs, v) < 0)
                        Py_CLEAR(fs);
                Py_XDECREF(v);
        }
        hostcaps_cpuset_free(set);
        return fs;
}

static PyObject *frozenset_of_set(int r, hostcaps_cpuset *set) {
        if (r == -ENODATA)
                Py_RETURN_NONE;
        if (r < 0)
                return raise_last(r);
        char *list = hostcaps_cpuset_to_list(set);
        hostcaps_cpuset_free(set);
        if (!list)
                return PyErr_NoMemory();
        PyObject *fs = frozenset_of_list(list);
        free(list);
        return fs;
}

/* The read policy's reasons as a tuple of strings. */
#define REASONS(obj, prefix)                                                                                 \
        do {                                                                                                 \
                size_t n_ = prefix##_n_unknown(obj);                                                         \
                PyObject *t_ = PyTuple_New((Py_ssize_t)n_);                                                  \
                for (size_t i_ = 0; t_ && i_ < n_; i_++) {                                                   \
                        PyObject *s_ = str_or_none(prefix##_unknown_reason(obj, i_));                        \
                        if (!s_)                                                                             \
                                Py_CLEAR(t_);                                                                \
                        else                                                                                 \
                                PyTuple_SET_ITEM(t_, (Py_ssize_t)i_, s_);                                    \
                }                                                                                            \
                return t_;                                                                                   \
        } while (0)

/* A structseq from a Py_BuildValue format; steals nothing. */
static PyObject *make_value(PyTypeObject *type, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        PyObject *t = Py_VaBuildValue(fmt, ap);
        va_end(ap);
        if (!t)
                return NULL;
        PyObject *v = PyStructSequence_New(type);
        if (v)
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++) {
                        PyObject *item = PyTuple_GET_ITEM(t, i);
                        Py_INCREF(item);
                        PyStructSequence_SET_ITEM(v, i, item);
                }
        Py_DECREF(t);
        return v;
}

/* ---- section objects: one C type per section, one layout ---- */

enum { SLOT_A, SLOT_B, N_SLOTS }; /* attributes computed once per object */

typedef struct {
        PyObject_HEAD void *obj; /* the library's object, one reference */
        PyObject *slot[N_SLOTS];
} Section;

struct section_kind {
        unsigned int section; /* HOSTCAPS_SECTION_* */
        PyTypeObject *type;
        int (*get)(hostcaps_node *node, unsigned int flags, void **ret);
        void (*unref)(void *obj);
        const char *const *repr_fields; /* attributes shown by repr() */
};

#define OBJ(self, t) ((const t *)((Section *)(self))->obj)

static const struct section_kind *kind_of_type(PyTypeObject *type);

static void section_dealloc(PyObject *self) {
        Section *s = (Section *)self;
        const struct section_kind *kind = kind_of_type(Py_TYPE(self));
        for (int i = 0; i < N_SLOTS; i++)
                Py_CLEAR(s->slot[i]);
        if (s->obj && kind)
                kind->unref(s->obj);
        Py_TYPE(self)->tp_free(self);
}

/* Every attribute of a section object, in the order of its getset table:
 * the object's value, for equality. */
static PyObject *section_values(PyObject *self) {
        PyGetSetDef *g = Py_TYPE(self)->tp_getset;
        Py_ssize_t n = 0;
        while (g[n].name)
                n++;
        PyObject *t = PyTuple_New(n);
        for (Py_ssize_t i = 0; t && i < n; i++) {
                PyObject *v = g[i].get(self, g[i].closure);
                if (!v)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, i, v);
        }
        return t;
}

/* Two objects are equal when they hold the same library object, or when
 * every attribute is equal (two probes of an unchanged host). */
static PyObject *section_richcompare(PyObject *a, PyObject *b, int op) {
        if ((op != Py_EQ && op != Py_NE) || Py_TYPE(a) != Py_TYPE(b))
                Py_RETURN_NOTIMPLEMENTED;
        if (((Section *)a)->obj == ((Section *)b)->obj)
                return PyBool_FromLong(op == Py_EQ);
        PyObject *va = section_values(a), *vb = va ? section_values(b) : NULL;
        PyObject *r = vb ? PyObject_RichCompare(va, vb, op) : NULL;
        Py_XDECREF(va);
        Py_XDECREF(vb);
        return r;
}

static PyObject *section_repr(PyObject *self) {
        const struct section_kind *kind = kind_of_type(Py_TYPE(self));
        PyObject *parts = PyList_New(0);
        for (const char *const *f = kind->repr_fields; parts && *f; f++) {
                PyObject *v = PyObject_GetAttrString(self, *f);
                PyObject *p = v ? PyUnicode_FromFormat("%s=%R", *f, v) : NULL;
                if (!p || PyList_Append(parts, p) < 0)
                        Py_CLEAR(parts);
                Py_XDECREF(v);
                Py_XDECREF(p);
        }
        if (!parts)
                return NULL;
        PyObject *sep = PyUnicode_FromString(", ");
        PyObject *body = sep ? PyUnicode_Join(sep, parts) : NULL;
        PyObject *r = body ? PyUnicode_FromFormat("%s(%U)", Py_TYPE(self)->tp_name, body) : NULL;
        Py_XDECREF(sep);
        Py_XDECREF(body);
        Py_DECREF(parts);
        return r;
}

/* Getters: G_STR(name, call) defines get_<type>_<name> returning a string or None. */
#define G_STR(T, ctype, name, expr)                                                                          \
        static PyObject *get_##T##_##name(PyObject *self, void *c) {                                         \
                const ctype *o = OBJ(self, ctype);                                                           \
                return str_or_none(expr);                                                                    \
        }
#define G_SECTION_COMMON(T, ctype, prefix)                                                                   \
        static PyObject *get_##T##_reasons(PyObject *self, void *c) {                                        \
                REASONS(OBJ(self, ctype), prefix);                                                           \
        }                                                                                                    \
        G_STR(T, ctype, absent_reason, prefix##_absent_reason(o))
#define GS(T, name, doc)                                                                                     \
        { #name, get_##T##_##name, NULL, PyDoc_STR(doc), NULL }
#define GS_COMMON(T)                                                                                         \
        GS(T, absent_reason,                                                                                 \
           "Why the section is absent (present and empty: 'resctrl not mounted', 'not in the\n"              \
           "loaded document'), or None when it is present."),                                                \
                GS(T, reasons,                                                                               \
                   "The read policy: a tuple of reasons ('FILE: what was wrong'), one per optional\n"        \
                   "value that is unknown because its file was unreadable or malformed.")

/* ---- Cpu ---- */

G_SECTION_COMMON(cpu, hostcaps_cpu, hostcaps_cpu)
G_STR(cpu, hostcaps_cpu, arch, hostcaps_cpu_arch(o))
G_STR(cpu, hostcaps_cpu, vendor, hostcaps_cpu_vendor(o))
G_STR(cpu, hostcaps_cpu, vendor_id, hostcaps_cpu_vendor_id(o))
G_STR(cpu, hostcaps_cpu, brand, hostcaps_cpu_brand(o))
G_STR(cpu, hostcaps_cpu, model, hostcaps_cpu_model(o))
G_STR(cpu, hostcaps_cpu, model_reason, hostcaps_cpu_model_reason(o))
G_STR(cpu, hostcaps_cpu, model_rules, hostcaps_cpu_model_rules(o))
G_STR(cpu, hostcaps_cpu, feature_source, hostcaps_cpu_feature_source(o))

static PyObject *get_cpu_signature(PyObject *self, void *c) {
        unsigned int f, m, s;
        if (!hostcaps_cpu_signature(OBJ(self, hostcaps_cpu), &f, &m, &s))
                Py_RETURN_NONE;
        return Py_BuildValue("(III)", f, m, s);
}

static PyObject *get_cpu_microcode(PyObject *self, void *c) {
        uint64_t v;
        if (!hostcaps_cpu_microcode(OBJ(self, hostcaps_cpu), &v))
                Py_RETURN_NONE;
        return PyLong_FromUnsignedLongLong(v);
}

static PyObject *get_cpu_tsc_frequency(PyObject *self, void *c) {
        return u64_or_none(hostcaps_cpu_tsc_frequency(OBJ(self, hostcaps_cpu)));
}

static PyObject *get_cpu_tsc_scaling(PyObject *self, void *c) {
        bool v;
        int r = hostcaps_cpu_tsc_scaling_get(OBJ(self, hostcaps_cpu), &v);
        if (r < 0)
                Py_RETURN_NONE;
        return PyBool_FromLong(v);
}

static PyObject *get_cpu_phys_addr_bits(PyObject *self, void *c) {
        return u64_or_none(hostcaps_cpu_phys_addr_bits(OBJ(self, hostcaps_cpu)));
}

/* The counts go through hostcaps_cpu_topology_count(): the closure is the
 * library's enum value. */
static PyObject *get_cpu_count(PyObject *self, void *c) {
        int r = hostcaps_cpu_topology_count(OBJ(self, hostcaps_cpu), (hostcaps_cpu_count)(intptr_t)c);
        if (r < 0)
                return raise_last(r);
        return PyLong_FromLong(r);
}

static PyObject *string_tuple(const hostcaps_cpu *cpu, size_t n,
                              const char *(*at)(const hostcaps_cpu *, size_t)) {
        PyObject *t = PyTuple_New((Py_ssize_t)n);
        for (size_t i = 0; t && i < n; i++) {
                PyObject *s = str_or_none(at(cpu, i));
                if (!s)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
        }
        return t;
}

static PyObject *get_cpu_features(PyObject *self, void *c) {
        Section *s = (Section *)self;
        if (!s->slot[SLOT_A])
                s->slot[SLOT_A] = string_tuple(s->obj, hostcaps_cpu_n_features(s->obj), hostcaps_cpu_feature);
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

static PyObject *get_cpu_all_features(PyObject *self, void *c) {
        Section *s = (Section *)self;
        if (!s->slot[SLOT_B])
                s->slot[SLOT_B] =
                        string_tuple(s->obj, hostcaps_cpu_n_all_features(s->obj), hostcaps_cpu_all_feature);
        Py_XINCREF(s->slot[SLOT_B]);
        return s->slot[SLOT_B];
}

static PyObject *get_cpu_page_sizes(PyObject *self, void *c) {
        const hostcaps_cpu *cpu = OBJ(self, hostcaps_cpu);
        size_t n = hostcaps_cpu_n_page_sizes(cpu);
        PyObject *t = PyTuple_New((Py_ssize_t)n);
        for (size_t i = 0; t && i < n; i++) {
                PyObject *v = PyLong_FromUnsignedLongLong(hostcaps_cpu_page_size(cpu, i));
                if (!v)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
        }
        return t;
}

static PyObject *get_cpu_core_kinds(PyObject *self, void *c) {
        const hostcaps_cpu *cpu = OBJ(self, hostcaps_cpu);
        PyObject *d = PyDict_New();
        for (size_t i = 0; d && i < hostcaps_cpu_n_core_kinds(cpu); i++) {
                hostcaps_cpuset *set = NULL;
                int r = hostcaps_cpu_core_kind_cpuset(cpu, i, &set);
                PyObject *v = frozenset_of_set(r, set);
                if (!v || PyDict_SetItemString(d, hostcaps_cpu_core_kind_name(cpu, i), v) < 0)
                        Py_CLEAR(d);
                Py_XDECREF(v);
        }
        return d;
}

PyDoc_STRVAR(cpu_has_feature_doc, "has_feature($self, name, /)\n--\n\n"
                                  "Whether the CPU has the feature, the model's included. The name may be\n"
                                  "libvirt's ('sse4.2') or the kernel's ('sse4_2').");
static PyObject *cpu_has_feature(PyObject *self, PyObject *name) {
        const char *n = PyUnicode_AsUTF8(name);
        if (!n)
                return NULL;
        return PyBool_FromLong(hostcaps_cpu_has_feature(OBJ(self, hostcaps_cpu), n));
}

static PyGetSetDef cpu_getset[] = {
        GS(cpu, arch, "The architecture in libvirt's spelling: 'x86_64', 'aarch64', 'ppc64', 's390x'."),
        GS(cpu, vendor, "The vendor as libvirt spells it ('Intel', 'AMD', 'ARM', ...), or None."),
        GS(cpu, vendor_id, "The raw vendor identification ('GenuineIntel', ...), or None."),
        GS(cpu, brand, "The brand (model name) string, or None."),
        GS(cpu, model,
           "libvirt's CPU model name, chosen from the installed cpu_map as libvirt\n"
           "chooses it, or None (model_reason says why)."),
        GS(cpu, model_reason, "Why there is no model; None when there is one."),
        GS(cpu, model_rules, "Which libvirt version's rules read the x86 cpu_map, or None."),
        GS(cpu, signature, "(family, model, stepping) as libvirt computes them (x86), or None."),
        GS(cpu, microcode, "The microcode revision (int), or None when unknown."),
        GS(cpu, tsc_frequency, "The invariant TSC frequency in Hz, or None."),
        GS(cpu, tsc_scaling, "Whether the TSC can be scaled for guests; None when unknown."),
        GS(cpu, phys_addr_bits, "Maximum physical address bits, or None when unknown."),
        {"sockets", get_cpu_count, NULL, PyDoc_STR("Sockets of the host (a true host count)."),
         (void *)(intptr_t)HOSTCAPS_CPU_SOCKETS},
        {"dies", get_cpu_count, NULL, PyDoc_STR("Dies per socket."), (void *)(intptr_t)HOSTCAPS_CPU_DIES},
        {"clusters", get_cpu_count, NULL, PyDoc_STR("Clusters per die."),
         (void *)(intptr_t)HOSTCAPS_CPU_CLUSTERS},
        {"cores", get_cpu_count, NULL, PyDoc_STR("Cores per cluster."), (void *)(intptr_t)HOSTCAPS_CPU_CORES},
        {"threads", get_cpu_count, NULL, PyDoc_STR("Threads per core."),
         (void *)(intptr_t)HOSTCAPS_CPU_THREADS},
        {"online_cpus", get_cpu_count, NULL, PyDoc_STR("Logical CPUs online."),
         (void *)(intptr_t)HOSTCAPS_CPU_ONLINE_CPUS},
        {"possible_cpus", get_cpu_count, NULL, PyDoc_STR("Logical CPUs the kernel can bring online."),
         (void *)(intptr_t)HOSTCAPS_CPU_POSSIBLE_CPUS},
        GS(cpu, features,
           "Features named and ordered as libvirt lists them: with a model, those\n"
           "beyond the model; without one, every feature. A tuple of str."),
        GS(cpu, all_features, "Every feature of the CPU, the model's included. A tuple of str."),
        GS(cpu, feature_source, "Where feature names came from: 'cpu_map', 'builtin', 'cpuinfo'."),
        GS(cpu, page_sizes, "Page sizes in KiB, ascending: the base page, then the hugepage sizes."),
        GS(cpu, core_kinds,
           "Hybrid core kinds: {'core': frozenset(cpus), 'atom': ...}; empty when\n"
           "the host is not hybrid."),
        GS_COMMON(cpu),
        {},
};

static PyMethodDef cpu_methods[] = {
        {"has_feature", cpu_has_feature, METH_O, cpu_has_feature_doc},
        {},
};

PyDoc_STRVAR(cpu_doc, "The host CPU section: identity, features, topology counts, page sizes.\n\n"
                      "An immutable snapshot holding the library's object: it stays valid after a\n"
                      "refresh and after its Node is gone. Get one with Node.cpu().\n\n"
                      "The counts (sockets, dies, clusters, cores, threads) are true host counts over\n"
                      "the online CPUs: dies per socket, clusters per die, cores per cluster, threads\n"
                      "per core. Values the host does not give are None.");

/* ---- Numa ---- */

G_SECTION_COMMON(numa, hostcaps_numa, hostcaps_numa)

static PyObject *get_numa_synthetic(PyObject *self, void *c) {
        return PyBool_FromLong(hostcaps_numa_is_synthetic(OBJ(self, hostcaps_numa)));
}

static PyObject *numa_cpu_ids(const hostcaps_numa *numa, size_t i) {
        size_t n = hostcaps_numa_cell_n_cpus(numa, i);
        PyObject *t = PyTuple_New((Py_ssize_t)n);
        for (size_t k = 0; t && k < n; k++) {
                const hostcaps_numa_cpu *cpu = hostcaps_numa_cell_cpu(numa, i, k);
                PyObject *sib = cpu ? frozenset_of_list(cpu->siblings) : NULL;
                PyObject *v = sib ? make_value(CpuIdType, "(IIIIIO)", cpu->id, cpu->socket, cpu->die,
                                               cpu->cluster, cpu->core, sib)
                                  : NULL;
                Py_XDECREF(sib);
                if (!v)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, (Py_ssize_t)k, v);
        }
        return t;
}

static PyObject *numa_cell(const hostcaps_numa *numa, size_t i) {
        size_t n = hostcaps_numa_n_cells(numa);
        PyObject *mem = NULL, *dist = NULL, *cpus = NULL, *ids = NULL, *off = NULL, *allowed = NULL;
        PyObject *cell = NULL;
        uint64_t kib;
        if (hostcaps_numa_cell_memory(numa, i, &kib) == 0)
                mem = PyLong_FromUnsignedLongLong(kib);
        else
                mem = Py_NewRef(Py_None);
        dist = PyDict_New();
        for (size_t j = 0; dist && j < n; j++) {
                int d = hostcaps_numa_distance(numa, i, j);
                if (d < 0)
                        continue;
                PyObject *k = PyLong_FromLong(hostcaps_numa_cell_id(numa, j)), *v = PyLong_FromLong(d);
                if (!k || !v || PyDict_SetItem(dist, k, v) < 0)
                        Py_CLEAR(dist);
                Py_XDECREF(k);
                Py_XDECREF(v);
        }
        cpus = frozenset_of_list(hostcaps_numa_cell_cpus(numa, i));
        ids = numa_cpu_ids(numa, i);
        off = frozenset_of_list(hostcaps_numa_cell_offline_cpus(numa, i));
        allowed = frozenset_of_list(hostcaps_numa_cell_allowed_cpus(numa, i));
        if (mem && dist && cpus && ids && off && allowed)
                cell = make_value(CellType, "(iOOOOOOO)", hostcaps_numa_cell_id(numa, i), cpus, mem, dist,
                                  ids, off, hostcaps_numa_cell_is_allowed(numa, i) ? Py_True : Py_False,
                                  allowed);
        Py_XDECREF(mem);
        Py_XDECREF(dist);
        Py_XDECREF(cpus);
        Py_XDECREF(ids);
        Py_XDECREF(off);
        Py_XDECREF(allowed);
        return cell;
}

static PyObject *get_numa_cells(PyObject *self, void *c) {
        Section *s = (Section *)self;
        if (!s->slot[SLOT_A]) {
                size_t n = hostcaps_numa_n_cells(s->obj);
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *cell = numa_cell(s->obj, i);
                        if (!cell)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, cell);
                }
                s->slot[SLOT_A] = t;
        }
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

#define G_SET(T, ctype, name, expr)                                                                          \
        static PyObject *get_##T##_##name(PyObject *self, void *c) {                                         \
                const ctype *o = OBJ(self, ctype);                                                           \
                return frozenset_of_list(expr);                                                              \
        }
G_SET(numa, hostcaps_numa, online_cpus, hostcaps_numa_online_cpus(o))
G_SET(numa, hostcaps_numa, offline_cpus, hostcaps_numa_offline_cpus(o))
G_SET(numa, hostcaps_numa, allowed_cpus, hostcaps_numa_allowed_cpus(o))
G_SET(numa, hostcaps_numa, allowed_nodes, hostcaps_numa_allowed_nodes(o))

PyDoc_STRVAR(numa_cell_of_cpu_doc, "cell_of_cpu($self, cpu, /)\n--\n\n"
                                   "The cell holding online CPU `cpu`, or None when none does.");
static PyObject *numa_cell_of_cpu(PyObject *self, PyObject *arg) {
        long cpu = PyLong_AsLong(arg);
        if (cpu == -1 && PyErr_Occurred())
                return NULL;
        if (cpu < 0 || cpu > HOSTCAPS_CPUSET_MAX_ID)
                Py_RETURN_NONE;
        int i = hostcaps_numa_cell_of_cpu(OBJ(self, hostcaps_numa), (unsigned int)cpu);
        if (i < 0)
                Py_RETURN_NONE;
        PyObject *cells = get_numa_cells(self, NULL);
        if (!cells)
                return NULL;
        PyObject *cell = Py_NewRef(PyTuple_GET_ITEM(cells, i));
        Py_DECREF(cells);
        return cell;
}

static PyGetSetDef numa_getset[] = {
        GS(numa, cells, "The cells (NUMA nodes) online, ascending by id: a tuple of Cell."),
        GS(numa, synthetic, "True when the kernel has no NUMA: one cell 0 stands for the whole host."),
        GS(numa, online_cpus, "All online CPUs: a frozenset of int."),
        GS(numa, offline_cpus,
           "CPUs present but offline: a frozenset of int; None when not known\n"
           "(a loaded document)."),
        GS(numa, allowed_cpus,
           "The CPUs this process may run on (its cgroup cpuset and affinity, from\n"
           "Cpus_allowed_list): a frozenset; None when the root has no record of it."),
        GS(numa, allowed_nodes,
           "The nodes this process may allocate from (Mems_allowed_list): a\n"
           "frozenset; None when not recorded."),
        GS_COMMON(numa),
        {},
};

static PyMethodDef numa_methods[] = {
        {"cell_of_cpu", numa_cell_of_cpu, METH_O, numa_cell_of_cpu_doc},
        {},
};

PyDoc_STRVAR(numa_doc, "The NUMA section: cells, their memory, distances, CPUs and the CPUs' ids;\n"
                       "beside it, which CPUs and nodes this process may use.\n\n"
                       "Cells are the kernel's online nodes, ascending by id (ids may be sparse). A\n"
                       "cell may have no CPUs (memory-only) and even no memory. Get one with\n"
                       "Node.numa(); it is an immutable snapshot.");

/* ---- Memory ---- */

G_SECTION_COMMON(memory, hostcaps_memory, hostcaps_memory)

static PyObject *get_memory_synthetic(PyObject *self, void *c) {
        return PyBool_FromLong(hostcaps_memory_is_synthetic(OBJ(self, hostcaps_memory)));
}

static PyObject *get_memory_base_page_size(PyObject *self, void *c) {
        return PyLong_FromUnsignedLongLong(hostcaps_memory_base_page_size(OBJ(self, hostcaps_memory)));
}

static PyObject *u64_result(int r, uint64_t v) {
        if (r < 0)
                Py_RETURN_NONE;
        return PyLong_FromUnsignedLongLong(v);
}

static PyObject *memory_cell(const hostcaps_memory *mem, size_t i) {
        uint64_t total, free_kib, size, n;
        PyObject *pages = PyDict_New();
        for (size_t k = 0; pages && k < hostcaps_memory_cell_n_hugepage_sizes(mem, i); k++) {
                if (hostcaps_memory_cell_hugepages(mem, i, k, &size, NULL, NULL) < 0)
                        continue;
                int rt = hostcaps_memory_cell_hugepages(mem, i, k, NULL, &total, NULL);
                int rf = hostcaps_memory_cell_hugepages(mem, i, k, NULL, NULL, &n);
                PyObject *key = PyLong_FromUnsignedLongLong(size);
                PyObject *t = u64_result(rt, total), *f = u64_result(rf, n);
                PyObject *v = t && f ? PyTuple_Pack(2, t, f) : NULL;
                if (!key || !v || PyDict_SetItem(pages, key, v) < 0)
                        Py_CLEAR(pages);
                Py_XDECREF(key);
                Py_XDECREF(t);
                Py_XDECREF(f);
                Py_XDECREF(v);
        }
        if (!pages)
                return NULL;
        /* libvirt's page counts: the base size's pages beside the pools. */
        PyObject *all = PyDict_New();
        uint64_t base = hostcaps_memory_base_page_size(mem);
        int rbt = hostcaps_memory_cell_pages(mem, i, base, &total, NULL);
        int rbf = hostcaps_memory_cell_pages(mem, i, base, NULL, &n);
        if (all && rbt == 0) {
                PyObject *key = PyLong_FromUnsignedLongLong(base);
                PyObject *f = u64_result(rbf, n);
                PyObject *v = f ? Py_BuildValue("(KO)", (unsigned long long)total, f) : NULL;
                if (!key || !v || PyDict_SetItem(all, key, v) < 0)
                        Py_CLEAR(all);
                Py_XDECREF(key);
                Py_XDECREF(f);
                Py_XDECREF(v);
        }
        if (!all || PyDict_Update(all, pages) < 0) {
                Py_XDECREF(all);
                Py_DECREF(pages);
                return NULL;
        }
        int rt = hostcaps_memory_cell_total(mem, i, &total);
        int rf = hostcaps_memory_cell_free(mem, i, &free_kib);
        PyObject *t = u64_result(rt, total), *f = u64_result(rf, free_kib);
        PyObject *cell = t && f ? make_value(MemoryCellType, "(iOOOO)", hostcaps_memory_cell_id(mem, i), t, f,
                                             pages, all)
                                : NULL;
        Py_XDECREF(t);
        Py_XDECREF(f);
        Py_DECREF(pages);
        Py_DECREF(all);
        return cell;
}

static PyObject *get_memory_cells(PyObject *self, void *c) {
        Section *s = (Section *)self;
        if (!s->slot[SLOT_A]) {
                size_t n = hostcaps_memory_n_cells(s->obj);
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *cell = memory_cell(s->obj, i);
                        if (!cell)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, cell);
                }
                s->slot[SLOT_A] = t;
        }
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

static PyGetSetDef memory_getset[] = {
        GS(memory, cells,
           "Per cell, as the NUMA section's cells: a tuple of MemoryCell(id, total_kib,\n"
           "free_kib, hugepages, pages) where hugepages is {size_kib: (total, free)}\n"
           "per hugepage pool, and pages the same with the base page size too.\n"
           "Unknown values are None (a loaded document has no free counts)."),
        GS(memory, synthetic, "True when the kernel has no NUMA and the one cell is the whole host."),
        GS(memory, base_page_size, "The base page size in KiB."),
        GS_COMMON(memory),
        {},
};

PyDoc_STRVAR(memory_doc, "The memory-state section: per cell, free memory now and the hugepage\n"
                         "pools (total and free) of every size.\n\n"
                         "Volatile: on a live host Node.memory() reads it again at every call,\n"
                         "whatever the flags; each returned object is a snapshot of that moment.");

/* ---- Cache ---- */

G_SECTION_COMMON(cache, hostcaps_cache, hostcaps_cache)

static PyObject *get_cache_banks(PyObject *self, void *c) {
        Section *s = (Section *)self;
        const hostcaps_cache *cache = s->obj;
        if (!s->slot[SLOT_A]) {
                size_t n = hostcaps_cache_n_banks(cache);
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *cpus = frozenset_of_list(hostcaps_cache_bank_cpus(cache, i));
                        PyObject *size = cpus ? u64_or_none(hostcaps_cache_bank_size(cache, i)) : NULL;
                        PyObject *line = size ? u64_or_none(hostcaps_cache_bank_line_size(cache, i)) : NULL;
                        PyObject *ways = line ? u64_or_none(hostcaps_cache_bank_ways(cache, i)) : NULL;
                        PyObject *b = ways ? make_value(CacheBankType, "(IIsOOOOO)",
                                                        hostcaps_cache_bank_id(cache, i),
                                                        hostcaps_cache_bank_level(cache, i),
                                                        hostcaps_cache_type_to_string(
                                                                hostcaps_cache_bank_type(cache, i)),
                                                        size, line, ways, cpus,
                                                        hostcaps_cache_bank_id_derived(cache, i) ? Py_True
                                                                                                 : Py_False)
                                           : NULL;
                        Py_XDECREF(cpus);
                        Py_XDECREF(size);
                        Py_XDECREF(line);
                        Py_XDECREF(ways);
                        if (!b)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, b);
                }
                s->slot[SLOT_A] = t;
        }
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

static PyGetSetDef cache_getset[] = {
        GS(cache, banks,
           "The cache banks, ordered as libvirt orders them (level, id, type): a tuple of\n"
           "CacheBank(id, level, type, size, line_size, ways, cpus, id_derived); type is\n"
           "libvirt's 'both', 'code' or 'data'; sizes in bytes; unknown values None."),
        GS_COMMON(cache),
        {},
};

PyDoc_STRVAR(cache_doc, "The cache section: the host's cache banks of every level and type.\n\n"
                        "Get one with Node.cache(); it is an immutable snapshot.");

/* ---- Resctrl ---- */

G_SECTION_COMMON(resctrl, hostcaps_resctrl, hostcaps_resctrl)

static PyObject *get_resctrl_cache_allocation(PyObject *self, void *c) {
        const hostcaps_resctrl *rc = OBJ(self, hostcaps_resctrl);
        size_t n = hostcaps_resctrl_n_cache_controls(rc);
        PyObject *t = PyTuple_New((Py_ssize_t)n);
        for (size_t i = 0; t && i < n; i++) {
                PyObject *v =
                        make_value(CacheControlType, "(IsKIII)", hostcaps_resctrl_cache_control_level(rc, i),
                                   hostcaps_cache_type_to_string(hostcaps_resctrl_cache_control_type(rc, i)),
                                   (unsigned long long)hostcaps_resctrl_cache_control_cbm_mask(rc, i),
                                   hostcaps_resctrl_cache_control_cbm_bits(rc, i),
                                   hostcaps_resctrl_cache_control_min_cbm_bits(rc, i),
                                   hostcaps_resctrl_cache_control_max_allocs(rc, i));
                if (!v)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
        }
        return t;
}

static PyObject *get_resctrl_memory_bandwidth(PyObject *self, void *c) {
        const hostcaps_resctrl *rc = OBJ(self, hostcaps_resctrl);
        unsigned int gran, min, max;
        if (!hostcaps_resctrl_memory_bandwidth(rc, &gran, &min, &max))
                Py_RETURN_NONE;
        int lin = hostcaps_resctrl_memory_bandwidth_delay_linear(rc);
        PyObject *linear = lin < 0 ? Py_None : lin ? Py_True : Py_False;
        PyObject *mode = str_or_none(hostcaps_resctrl_memory_bandwidth_throttle_mode(rc));
        PyObject *v = mode ? make_value(MemoryBandwidthType, "(IIIOOO)", gran, min, max,
                                        hostcaps_resctrl_memory_bandwidth_mbps(rc) ? Py_True : Py_False,
                                        linear, mode)
                           : NULL;
        Py_XDECREF(mode);
        return v;
}

static PyObject *get_resctrl_monitoring(PyObject *self, void *c) {
        const hostcaps_resctrl *rc = OBJ(self, hostcaps_resctrl);
        unsigned int level, max;
        uint64_t reuse;
        if (!hostcaps_resctrl_monitor(rc, &level, &max, &reuse))
                Py_RETURN_NONE;
        size_t n = hostcaps_resctrl_n_monitor_features(rc);
        PyObject *f = PyTuple_New((Py_ssize_t)n);
        for (size_t i = 0; f && i < n; i++) {
                PyObject *s = str_or_none(hostcaps_resctrl_monitor_feature(rc, i));
                if (!s)
                        Py_CLEAR(f);
                else
                        PyTuple_SET_ITEM(f, (Py_ssize_t)i, s);
        }
        PyObject *v = f ? make_value(MonitorType, "(IIKO)", level, max, (unsigned long long)reuse, f) : NULL;
        Py_XDECREF(f);
        return v;
}

static PyGetSetDef resctrl_getset[] = {
        GS(resctrl, cache_allocation,
           "Cache allocation (CAT), one control per level and type: a tuple of\n"
           "CacheControl(level, type, cbm_mask, cbm_bits, min_cbm_bits, max_allocs)."),
        GS(resctrl, memory_bandwidth,
           "Memory bandwidth allocation: MemoryBandwidth(granularity, min, max_allocs,\n"
           "mbps, delay_linear, throttle_mode), or None without MBA."),
        GS(resctrl, monitoring,
           "Monitoring: Monitor(level, max_monitors, reuse_threshold, features), or\n"
           "None without monitoring."),
        GS_COMMON(resctrl),
        {},
};

PyDoc_STRVAR(resctrl_doc, "The resctrl section: what the kernel's resource control file system\n"
                          "offers (cache allocation, memory bandwidth allocation, monitoring).\n\n"
                          "Without a mounted resctrl the section is present and empty: absent_reason\n"
                          "is 'resctrl not mounted'.");

/* ---- Host ---- */

G_SECTION_COMMON(host, hostcaps_host, hostcaps_host)
G_STR(host, hostcaps_host, uuid, hostcaps_host_uuid(o))
G_STR(host, hostcaps_host, uuid_source, hostcaps_host_uuid_source(o))

static PyObject *get_host_power_management(PyObject *self, void *c) {
        const hostcaps_host *h = OBJ(self, hostcaps_host);
        static const struct {
                unsigned int bit;
                const char *name;
        } targets[] = {
                {HOSTCAPS_PM_SUSPEND_MEM, "suspend_mem"},
                {HOSTCAPS_PM_SUSPEND_DISK, "suspend_disk"},
                {HOSTCAPS_PM_SUSPEND_HYBRID, "suspend_hybrid"},
        };
        if (!hostcaps_host_power_management_known(h))
                Py_RETURN_NONE;
        unsigned int pm = hostcaps_host_power_management(h);
        PyObject *fs = PyFrozenSet_New(NULL);
        for (size_t i = 0; fs && i < sizeof(targets) / sizeof(targets[0]); i++) {
                if (!(pm & targets[i].bit))
                        continue;
                PyObject *s = PyUnicode_FromString(targets[i].name);
                if (!s || PySet_Add(fs, s) < 0)
                        Py_CLEAR(fs);
                Py_XDECREF(s);
        }
        return fs;
}

static PyObject *get_host_iommu(PyObject *self, void *c) {
        int r = hostcaps_host_iommu_support(OBJ(self, hostcaps_host));
        if (r < 0)
                Py_RETURN_NONE;
        return PyBool_FromLong(r);
}

static PyGetSetDef host_getset[] = {
        GS(host, uuid, "The host UUID (lower case), from DMI or /etc/machine-id; None when unknown."),
        GS(host, uuid_source, "'dmi', 'machine-id', 'document' or None: where the UUID came from."),
        GS(host, power_management,
           "The power management targets, libvirt's names: a frozenset of\n"
           "'suspend_mem', 'suspend_disk', 'suspend_hybrid'; None when unknown."),
        GS(host, iommu, "Whether the kernel has IOMMU groups; None when unknown."),
        GS_COMMON(host),
        {},
};

PyDoc_STRVAR(host_doc, "The host section: UUID, power management, IOMMU support.");

/* ---- Isolation ---- */

G_SECTION_COMMON(isolation, hostcaps_isolation, hostcaps_isolation)
G_SET(isolation, hostcaps_isolation, isolated_cpus, hostcaps_isolation_isolated_cpus(o))
G_SET(isolation, hostcaps_isolation, nohz_full_cpus, hostcaps_isolation_nohz_full_cpus(o))
G_STR(isolation, hostcaps_isolation, smt_control, hostcaps_isolation_smt_control(o))

static PyObject *get_isolation_smt_active(PyObject *self, void *c) {
        bool v;
        if (hostcaps_isolation_smt_active(OBJ(self, hostcaps_isolation), &v) < 0)
                Py_RETURN_NONE;
        return PyBool_FromLong(v);
}

static PyObject *vulnerability(const hostcaps_isolation *iso, size_t i) {
        PyObject *text = str_or_none(hostcaps_isolation_vulnerability_text(iso, i));
        PyObject *v = text ? make_value(VulnerabilityType, "(sOsO)",
                                        hostcaps_isolation_vulnerability_name(iso, i), text,
                                        hostcaps_vulnerability_state_to_string(
                                                hostcaps_isolation_vulnerability_state(iso, i)),
                                        hostcaps_isolation_vulnerability_smt_vulnerable(iso, i) ? Py_True
                                                                                                : Py_False)
                           : NULL;
        Py_XDECREF(text);
        return v;
}

/* The vulnerabilities, built once per object; None when not known. */
static PyObject *get_isolation_vulnerabilities(PyObject *self, void *c) {
        Section *s = (Section *)self;
        const hostcaps_isolation *iso = s->obj;
        if (hostcaps_isolation_vulnerabilities_known(iso) < 0)
                Py_RETURN_NONE;
        if (!s->slot[SLOT_A]) {
                size_t n = hostcaps_isolation_n_vulnerabilities(iso);
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *v = vulnerability(iso, i);
                        if (!v)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
                }
                s->slot[SLOT_A] = t;
        }
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

/* Item `r` of the tuple an attribute getter returns (an index from the
 * library's lookup), or None for a negative `r`. */
static PyObject *item_of(PyObject *self, PyObject *(*get)(PyObject *, void *), int r) {
        if (r < 0)
                Py_RETURN_NONE;
        PyObject *t = get(self, NULL);
        if (!t)
                return NULL;
        PyObject *item = r < PyTuple_GET_SIZE(t) ? Py_NewRef(PyTuple_GET_ITEM(t, r)) : Py_NewRef(Py_None);
        Py_DECREF(t);
        return item;
}

static const char *name_arg(PyObject *arg, const char *what) {
        if (!PyUnicode_Check(arg)) {
                PyErr_Format(PyExc_TypeError, "%s must be a str, not %.100s", what, Py_TYPE(arg)->tp_name);
                return NULL;
        }
        return PyUnicode_AsUTF8(arg);
}

PyDoc_STRVAR(isolation_vulnerability_doc,
             "vulnerability($self, name, /)\n--\n\n"
             "The Vulnerability named `name` ('mds', 'spectre_v2': the kernel's file name),\n"
             "or None when the kernel lists none of that name or the list is not known.");
static PyObject *isolation_vulnerability(PyObject *self, PyObject *arg) {
        const char *name = name_arg(arg, "a vulnerability name");
        if (!name)
                return NULL;
        const hostcaps_isolation *iso = OBJ(self, hostcaps_isolation);
        if (hostcaps_isolation_vulnerabilities_known(iso) < 0)
                Py_RETURN_NONE;
        return item_of(self, get_isolation_vulnerabilities,
                       hostcaps_isolation_vulnerability_index(iso, name));
}

static PyGetSetDef isolation_getset[] = {
        GS(isolation, isolated_cpus,
           "The CPUs isolated from the scheduler's balancing (isolcpus=): a frozenset of\n"
           "int, empty for none; None when not known."),
        GS(isolation, nohz_full_cpus,
           "The adaptive-tick CPUs (nohz_full=): a frozenset of int, empty for none;\n"
           "None when not known (a kernel without NO_HZ_FULL has no such file)."),
        GS(isolation, smt_control,
           "SMT control as the kernel words it: 'on', 'off', 'forceoff', 'notsupported',\n"
           "'notimplemented' or a thread count; None when not known."),
        GS(isolation, smt_active, "Whether SMT siblings are running; None when not known."),
        GS(isolation, vulnerabilities,
           "The CPU vulnerabilities, sorted by name: a tuple of Vulnerability(name, text,\n"
           "state, smt_vulnerable), state 'affected', 'mitigated', 'not_affected' or\n"
           "'unknown'; None when not known (no cpu/vulnerabilities, before Linux 4.15)."),
        GS_COMMON(isolation),
        {},
};

static PyMethodDef isolation_methods[] = {
        {"vulnerability", isolation_vulnerability, METH_O, isolation_vulnerability_doc},
        {},
};

PyDoc_STRVAR(isolation_doc, "The isolation section: the CPUs the kernel keeps apart (isolcpus=,\n"
                            "nohz_full=), SMT control, and the kernel's report on CPU vulnerabilities:\n"
                            "what a scheduler reads to decide whether SMT siblings may be shared\n"
                            "between tenants.\n\n"
                            "Get one with Node.isolation(); it is an immutable snapshot. A loaded\n"
                            "document has none: absent_reason says so.");

/* ---- Frequency ---- */

G_SECTION_COMMON(frequency, hostcaps_frequency, hostcaps_frequency)

static PyObject *khz_of(const hostcaps_frequency *f, size_t i, hostcaps_frequency_which which) {
        uint64_t khz = 0;
        return u64_or_none(hostcaps_frequency_domain_get(f, i, which, &khz) < 0 ? 0 : khz);
}

static PyObject *frequency_domain(const hostcaps_frequency *f, size_t i) {
        PyObject *cpus = frozenset_of_list(hostcaps_frequency_domain_cpus(f, i));
        PyObject *min = cpus ? khz_of(f, i, HOSTCAPS_FREQUENCY_MIN) : NULL;
        PyObject *max = min ? khz_of(f, i, HOSTCAPS_FREQUENCY_MAX) : NULL;
        PyObject *base = max ? khz_of(f, i, HOSTCAPS_FREQUENCY_BASE) : NULL;
        PyObject *v = base ? make_value(FrequencyDomainType, "(OOOO)", cpus, min, max, base) : NULL;
        Py_XDECREF(cpus);
        Py_XDECREF(min);
        Py_XDECREF(max);
        Py_XDECREF(base);
        return v;
}

static PyObject *frequency_kind(const hostcaps_frequency *f, size_t i) {
        PyObject *cpus = frozenset_of_list(hostcaps_frequency_kind_cpus(f, i));
        PyObject *capacity = cpus ? u64_or_none(hostcaps_frequency_kind_capacity(f, i)) : NULL;
        PyObject *max = capacity ? u64_or_none(hostcaps_frequency_kind_max_frequency(f, i)) : NULL;
        PyObject *v = max ? make_value(FrequencyKindType, "(sOsOO)", hostcaps_frequency_kind_name(f, i), cpus,
                                       hostcaps_frequency_kind_source(f, i), capacity, max)
                          : NULL;
        Py_XDECREF(cpus);
        Py_XDECREF(capacity);
        Py_XDECREF(max);
        return v;
}

/* A tuple of n values built by make(f, i), kept in `slot` once built. */
static PyObject *tuple_in_slot(Section *s, int slot, size_t n,
                               PyObject *(*make)(const hostcaps_frequency *, size_t)) {
        if (!s->slot[slot]) {
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *v = make(s->obj, i);
                        if (!v)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
                }
                s->slot[slot] = t;
        }
        Py_XINCREF(s->slot[slot]);
        return s->slot[slot];
}

/* The domains, built once per object; None when not known. */
static PyObject *get_frequency_domains(PyObject *self, void *c) {
        const hostcaps_frequency *f = OBJ(self, hostcaps_frequency);
        if (hostcaps_frequency_known(f) < 0)
                Py_RETURN_NONE;
        return tuple_in_slot((Section *)self, SLOT_A, hostcaps_frequency_n_domains(f), frequency_domain);
}

static PyObject *get_frequency_kinds(PyObject *self, void *c) {
        const hostcaps_frequency *f = OBJ(self, hostcaps_frequency);
        return tuple_in_slot((Section *)self, SLOT_B, hostcaps_frequency_n_kinds(f), frequency_kind);
}

static int cpu_arg(PyObject *arg, unsigned int *ret) {
        unsigned long v = PyLong_AsUnsignedLong(arg);
        if (v == (unsigned long)-1 && PyErr_Occurred())
                return -1;
        if (v > UINT_MAX) {
                PyErr_SetString(PyExc_OverflowError, "CPU number too large");
                return -1;
        }
        *ret = (unsigned int)v;
        return 0;
}

PyDoc_STRVAR(frequency_domain_of_doc,
             "domain_of($self, cpu, /)\n--\n\n"
             "The FrequencyDomain holding online CPU `cpu`, or None when none does.");
static PyObject *frequency_domain_of(PyObject *self, PyObject *arg) {
        unsigned int cpu;
        if (cpu_arg(arg, &cpu) < 0)
                return NULL;
        const hostcaps_frequency *f = OBJ(self, hostcaps_frequency);
        if (hostcaps_frequency_known(f) < 0)
                Py_RETURN_NONE;
        return item_of(self, get_frequency_domains, hostcaps_frequency_domain_of(f, cpu));
}

PyDoc_STRVAR(frequency_capacity_of_doc,
             "capacity_of($self, cpu, /)\n--\n\n"
             "The cpu_capacity of online CPU `cpu` (1024 for the biggest CPUs), or None when\n"
             "the kernel gives none, they could not be read, or there is no such CPU.");
static PyObject *frequency_capacity_of(PyObject *self, PyObject *arg) {
        unsigned int cpu;
        uint64_t capacity = 0;
        if (cpu_arg(arg, &cpu) < 0)
                return NULL;
        if (hostcaps_frequency_capacity_of(OBJ(self, hostcaps_frequency), cpu, &capacity) < 0)
                Py_RETURN_NONE;
        return PyLong_FromUnsignedLongLong(capacity);
}

static PyGetSetDef frequency_getset[] = {
        GS(frequency, domains,
           "The cpufreq policies of the online CPUs: a tuple of FrequencyDomain(cpus,\n"
           "min_khz, max_khz, base_khz), each frequency None when not known; empty without a\n"
           "cpufreq driver; None when the policies could not be read."),
        GS(frequency, kinds,
           "Kinds of CPUs from cpu_capacity, else from differing maximum frequencies: a\n"
           "tuple of FrequencyKind(name, cpus, source, capacity, max_frequency_khz), in\n"
           "ascending order; empty on a homogeneous host or when not known (reasons say why)."),
        GS_COMMON(frequency),
        {},
};

static PyMethodDef frequency_methods[] = {
        {"domain_of", frequency_domain_of, METH_O, frequency_domain_of_doc},
        {"capacity_of", frequency_capacity_of, METH_O, frequency_capacity_of_doc},
        {},
};

PyDoc_STRVAR(frequency_doc, "The frequency section: cpufreq policies with their minimum, maximum and\n"
                            "base frequencies, each CPU's capacity, and the kinds of CPUs they tell\n"
                            "apart (Intel hybrid kinds are Cpu.core_kinds).\n\n"
                            "Get one with Node.frequency(); it is an immutable snapshot. A loaded\n"
                            "document has none: absent_reason says so.");

/* ---- Devices ---- */

G_SECTION_COMMON(devices, hostcaps_devices, hostcaps_devices)

/* An id of an errno-style accessor: an int, or None when unknown. */
static PyObject *id_or_none(int r, unsigned int v) {
        if (r < 0)
                Py_RETURN_NONE;
        return PyLong_FromUnsignedLong(v);
}

static PyObject *device_names(const hostcaps_devices *d, size_t i) {
        size_t n = hostcaps_devices_n_names(d, i);
        PyObject *t = PyTuple_New((Py_ssize_t)n);
        for (size_t k = 0; t && k < n; k++) {
                const char *kind = hostcaps_device_kind_to_string(hostcaps_devices_name_kind(d, i, k));
                PyObject *name = str_or_none(hostcaps_devices_name(d, i, k));
                PyObject *pair = name ? Py_BuildValue("(zO)", kind, name) : NULL;
                Py_XDECREF(name);
                if (!pair)
                        Py_CLEAR(t);
                else
                        PyTuple_SET_ITEM(t, (Py_ssize_t)k, pair);
        }
        return t;
}

static PyObject *pci_device(const hostcaps_devices *d, size_t i) {
        int (*const ids[])(const hostcaps_devices *, size_t, unsigned int *) = {
                hostcaps_devices_class,
                hostcaps_devices_vendor,
                hostcaps_devices_device,
                hostcaps_devices_subsystem_vendor,
                hostcaps_devices_subsystem_device,
        };
        enum { N_IDS = sizeof(ids) / sizeof(ids[0]) };
        PyObject *id[N_IDS] = {NULL}, *node = NULL, *cpus = NULL, *names = NULL, *dev = NULL;
        bool ok = true;
        for (size_t k = 0; k < N_IDS; k++) {
                unsigned int v = 0;
                int r = ids[k](d, i, &v); /* before v is read */
                id[k] = id_or_none(r, v);
                ok = ok && id[k];
        }
        int numa_node = hostcaps_devices_numa_node(d, i);
        node = numa_node < 0 ? Py_NewRef(Py_None) : PyLong_FromLong(numa_node);
        cpus = frozenset_of_list(hostcaps_devices_local_cpus(d, i));
        names = device_names(d, i);
        if (ok && node && cpus && names)
                dev = make_value(PciDeviceType, "(sOOOOOOOO)", hostcaps_devices_address(d, i), id[0], id[1],
                                 id[2], id[3], id[4], node, cpus, names);
        for (size_t k = 0; k < N_IDS; k++)
                Py_XDECREF(id[k]);
        Py_XDECREF(node);
        Py_XDECREF(cpus);
        Py_XDECREF(names);
        return dev;
}

static PyObject *get_devices_pci(PyObject *self, void *c) {
        Section *s = (Section *)self;
        if (!s->slot[SLOT_A]) {
                size_t n = hostcaps_devices_n_devices(s->obj);
                PyObject *t = PyTuple_New((Py_ssize_t)n);
                for (size_t i = 0; t && i < n; i++) {
                        PyObject *dev = pci_device(s->obj, i);
                        if (!dev)
                                Py_CLEAR(t);
                        else
                                PyTuple_SET_ITEM(t, (Py_ssize_t)i, dev);
                }
                s->slot[SLOT_A] = t;
        }
        Py_XINCREF(s->slot[SLOT_A]);
        return s->slot[SLOT_A];
}

PyDoc_STRVAR(devices_find_address_doc,
             "find_address($self, address, /)\n--\n\n"
             "The PciDevice at a PCI address ('0000:02:00.0', as the kernel names it), or\n"
             "None when there is none.");
static PyObject *devices_find_address(PyObject *self, PyObject *arg) {
        const char *address = name_arg(arg, "a PCI address");
        if (!address)
                return NULL;
        return item_of(self, get_devices_pci,
                       hostcaps_devices_find_address(OBJ(self, hostcaps_devices), address));
}

PyDoc_STRVAR(devices_find_name_doc,
             "find_name($self, name, /)\n--\n\n"
             "The PciDevice a kernel name is bound to (a network interface 'eth0', a disk\n"
             "'nvme0n1', 'card0', 'mlx5_0'), or None when no device has that name.");
static PyObject *devices_find_name(PyObject *self, PyObject *arg) {
        const char *name = name_arg(arg, "a device name");
        if (!name)
                return NULL;
        return item_of(self, get_devices_pci, hostcaps_devices_find_name(OBJ(self, hostcaps_devices), name));
}

static PyGetSetDef devices_getset[] = {
        GS(devices, pci,
           "The PCI devices in address order: a tuple of PciDevice(address, pci_class,\n"
           "vendor, device, subsystem_vendor, subsystem_device, numa_node, local_cpus,\n"
           "names); unknown values are None."),
        GS_COMMON(devices),
        {},
};

static PyMethodDef devices_methods[] = {
        {"find_address", devices_find_address, METH_O, devices_find_address_doc},
        {"find_name", devices_find_name, METH_O, devices_find_name_doc},
        {},
};

PyDoc_STRVAR(devices_doc, "The devices section: the host's PCI devices, where they sit (NUMA node,\n"
                          "local CPUs) and the kernel names bound to them (network interfaces, disks,\n"
                          "DRM cards, RDMA devices).\n\n"
                          "Volatile: on a live host Node.devices() reads it again at every call,\n"
                          "whatever the flags; each returned object is a snapshot of that moment.\n"
                          "A loaded document has none: absent_reason says so.");

/* ---- the section types and their table ---- */

#define SECTION_TYPE(T, Name)                                                                                \
        static PyTypeObject T##_type = {                                                                     \
                PyVarObject_HEAD_INIT(NULL, 0).tp_name = "hostcaps." Name,                                   \
                .tp_basicsize = sizeof(Section),                                                             \
                .tp_dealloc = section_dealloc,                                                               \
                .tp_repr = section_repr,                                                                     \
                .tp_richcompare = section_richcompare,                                                       \
                .tp_hash = PyObject_HashNotImplemented,                                                      \
                .tp_flags = Py_TPFLAGS_DEFAULT,                                                              \
                .tp_doc = T##_doc,                                                                           \
                .tp_getset = T##_getset,                                                                     \
        };
SECTION_TYPE(cpu, "Cpu")
SECTION_TYPE(numa, "Numa")
SECTION_TYPE(memory, "Memory")
SECTION_TYPE(cache, "Cache")
SECTION_TYPE(resctrl, "Resctrl")
SECTION_TYPE(host, "Host")
SECTION_TYPE(isolation, "Isolation")
SECTION_TYPE(frequency, "Frequency")
SECTION_TYPE(devices, "Devices")

/* Typed getters and unrefs through one signature each. */
#define SECTION_CALLS(T)                                                                                     \
        static int get_##T(hostcaps_node *node, unsigned int flags, void **ret) {                            \
                hostcaps_##T *o = NULL;                                                                      \
                int r = hostcaps_node_get_##T(node, flags, &o);                                              \
                if (r >= 0)                                                                                  \
                        *ret = o;                                                                            \
                return r;                                                                                    \
        }                                                                                                    \
        static void unref_##T(void *o) {                                                                     \
                hostcaps_##T##_unref(o);                                                                     \
        }
SECTION_CALLS(cpu)
SECTION_CALLS(numa)
SECTION_CALLS(memory)
SECTION_CALLS(cache)
SECTION_CALLS(resctrl)
SECTION_CALLS(host)
SECTION_CALLS(isolation)
SECTION_CALLS(frequency)
SECTION_CALLS(devices)

static const char *const cpu_repr[] = {"arch",    "vendor", "model",   "signature",
                                       "sockets", "cores",  "threads", NULL};
static const char *const numa_repr[] = {"cells", NULL};
static const char *const memory_repr[] = {"cells", NULL};
static const char *const cache_repr[] = {"banks", NULL};
static const char *const resctrl_repr[] = {"absent_reason", "cache_allocation", "memory_bandwidth",
                                           "monitoring", NULL};
static const char *const host_repr[] = {"uuid", "power_management", "iommu", NULL};
static const char *const isolation_repr[] = {"absent_reason", "isolated_cpus", "nohz_full_cpus",
                                             "smt_control",   "smt_active",    NULL};
static const char *const frequency_repr[] = {"absent_reason", "kinds", NULL};
static const char *const devices_repr[] = {"absent_reason", "pci", NULL};

enum { K_CPU, K_NUMA, K_MEMORY, K_CACHE, K_RESCTRL, K_HOST, K_ISOLATION, K_FREQUENCY, K_DEVICES, N_KINDS };
static const struct section_kind kinds[N_KINDS] = {
        [K_CPU] = {HOSTCAPS_SECTION_CPU, &cpu_type, get_cpu, unref_cpu, cpu_repr},
        [K_NUMA] = {HOSTCAPS_SECTION_NUMA, &numa_type, get_numa, unref_numa, numa_repr},
        [K_MEMORY] = {HOSTCAPS_SECTION_MEMORY, &memory_type, get_memory, unref_memory, memory_repr},
        [K_CACHE] = {HOSTCAPS_SECTION_CACHE, &cache_type, get_cache, unref_cache, cache_repr},
        [K_RESCTRL] = {HOSTCAPS_SECTION_RESCTRL, &resctrl_type, get_resctrl, unref_resctrl, resctrl_repr},
        [K_HOST] = {HOSTCAPS_SECTION_HOST, &host_type, get_host, unref_host, host_repr},
        [K_ISOLATION] = {HOSTCAPS_SECTION_ISOLATION, &isolation_type, get_isolation, unref_isolation,
                         isolation_repr},
        [K_FREQUENCY] = {HOSTCAPS_SECTION_FREQUENCY, &frequency_type, get_frequency, unref_frequency,
                         frequency_repr},
        [K_DEVICES] = {HOSTCAPS_SECTION_DEVICES, &devices_type, get_devices, unref_devices, devices_repr},
};

static const struct section_kind *kind_of_type(PyTypeObject *type) {
        for (int k = 0; k < N_KINDS; k++)
                if (kinds[k].type == type)
                        return &kinds[k];
        return NULL;
}

/* ---- Node ---- */

typedef struct {
        PyObject_HEAD hostcaps_node *node;
        /* The wrapper of the object each typed get returned last: the same
         * library object gives back the same Python object (no allocation
         * on a memoized get). Read and written under the GIL. */
        Section *last[N_KINDS];
} Node;

static PyTypeObject node_type;

static PyObject *node_wrap(hostcaps_node *handle) {
        Node *n = PyObject_New(Node, &node_type);
        if (!n) {
                hostcaps_node_unref(handle);
                return NULL;
        }
        n->node = handle;
        memset(n->last, 0, sizeof(n->last));
        return (PyObject *)n;
}

/* Open through `open` with the GIL released; the message is copied on the
 * thread that failed. */
typedef int (*open_fn)(hostcaps_node **ret, const char *path, unsigned int flags);

static PyObject *node_open(open_fn open, const char *path) {
        hostcaps_node *handle = NULL;
        char *msg = NULL;
        int r;
        PyThreadState *ts = PyEval_SaveThread();
        r = open(&handle, path, 0);
        if (r < 0)
                msg = copy_message();
        PyEval_RestoreThread(ts);
        if (r < 0) {
                raise_error(r, msg);
                free(msg);
                return NULL;
        }
        return node_wrap(handle);
}

/* A path (str, bytes, os.PathLike), or None for none. */
static int path_arg(PyObject *o, PyObject **ret) {
        if (o == Py_None) {
                *ret = NULL;
                return 1;
        }
        return PyUnicode_FSConverter(o, ret);
}

static PyObject *node_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
        static char *kwlist[] = {"root", "cpuid", NULL};
        PyObject *root = NULL, *cpuid = NULL;
        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&$O&:Node", kwlist, path_arg, &root, path_arg,
                                         &cpuid))
                return NULL;
        PyObject *self = node_open(hostcaps_node_open, root ? PyBytes_AS_STRING(root) : NULL);
        Py_XDECREF(root);
        if (self && cpuid) {
                int r = hostcaps_node_set_cpuid_file(((Node *)self)->node, PyBytes_AS_STRING(cpuid));
                if (r < 0) {
                        raise_last(r);
                        Py_CLEAR(self);
                }
        }
        Py_XDECREF(cpuid);
        return self;
}

static void node_dealloc(PyObject *self) {
        Node *n = (Node *)self;
        for (int k = 0; k < N_KINDS; k++)
                Py_CLEAR(n->last[k]);
        hostcaps_node_unref(n->node);
        Py_TYPE(self)->tp_free(self);
}

static PyObject *node_repr(PyObject *self) {
        PyObject *root = PyUnicode_DecodeFSDefault(hostcaps_node_root(((Node *)self)->node));
        PyObject *r = root ? PyUnicode_FromFormat("hostcaps.Node(root=%R)", root) : NULL;
        Py_XDECREF(root);
        return r;
}

PyDoc_STRVAR(node_from_document_doc,
             "from_document($type, path, /)\n--\n\n"
             "A Node from a saved capabilities document: hostcaps' own XML or libvirt's\n"
             "`virsh capabilities` output (<guest> elements are ignored). Sections the\n"
             "document does not hold are present and absent ('not in the loaded\n"
             "document'). The document is untrusted input: no network, no entities, no\n"
             "DTD, size and depth limits; errors name the line. Nothing is read from the host.");
static PyObject *node_from_document(PyObject *cls, PyObject *arg) {
        PyObject *path = NULL;
        if (!PyUnicode_FSConverter(arg, &path))
                return NULL;
        PyObject *r = node_open(hostcaps_node_open_document, PyBytes_AS_STRING(path));
        Py_DECREF(path);
        return r;
}

PyDoc_STRVAR(node_from_hwloc_doc,
             "from_hwloc($type, path, /)\n--\n\n"
             "A Node from an hwloc XML topology (lstopo --of xml, hwloc-gather-topology):\n"
             "the CPU topology, NUMA and cache sections come from it; what hwloc cannot\n"
             "know (free memory now, resctrl, the host identity) is absent with that\n"
             "reason. hwloc itself parses the XML: give it topologies you produced.");
static PyObject *node_from_hwloc(PyObject *cls, PyObject *arg) {
        PyObject *path = NULL;
        if (!PyUnicode_FSConverter(arg, &path))
                return NULL;
        PyObject *r = node_open(hostcaps_node_open_hwloc, PyBytes_AS_STRING(path));
        Py_DECREF(path);
        return r;
}

/* Keyword flags of a get, parsed without building a dict (the memoized
 * get is meant to cost about as much as a call). With `ret_classes`, the
 * get also takes `classes` (devices()): one positional argument or the
 * keyword, NULL in *ret_classes when not given. */
static int parse_flags(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, bool allow_strict,
                       PyObject **ret_classes, unsigned int *ret) {
        unsigned int flags = 0;
        PyObject *classes = NULL;
        if (ret_classes && nargs == 1)
                classes = args[0];
        else if (ret_classes && nargs > 1) {
                PyErr_Format(PyExc_TypeError, "takes at most 1 positional argument (classes), %zd given",
                             nargs);
                return -1;
        } else if (nargs != 0) {
                PyErr_SetString(PyExc_TypeError, "flags are keyword arguments: cached=, refresh=");
                return -1;
        }
        Py_ssize_t n = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
        for (Py_ssize_t i = 0; i < n; i++) {
                PyObject *k = PyTuple_GET_ITEM(kwnames, i);
                unsigned int bit = 0;
                if (k == str_cached || PyUnicode_Compare(k, str_cached) == 0)
                        bit = HOSTCAPS_FLAG_CACHED;
                else if (k == str_refresh || PyUnicode_Compare(k, str_refresh) == 0)
                        bit = HOSTCAPS_FLAG_REFRESH;
                else if (allow_strict && (k == str_strict || PyUnicode_Compare(k, str_strict) == 0))
                        bit = HOSTCAPS_FLAG_STRICT;
                else if (ret_classes && (k == str_classes || PyUnicode_Compare(k, str_classes) == 0)) {
                        if (classes) {
                                PyErr_SetString(PyExc_TypeError,
                                                "got multiple values for argument 'classes'");
                                return -1;
                        }
                        classes = args[nargs + i];
                        continue;
                } else {
                        if (!PyErr_Occurred())
                                PyErr_Format(PyExc_TypeError, "unexpected keyword argument '%U'", k);
                        return -1;
                }
                int v = PyObject_IsTrue(args[nargs + i]);
                if (v < 0)
                        return -1;
                if (v)
                        flags |= bit;
        }
        if ((flags & HOSTCAPS_FLAG_CACHED) && (flags & HOSTCAPS_FLAG_REFRESH)) {
                PyErr_SetString(PyExc_ValueError, "cached=True and refresh=True contradict each other");
                return -1;
        }
        if (ret_classes)
                *ret_classes = classes;
        *ret = flags;
        return 0;
}

/* A new wrapper of a library object, which it takes over. */
static Section *section_wrap(const struct section_kind *kind, void *obj) {
        Section *s = PyObject_New(Section, kind->type);
        if (!s) {
                kind->unref(obj);
                return NULL;
        }
        s->obj = obj;
        memset(s->slot, 0, sizeof(s->slot));
        return s;
}

static PyObject *node_get_flags(Node *self, int k, unsigned int flags) {
        const struct section_kind *kind = &kinds[k];
        void *obj = NULL;
        char *msg = NULL;
        int r;
        PyThreadState *ts = PyEval_SaveThread();
        r = kind->get(self->node, flags, &obj);
        if (r < 0)
                msg = copy_message();
        PyEval_RestoreThread(ts);
        if (r < 0) {
                raise_error(r, msg);
                free(msg);
                return NULL;
        }
        Section *last = self->last[k];
        if (last && last->obj == obj) {
                kind->unref(obj);
                Py_INCREF(last);
                return (PyObject *)last;
        }
        Section *s = section_wrap(kind, obj);
        if (!s)
                return NULL;
        Py_INCREF(s);
        self->last[k] = s;
        Py_XDECREF(last);
        return (PyObject *)s;
}

static PyObject *node_get(Node *self, int k, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
        unsigned int flags;
        if (parse_flags(args, nargs, kwnames, false, NULL, &flags) < 0)
                return NULL;
        return node_get_flags(self, k, flags);
}

#define NODE_GET(T, K, doc_text)                                                                             \
        PyDoc_STRVAR(node_##T##_doc, #T "($self, /, *, cached=False, refresh=False)\n--\n\n" doc_text);      \
        static PyObject *node_##T(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {   \
                return node_get((Node *)self, K, args, nargs, kw);                                           \
        }
#define FLAGS_DOC                                                                                            \
        "\n\nDefault: the memoized object after a cheap check that the host has not changed\n"               \
        "under it (a recorded root is probed once). cached=True: the memoized object\n"                      \
        "without any I/O. refresh=True: probe again. The GIL is released while probing.\n"                   \
        "Raises hostcaps.Error when the section cannot be probed."
NODE_GET(cpu, K_CPU, "The host CPU section: a Cpu." FLAGS_DOC)
NODE_GET(numa, K_NUMA, "The NUMA section: a Numa." FLAGS_DOC)
NODE_GET(memory, K_MEMORY,
         "The memory-state section: a Memory, free memory and hugepages per cell,\n"
         "read again at every call on a live host (never served from memory)." FLAGS_DOC)
NODE_GET(cache, K_CACHE, "The cache section: a Cache." FLAGS_DOC)
NODE_GET(resctrl, K_RESCTRL, "The resctrl section: a Resctrl." FLAGS_DOC)
NODE_GET(host, K_HOST, "The host section: a Host." FLAGS_DOC)
NODE_GET(isolation, K_ISOLATION,
         "The isolation section: an Isolation, isolated and nohz_full CPUs, SMT\n"
         "control and the CPU vulnerabilities." FLAGS_DOC)
NODE_GET(frequency, K_FREQUENCY,
         "The frequency section: a Frequency, cpufreq domains, CPU capacities and the\n"
         "kinds of CPUs they tell apart." FLAGS_DOC)

/* PCI base classes: an int or an iterable of ints, each 0 to 0xff; each
 * class once in ret (at most 256), in ascending order. */
static int parse_classes(PyObject *o, unsigned int ret[256], size_t *ret_n) {
        bool seen[256] = {false};
        size_t n = 0;
        PyObject *it = NULL, *item = NULL;
        bool single = PyLong_Check(o);
        if (!single && !(it = PyObject_GetIter(o))) {
                PyErr_Format(PyExc_TypeError,
                             "classes must be a PCI base class or an iterable of them, not %.100s",
                             Py_TYPE(o)->tp_name);
                return -1;
        }
        while ((item = single ? Py_NewRef(o) : PyIter_Next(it))) {
                long v = -1;
                if (!PyLong_Check(item) || PyBool_Check(item))
                        PyErr_Format(PyExc_TypeError, "a PCI base class is an int, not %.100s",
                                     Py_TYPE(item)->tp_name);
                else if ((v = PyLong_AsLong(item)) == -1 && PyErr_Occurred())
                        PyErr_Clear();
                if (!PyErr_Occurred() && (v < 0 || v > 0xff))
                        PyErr_Format(PyExc_ValueError, "PCI base class %R out of range (0 to 0xff)", item);
                Py_DECREF(item);
                if (PyErr_Occurred())
                        break;
                seen[v] = true;
                if (single)
                        break;
        }
        Py_XDECREF(it);
        if (PyErr_Occurred())
                return -1;
        for (unsigned int c = 0; c < 256; c++)
                if (seen[c])
                        ret[n++] = c;
        if (n == 0) {
                PyErr_SetString(PyExc_ValueError, "no PCI base class given (None means every device)");
                return -1;
        }
        *ret_n = n;
        return 0;
}

PyDoc_STRVAR(node_devices_doc,
             "devices($self, /, classes=None, *, cached=False, refresh=False)\n--\n\n"
             "The devices section: a Devices, the host's PCI devices.\n\n"
             "classes: None for every device, or a PCI base class or an iterable of them\n"
             "(hostcaps.PCI_CLASS_NETWORK, ...; ints 0 to 0xff): only the devices of those\n"
             "classes, reading the files of the others' class only. A filtered request\n"
             "probes every time and returns a new object (the node memoizes the whole\n"
             "section only). A class out of range raises ValueError, a non-int TypeError.\n\n"
             "Volatile: on a live host every request reads the section again, whatever\n"
             "the flags; a recorded root is probed once and memoized (cached=True: the\n"
             "memoized object without any I/O, refresh=True: probe again). The GIL is\n"
             "released while probing. Raises hostcaps.Error when the section cannot be\n"
             "probed.");
static PyObject *node_devices(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
        PyObject *classes = NULL;
        unsigned int flags, list[256];
        size_t n = 0;
        hostcaps_devices *obj = NULL;
        char *msg = NULL;
        int r;
        if (parse_flags(args, nargs, kwnames, false, &classes, &flags) < 0)
                return NULL;
        if (!classes || classes == Py_None)
                return node_get_flags((Node *)self, K_DEVICES, flags);
        if (parse_classes(classes, list, &n) < 0)
                return NULL;
        PyThreadState *ts = PyEval_SaveThread();
        r = hostcaps_node_get_devices_filtered(((Node *)self)->node, flags, list, n, &obj);
        if (r < 0)
                msg = copy_message();
        PyEval_RestoreThread(ts);
        if (r < 0) {
                raise_error(r, msg);
                free(msg);
                return NULL;
        }
        /* A new object each call: not the node's memoized one, so not kept
         * as the last one returned. */
        return (PyObject *)section_wrap(&kinds[K_DEVICES], obj);
}

static int section_of_name(PyObject *name, unsigned int *sections) {
        if (!PyUnicode_Check(name)) {
                PyErr_Format(PyExc_TypeError, "a section name is a str, not %.100s", Py_TYPE(name)->tp_name);
                return -1;
        }
        const char *s = PyUnicode_AsUTF8(name);
        if (!s)
                return -1;
        /* "all" is the library's default set, as for the tool: every section
         * but those asked for by name only (devices). */
        unsigned int bit =
                strcmp(s, "all") == 0 ? (unsigned int)HOSTCAPS_SECTION_ALL : hostcaps_section_from_string(s);
        if (!bit) {
                PyErr_Format(PyExc_ValueError, "unknown section %R", name);
                return -1;
        }
        *sections |= bit;
        return 0;
}

/* None: the default set ("all"); a str: one name; an iterable of names. */
static int parse_sections(PyObject *o, unsigned int *ret) {
        unsigned int sections = 0;
        if (!o || o == Py_None) {
                *ret = HOSTCAPS_SECTION_ALL;
                return 0;
        }
        if (PyUnicode_Check(o)) {
                if (section_of_name(o, &sections) < 0)
                        return -1;
                *ret = sections;
                return 0;
        }
        PyObject *it = PyObject_GetIter(o);
        if (!it) {
                PyErr_Format(PyExc_TypeError,
                             "sections must be a section name or an iterable of names, not %.100s",
                             Py_TYPE(o)->tp_name);
                return -1;
        }
        PyObject *item;
        while ((item = PyIter_Next(it))) {
                int r = section_of_name(item, &sections);
                Py_DECREF(item);
                if (r < 0) {
                        Py_DECREF(it);
                        return -1;
                }
        }
        Py_DECREF(it);
        if (PyErr_Occurred())
                return -1;
        if (!sections) {
                PyErr_SetString(PyExc_ValueError, "no section named (None means the default set)");
                return -1;
        }
        *ret = sections;
        return 0;
}

static int parse_format(PyObject *o, hostcaps_format *ret) {
        static const struct {
                const char *name;
                hostcaps_format format;
        } formats[] = {
                {"xml", HOSTCAPS_FORMAT_XML},
                {"json", HOSTCAPS_FORMAT_JSON},
                {"text", HOSTCAPS_FORMAT_TEXT},
                {"nfd", HOSTCAPS_FORMAT_NFD},
                {"prometheus", HOSTCAPS_FORMAT_PROMETHEUS},
        };
        if (!o) {
                *ret = HOSTCAPS_FORMAT_XML;
                return 0;
        }
        if (!PyUnicode_Check(o)) {
                PyErr_Format(PyExc_TypeError, "format must be a str, not %.100s", Py_TYPE(o)->tp_name);
                return -1;
        }
        const char *s = PyUnicode_AsUTF8(o);
        if (!s)
                return -1;
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
                if (strcmp(s, formats[i].name) == 0) {
                        *ret = formats[i].format;
                        return 0;
                }
        PyErr_Format(PyExc_ValueError, "unknown format %R (xml, json, text, nfd, prometheus)", o);
        return -1;
}

PyDoc_STRVAR(node_capabilities_doc,
             "capabilities($self, /, sections=None, format='xml', *, cached=False, refresh=False, "
             "strict=False)\n--\n\n"
             "A str: "
             "the capabilities document of `sections` (a name, an iterable of names, or\n"
             "None or 'all' for the default set: every section but devices, which is asked\n"
             "for by name) in `format`: 'xml' (libvirt-compatible <capabilities>), 'json',\n"
             "'text', 'nfd' or 'prometheus'. Only the sections named are probed. Names\n"
             "are the library's (hostcaps.SECTIONS); an unknown one raises ValueError.\n\n"
             "A request for several sections survives one that fails: the document holds\n"
             "the others, each failed one is marked in JSON and text, and a\n"
             "hostcaps.SectionWarning names them. strict=True raises hostcaps.Error instead.\n"
             "cached= and refresh= are as for cpu().");
static PyObject *node_capabilities(PyObject *self, PyObject *args, PyObject *kwargs) {
        static char *kwlist[] = {"sections", "format", "cached", "refresh", "strict", NULL};
        PyObject *sections_arg = NULL, *format_arg = NULL;
        int cached = 0, refresh = 0, strict = 0;
        unsigned int sections, flags;
        hostcaps_format format;
        char *doc = NULL, *msg = NULL;
        int r;
        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO$ppp:capabilities", kwlist, &sections_arg,
                                         &format_arg, &cached, &refresh, &strict))
                return NULL;
        if (parse_sections(sections_arg, &sections) < 0 || parse_format(format_arg, &format) < 0)
                return NULL;
        if (cached && refresh) {
                PyErr_SetString(PyExc_ValueError, "cached=True and refresh=True contradict each other");
                return NULL;
        }
        flags = (cached ? HOSTCAPS_FLAG_CACHED : 0) | (refresh ? HOSTCAPS_FLAG_REFRESH : 0) |
                (strict ? HOSTCAPS_FLAG_STRICT : 0);
        PyThreadState *ts = PyEval_SaveThread();
        r = hostcaps_node_get_capabilities(((Node *)self)->node, sections, flags, format, &doc);
        if (r != 0)
                msg = copy_message();
        PyEval_RestoreThread(ts);
        if (r < 0) {
                raise_error(r, msg);
                free(msg);
                return NULL;
        }
        PyObject *s = PyUnicode_DecodeUTF8(doc, strlen(doc), "replace");
        free(doc);
        if (s && r > 0 && PyErr_WarnFormat(SectionWarning, 1, "%s", msg ? msg : "a section failed") < 0)
                Py_CLEAR(s);
        free(msg);
        return s;
}

PyDoc_STRVAR(node_cgroup_cpus_doc,
             "cgroup_cpus($self, path, /)\n--\n\n"
             "A frozenset: "
             "the CPUs the tasks of cgroup `path` may run on (its effective cpuset), for an\n"
             "agent that places a workload. `path` is relative to the cgroup mount\n"
             "('/kubepods/pod1/ctr'; '/' for the root). Raises hostcaps.Error (ENOENT) when\n"
             "the cgroup or its cpuset controller does not exist.");
static PyObject *node_cgroup_cpus(PyObject *self, PyObject *arg) {
        const char *path = PyUnicode_AsUTF8(arg);
        hostcaps_cpuset *set = NULL;
        char *msg = NULL;
        int r;
        if (!path)
                return NULL;
        PyThreadState *ts = PyEval_SaveThread();
        r = hostcaps_node_cgroup_cpus(((Node *)self)->node, path, &set);
        if (r < 0)
                msg = copy_message();
        PyEval_RestoreThread(ts);
        if (r < 0) {
                raise_error(r, msg);
                free(msg);
                return NULL;
        }
        return frozenset_of_set(r, set);
}

static PyObject *node_get_root(PyObject *self, void *c) {
        return PyUnicode_DecodeFSDefault(hostcaps_node_root(((Node *)self)->node));
}

static PyObject *node_get_is_live(PyObject *self, void *c) {
        return PyBool_FromLong(hostcaps_node_is_live(((Node *)self)->node));
}

static PyObject *node_get_arch(PyObject *self, void *c) {
        return str_or_none(hostcaps_node_arch(((Node *)self)->node));
}

static PyGetSetDef node_getset[] = {
        {"root", node_get_root, NULL, PyDoc_STR("The root this node reads: '/' for the live host."), NULL},
        {"is_live", node_get_is_live, NULL, PyDoc_STR("True for the live host, False for a recording."),
         NULL},
        {"arch", node_get_arch, NULL, PyDoc_STR("The machine architecture in libvirt's spelling."), NULL},
        {},
};

static PyMethodDef node_methods[] = {
        {"from_document", node_from_document, METH_O | METH_CLASS, node_from_document_doc},
        {"from_hwloc", node_from_hwloc, METH_O | METH_CLASS, node_from_hwloc_doc},
        {"capabilities", (PyCFunction)(void (*)(void))node_capabilities, METH_VARARGS | METH_KEYWORDS,
         node_capabilities_doc},
        {"cpu", (PyCFunction)(void (*)(void))node_cpu, METH_FASTCALL | METH_KEYWORDS, node_cpu_doc},
        {"numa", (PyCFunction)(void (*)(void))node_numa, METH_FASTCALL | METH_KEYWORDS, node_numa_doc},
        {"memory", (PyCFunction)(void (*)(void))node_memory, METH_FASTCALL | METH_KEYWORDS, node_memory_doc},
        {"cache", (PyCFunction)(void (*)(void))node_cache, METH_FASTCALL | METH_KEYWORDS, node_cache_doc},
        {"resctrl", (PyCFunction)(void (*)(void))node_resctrl, METH_FASTCALL | METH_KEYWORDS,
         node_resctrl_doc},
        {"host", (PyCFunction)(void (*)(void))node_host, METH_FASTCALL | METH_KEYWORDS, node_host_doc},
        {"isolation", (PyCFunction)(void (*)(void))node_isolation, METH_FASTCALL | METH_KEYWORDS,
         node_isolation_doc},
        {"frequency", (PyCFunction)(void (*)(void))node_frequency, METH_FASTCALL | METH_KEYWORDS,
         node_frequency_doc},
        {"devices", (PyCFunction)(void (*)(void))node_devices, METH_FASTCALL | METH_KEYWORDS,
         node_devices_doc},
        {"cgroup_cpus", node_cgroup_cpus, METH_O, node_cgroup_cpus_doc},
        {},
};

PyDoc_STRVAR(node_doc,
             "Node(root=None, *, cpuid=None)\n--\n\n"
             "A host: the live one (root None or '/'), or a recorded sysroot (a directory\n"
             "holding sys/... and proc/... as a live host has them; nothing is then read\n"
             "from the live machine). cpuid= takes x86 CPUID from a dump (libvirt's\n"
             "<cpudata> or libcpuid's raw format) instead of executing CPUID.\n"
             "Node.from_document() and Node.from_hwloc() read saved descriptions.\n\n"
             "Sections are probed on demand, independently of each other, and memoized in\n"
             "the node: cpu(), numa(), memory(), cache(), resctrl(), host(), isolation(),\n"
             "frequency(), devices() each return an immutable snapshot object; capabilities() returns\n"
             "a whole document.\n"
             "A node may be shared by threads: the library is thread-safe, the GIL is\n"
             "released while it probes, and concurrent first requests probe once.\n\n"
             "Raises hostcaps.Error (an OSError: ENOENT, ENOTDIR, EACCES...) for a bad root.");

static PyTypeObject node_type = {
        PyVarObject_HEAD_INIT(NULL, 0).tp_name = "hostcaps.Node",
        .tp_basicsize = sizeof(Node),
        .tp_dealloc = node_dealloc,
        .tp_repr = node_repr,
        .tp_flags = Py_TPFLAGS_DEFAULT,
        .tp_doc = node_doc,
        .tp_methods = node_methods,
        .tp_getset = node_getset,
        .tp_new = node_new,
};

/* ---- value types ---- */

static PyStructSequence_Field cell_fields[] = {
        {"id", "the node id"},
        {"cpus", "its online CPUs: a frozenset of int"},
        {"memory_kib", "its total memory in KiB; None when unknown"},
        {"distances", "{node id: distance} as the firmware's SLIT gives them (10 local); empty when unknown"},
        {"cpu_ids", "per online CPU, a CpuId(id, socket, die, cluster, core, siblings)"},
        {"offline_cpus", "offline CPUs the kernel places in the cell; None when not known"},
        {"allowed", "whether this process may allocate from the cell"},
        {"allowed_cpus", "its online CPUs this process may run on"},
        {},
};
static PyStructSequence_Field cpu_id_fields[] = {
        {"id", "the CPU id"},
        {"socket", "physical_package_id"},
        {"die", "die_id (0 before Linux 5.2)"},
        {"cluster", "cluster_id (0 before Linux 5.16)"},
        {"core", "core_id"},
        {"siblings", "its online hardware threads, itself included: a frozenset"},
        {},
};
static PyStructSequence_Field memory_cell_fields[] = {
        {"id", "the node id"},
        {"total_kib", "MemTotal in KiB; None when unknown"},
        {"free_kib", "MemFree in KiB; None when unknown"},
        {"hugepages", "{size_kib: (total, free)} per hugepage size; a count is None when unknown"},
        {"pages", "{size_kib: (total, free)} as libvirt counts pages: the base size (the cell's memory\n"
                  "less the pools, and MemFree, in base pages) when known, and every hugepage pool"},
        {},
};
static PyStructSequence_Field cache_bank_fields[] = {
        {"id", "the kernel's cache id"},
        {"level", "1 for L1, ..."},
        {"type", "'both', 'code' or 'data'"},
        {"size", "size in bytes; None when unknown"},
        {"line_size", "coherency line size in bytes; None when unknown"},
        {"ways", "ways of associativity; None when unknown"},
        {"cpus", "the online CPUs sharing the bank"},
        {"id_derived", "True when the tree had no id and the bank was numbered by first CPU"},
        {},
};
static PyStructSequence_Field cache_control_fields[] = {
        {"level", "the cache level"},
        {"type", "'both', or 'code' / 'data' with CDP"},
        {"cbm_mask", "the capacity bit mask of the whole cache (int)"},
        {"cbm_bits", "bits set in cbm_mask"},
        {"min_cbm_bits", "the fewest bits an allocation may have"},
        {"max_allocs", "num_closids"},
        {},
};
static PyStructSequence_Field memory_bandwidth_fields[] = {
        {"granularity", "bandwidth_gran"},
        {"min", "min_bandwidth"},
        {"max_allocs", "num_closids"},
        {"mbps", "whether the MBA software controller is on"},
        {"delay_linear", "info/MB/delay_linear; None when not reported"},
        {"throttle_mode", "info/MB/thread_throttle_mode; None when absent"},
        {},
};
static PyStructSequence_Field monitor_fields[] = {
        {"level", "the cache level monitored"},
        {"max_monitors", "num_rmids"},
        {"reuse_threshold", "max_threshold_occupancy in bytes; 0 when not reported"},
        {"features", "mon_features in the kernel's order"},
        {},
};

static PyStructSequence_Field vulnerability_fields[] = {
        {"name", "the kernel's file name: 'spectre_v2', 'mds', ..."},
        {"text", "the kernel's words ('Mitigation: Clear CPU buffers; SMT vulnerable'); None when\n"
                 "the file could not be read (a reason says why)"},
        {"state", "their reading: 'affected', 'mitigated', 'not_affected' or 'unknown'"},
        {"smt_vulnerable", "whether SMT siblings stay exposed: they should not be shared between tenants"},
        {},
};
static PyStructSequence_Field frequency_domain_fields[] = {
        {"cpus", "the online CPUs sharing the clock: a frozenset of int"},
        {"min_khz", "cpuinfo_min_freq in kHz, or None"},
        {"max_khz", "cpuinfo_max_freq in kHz (turbo included), or None"},
        {"base_khz", "base_frequency in kHz (intel_pstate only), or None"},
        {},
};
static PyStructSequence_Field frequency_kind_fields[] = {
        {"name", "'capacity-N' or 'max-NkHz'"},
        {"cpus", "its CPUs: a frozenset of int"},
        {"source", "'capacity' or 'frequency'"},
        {"capacity", "the cpu_capacity of its CPUs, or None (frequency kinds)"},
        {"max_frequency_khz", "the maximum frequency all its CPUs share in kHz, or None"},
        {},
};
static PyStructSequence_Field pci_device_fields[] = {
        {"address", "the PCI address, 'DDDD:BB:DD.F' as the kernel names the device"},
        {"pci_class", "the 24-bit class code (0x020000 an Ethernet controller; the base class is\n"
                      "pci_class >> 16); None when unknown"},
        {"vendor", "the vendor id (int); None when unknown"},
        {"device", "the device id; None when unknown"},
        {"subsystem_vendor", "the subsystem vendor id; None when unknown"},
        {"subsystem_device", "the subsystem device id; None when unknown"},
        {"numa_node", "the NUMA node it is attached to; None when unknown (the firmware gave no\n"
                      "locality: the kernel says -1)"},
        {"local_cpus", "the CPUs local to it: a frozenset of int; None when unknown"},
        {"names", "the kernel names bound to it, sorted by kind then name: a tuple of (kind, name),\n"
                  "kind 'net', 'block', 'drm' or 'infiniband'"},
        {},
};

static struct value_type {
        PyTypeObject **type;
        PyStructSequence_Desc desc;
} value_types[] = {
        {&CellType, {"hostcaps.Cell", "A NUMA cell (an immutable named tuple).", cell_fields, 8}},
        {&CpuIdType, {"hostcaps.CpuId", "An online CPU of a cell with its topology ids.", cpu_id_fields, 6}},
        {&MemoryCellType,
         {"hostcaps.MemoryCell", "The memory state of a cell: free memory and page pools now.",
          memory_cell_fields, 5}},
        {&CacheBankType,
         {"hostcaps.CacheBank", "A cache bank: one physical cache and the CPUs sharing it.",
          cache_bank_fields, 8}},
        {&CacheControlType,
         {"hostcaps.CacheControl", "A resctrl cache allocation control.", cache_control_fields, 6}},
        {&MemoryBandwidthType,
         {"hostcaps.MemoryBandwidth", "resctrl memory bandwidth allocation (MBA) from info/MB.",
          memory_bandwidth_fields, 6}},
        {&MonitorType,
         {"hostcaps.Monitor", "resctrl monitoring (CMT, MBM) from info/L3_MON.", monitor_fields, 4}},
        {&VulnerabilityType,
         {"hostcaps.Vulnerability", "A CPU vulnerability as the kernel reports it, and its reading.",
          vulnerability_fields, 4}},
        {&FrequencyDomainType,
         {"hostcaps.FrequencyDomain", "A cpufreq policy: CPUs sharing a clock, and its frequencies.",
          frequency_domain_fields, 4}},
        {&FrequencyKindType,
         {"hostcaps.FrequencyKind", "A kind of CPUs: those of one capacity or maximum frequency.",
          frequency_kind_fields, 5}},
        {&PciDeviceType,
         {"hostcaps.PciDevice", "A PCI device: its ids, where it sits, the kernel names bound to it.",
          pci_device_fields, 9}},
};

/* ---- module ---- */

PyDoc_STRVAR(sections_doc,
             "sections($module, /)\n--\n\nA tuple: the section names this library knows, in flag order.");
static PyObject *mod_sections(PyObject *m, PyObject *unused) {
        PyObject *l = PyList_New(0);
        for (unsigned int bit = 0; l && bit < 32; bit++) {
                const char *name = hostcaps_section_to_string(1u << bit);
                PyObject *s = name ? PyUnicode_FromString(name) : NULL;
                if (name && (!s || PyList_Append(l, s) < 0))
                        Py_CLEAR(l);
                Py_XDECREF(s);
        }
        PyObject *t = l ? PyList_AsTuple(l) : NULL;
        Py_XDECREF(l);
        return t;
}

static PyMethodDef module_methods[] = {
        {"sections", mod_sections, METH_NOARGS, sections_doc},
        {},
};

static struct PyModuleDef module = {
        PyModuleDef_HEAD_INIT,
        .m_name = "hostcaps._hostcaps",
        .m_doc = "The C part of hostcaps: see the hostcaps package.",
        .m_size = -1,
        .m_methods = module_methods,
};

static int add_int(PyObject *m, const char *name, long v) {
        return PyModule_AddIntConstant(m, name, v);
}

/* The PCI base classes of <hostcaps/devices.h>: hostcaps.PCI_CLASS_NETWORK is
 * HOSTCAPS_PCI_CLASS_NETWORK, each name written once. */
#define PCI_CLASS(NAME)                                                                                      \
        { "PCI_CLASS_" #NAME, HOSTCAPS_PCI_CLASS_##NAME }
static const struct {
        const char *name;
        long value;
} pci_classes[] = {
        PCI_CLASS(STORAGE),    PCI_CLASS(NETWORK),    PCI_CLASS(DISPLAY),
        PCI_CLASS(MULTIMEDIA), PCI_CLASS(MEMORY),     PCI_CLASS(BRIDGE),
        PCI_CLASS(SYSTEM),     PCI_CLASS(SERIAL_BUS), PCI_CLASS(PROCESSING_ACCELERATOR),
};

PyMODINIT_FUNC PyInit__hostcaps(void);
PyMODINIT_FUNC PyInit__hostcaps(void) {
        PyObject *m = PyModule_Create(&module);
        if (!m)
                return NULL;
        str_cached = PyUnicode_InternFromString("cached");
        str_refresh = PyUnicode_InternFromString("refresh");
        str_strict = PyUnicode_InternFromString("strict");
        str_classes = PyUnicode_InternFromString("classes");
        if (!str_cached || !str_refresh || !str_strict || !str_classes)
                goto fail;

        Error = PyErr_NewExceptionWithDoc(
                "hostcaps.Error",
                "A hostcaps call failed: an OSError whose errno is the library's and whose\n"
                "strerror is the library's message, naming the file and the value at fault.",
                PyExc_OSError, NULL);
        SectionWarning = PyErr_NewExceptionWithDoc(
                "hostcaps.SectionWarning",
                "Some sections of a capabilities() request failed; the document holds the others.\n"
                "The message lists them, one 'SECTION: reason' a line.",
                PyExc_UserWarning, NULL);
        if (!Error || !SectionWarning || PyModule_AddObjectRef(m, "Error", Error) < 0 ||
            PyModule_AddObjectRef(m, "SectionWarning", SectionWarning) < 0)
                goto fail;

        if (PyType_Ready(&node_type) < 0 || PyModule_AddObjectRef(m, "Node", (PyObject *)&node_type) < 0)
                goto fail;
        for (int k = 0; k < N_KINDS; k++) {
                PyTypeObject *t = kinds[k].type;
                if (t == &cpu_type)
                        t->tp_methods = cpu_methods;
                if (t == &numa_type)
                        t->tp_methods = numa_methods;
                if (t == &isolation_type)
                        t->tp_methods = isolation_methods;
                if (t == &frequency_type)
                        t->tp_methods = frequency_methods;
                if (t == &devices_type)
                        t->tp_methods = devices_methods;
                if (PyType_Ready(t) < 0 ||
                    PyModule_AddObjectRef(m, strchr(t->tp_name, '.') + 1, (PyObject *)t) < 0)
                        goto fail;
        }
        for (size_t i = 0; i < sizeof(value_types) / sizeof(value_types[0]); i++) {
                PyTypeObject *t = PyStructSequence_NewType(&value_types[i].desc);
                if (!t)
                        goto fail;
                *value_types[i].type = t;
                if (PyModule_AddObjectRef(m, strchr(t->tp_name, '.') + 1, (PyObject *)t) < 0)
                        goto fail;
        }

        /* The library's constants, from its headers. */
        if (add_int(m, "SECTION_CPU", HOSTCAPS_SECTION_CPU) < 0 ||
            add_int(m, "SECTION_NUMA", HOSTCAPS_SECTION_NUMA) < 0 ||
            add_int(m, "SECTION_MEMORY", HOSTCAPS_SECTION_MEMORY) < 0 ||
            add_int(m, "SECTION_CACHE", HOSTCAPS_SECTION_CACHE) < 0 ||
            add_int(m, "SECTION_RESCTRL", HOSTCAPS_SECTION_RESCTRL) < 0 ||
            add_int(m, "SECTION_HOST", HOSTCAPS_SECTION_HOST) < 0 ||
            add_int(m, "SECTION_ISOLATION", HOSTCAPS_SECTION_ISOLATION) < 0 ||
            add_int(m, "SECTION_FREQUENCY", HOSTCAPS_SECTION_FREQUENCY) < 0 ||
            add_int(m, "SECTION_DEVICES", HOSTCAPS_SECTION_DEVICES) < 0 ||
            add_int(m, "FLAG_CACHED", HOSTCAPS_FLAG_CACHED) < 0 ||
            add_int(m, "FLAG_REFRESH", HOSTCAPS_FLAG_REFRESH) < 0 ||
            add_int(m, "FLAG_STRICT", HOSTCAPS_FLAG_STRICT) < 0 ||
            add_int(m, "FORMAT_XML", HOSTCAPS_FORMAT_XML) < 0 ||
            add_int(m, "FORMAT_JSON", HOSTCAPS_FORMAT_JSON) < 0 ||
            add_int(m, "FORMAT_TEXT", HOSTCAPS_FORMAT_TEXT) < 0 ||
            add_int(m, "FORMAT_NFD", HOSTCAPS_FORMAT_NFD) < 0 ||
            add_int(m, "FORMAT_PROMETHEUS", HOSTCAPS_FORMAT_PROMETHEUS) < 0 ||
            add_int(m, "PM_SUSPEND_MEM", HOSTCAPS_PM_SUSPEND_MEM) < 0 ||
            add_int(m, "PM_SUSPEND_DISK", HOSTCAPS_PM_SUSPEND_DISK) < 0 ||
            add_int(m, "PM_SUSPEND_HYBRID", HOSTCAPS_PM_SUSPEND_HYBRID) < 0 ||
            add_int(m, "CPUSET_MAX_ID", HOSTCAPS_CPUSET_MAX_ID) < 0 ||
            PyModule_AddIntConstant(m, "SECTION_ALL", (long)HOSTCAPS_SECTION_ALL) < 0 ||
            PyModule_AddStringConstant(m, "HEADER_VERSION", HOSTCAPS_VERSION_STRING) < 0 ||
            PyModule_AddStringConstant(m, "version", hostcaps_version()) < 0)
                goto fail;
        for (size_t i = 0; i < sizeof(pci_classes) / sizeof(pci_classes[0]); i++)
                if (add_int(m, pci_classes[i].name, pci_classes[i].value) < 0)
                        goto fail;
        return m;
fail:
        Py_DECREF(m);
        return NULL;
}
