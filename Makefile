# ioregionfd: KVM and QEMU series, their tooling, harness and tests.
#
#   make demo       build everything and run the demonstration in L1
#   make test       the test suite (what CI runs)
#                   (both check first what they need: make preflight;
#                   V=1 streams the output of apt and the builds too)
#
#   make linux      fetch, apply the series, build the patched modules
#   make linux-tree the series as a git work tree (build/linux/work)
#   make linux-export  write the work tree's commits back to linux/patches
#   make linux-check   checkpatch --strict and a build of every prefix
#
#   make qemu, qemu-tree, qemu-export, qemu-check: the same for QEMU
#
#   make bench      the evaluation (scripts/bench.sh; docs/performance.md):
#                   the kernel's benchmark, then L2 guests with five device
#                   configurations with ioregionfd off, on, and on the
#                   stock kvm.ko; tables, plots and raw figures (~1 h)
#   make bench-kvm  the kernel's benchmark alone (scripts/bench.sh -c none)
#   make debug-test the selftests on a debug L1 kernel: lockdep, KASAN,
#                   kmemleak, ... (scripts/debug-kernel.sh; the first
#                   build takes about 35 min, not part of make test)

.PHONY: all preflight demo test linux linux-fetch linux-tree linux-export linux-check \
	qemu qemu-fetch qemu-tree qemu-export qemu-check harness bench bench-kvm debug-test qemu-sanitize soak qemu-fuzz \
	clean

all: linux qemu harness

linux-fetch:
	scripts/linux-fetch.sh

linux-tree: linux-fetch
	scripts/linux-tree.sh

linux: linux-tree
	scripts/linux-build.sh
	scripts/linux-selftests.sh

linux-export:
	scripts/linux-export.sh

linux-check: linux-tree
	scripts/linux-check.sh

qemu-fetch:
	scripts/qemu-fetch.sh

qemu-tree: qemu-fetch
	scripts/qemu-tree.sh

qemu: qemu-tree
	scripts/qemu-build.sh

qemu-export:
	scripts/qemu-export.sh

qemu-check: qemu-tree
	scripts/qemu-check.sh

harness:
	$(MAKE) -s -C harness

preflight:
	scripts/preflight.sh

bench: linux qemu
	scripts/bench.sh

bench-kvm: linux qemu
	scripts/bench.sh -c none --no-stock

debug-test: linux-fetch
	scripts/debug-kernel.sh

qemu-sanitize: linux qemu
	scripts/qemu-sanitize.sh

soak: linux qemu
	scripts/soak.sh

qemu-fuzz: qemu
	scripts/qemu-fuzz.sh

demo:
	demo/run

test:
	tests/run

clean:
	rm -rf build
