#!/usr/bin/python3
"""Tables, goals and plots from a scripts/bench.sh run.

usage: scripts/bench-report.py DIR
  reads DIR/results.csv (kvm,config,mode,run,metric,value), DIR/setup.txt
  DIR/failed.txt and DIR/stopped.txt; writes DIR/report.md, DIR/summary.json and
  DIR/plots/*.png.

Every figure is the median of the runs, with min and max.  Ratios compare
two columns of one L1 boot: ioregionfd, and ioregionfd with both sides
polling (mode poll), against off on the patched kvm.ko, the fallback
(use-ioregionfd=on on the stock kvm.ko) against off on the stock kvm.ko.
A ratio above 1 is better, whichever way the figure goes.
"""
import csv
import json
import os
import statistics
import sys
from collections import defaultdict

LOWER_BETTER = ("_p50_us", "_p99_us", "_ms", "_loss_pct")
CONFIGS = ["microvm", "microvm-vhost", "q35-virtio", "q35-e1000-nvme",
           "pc-rtl8139"]
DEVICES = {
    "microvm": "virtio-net-device + virtio-blk-device (virtio-mmio)",
    "microvm-vhost": "virtio-net-device on vhost-net (virtio-mmio)",
    "q35-virtio": "virtio-net-pci + virtio-blk-pci",
    "q35-e1000-nvme": "e1000 + nvme",
    "pc-rtl8139": "rtl8139",
}


def lower_better(metric):
    return metric.endswith(LOWER_BETTER)


def load(d):
    vals = defaultdict(list)
    with open(os.path.join(d, "results.csv")) as f:
        for r in csv.DictReader(f):
            try:
                v = float(r["value"])
            except ValueError:
                continue
            vals[(r["kvm"], r["config"], r["mode"], r["metric"])].append(v)
    setup = {}
    p = os.path.join(d, "setup.txt")
    if os.path.exists(p):
        for line in open(p):
            k, _, v = line.rstrip("\n").partition("=")
            setup[k] = v
    failed = []
    p = os.path.join(d, "failed.txt")
    if os.path.exists(p):
        failed = [l.strip() for l in open(p) if l.strip()]
    stopped = []
    p = os.path.join(d, "stopped.txt")
    if os.path.exists(p):
        stopped = [l.strip() for l in open(p) if l.strip()]
    return vals, setup, failed, stopped


def med(v):
    return statistics.median(v) if v else None


def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.2f" % x


def cell(v):
    if not v:
        return "-"
    if len(v) == 1:
        return fmt(v[0])
    return "%s (%s-%s)" % (fmt(med(v)), fmt(min(v)), fmt(max(v)))


def ratio(metric, base, new):
    """new against base, >1 is better."""
    if base is None or new is None:
        return None
    if lower_better(metric):
        if new == 0:
            return None if base else 1.0
        return base / new
    return new / base if base else None


def selftest_title(c):
    return "%s, kvm.ioregion_poll_ns=%s%s" % (
        "ports" if "-pio-" in c else "MMIO", c.split("poll")[1],
        ", device thread polling (-b)" if "-busy-" in c else "")


def rfmt(r):
    return "-" if r is None else "%.2fx" % r


def figure_metrics(vals, config):
    ms = sorted({k[3] for k in vals if k[1] == config
                 and not k[3].startswith(("cpu_", "kvm_", "ops_"))})
    order = ["reg_", "fio_", "tcp_", "udp_", "ping_"]

    def key(m):
        for i, p in enumerate(order):
            if m.startswith(p):
                f = m.split("_")
                if p == "udp_" and len(f) > 2 and f[2].isdigit():
                    return (i, f[1], int(f[2]), m)
                return (i, "", 0, m)
        return (len(order), "", 0, m)
    return sorted(ms, key=key)


