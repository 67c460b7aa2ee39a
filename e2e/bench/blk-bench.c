// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 4 KiB random O_DIRECT reads from a block device, at a queue depth,
 * for the block figures of the benchmark (fio's Debian build needs some
 * sixty shared libraries, too many for the guest's initramfs).  Queue
 * depth 1 uses pread(); deeper queues use Linux AIO (io_submit) through
 * raw system calls, keeping DEPTH reads in flight.
 *
 * usage: blk-bench DEVICE DEPTH SECONDS
 *   prints "ios=N seconds=S iops=R p50_us=X p99_us=Y"
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#define BS		4096
#define MAX_DEPTH	256
#define MAX_SAMPLES	(1 << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next_block(uint64_t blocks)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % blocks;
}

static uint32_t lat[MAX_SAMPLES];
static unsigned long nlat;

static void sample(uint64_t ns)
{
	if (nlat < MAX_SAMPLES)
		lat[nlat++] = ns / 1000;
}

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct iocb cbs[MAX_DEPTH];
	struct iocb *list[MAX_DEPTH];
	struct io_event ev[MAX_DEPTH];
	uint64_t size, blocks, start, end, t0[MAX_DEPTH];
	unsigned long ios = 0;
	aio_context_t ctx = 0;
	int fd, depth, i, n;
	double secs;
	char *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: blk-bench DEVICE DEPTH SECONDS\n");
		return 2;
	}
	depth = atoi(argv[2]);
	secs = atof(argv[3]);
	if (depth < 1 || depth > MAX_DEPTH) {
		fprintf(stderr, "depth must be 1..%d\n", MAX_DEPTH);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0) {
		perror(argv[1]);
		return 1;
	}
	blocks = size / BS;
	if (posix_memalign((void **)&buf, BS, (size_t)BS * depth)) {
		perror("posix_memalign");
		return 1;
	}
	start = now_ns();
	end = start + (uint64_t)(secs * 1e9);
	if (depth == 1) {
		do {
			uint64_t t = now_ns();

			if (pread(fd, buf, BS, next_block(blocks) * BS) != BS) {
				perror("pread");
				return 1;
			}
			sample(now_ns() - t);
			ios++;
		} while (now_ns() < end);
	} else {
		if (syscall(SYS_io_setup, depth, &ctx) < 0) {
			perror("io_setup");
			return 1;
		}
		for (i = 0; i < depth; i++) {
			memset(&cbs[i], 0, sizeof(cbs[i]));
			cbs[i].aio_fildes = fd;
			cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
			cbs[i].aio_buf = (uint64_t)(uintptr_t)(buf + i * BS);
			cbs[i].aio_nbytes = BS;
			cbs[i].aio_offset = next_block(blocks) * BS;
			cbs[i].aio_data = i;
			list[i] = &cbs[i];
			t0[i] = now_ns();
		}
		if (syscall(SYS_io_submit, ctx, depth, list) != depth) {
			perror("io_submit");
			return 1;
		}
		for (;;) {
			n = syscall(SYS_io_getevents, ctx, 1, depth, ev, NULL);
			if (n < 0) {
				perror("io_getevents");
				return 1;
			}
			for (i = 0; i < n; i++) {
				struct iocb *cb = (struct iocb *)(uintptr_t)ev[i].obj;

				if (ev[i].res != BS) {
					fprintf(stderr, "read failed: %lld\n",
						(long long)ev[i].res);
					return 1;
				}
				sample(now_ns() - t0[cb->aio_data]);
				ios++;
				list[i] = cb;
			}
			if (now_ns() >= end)
				break;
			for (i = 0; i < n; i++) {
				list[i]->aio_offset = next_block(blocks) * BS;
				t0[list[i]->aio_data] = now_ns();
			}
			if (syscall(SYS_io_submit, ctx, n, list) != n) {
				perror("io_submit");
				return 1;
			}
		}
	}
	secs = (now_ns() - start) / 1e9;
	qsort(lat, nlat, sizeof(lat[0]), cmp);
	printf("ios=%lu seconds=%.3f iops=%.0f p50_us=%u p99_us=%u\n", ios,
	       secs, ios / secs, lat[nlat / 2], lat[nlat * 99 / 100]);
	return 0;
}
