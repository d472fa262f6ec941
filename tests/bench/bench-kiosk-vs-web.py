#!/usr/bin/env python3
"""curbside-kiosk beside the web kiosk many stores run instead, in one run.

The web kiosk is ../shared/webkiosk (Chromium --kiosk, <video> -> canvas ->
jsQR on every frame, no GPU); the kiosk is the installed program as deployed
(full screen 1920x1080, the renderer it picks itself, its camera pipeline
playing the same 720p30 VP8 file: filesrc ! matroskademux ! vp8dec). Both
run under their own Xvfb, one after the other, on the same videos:
idle.webm (nobody in front) and active.webm (a stream of codes in view,
none of them ours: each of 60 codes shows every 2 s).

Figures (JSON lines, both sides from this run):
  CPU       % of one core over the window, the whole process tree
            (their Xvfb is reported apart, for both)
  PSS       mean over the window (smaps_rollup, summed over the tree)
  ready     process start -> ready to scan (web: first frame through jsQR;
            kiosk: first camera frame painted, "Ready to scan" in its log)
Ratios are kiosk / web; targets: CPU idle <= 0.10, active <= 0.15,
PSS <= 0.10, kiosk ready <= 350 ms.

Skips (exit 77) saying why without Chromium, Node.js, xvfb-run, GStreamer's
VP8 elements, the corpus generator's Python modules or ../shared.

  bench-kiosk-vs-web.py --build BUILD [--shared DIR] [--work DIR]
                        [--warm 4] [--win 12] [--launches 3]
                        [--renderers auto[,cairo,ngl,gl]] [--no-web]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")
TARGETS = {"idle_cpu": 0.10, "active_cpu": 0.15, "pss": 0.10, "ready_ms": 350.0}


def emit(name, value, unit, **extra):
    line = {"name": name, "value": round(value, 3) if isinstance(value, float) else value, "unit": unit}
    line.update(extra)
    print(json.dumps(line), flush=True)


def skip(reason):
    print(f"# skipped: {reason}", flush=True)
    print(f"bench-kiosk-vs-web: skipped: {reason}", file=sys.stderr)
    sys.exit(77)


def note(text):
    print(f"# {text}", flush=True)


# --- /proc ------------------------------------------------------------------

def proc_ticks(pid, tid=None):
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    with open(path) as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def thread_ticks(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
            name = text[text.index("(") + 1:text.rindex(")")]
            fields = text[text.rindex(")") + 2:].split()
            out[tid] = (name, int(fields[11]) + int(fields[12]))
        except OSError:
            pass
    return out


def pss_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def machine_busy():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values), values[3] + values[4]


# --- preparation ------------------------------------------------------------

def need(condition, reason):
    if not condition:
        skip(reason)


def run_quiet(argv, timeout, env=None, cwd=None):
    return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout,
                          env=env, cwd=cwd, text=True)


def check_tools():
    for tool, why in [("chromium", "Chromium is not installed (apt-get install chromium)"),
                      ("node", "Node.js is not installed"), ("npm", "npm is not installed"),
                      ("xvfb-run", "xvfb-run is not installed"), ("Xvfb", "Xvfb is not installed"),
                      ("gst-launch-1.0", "gstreamer1.0-tools is not installed"),
                      ("qrencode", "qrencode is not installed (the corpus generator needs it)")]:
        need(shutil.which(tool), why)
    for element in ["vp8enc", "vp8dec", "webmmux", "matroskademux"]:
        need(run_quiet(["gst-inspect-1.0", element], 30).returncode == 0,
             f"GStreamer element {element} is missing (gstreamer1.0-plugins-good)")
    need(run_quiet(["/usr/bin/python3", "-c", "import numpy, cv2, PIL"], 60).returncode == 0,
         "the corpus generator needs python3-numpy python3-opencv python3-pil")


def prepare_webkiosk(shared, work):
    source = os.path.join(shared, "webkiosk")
    need(os.path.exists(os.path.join(source, "run.js")), f"no web kiosk at {source} (../shared)")
    copy = os.path.join(work, "webkiosk")
    if not os.path.exists(os.path.join(copy, "run.js")):
        shutil.copytree(source, copy, dirs_exist_ok=True)
        for root, dirs, files in os.walk(copy):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755 if name in dirs or name.endswith(".sh") else 0o644)
        os.chmod(copy, 0o755)
    if not os.path.exists(os.path.join(copy, "node_modules", "jsqr", "dist", "jsQR.js")):
        result = run_quiet(["npm", "ci", "--no-audit", "--no-fund"], 300, cwd=copy)
        need(result.returncode == 0, "npm ci failed in the web kiosk copy (it needs jsqr 1.4.0 and ws "
             f"from the npm registry): {result.stderr.strip()[-200:]}")
    return copy


def prepare_videos(shared, work, webkiosk):
    generator = os.path.join(shared, "qr-corpus", "gen_corpus.py")
    need(os.path.exists(generator), f"no corpus generator at {generator} (../shared)")
    corpus = os.path.join(work, "qrc")
    webm = os.path.join(work, "webm")
    if not os.path.exists(os.path.join(corpus, "video", "active", "059.i420")):
        note("making the 720p video loops (default seed, once)")
        result = run_quiet(["/usr/bin/python3", generator, "--out", corpus, "--limit", "1", "--video",
                            "--jobs", "2"], 1800)
        need(result.returncode == 0, f"gen_corpus.py failed: {result.stderr.strip()[-200:]}")
    if not all(os.path.exists(os.path.join(webm, f"{v}.webm")) for v in ("idle", "active")):
        note("encoding them as VP8 WebM (make_webm.sh 12000000 10 40, once)")
        env = dict(os.environ, QR_CORPUS=corpus)
        result = run_quiet(["sh", os.path.join(webkiosk, "make_webm.sh"), "12000000", "10", "40", webm],
                           1800, env=env)
        need(result.returncode == 0, f"make_webm.sh failed: {result.stderr.strip()[-200:]}")
    return webm


def kiosk_config(build, work, webm, video):
    state = os.path.join(work, "kiosk")
    os.makedirs(os.path.join(state, "state"), exist_ok=True)
    keyring = os.path.join(state, "keyring")
    if not os.path.exists(keyring):
        subprocess.run([os.path.join(build, "ctl", "curbside-ctl"), "keygen", "--kid", "t1",
                        "--out-secret", os.path.join(state, "issuer.key"), "--out-public", keyring],
                       check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(state, "credential"), "w") as f:
        f.write("0" * 64 + "\n")
    path = os.path.join(state, f"{video}.conf")
    with open(path, "w") as f:
        f.write(f"""# the demo's kiosk configuration, with the benchmark's video as its camera
