// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Register read round trips from a guest: map a virtio-mmio window through
 * /dev/mem (the kernel needs iomem=relaxed, since virtio_mmio claims the
 * window) and read its MagicValue register in a loop.
 *
 * usage: mmio-bench DEVICE-ID SECONDS
 *        mmio-bench -a ADDRESS SECONDS
 *        mmio-bench -w ADDRESS COUNT SECONDS
 *        mmio-bench -v ADDRESS COUNT SECONDS
 *        mmio-bench -o ADDRESS COUNT PORT ROUNDS
 *   Finds the first virtio-mmio window of -M microvm (0xfeb00000, 24 slots
 *   of 0x200 bytes) whose DeviceID is DEVICE-ID and reads its register 0
 *   (MagicValue), or reads the 32-bit register at physical ADDRESS (a PCI
 *   BAR's register, which must read the same value every time), for about
 *   SECONDS seconds, and prints "reads=N seconds=S rate=R".
 *   With -w, writes zeros to the COUNT 32-bit registers from ADDRESS with
 *   one "rep stosl" after the other (KVM emulates each in one exit, a
 *   write per register) for about SECONDS seconds, and prints
 *   "writes=N seconds=S rate=R".
 *   -v is -w with a check: each "rep stosl" writes a value of its own,
 *   and every 32nd register is then read back (from register N % 32 after
 *   the Nth, so that all are read every 32 rounds: a read exits, and
 *   costs far more than a posted write); a register that does not hold
 *   the last value written to it ends the run with status 1 (a write
 *   lost, or a read that passed an earlier write).  Prints "writes=N
 *   reads=N seconds=S".  SIGTERM ends -w and -v early (after a
 *   whole round), as if the time were up.
 *   -o writes ROUNDS (at most 255) values 0x5a5a00NN, N from 1, each to
 *   the COUNT registers with a "rep stosl", and then NN to port PORT (a
 *   port write: the vCPU waits for it), for a check of their order in
 *   QEMU's trace.  The port write goes through /dev/port, since the
 *   nested setup's TCG refuses user-space port I/O (it checks the I/O
 *   bitmap only with a TSS that is not busy, and KVM reports TR busy).
 *   Prints "rounds=N".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BASE	0xfeb00000UL
#define SLOTS	24
#define SLOT	0x200
#define MAGIC	0x74726976	/* "virt" */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile uint32_t *map_phys(int fd, unsigned long addr, size_t len,
				   int prot)
{
	unsigned long page = sysconf(_SC_PAGESIZE);
	unsigned long base = addr & ~(page - 1);
	uint8_t *map;

	map = mmap(NULL, len + (addr - base), prot, MAP_SHARED, fd, base);
	if (map == MAP_FAILED) {
		perror("mmap /dev/mem");
		return NULL;
	}
	return (volatile uint32_t *)(map + (addr - base));
}

static volatile uint32_t *find_virtio_mmio(int fd, unsigned long id)
{
	volatile uint32_t *map = map_phys(fd, BASE, SLOTS * SLOT, PROT_READ);
	int s;

	if (!map)
		return NULL;
	for (s = 0; s < SLOTS; s++) {
		volatile uint32_t *w = map + s * SLOT / 4;

		if (w[0] == MAGIC && w[2] == id)
			return w;
	}
	fprintf(stderr, "no virtio-mmio window with device id %lu\n", id);
	return NULL;
}

/* -v reads back every STRIDEth register */
#define STRIDE	32

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

/*
 * -w: zeros to @count registers from physical @addr, over and over; -v
 * (@check): a new value each time, read back.
 */
