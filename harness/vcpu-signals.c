/*
 * vcpu-signals: interrupt a QEMU's vCPU threads with a signal, over and
 * over, for the soak test (scripts/soak.sh).
 *
 *   vcpu-signals PID INTERVAL_US SECONDS [SIGNAL]
 *
 * Every INTERVAL_US microseconds, for SECONDS seconds, sends SIGNAL
 * (default SIGUSR1, QEMU's own vCPU kick, SIG_IPI) with tgkill() to each
 * thread of PID whose name starts with "CPU " (QEMU names them
 * "CPU 0/KVM" with -name debug-threads=on).  A vCPU in KVM_RUN returns
 * EINTR; with an ioregionfd access pending, QEMU must complete it with
 * immediate_exit before it goes on (kvm_ioregionfd_pending).  The thread
 * list is read again every round, so vCPUs that come and go are followed.
 *
 * Prints "signals N rounds M vcpus K" at the end; exit status 0 if at
 * least one signal was sent, 1 if none (no vCPU thread found), 2 on bad
 * arguments, 0 also if PID went away meanwhile (QEMU quit).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_VCPUS 64

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* The vCPU threads of @pid in @tids; -1 if @pid is gone */
static int vcpu_threads(pid_t pid, pid_t *tids)
{
	char path[320], name[64];
	struct dirent *d;
	FILE *f;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && n < MAX_VCPUS) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) && !strncmp(name, "CPU ", 4))
			tids[n++] = atoi(d->d_name);
		fclose(f);
	}
	closedir(dir);
	return n;
}

int main(int argc, char **argv)
{
	long interval, end, signals = 0, rounds = 0;
	pid_t tids[MAX_VCPUS];
	int sig = SIGUSR1, n, i, most = 0;
	pid_t pid;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: vcpu-signals PID INTERVAL_US SECONDS [SIGNAL]\n");
		return 2;
	}
	pid = atoi(argv[1]);
	interval = atol(argv[2]);
	end = now_us() + atol(argv[3]) * 1000000L;
	if (argc == 5)
		sig = atoi(argv[4]);
	if (pid <= 0 || interval <= 0 || sig <= 0 || sig >= NSIG) {
		fprintf(stderr, "vcpu-signals: bad PID, interval or signal\n");
		return 2;
	}

	while (now_us() < end) {
		n = vcpu_threads(pid, tids);
		if (n < 0)
			break;
		most = n > most ? n : most;
		for (i = 0; i < n; i++) {
			if (!syscall(SYS_tgkill, pid, tids[i], sig))
				signals++;
			else if (errno != ESRCH)
				perror("vcpu-signals: tgkill");
		}
		rounds++;
		usleep(interval);
	}
	printf("signals %ld rounds %ld vcpus %d\n", signals, rounds, most);
	return signals ? 0 : 1;
}
