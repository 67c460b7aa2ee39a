// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Register read round trips from a guest: map a virtio-mmio window through
 * /dev/mem (the kernel needs iomem=relaxed, since virtio_mmio claims the
 * window) and read its MagicValue register in a loop.
 *
 * usage: mmio-bench DEVICE-ID SECONDS
 *   Finds the first virtio-mmio window of -M microvm (0xfeb00000, 24 slots
 *   of 0x200 bytes) whose DeviceID is DEVICE-ID, reads its register 0 for
 *   about SECONDS seconds and prints "reads=N seconds=S rate=R".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
	volatile uint32_t *win = NULL;
	unsigned long id, n = 0, i;
	double secs, start, t;
	uint8_t *map;
	int fd, s;

	if (argc != 3) {
		fprintf(stderr, "usage: mmio-bench DEVICE-ID SECONDS\n");
		return 2;
	}
	id = strtoul(argv[1], NULL, 0);
	secs = atof(argv[2]);
	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	map = mmap(NULL, SLOTS * SLOT, PROT_READ, MAP_SHARED, fd, BASE);
	if (map == MAP_FAILED) {
		perror("mmap /dev/mem");
		return 1;
	}
	for (s = 0; s < SLOTS; s++) {
		volatile uint32_t *w = (volatile uint32_t *)(map + s * SLOT);

		if (w[0] == MAGIC && w[2] == id) {
			win = w;
			break;
		}
	}
	if (!win) {
		fprintf(stderr, "no virtio-mmio window with device id %lu\n", id);
		return 1;
	}
	start = now();
	do {
		for (i = 0; i < 1000; i++) {
			if (win[0] != MAGIC) {
				fprintf(stderr, "read 0x%x, not the magic value\n",
					win[0]);
				return 1;
			}
		}
		n += i;
		t = now() - start;
	} while (t < secs);
	printf("reads=%lu seconds=%.3f rate=%.0f\n", n, t, n / t);
	return 0;
}