static int write_loop(unsigned long addr, unsigned long count, double secs,
		      int check)
{
	volatile uint32_t *win;
	unsigned long n = 0, reads = 0, i, r;
	uint32_t val = 0, got;
	double start, t;
	int fd;

	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	win = map_phys(fd, addr, count * 4, PROT_READ | PROT_WRITE);
	if (!win)
		return 1;
	signal(SIGTERM, on_term);
	start = now();
	do {
		for (i = 0; i < (check ? 1 : 100); i++) {
			void *dst = (void *)win;
			unsigned long c = count;

			if (check)
				val = val * 1103515245 + 12345;
			asm volatile("cld; rep stosl"
				     : "+D" (dst), "+c" (c)
				     : "a" (val)
				     : "memory");
		}
		n += i * count;
		for (r = n / count % STRIDE; check && r < count;
		     r += STRIDE, reads++) {
			got = win[r];
			if (got != val) {
				printf("register %lu (0x%lx) reads 0x%08x, "
				       "want 0x%08x (after %lu writes, %lu reads)\n",
				       r, addr + r * 4, got, val, n, reads);
				return 1;
			}
		}
		t = now() - start;
	} while (t < secs && !stop);
	if (check)
		printf("writes=%lu reads=%lu seconds=%.3f\n", n, reads, t);
	else
		printf("writes=%lu seconds=%.3f rate=%.0f\n", n, t, n / t);
	return 0;
}

/* -o: @rounds values to @count registers from @addr, then to @port */
static int order_loop(unsigned long addr, unsigned long count,
		      unsigned long port, unsigned long rounds)
{
	volatile uint32_t *win;
	unsigned long n;
	uint8_t nn;
	int fd, pfd;

	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	pfd = open("/dev/port", O_WRONLY);
	if (pfd < 0) {
		perror("/dev/port");
		return 1;
	}
	if (rounds > 255) {
		fprintf(stderr, "-o: at most 255 rounds\n");
		return 2;
	}
	win = map_phys(fd, addr, count * 4, PROT_READ | PROT_WRITE);
	if (!win)
		return 1;
	for (n = 0; n < rounds; n++) {
		void *dst = (void *)win;
		unsigned long c = count;

		nn = n + 1;
		asm volatile("cld; rep stosl"
			     : "+D" (dst), "+c" (c)
			     : "a" (0x5a5a0000 | nn)
			     : "memory");
		if (pwrite(pfd, &nn, 1, port) != 1) {
			perror("/dev/port");
			return 1;
		}
	}
	printf("rounds=%lu\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	volatile uint32_t *win;
	unsigned long n = 0, i;
	double secs, start, t;
	uint32_t want;
	int fd, phys;

	if (argc == 5 && (!strcmp(argv[1], "-w") || !strcmp(argv[1], "-v")))
		return write_loop(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0), atof(argv[4]),
				  argv[1][1] == 'v');
	if (argc == 6 && !strcmp(argv[1], "-o"))
		return order_loop(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0),
				  strtoul(argv[4], NULL, 0),
				  strtoul(argv[5], NULL, 0));
	phys = argc == 4 && !strcmp(argv[1], "-a");
	if (argc != 3 && !phys) {
		fprintf(stderr, "usage: mmio-bench DEVICE-ID SECONDS\n"
			"       mmio-bench -a ADDRESS SECONDS\n"
			"       mmio-bench -w ADDRESS COUNT SECONDS\n"
			"       mmio-bench -v ADDRESS COUNT SECONDS\n"
			"       mmio-bench -o ADDRESS COUNT PORT ROUNDS\n");
		return 2;
	}
	secs = atof(argv[argc - 1]);
	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	if (phys)
		win = map_phys(fd, strtoul(argv[2], NULL, 0), 4, PROT_READ);
	else
		win = find_virtio_mmio(fd, strtoul(argv[1], NULL, 0));
	if (!win)
		return 1;
	want = win[0];
	start = now();
	do {
		for (i = 0; i < 1000; i++) {
			uint32_t v = win[0];

			if (v != want) {
				fprintf(stderr, "read 0x%x, then 0x%x\n",
					want, v);
				return 1;
			}
		}
		n += i;
		t = now() - start;
	} while (t < secs);
	printf("reads=%lu seconds=%.3f rate=%.0f value=0x%x\n", n, t, n / t,
	       want);
	return 0;
}
