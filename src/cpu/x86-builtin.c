/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x86 feature names (libvirt's spelling) and the CPUID or MSR bit each one
 * stands for, for hosts without libvirt's cpu_map. Bit positions are from
 * the Intel SDM (vol. 2A, CPUID; vol. 4, MSRs) and the AMD APM (vol. 3,
 * appendix E). The table covers every feature libvirt 9.0's map knows, and
 * keeps that map's order, which is the order libvirt prints the features in
 * (tests/test-cpu.c checks both against the installed map). */
#include "x86.h"

#define CPUID(l, s, reg, bit, n)                                                                             \
        { .name = n, .leaf = l, .subleaf = s, .mask[HOSTCAPS_##reg] = UINT32_C(1) << (bit) }
/* MSR features test bits of the low half (eax) of a 64-bit MSR. */
#define MSR(index, bit, n)                                                                                   \
        { .name = n, .msr_index = index, .mask[HOSTCAPS_EAX] = UINT32_C(1) << (bit) }

const hostcaps_x86_feature hostcaps_x86_builtin_features[] = {
        /* CPUID.01H:EDX — the original feature flags */
        CPUID(0x1, 0, EDX, 0, "fpu"),
        CPUID(0x1, 0, EDX, 1, "vme"),
        CPUID(0x1, 0, EDX, 2, "de"),
        CPUID(0x1, 0, EDX, 3, "pse"),
        CPUID(0x1, 0, EDX, 4, "tsc"),
        CPUID(0x1, 0, EDX, 5, "msr"),
        CPUID(0x1, 0, EDX, 6, "pae"),
        CPUID(0x1, 0, EDX, 7, "mce"),
        CPUID(0x1, 0, EDX, 8, "cx8"),
        CPUID(0x1, 0, EDX, 9, "apic"),
        CPUID(0x1, 0, EDX, 11, "sep"),
        CPUID(0x1, 0, EDX, 12, "mtrr"),
        CPUID(0x1, 0, EDX, 13, "pge"),
        CPUID(0x1, 0, EDX, 14, "mca"),
        CPUID(0x1, 0, EDX, 15, "cmov"),
        CPUID(0x1, 0, EDX, 16, "pat"),
        CPUID(0x1, 0, EDX, 17, "pse36"),
        CPUID(0x1, 0, EDX, 18, "pn"),
        CPUID(0x1, 0, EDX, 19, "clflush"),
        CPUID(0x1, 0, EDX, 21, "ds"),
        CPUID(0x1, 0, EDX, 22, "acpi"),
        CPUID(0x1, 0, EDX, 23, "mmx"),
        CPUID(0x1, 0, EDX, 24, "fxsr"),
        CPUID(0x1, 0, EDX, 25, "sse"),
        CPUID(0x1, 0, EDX, 26, "sse2"),
        CPUID(0x1, 0, EDX, 27, "ss"),
        CPUID(0x1, 0, EDX, 28, "ht"),
        CPUID(0x1, 0, EDX, 29, "tm"),
        CPUID(0x1, 0, EDX, 30, "ia64"),
        CPUID(0x1, 0, EDX, 31, "pbe"),

        /* CPUID.01H:ECX */
        CPUID(0x1, 0, ECX, 0, "pni"),
        CPUID(0x1, 0, ECX, 1, "pclmuldq"),
        CPUID(0x1, 0, ECX, 2, "dtes64"),
        CPUID(0x1, 0, ECX, 3, "monitor"),
        CPUID(0x1, 0, ECX, 4, "ds_cpl"),
        CPUID(0x1, 0, ECX, 5, "vmx"),
        CPUID(0x1, 0, ECX, 6, "smx"),
        CPUID(0x1, 0, ECX, 7, "est"),
        CPUID(0x1, 0, ECX, 8, "tm2"),
        CPUID(0x1, 0, ECX, 9, "ssse3"),
        CPUID(0x1, 0, ECX, 10, "cid"),
        CPUID(0x1, 0, ECX, 12, "fma"),
        CPUID(0x1, 0, ECX, 13, "cx16"),
        CPUID(0x1, 0, ECX, 14, "xtpr"),
        CPUID(0x1, 0, ECX, 15, "pdcm"),
        CPUID(0x1, 0, ECX, 17, "pcid"),
        CPUID(0x1, 0, ECX, 18, "dca"),
        CPUID(0x1, 0, ECX, 19, "sse4.1"),
        CPUID(0x1, 0, ECX, 20, "sse4.2"),
        CPUID(0x1, 0, ECX, 21, "x2apic"),
        CPUID(0x1, 0, ECX, 22, "movbe"),
        CPUID(0x1, 0, ECX, 23, "popcnt"),
        CPUID(0x1, 0, ECX, 24, "tsc-deadline"),
        CPUID(0x1, 0, ECX, 25, "aes"),
        CPUID(0x1, 0, ECX, 26, "xsave"),
        CPUID(0x1, 0, ECX, 27, "osxsave"),
        CPUID(0x1, 0, ECX, 28, "avx"),
        CPUID(0x1, 0, ECX, 29, "f16c"),
        CPUID(0x1, 0, ECX, 30, "rdrand"),
        CPUID(0x1, 0, ECX, 31, "hypervisor"),

        /* CPUID.06H:EAX — thermal and power management */
        CPUID(0x6, 0, EAX, 2, "arat"),

        /* CPUID.07H.0:EBX — structured extended features */
        CPUID(0x7, 0, EBX, 0, "fsgsbase"),
        CPUID(0x7, 0, EBX, 1, "tsc_adjust"),
        CPUID(0x7, 0, EBX, 2, "sgx"),
        CPUID(0x7, 0, EBX, 3, "bmi1"),
        CPUID(0x7, 0, EBX, 4, "hle"),
        CPUID(0x7, 0, EBX, 5, "avx2"),
        CPUID(0x7, 0, EBX, 7, "smep"),
        CPUID(0x7, 0, EBX, 8, "bmi2"),
        CPUID(0x7, 0, EBX, 9, "erms"),
        CPUID(0x7, 0, EBX, 10, "invpcid"),
        CPUID(0x7, 0, EBX, 11, "rtm"),
        CPUID(0x7, 0, EBX, 12, "cmt"),
        CPUID(0x7, 0, EBX, 14, "mpx"),
        CPUID(0x7, 0, EBX, 16, "avx512f"),
        CPUID(0x7, 0, EBX, 17, "avx512dq"),
        CPUID(0x7, 0, EBX, 18, "rdseed"),
        CPUID(0x7, 0, EBX, 19, "adx"),
        CPUID(0x7, 0, EBX, 20, "smap"),
        CPUID(0x7, 0, EBX, 21, "avx512ifma"),
        CPUID(0x7, 0, EBX, 22, "pcommit"),
        CPUID(0x7, 0, EBX, 23, "clflushopt"),
        CPUID(0x7, 0, EBX, 24, "clwb"),
        CPUID(0x7, 0, EBX, 25, "intel-pt"),
        CPUID(0x7, 0, EBX, 26, "avx512pf"),
        CPUID(0x7, 0, EBX, 27, "avx512er"),
        CPUID(0x7, 0, EBX, 28, "avx512cd"),
        CPUID(0x7, 0, EBX, 29, "sha-ni"),
        CPUID(0x7, 0, EBX, 30, "avx512bw"),
        CPUID(0x7, 0, EBX, 31, "avx512vl"),

        /* CPUID.07H.0:ECX */
        CPUID(0x7, 0, ECX, 1, "avx512vbmi"),
        CPUID(0x7, 0, ECX, 2, "umip"),
        CPUID(0x7, 0, ECX, 3, "pku"),
        CPUID(0x7, 0, ECX, 4, "ospke"),
        CPUID(0x7, 0, ECX, 5, "waitpkg"),
        CPUID(0x7, 0, ECX, 6, "avx512vbmi2"),
        CPUID(0x7, 0, ECX, 8, "gfni"),
        CPUID(0x7, 0, ECX, 9, "vaes"),
        CPUID(0x7, 0, ECX, 10, "vpclmulqdq"),
        CPUID(0x7, 0, ECX, 11, "avx512vnni"),
        CPUID(0x7, 0, ECX, 12, "avx512bitalg"),
        CPUID(0x7, 0, ECX, 14, "avx512-vpopcntdq"),
        CPUID(0x7, 0, ECX, 16, "la57"),
        CPUID(0x7, 0, ECX, 22, "rdpid"),
        CPUID(0x7, 0, ECX, 24, "bus-lock-detect"),
        CPUID(0x7, 0, ECX, 25, "cldemote"),
        CPUID(0x7, 0, ECX, 27, "movdiri"),
        CPUID(0x7, 0, ECX, 28, "movdir64b"),
        CPUID(0x7, 0, ECX, 30, "sgxlc"),
        CPUID(0x7, 0, ECX, 31, "pks"),

        /* CPUID.07H.0:EDX (bits 26-31: speculation controls) */
        CPUID(0x7, 0, EDX, 2, "avx512-4vnniw"),
        CPUID(0x7, 0, EDX, 3, "avx512-4fmaps"),
        CPUID(0x7, 0, EDX, 4, "fsrm"),
        CPUID(0x7, 0, EDX, 8, "avx512-vp2intersect"),
        CPUID(0x7, 0, EDX, 10, "md-clear"),
        CPUID(0x7, 0, EDX, 14, "serialize"),
        CPUID(0x7, 0, EDX, 16, "tsx-ldtrk"),
        CPUID(0x7, 0, EDX, 18, "pconfig"),
        CPUID(0x7, 0, EDX, 19, "arch-lbr"),
        CPUID(0x7, 0, EDX, 22, "amx-bf16"),
        CPUID(0x7, 0, EDX, 23, "avx512-fp16"),
        CPUID(0x7, 0, EDX, 24, "amx-tile"),
        CPUID(0x7, 0, EDX, 25, "amx-int8"),
        CPUID(0x7, 0, EDX, 26, "spec-ctrl"),
        CPUID(0x7, 0, EDX, 27, "stibp"),
        CPUID(0x7, 0, EDX, 29, "arch-capabilities"),
        CPUID(0x7, 0, EDX, 30, "core-capability"),
        CPUID(0x7, 0, EDX, 31, "ssbd"),

        /* CPUID.07H.1:EAX */
        CPUID(0x7, 1, EAX, 4, "avx-vnni"),
        CPUID(0x7, 1, EAX, 5, "avx512-bf16"),

        /* CPUID.0DH.1:EAX — XSAVE extensions */
        CPUID(0xd, 1, EAX, 0, "xsaveopt"),
        CPUID(0xd, 1, EAX, 1, "xsavec"),
        CPUID(0xd, 1, EAX, 2, "xgetbv1"),
        CPUID(0xd, 1, EAX, 3, "xsaves"),
        CPUID(0xd, 1, EAX, 4, "xfd"),

        /* CPUID.0FH.1:EDX — L3 memory bandwidth monitoring */
        CPUID(0xf, 1, EDX, 1, "mbm_total"),
        CPUID(0xf, 1, EDX, 2, "mbm_local"),

        /* CPUID.12H.0 — SGX capabilities */
        CPUID(0x12, 0, EAX, 0, "sgx1"),
        CPUID(0x12, 0, EAX, 1, "sgx2"),
        CPUID(0x12, 0, EBX, 0, "sgx-exinfo"),

        /* CPUID.12H.1:EAX — SGX enclave attributes (SECS.ATTRIBUTES bits allowed) */
        CPUID(0x12, 1, EAX, 1, "sgx-debug"),
        CPUID(0x12, 1, EAX, 2, "sgx-mode64"),
        CPUID(0x12, 1, EAX, 4, "sgx-provisionkey"),
        CPUID(0x12, 1, EAX, 5, "sgx-tokenkey"),
        CPUID(0x12, 1, EAX, 7, "sgx-kss"),

        /* CPUID.14H.0:ECX — processor trace */
        CPUID(0x14, 0, ECX, 31, "intel-pt-lip"),

        /* CPUID.80000001H:EDX — AMD's extended features (Intel sets a subset) */
        CPUID(0x80000001, 0, EDX, 11, "syscall"),
        CPUID(0x80000001, 0, EDX, 20, "nx"),
        CPUID(0x80000001, 0, EDX, 22, "mmxext"),
        CPUID(0x80000001, 0, EDX, 25, "fxsr_opt"),
        CPUID(0x80000001, 0, EDX, 26, "pdpe1gb"),
        CPUID(0x80000001, 0, EDX, 27, "rdtscp"),
        CPUID(0x80000001, 0, EDX, 29, "lm"),
        CPUID(0x80000001, 0, EDX, 30, "3dnowext"),
        CPUID(0x80000001, 0, EDX, 31, "3dnow"),

        /* CPUID.80000001H:ECX */
        CPUID(0x80000001, 0, ECX, 0, "lahf_lm"),
        CPUID(0x80000001, 0, ECX, 1, "cmp_legacy"),
        CPUID(0x80000001, 0, ECX, 2, "svm"),
        CPUID(0x80000001, 0, ECX, 3, "extapic"),
        CPUID(0x80000001, 0, ECX, 4, "cr8legacy"),
        CPUID(0x80000001, 0, ECX, 5, "abm"),
        CPUID(0x80000001, 0, ECX, 6, "sse4a"),
        CPUID(0x80000001, 0, ECX, 7, "misalignsse"),
        CPUID(0x80000001, 0, ECX, 8, "3dnowprefetch"),
        CPUID(0x80000001, 0, ECX, 9, "osvw"),
        CPUID(0x80000001, 0, ECX, 10, "ibs"),
        CPUID(0x80000001, 0, ECX, 11, "xop"),
        CPUID(0x80000001, 0, ECX, 12, "skinit"),
        CPUID(0x80000001, 0, ECX, 13, "wdt"),
        CPUID(0x80000001, 0, ECX, 15, "lwp"),
        CPUID(0x80000001, 0, ECX, 16, "fma4"),
        CPUID(0x80000001, 0, ECX, 17, "tce"),
        CPUID(0x80000001, 0, ECX, 18, "cvt16"),
        CPUID(0x80000001, 0, ECX, 19, "nodeid_msr"),
        CPUID(0x80000001, 0, ECX, 21, "tbm"),
        CPUID(0x80000001, 0, ECX, 22, "topoext"),
        CPUID(0x80000001, 0, ECX, 23, "perfctr_core"),
        CPUID(0x80000001, 0, ECX, 24, "perfctr_nb"),

        /* CPUID.80000007H:EDX — advanced power management */
        CPUID(0x80000007, 0, EDX, 8, "invtsc"),

        /* CPUID.80000008H:EBX — AMD extended features and speculation controls */
        CPUID(0x80000008, 0, EBX, 0, "clzero"),
        CPUID(0x80000008, 0, EBX, 2, "xsaveerptr"),
        CPUID(0x80000008, 0, EBX, 9, "wbnoinvd"),
        CPUID(0x80000008, 0, EBX, 12, "ibpb"),
        CPUID(0x80000008, 0, EBX, 14, "ibrs"),
        CPUID(0x80000008, 0, EBX, 15, "amd-stibp"),
        CPUID(0x80000008, 0, EBX, 24, "amd-ssbd"),
        CPUID(0x80000008, 0, EBX, 25, "virt-ssbd"),
        CPUID(0x80000008, 0, EBX, 26, "amd-no-ssb"),

        /* CPUID.8000000AH:EDX — AMD SVM features */
        CPUID(0x8000000a, 0, EDX, 0, "npt"),
        CPUID(0x8000000a, 0, EDX, 1, "lbrv"),
        CPUID(0x8000000a, 0, EDX, 2, "svm-lock"),
        CPUID(0x8000000a, 0, EDX, 3, "nrip-save"),
        CPUID(0x8000000a, 0, EDX, 4, "tsc-scale"),
        CPUID(0x8000000a, 0, EDX, 5, "vmcb-clean"),
        CPUID(0x8000000a, 0, EDX, 6, "flushbyasid"),
        CPUID(0x8000000a, 0, EDX, 7, "decodeassists"),
        CPUID(0x8000000a, 0, EDX, 10, "pause-filter"),
        CPUID(0x8000000a, 0, EDX, 12, "pfthreshold"),
        CPUID(0x8000000a, 0, EDX, 13, "avic"),
        CPUID(0x8000000a, 0, EDX, 15, "v-vmsave-vmload"),
        CPUID(0x8000000a, 0, EDX, 16, "vgif"),
        CPUID(0x8000000a, 0, EDX, 28, "svme-addr-chk"),

        /* IA32_ARCH_CAPABILITIES (MSR 10AH), low half; readable when CPUID.07H.0:EDX[29] */
        MSR(0x10a, 0, "rdctl-no"),
        MSR(0x10a, 1, "ibrs-all"),
        MSR(0x10a, 2, "rsba"),
        MSR(0x10a, 3, "skip-l1dfl-vmentry"),
        MSR(0x10a, 4, "ssb-no"),
        MSR(0x10a, 5, "mds-no"),
        MSR(0x10a, 6, "pschange-mc-no"),
        MSR(0x10a, 7, "tsx-ctrl"),
        MSR(0x10a, 8, "taa-no"),

        /* IA32_CORE_CAPABILITIES (MSR CFH), low half; readable when CPUID.07H.0:EDX[30] */
        MSR(0xcf, 5, "split-lock-detect"),
};
const size_t hostcaps_x86_n_builtin_features =
        sizeof(hostcaps_x86_builtin_features) / sizeof(hostcaps_x86_builtin_features[0]);
