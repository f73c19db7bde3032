/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * regcheck: does the platform keep a process's vector registers?
 *
 * A diagnostic for the end-to-end image (VXL_E2E_ASAN=1 builds it in):
 * libvirtd with either driver, and a python3 client, crashed inside
 * malloc now and then on Xen under QEMU's TCG, which emulates AVX2 since
 * QEMU 7.2 and whose state Xen and dom0's kernel save and restore with
 * XSAVE on every switch. glibc's string functions use those registers;
 * if a switch lost their upper halves, any process would corrupt its
 * heap. Each process here fills ymm0-ymm15 with its own pattern, makes
 * system calls (each one a chance to be switched out), and checks the
 * registers still hold the pattern.
 *
 *   regcheck [SECONDS]    until then or SIGTERM; prints
 *                         "regcheck[PID]: N rounds, M corrupted"
 *
 * x86-64 with AVX only; built by scripts/e2e-image, not by meson.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define NREG 16

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
    stop = 1;
}

static void
round_trip(const uint8_t *in, uint8_t *out, long yields)
{
    __asm__ volatile(
        "vmovdqu 0(%0), %%ymm0\n\t"
        "vmovdqu 32(%0), %%ymm1\n\t"
        "vmovdqu 64(%0), %%ymm2\n\t"
        "vmovdqu 96(%0), %%ymm3\n\t"
        "vmovdqu 128(%0), %%ymm4\n\t"
        "vmovdqu 160(%0), %%ymm5\n\t"
        "vmovdqu 192(%0), %%ymm6\n\t"
        "vmovdqu 224(%0), %%ymm7\n\t"
        "vmovdqu 256(%0), %%ymm8\n\t"
        "vmovdqu 288(%0), %%ymm9\n\t"
        "vmovdqu 320(%0), %%ymm10\n\t"
        "vmovdqu 352(%0), %%ymm11\n\t"
        "vmovdqu 384(%0), %%ymm12\n\t"
        "vmovdqu 416(%0), %%ymm13\n\t"
        "vmovdqu 448(%0), %%ymm14\n\t"
        "vmovdqu 480(%0), %%ymm15\n\t"
        "mov %2, %%r8\n"
        "1:\n\t"
        "mov %3, %%eax\n\t"
        "syscall\n\t"
        "dec %%r8\n\t"
        "jnz 1b\n\t"
        "vmovdqu %%ymm0, 0(%1)\n\t"
        "vmovdqu %%ymm1, 32(%1)\n\t"
        "vmovdqu %%ymm2, 64(%1)\n\t"
        "vmovdqu %%ymm3, 96(%1)\n\t"
        "vmovdqu %%ymm4, 128(%1)\n\t"
        "vmovdqu %%ymm5, 160(%1)\n\t"
        "vmovdqu %%ymm6, 192(%1)\n\t"
        "vmovdqu %%ymm7, 224(%1)\n\t"
        "vmovdqu %%ymm8, 256(%1)\n\t"
        "vmovdqu %%ymm9, 288(%1)\n\t"
        "vmovdqu %%ymm10, 320(%1)\n\t"
        "vmovdqu %%ymm11, 352(%1)\n\t"
        "vmovdqu %%ymm12, 384(%1)\n\t"
        "vmovdqu %%ymm13, 416(%1)\n\t"
        "vmovdqu %%ymm14, 448(%1)\n\t"
        "vmovdqu %%ymm15, 480(%1)\n\t"
        "vzeroupper\n\t"
        :
        : "r"(in), "r"(out), "r"(yields), "i"(SYS_sched_yield)
        : "rax", "rcx", "r11", "r8", "memory",
          "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

int
main(int argc, char **argv)
{
    uint8_t in[NREG * 32];
    uint8_t out[NREG * 32];
    time_t end = time(NULL) + (argc > 1 ? atol(argv[1]) : 3600);
    unsigned long rounds = 0;
    unsigned long bad = 0;
    size_t i;

    signal(SIGTERM, on_term);
    srand((unsigned)getpid());
    while (!stop && time(NULL) < end) {
        for (i = 0; i < sizeof(in); i++)
            in[i] = (uint8_t)rand() | 1;   /* never zero: a cleared half shows */
        memset(out, 0, sizeof(out));
        round_trip(in, out, 200);
        rounds++;
        if (memcmp(in, out, sizeof(in)) != 0) {
            for (i = 0; i < NREG; i++) {
                if (memcmp(in + i * 32, out + i * 32, 32) != 0) {
                    fprintf(stderr, "regcheck[%d]: ymm%zu changed (%s half)\n",
                            (int)getpid(), i,
                            memcmp(in + i * 32, out + i * 32, 16) ? "low" : "upper");
                }
            }
            bad++;
        }
    }
    printf("regcheck[%d]: %lu rounds, %lu corrupted\n", (int)getpid(), rounds, bad);
    return bad ? 1 : 0;
}