def main():
    d = sys.argv[1]
    vals, setup, failed, stopped = load(d)
    secs = float(setup.get("seconds", "3"))
    summary = {"setup": setup, "failed": failed, "stopped": stopped,
               "configs": {},
               "selftest": {}, "goals": []}
    md = []
    w = md.append
    w("# ioregionfd benchmark, %s" % setup.get("date", "?"))
    w("")
    w("Setup: %s; host: %s cores of %s; %s runs of %s s per figure; "
      "median (min-max)." % (setup.get("setup", "?"), setup.get("host_cores", "?"),
                             setup.get("host_cpu", "?"), setup.get("runs", "?"),
                             setup.get("seconds", "?")))
    w("Ratios: ioregionfd, and ioregionfd with polling (the IOThread's "
      "poll-max-ns and kvm.ioregion_poll_ns), against off (patched kvm.ko), "
      "fallback against off (stock kvm.ko), each within one L1 boot; above 1 "
      "is better.")
    if failed:
        w("")
        w("**Failed** (a guest or an L1 boot that ended early: what it "
          "finished is in the tables, the rest is missing; a failed "
          "kernel benchmark run is left out): " + "; ".join(failed))
    if stopped:
        w("")
        w("**L1 stopped** (its heartbeat did not move for the seconds "
          "given, and harness/l1-run pressed a key, which woke the L1s "
          "that lost their timer interrupt; a figure measured across a "
          "stop includes it): " + "; ".join(stopped))
    w("")

    # --- the kernel's benchmark
    st = sorted({k[1] for k in vals if k[1].startswith("selftest-")},
                key=lambda c: ("-pio-" in c, "-busy-" in c,
                               int(c.split("poll")[1])))
    if st:
        w("## Kernel: ioregionfd_perf_test (accesses/s)")
        w("")
        for c in st:
            w("### %s" % selftest_title(c))
            w("")
            w("| access | vCPUs | ioregionfd | inline | relay | ioeventfd | ioregionfd vs relay | vs inline | vs ioeventfd |")
            w("|---|---|---|---|---|---|---|---|---|")
            ms = sorted({k[3] for k in vals if k[1] == c},
                        key=lambda m: (m.split("_")[0] != "read", m))
            for m in ms:
                acc, v = m.split("_")[0], m.split("_")[1][1:]
                g = {mode: vals.get(("patched", c, mode, m), [])
                     for mode in ("ioregionfd", "inline", "relay", "ioeventfd")}
                io = med(g["ioregionfd"])
                rr = {o: ratio(m, med(g[o]), io) for o in ("relay", "inline", "ioeventfd")}
                w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    acc, v, cell(g["ioregionfd"]), cell(g["inline"]),
                    cell(g["relay"]), cell(g["ioeventfd"]),
                    rfmt(rr["relay"]), rfmt(rr["inline"]), rfmt(rr["ioeventfd"])))
                summary["selftest"].setdefault(c, {})[m] = {
                    o: med(g[o]) for o in g}
            w("")

    # --- each configuration
    confs = [c for c in CONFIGS if any(k[1] == c for k in vals)]
    for c in confs:
        w("## %s: %s" % (c, DEVICES.get(c, c)))
        w("")
        w("| figure | off | ioregionfd | ratio | with polling | ratio | off (stock kvm.ko) | fallback | ratio |")
        w("|---|---|---|---|---|---|---|---|---|")
        cs = summary["configs"].setdefault(c, {})
        for m in figure_metrics(vals, c):
            o = vals.get(("patched", c, "off", m), [])
            i = vals.get(("patched", c, "on", m), [])
            p = vals.get(("patched", c, "poll", m), [])
            so = vals.get(("stock", c, "off", m), [])
            f = vals.get(("stock", c, "on", m), [])
            ri = ratio(m, med(o), med(i))
            rp = ratio(m, med(o), med(p))
            rf = ratio(m, med(so), med(f))
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, cell(o), cell(i), rfmt(ri), cell(p), rfmt(rp), cell(so),
                cell(f), rfmt(rf)))
            cs[m] = {"off": med(o), "ioregionfd": med(i), "ratio": ri,
                     "polling": med(p), "polling_ratio": rp,
                     "stock_off": med(so), "fallback": med(f),
                     "fallback_ratio": rf}
        w("")
        cpu_table(w, vals, c, secs, cs)

    goals(w, summary, vals, confs)
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    plots(d, vals, confs, st, secs)
    print("\n".join(md))


