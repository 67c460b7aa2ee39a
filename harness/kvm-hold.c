// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold: keep VMs open until killed, so that KVM's static keys never
 * flip while tests run.
 *
 * KVM flips static keys when the first VM or vCPU of a kind is created and
 * back when the last one goes: preempt notifiers, "a vCPU without an
 * in-kernel APIC exists", and "a local APIC is hardware/software
 * disabled" (every new in-kernel LAPIC starts software-disabled, and the
 * guest enabling it drops the key a second later).  Patching kernel text
 * races under multi-threaded TCG with more than one L1 CPU and can oops
 * L1, or reset it; every L2 guest that starts and enables its LAPIC used
 * to flip the LAPIC keys twice.  So hold:
 *   - a VM with one vCPU and no in-kernel irqchip, and
 *   - a VM with an in-kernel irqchip and one vCPU whose LAPIC stays
 *     software-disabled (as created) and is hardware-disabled (APIC base
 *     without its enable bit).
 *
 * Prints one line once they exist, closes stdout (so that a reader waiting
 * for that line sees EOF) and sleeps until a signal ends it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* MSR_IA32_APICBASE's global enable bit */
#define APIC_BASE_ENABLE	(1ULL << 11)

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
	int kvm, vm, vcpu, vm2, vcpu2;
	struct kvm_sregs sregs;

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

	/* The LAPIC keys: an irqchip VM with a disabled LAPIC */
	vm2 = kvm_ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm2 < 0 || kvm_ioctl(vm2, KVM_CREATE_IRQCHIP, 0)) {
		fprintf(stderr, "kvm-hold: an irqchip VM: %s\n", strerror(errno));
		return 1;
	}
	vcpu2 = kvm_ioctl(vm2, KVM_CREATE_VCPU, 0);
	if (vcpu2 < 0 || kvm_ioctl(vcpu2, KVM_GET_SREGS, (unsigned long)&sregs)) {
		fprintf(stderr, "kvm-hold: its vCPU: %s\n", strerror(errno));
		return 1;
	}
	sregs.apic_base &= ~APIC_BASE_ENABLE;
	if (kvm_ioctl(vcpu2, KVM_SET_SREGS, (unsigned long)&sregs)) {
		fprintf(stderr, "kvm-hold: disabling its LAPIC: %s\n",
			strerror(errno));
		return 1;
	}

	printf("kvm-hold: pid %d holds a VM (fd %d) with one vCPU (fd %d), and an irqchip VM (fd %d) with a disabled LAPIC (vCPU fd %d)\n",
	       (int)getpid(), vm, vcpu, vm2, vcpu2);
	if (fclose(stdout))
		return 1;

	for (;;)
		pause();
}
