// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold: keep one VM with one vCPU (and no in-kernel irqchip) open until
 * killed.
 *
 * KVM flips static keys (preempt notifiers, "a vCPU without an in-kernel
 * APIC exists") when the first VM/vCPU is created and back when the last one
 * is destroyed.  Patching kernel text races under multi-threaded TCG with
 * more than one L1 CPU and can oops L1.  Holding a VM for the whole run keeps
 * those keys from ever dropping back to zero.
 *
 * Prints one line once the VM and vCPU exist, closes stdout (so that a reader
 * waiting for that line sees EOF) and sleeps until a signal ends it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r;
}

int main(void)
{
	int kvm, vm, vcpu;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	vm = kvm_ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm-hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	vcpu = kvm_ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		fprintf(stderr, "kvm-hold: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return 1;
	}

	printf("kvm-hold: pid %d holds a VM (fd %d) with one vCPU (fd %d)\n",
	       (int)getpid(), vm, vcpu);
	if (fclose(stdout))
		return 1;

	for (;;)
		pause();
}