# The piece of each figure whose CPU time and counters l1-e2e sampled, and
# the operations it made: reads, I/Os, or Mbit.
def pieces(vals, c):
    out = []
    for m in figure_metrics(vals, c):
        if m.startswith("reg_") and m.endswith("_reads_per_s"):
            out.append((m, "reg_" + m.split("_")[1], "read"))
        elif m.startswith("fio_") and m.endswith("_iops"):
            p = m[:-len("_iops")].split("_")      # fio disk rw qdN
            out.append((m, "fio_%s_%s_%s" % (p[1], p[2], p[3][2:]), "I/O"))
        elif m.startswith("tcp_") and m.endswith("_mbit_per_s"):
            out.append((m, "tcp_" + m.split("_")[1], "Mbit"))
        elif m.startswith("udp_") and m.endswith("_mbit_per_s"):
            out.append((m, "udp_%s_%s" % tuple(m.split("_")[1:3]), "Mbit"))
    return out


THREADS = ("vcpu", "iothread", "main", "vhost", "other")
COUNTERS = ("exits", "mmio_exits", "io_exits", "halt_exits",
            "ioregion_accesses", "ioregion_waits", "ioregion_exits")


def cpu_rows(vals, c, secs):
    """(piece, unit, mode name, CPU us per op by thread, counters per op)"""
    for m, piece, unit in pieces(vals, c):
        for kvm, mode, name in (("patched", "off", "off"),
                                ("patched", "on", "ioregionfd"),
                                ("patched", "poll", "with polling"),
                                ("stock", "on", "fallback")):
            rate = med(vals.get((kvm, c, mode, m), []))

            def get(k):
                return med(vals.get((kvm, c, mode, k % piece), []))
            if not rate or get("cpu_%s_wall_ms") is None:
                continue
            # the guest's count where it has one (reads, I/Os), else
            # rate x seconds (Mbit)
            ops = get("ops_%s") or rate * secs
            per = {k: (get("cpu_%s_" + k + "_ms") or 0) * 1000 / ops
                   for k in THREADS}
            ex = {k: (get("kvm_%s_" + k) or 0) / ops for k in COUNTERS}
            yield piece, unit, name, per, ex


def cpu_table(w, vals, c, secs, cs):
    rows = list(cpu_rows(vals, c, secs))
    for piece, unit, name, per, ex in rows:
        cs.setdefault("cpu_per_op", {}).setdefault(piece, {})[name] = {
            "unit": unit, "cpu_us": per, "per_op": ex}
    if not rows:
        return
    w("CPU time of QEMU's threads (µs per %s) and KVM's counters per operation:" %
      "operation")
    w("")
    w("| piece | mode | vCPU | IOThread | main loop | vhost | other | total | exits | MMIO exits | PIO exits | halts | ioregion accesses | waits | ioregion exits |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for piece, unit, name, per, ex in rows:
        w("| %s (per %s) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            piece, unit, name, fmt(per["vcpu"]), fmt(per["iothread"]),
            fmt(per["main"]), fmt(per["vhost"]), fmt(per["other"]),
            fmt(sum(per.values())), fmt(ex["exits"]), fmt(ex["mmio_exits"]),
            fmt(ex["io_exits"]), fmt(ex["halt_exits"]),
            fmt(ex["ioregion_accesses"]), fmt(ex["ioregion_waits"]),
            fmt(ex["ioregion_exits"])))
    w("")