[hub]
url = https://127.0.0.1:9
credential-file = {state}/credential
[device]
name = kiosk-bench
[tokens]
keyring = {keyring}
[storage]
state-dir = {state}/state
[camera]
pipeline = filesrc location={webm}/{video}.webm ! matroskademux ! vp8dec
[pickup]
bays = 1;2;3;4;5;6
[ui]
languages = en;es
idle-timeout = 30
store-phone = +1 555 0100
""")
    return path


# --- one side ---------------------------------------------------------------

def start_xvfb():
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        display = f.readline().strip()
    if not display:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start")
    return xvfb, f":{display}"


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kiosk_env(display, renderer, runtime):
    """As under packaging/systemd/curbside-kiosk-session.service: a private runtime dir and
    no session bus in it (else GLib would autolaunch one on the X display)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_CHECK_", "G_SLICE", "G_DEBUG", "GSK_RENDERER", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, GDK_BACKEND="x11", LANGUAGE="en", GTK_A11Y="none",
               XDG_RUNTIME_DIR=runtime, DBUS_SESSION_BUS_ADDRESS=f"unix:path={runtime}/bus")
    if renderer != "auto":
        env["GSK_RENDERER"] = renderer
    return env


def launch_kiosk(kiosk, conf, env):
    """Starts the kiosk; returns (process, ms from start to "Ready to scan", log lines)."""
    ready = threading.Event()
    lines = []
    start = time.monotonic()
    process = subprocess.Popen([kiosk, "--config", conf, "--size", "1920x1080"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stamp = {}

    def reader():
        for line in process.stderr:
            lines.append(line.rstrip())
            if "Ready to scan" in line and not ready.is_set():
                stamp["ready"] = time.monotonic()
                ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(30):
        stop(process)
        raise RuntimeError("the kiosk never said it was ready to scan:\n" + "\n".join(lines[-20:]))
    return process, (stamp["ready"] - start) * 1000.0, lines


def measure_kiosk(kiosk, conf, renderer, warm, win, launches):
    xvfb, display = start_xvfb()
    runtime = tempfile.mkdtemp(prefix="kiosk-runtime-")
    env = kiosk_env(display, renderer, runtime)
    try:
        ready = []
        for _ in range(launches - 1):
            process, ms, _ = launch_kiosk(kiosk, conf, env)
            ready.append(ms)
            stop(process)
            time.sleep(0.3)
        process, ms, lines = launch_kiosk(kiosk, conf, env)
        ready.append(ms)
        time.sleep(warm)
        pid = process.pid
        threads0, main0, x0 = thread_ticks(pid), proc_ticks(pid, pid), proc_ticks(xvfb.pid)
        total0, sys0 = proc_ticks(pid), machine_busy()
        t0 = time.monotonic()
        pss = []
        while time.monotonic() - t0 < win:
            time.sleep(min(2.0, win - (time.monotonic() - t0)))
            pss.append(pss_kib(pid))
        secs = time.monotonic() - t0
        total1, main1, x1 = proc_ticks(pid), proc_ticks(pid, pid), proc_ticks(xvfb.pid)
        threads1, sys1 = thread_ticks(pid), machine_busy()
        if process.poll() is not None:
            raise RuntimeError("the kiosk exited during the window")
        stop(process)
    finally:
        stop(xvfb)
        shutil.rmtree(runtime, ignore_errors=True)
    per_thread = {}
    for tid, (name, ticks) in threads1.items():
        used = ticks - threads0.get(tid, (name, 0))[1]
        per_thread[name] = per_thread.get(name, 0) + used
    busy = ((sys1[0] - sys1[1]) - (sys0[0] - sys0[1])) / max(1, sys1[0] - sys0[0])
    cpu = 100.0 * (total1 - total0) / HZ / secs
    renderers = [line.split("renderer: ", 1)[1] for line in lines if "renderer: " in line]
    return {
        "cpu": cpu,
        "main_thread_cpu": 100.0 * (main1 - main0) / HZ / secs,
        "threads_cpu": {k: round(100.0 * v / HZ / secs, 1) for k, v in sorted(per_thread.items()) if v},
        "xvfb_cpu": 100.0 * (x1 - x0) / HZ / secs,
        "pss_mib": statistics.mean(pss) / 1024.0,
        "ready_ms": statistics.median(ready),
        "ready_ms_all": [round(v, 1) for v in ready],
        "other_load": 200.0 * busy - cpu - 100.0 * (x1 - x0) / HZ / secs,
        "renderer": renderers[0] if renderers else renderer,
    }


def measure_web(webkiosk, webm, video, warm, win, out):
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_CHECK_", "G_SLICE", "G_DEBUG")}
    env["WEBM_DIR"] = webm
    result = subprocess.run(["node", "run.js", "--video", video, "--warm", str(warm), "--win", str(win),
                             "--out", out], cwd=webkiosk, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, timeout=300)
    with open(os.path.join(out, f"{video}_dontInvert_rvfc_1.json")) as f:
        data = json.load(f)
    if result.returncode != 0 or "error" in data:
        raise RuntimeError(f"web kiosk run failed: {data.get('error', result.stderr[-300:])}")
    return {
        "cpu": data["window"]["cpu_pct_of_one_core"],
        "xvfb_cpu": data["window"]["xvfb_cpu_pct"] or 0.0,
        "pss_mib": data["window"]["pss_MiB_mean"],
        "ready_ms": data["cold"]["ready_from_exec_ms"],
        "fps_scanned": data["page"]["fps_processed"],
        "decodes_per_s": data["page"]["decodes_per_s"],
        "other_load": data["window"]["other_load_pct_of_one_core"],
    }


# --- the run ----------------------------------------------------------------

def report(video, web, kiosks):
    for renderer, kiosk in kiosks.items():
        tag = f"kiosk-{renderer}"
        emit(f"{tag}/{video}/cpu", kiosk["cpu"], "% of one core", main_thread=round(kiosk["main_thread_cpu"], 1),
             threads=kiosk["threads_cpu"], xvfb=round(kiosk["xvfb_cpu"], 1), renderer=kiosk["renderer"],
             other_load=round(kiosk["other_load"], 1))
        emit(f"{tag}/{video}/pss", kiosk["pss_mib"], "MiB")
        emit(f"{tag}/{video}/ready", kiosk["ready_ms"], "ms", launches=kiosk["ready_ms_all"])
        if web is None:
            continue
        emit(f"{tag}-vs-web/{video}/cpu", kiosk["cpu"] / web["cpu"], "ratio",
             target=TARGETS[f"{video}_cpu"], met=kiosk["cpu"] / web["cpu"] <= TARGETS[f"{video}_cpu"])
        emit(f"{tag}-vs-web/{video}/pss", kiosk["pss_mib"] / web["pss_mib"], "ratio",
             target=TARGETS["pss"], met=kiosk["pss_mib"] / web["pss_mib"] <= TARGETS["pss"])
        emit(f"{tag}/{video}/ready-target", kiosk["ready_ms"], "ms", target=TARGETS["ready_ms"],
             met=kiosk["ready_ms"] <= TARGETS["ready_ms"], web_ms=web["ready_ms"])
    if web is not None:
        emit(f"web/{video}/cpu", web["cpu"], "% of one core", xvfb=web["xvfb_cpu"],
             fps_scanned=web["fps_scanned"], decodes_per_s=web["decodes_per_s"],
             other_load=web["other_load"])
        emit(f"web/{video}/pss", web["pss_mib"], "MiB")
        emit(f"web/{video}/ready", web["ready_ms"], "ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.environ.get("CURB_BUILD_ROOT", "_build"))
    parser.add_argument("--shared", default=os.environ.get("CURB_SHARED_DIR", "../shared"))
    parser.add_argument("--work", default=None)
    parser.add_argument("--warm", type=float, default=4)
    parser.add_argument("--win", type=float, default=12)
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--renderers", default="auto")
    parser.add_argument("--videos", default="idle,active")
    parser.add_argument("--no-web", action="store_true")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    kiosk = os.path.join(build, "kiosk", "curbside-kiosk")
    need(os.path.exists(kiosk), f"no {kiosk} (build with -Dapps=true)")
    need(os.path.isdir(args.shared), f"no ../shared at {args.shared}")
    check_tools()
    work = os.path.abspath(args.work or os.path.join(build, "kiosk-vs-web"))
    os.makedirs(work, exist_ok=True)
    webkiosk = prepare_webkiosk(args.shared, work)
    webm = prepare_videos(args.shared, work, webkiosk)
    out = os.path.join(work, "web-results")
    os.makedirs(out, exist_ok=True)
    note(f"warm-up {args.warm} s, window {args.win} s, kiosk launched {args.launches} times per video")
    for i, video in enumerate(args.videos.split(",")):
        conf = kiosk_config(build, work, webm, video)
        kiosks = {}
        web = None
        # alternate who goes first, so a change in the machine's load hits both
        if i % 2 == 0 and not args.no_web:
            web = measure_web(webkiosk, webm, video, args.warm, args.win, out)
        for renderer in args.renderers.split(","):
            kiosks[renderer] = measure_kiosk(kiosk, conf, renderer, args.warm, args.win, args.launches)
        if i % 2 == 1 and not args.no_web:
            web = measure_web(webkiosk, webm, video, args.warm, args.win, out)
        report(video, web, kiosks)


if __name__ == "__main__":
    main()
