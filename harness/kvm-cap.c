// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-cap: print KVM_CHECK_EXTENSION(CAP) and compare it with an expected
 * value.
 *
 *   kvm-cap [--vm] [--expect R] [CAP]
 *
 * CAP defaults to 1024 (KVM_CAP_IOREGIONFD in the project's ABI).  With --vm
 * the check is made on a new VM's fd instead of on /dev/kvm.
 * Exit status: 0 if no --expect was given or the result equals R, 1 if it
 * differs, 2 on usage or system errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define DEFAULT_CAP	1024	/* KVM_CAP_IOREGIONFD */

static void usage(void)
{
	fprintf(stderr, "usage: kvm-cap [--vm] [--expect R] [CAP]\n");
	exit(2);
}

static long parse_num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < INT_MIN || v > INT_MAX) {
		fprintf(stderr, "kvm-cap: not a number: '%s'\n", s);
		usage();
	}
	return v;
}

int main(int argc, char **argv)
{
	long cap = DEFAULT_CAP, expect = 0;
	bool have_expect = false, have_cap = false, on_vm = false;
	int kvm, fd, r, i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* keep order with stderr */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--expect")) {
			if (++i == argc)
				usage();
			expect = parse_num(argv[i]);
			have_expect = true;
		} else if (!strcmp(argv[i], "--vm")) {
			on_vm = true;
		} else if (!strncmp(argv[i], "--", 2)) {
			usage();
		} else if (!have_cap) {
			cap = parse_num(argv[i]);
			have_cap = true;
		} else {
			usage();
		}
	}

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-cap: /dev/kvm: %s\n", strerror(errno));
		return 2;
	}
	fd = kvm;
	if (on_vm) {
		fd = ioctl(kvm, KVM_CREATE_VM, 0);
		if (fd < 0) {
			fprintf(stderr, "kvm-cap: KVM_CREATE_VM: %s\n",
				strerror(errno));
			return 2;
		}
	}

	r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	if (r < 0) {
		fprintf(stderr, "kvm-cap: KVM_CHECK_EXTENSION(%ld): %s\n", cap,
			strerror(errno));
		return 2;
	}
	printf("KVM_CHECK_EXTENSION(%ld)%s = %d\n", cap, on_vm ? " on a VM" : "", r);

	if (have_expect && r != expect) {
		fprintf(stderr, "kvm-cap: expected %ld, got %d\n", expect, r);
		return 1;
	}
	return 0;
}