def goals(w, summary, vals, confs):
    w("## Goals (issue: measurements), from this run")
    w("")
    w("| goal | configuration | figure | ratio | met |")
    w("|---|---|---|---|---|")

    def add(goal, c, m, r, want):
        ok = r is not None and r >= want
        summary["goals"].append({"goal": goal, "config": c, "metric": m,
                                 "ratio": r, "want": want, "met": ok})
        w("| %s | %s | %s | %s | %s |" % (goal, c, m, rfmt(r),
                                          "yes" if ok else
                                          ("no (%.0f%% short)" % (100 * (want - r) / want)
                                           if r is not None else "-")))
    for c in confs:
        cs = summary["configs"][c]
        for key, how in (("ratio", ""), ("polling_ratio", ", with polling")):
            for m, f in cs.items():
                if m == "cpu_per_op" or (key == "polling_ratio" and
                                         f["polling"] is None):
                    continue
                if m.startswith("reg_"):
                    add("register reads >= 1.2x" + how, c, m, f[key], 1.2)
                if m.startswith("fio_") and "_qd1_iops" in m:
                    add("block depth-1 IOPS >= 1.2x" + how, c, m, f[key], 1.2)
                if m.startswith("tcp_"):
                    add("network throughput >= 1.0x" + how, c, m, f[key], 1.0)
        # UDP: no loss with ioregionfd at a rate at which off loses none
        for m, f in cs.items():
            if m.startswith("udp_") and m.endswith("_loss_pct") and \
                    f["off"] is not None and f["off"] == 0:
                ok = f["ioregionfd"] == 0
                summary["goals"].append({"goal": "no UDP loss where off loses none",
                                         "config": c, "metric": m,
                                         "loss_pct": f["ioregionfd"], "met": ok})
                w("| no UDP loss where off loses none | %s | %s | %s%% lost | %s |" % (
                    c, m, fmt(f["ioregionfd"]),
                    "-" if f["ioregionfd"] is None else "yes" if ok else "no"))
        for m, f in cs.items():
            if m == "cpu_per_op" or m.endswith("_loss_pct"):
                continue
            if m.startswith(("reg_", "tcp_", "ping_")) or \
                    (m.startswith("fio_") and m.endswith("_iops")):
                add("fallback >= 0.95x", c, m, f["fallback_ratio"], 0.95)
    w("")


def plots(d, vals, confs, st, secs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench-report: no matplotlib; no plots", file=sys.stderr)
        return
    pd = os.path.join(d, "plots")
    os.makedirs(pd, exist_ok=True)

    # 1. ratios against off, per configuration
    for c in confs:
        ms = [m for m in figure_metrics(vals, c)
              if not m.endswith(("_p50_us", "_loss_pct")) and
              not (m.startswith("udp_") and m.endswith("_mbit_per_s"))]
        ri, rp, rf, lab = [], [], [], []
        for m in ms:
            def r(kb, mb, kn, mn):
                return ratio(m, med(vals.get((kb, c, mb, m), [])),
                             med(vals.get((kn, c, mn, m), []))) or 0
            ri.append(r("patched", "off", "patched", "on"))
            rp.append(r("patched", "off", "patched", "poll"))
            rf.append(r("stock", "off", "stock", "on"))
            lab.append(m.replace("_per_s", "/s").replace("_mbit/s", " Mbit/s"))
        bars = [(ri, "ioregionfd / off"), (rp, "ioregionfd with polling / off"),
                (rf, "fallback / off (stock kvm.ko)")]
        bars = [b for b in bars if any(b[0])]
        fig, ax = plt.subplots(figsize=(10, 0.4 * len(ms) + 1.5))
        y = range(len(ms))
        h = 0.8 / max(len(bars), 1)
        for j, (v, label) in enumerate(bars):
            ax.barh([i + (j - (len(bars) - 1) / 2) * h for i in y], v, h,
                    label=label)
        ax.axvline(1.0, color="black", lw=0.8)
        ax.set_yticks(list(y))
        ax.set_yticklabels(lab, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("ratio against use-ioregionfd=off (>1 is better)")
        ax.set_title("%s: %s" % (c, DEVICES.get(c, c)))
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(pd, "ratios-%s.png" % c), dpi=110)
        plt.close(fig)

    # 2. the kernel's benchmark
    if st:
        fig, axes = plt.subplots(1, len(st), figsize=(6 * len(st), 4), squeeze=False)
        for ax, c in zip(axes[0], st):
            ms = sorted({k[3] for k in vals if k[1] == c},
                        key=lambda m: (m.split("_")[0] != "read", m))
            modes = ["ioregionfd", "inline", "relay", "ioeventfd"]
            x = range(len(ms))
            for j, mode in enumerate(modes):
                ax.bar([i + (j - 1.5) * 0.2 for i in x],
                       [med(vals.get(("patched", c, mode, m), [])) or 0 for m in ms],
                       0.2, label=mode)
            ax.set_xticks(list(x))
            ax.set_xticklabels([m.replace("_per_s", "") for m in ms], fontsize=8)
            ax.set_ylabel("accesses/s")
            ax.set_title(selftest_title(c), fontsize=9)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(pd, "kernel.png"), dpi=110)
        plt.close(fig)

    # 3. CPU per operation, stacked by thread: reads and I/Os, and Mbit
    for c in confs:
        rows = list(cpu_rows(vals, c, secs))
        # (UDP per Mbit is left out: under overload a few Mbit arrive
        # and the figure says nothing about the device)
        groups = [("read or I/O", [r for r in rows if r[1] != "Mbit"]),
                  ("Mbit (TCP)", [r for r in rows if r[0].startswith("tcp_")])]
        groups = [g for g in groups if g[1]]
        if not groups:
            continue
        fig, axes = plt.subplots(len(groups), 1, figsize=(11, 4.5 * len(groups)),
                                 squeeze=False)
        for ax, (unit, rs) in zip(axes[:, 0], groups):
            labels = ["%s\n%s" % (r[0].replace("_", " "), r[2]) for r in rs]
            bottom = [0.0] * len(rs)
            for k in THREADS:
                v = [r[3][k] for r in rs]
                ax.bar(range(len(rs)), v, bottom=bottom, label=k)
                bottom = [a + b for a, b in zip(bottom, v)]
            ax.set_xticks(range(len(rs)))
            ax.set_xticklabels(labels, fontsize=6, rotation=90)
            ax.set_ylabel("QEMU CPU µs per %s" % unit)
            ax.set_title("%s: CPU time per %s, by thread" % (c, unit))
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(pd, "cpu-%s.png" % c), dpi=110)
        plt.close(fig)

    # 4. UDP loss against the offered rate, each direction
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), squeeze=False)
    for ax, dr in zip(axes[0], ("tx", "rx")):
        for c in confs:
            rates = sorted({int(k[3].split("_")[2]) for k in vals
                            if k[1] == c and k[3].startswith("udp_%s_" % dr)})
            if not rates:
                continue
            for kvm, mode, name, ls in (("patched", "off", "off", "-"),
                                        ("patched", "on", "ioregionfd", "--"),
                                        ("patched", "poll", "with polling", "-."),
                                        ("stock", "on", "fallback", ":")):
                ys = [med(vals.get((kvm, c, mode, "udp_%s_%d_loss_pct" % (dr, r)), []))
                      for r in rates]
                if all(y is None for y in ys):
                    continue
                ax.plot(rates, [y if y is not None else float("nan") for y in ys],
                        ls, marker="o", label="%s %s" % (c, name))
        ax.set_xlabel("offered UDP rate (Mbit/s)")
        ax.set_ylabel("datagrams lost (%)")
        ax.set_xscale("log")
        ax.set_title("UDP %s" % ("guest to L1" if dr == "tx" else "L1 to guest"))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(os.path.join(pd, "udp-loss.png"), dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
