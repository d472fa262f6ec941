#!/usr/bin/env python3
"""curbside-kiosk beside the web kiosk many stores run instead, in one run.

The web kiosk is ../shared/webkiosk (Chromium --kiosk, <video> -> canvas ->
jsQR on every frame, no GPU); the kiosk is the installed program as deployed
(full screen 1920x1080, the renderer it picks itself, its camera pipeline
playing the same 720p30 VP8 file: filesrc ! matroskademux ! vp8dec). Each
runs under its own Xvfb, one after the other, on the same videos:
idle.webm (nobody in front) and active.webm (a stream of codes in view,
none of them ours: each of 60 codes shows every 2 s).

The machine is shared, so the sides run alternately, --rounds times (who
goes first alternates), and every figure is given as the median and range
of the rounds. Per round and video:
  web        CPU (% of one core, whole Chromium tree), PSS, ready, and the
             frames jsQR actually scanned per second (30 when it keeps up)
  web video  the same page playing the video without scanning (idle.webm):
             what the web kiosk's <video> costs by itself
  kiosk      CPU (whole process), per thread, PSS, camera frames handled
             per second (from its debug counters), start-up: wall time and
             CPU time (process, UI thread) from exec to "Ready to scan"
  vp8        gst-launch decoding the same file in real time: the camera
             stand-in's own cost, which a camera sending raw frames spares
Figures (JSON lines; "runs" holds every round's value):
  ratio               kiosk CPU / web CPU of the same round (the raw figure)
  ratio-per-frame     CPU per frame handled: kiosk per camera frame, web per
                      frame scanned (fair when the web kiosk is starved)
  ratio-full-rate     against the web kiosk scanning all 30 frames a second:
                      measured where a round kept up (>= 27 fps), else
                      estimated per round as video + scanning x 30 / fps
  ratio-without-vp8   both sides less the same VP8 decoding cost
Targets: CPU idle <= 0.10, active <= 0.15, PSS <= 0.10, kiosk ready
<= 350 ms; "met" is given for the raw and the full-rate ratios.

Skips (exit 77) saying why without Chromium, Node.js, xvfb-run, GStreamer's
VP8 elements, the corpus generator's Python modules or ../shared.

  bench-kiosk-vs-web.py --build BUILD [--shared DIR] [--work DIR]
                        [--warm 4] [--win 12] [--launches 3] [--rounds 3]
                        [--nice N] [--videos idle,active]
                        [--renderers auto[,cairo,ngl,gl]] [--before KIOSK] [--no-web]
"""
import argparse
import json
import os
import re
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
CAMERA_FPS = 30.0
KEEPS_UP_FPS = 27.0
# below this the web kiosk's scanning is too starved to scale up to 30 frames
MIN_FPS_TO_SCALE = 10.0


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

def start_xvfb(prefix):
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(prefix + ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24",
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


def nice_prefix(nice):
    return ["nice", "-n", str(nice)] if nice else []


def kiosk_env(display, renderer, runtime):
    """As under packaging/systemd/curbside-kiosk-session.service: a private runtime dir and
    no session bus in it (else GLib would autolaunch one on the X display). Debug messages
    on, for the camera's counters."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_CHECK_", "G_SLICE", "G_DEBUG", "GSK_RENDERER", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, GDK_BACKEND="x11", LANGUAGE="en", GTK_A11Y="none",
               XDG_RUNTIME_DIR=runtime, DBUS_SESSION_BUS_ADDRESS=f"unix:path={runtime}/bus",
               G_MESSAGES_DEBUG="curbside-kiosk")
    if renderer != "auto":
        env["GSK_RENDERER"] = renderer
    return env


COUNTERS = re.compile(r"camera at (\d+) us: (\d+) frames, (\d+) decoded, (\d+) read, (\d+) shown")


class KioskRun:
    """One curbside-kiosk process: its log, when it said it was ready, and its CPU then."""

    def __init__(self, kiosk, conf, env, prefix):
        self.lines = []
        self.counters = []
        self.ready = threading.Event()
        self.start = time.monotonic()
        self.process = subprocess.Popen(prefix + [kiosk, "--config", conf, "--size", "1920x1080"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            match = COUNTERS.search(line)
            if match:
                self.counters.append(tuple(int(v) for v in match.groups()))
            elif not self.ready.is_set():
                self.lines.append(line.rstrip())
            if "Ready to scan" in line and not self.ready.is_set():
                self.ready_ms = (time.monotonic() - self.start) * 1000.0
                pid = self.process.pid
                self.ready_cpu_ms = proc_ticks(pid) * 1000.0 / HZ
                self.ready_main_ms = proc_ticks(pid, pid) * 1000.0 / HZ
                self.ready.set()

    def wait_ready(self):
        if not self.ready.wait(60):
            stop(self.process)
            raise RuntimeError("the kiosk never said it was ready to scan:\n" + "\n".join(self.lines[-20:]))

    def rates(self, since):
        """Camera frames, decodes and preview frames per second between the counters
        printed after `since` (monotonic s) and the last ones."""
        window = [c for c in self.counters if c[0] / 1e6 >= since]
        if len(window) < 2:
            return None
        (t0, f0, d0, _, s0), (t1, f1, d1, _, s1) = window[0], window[-1]
        secs = (t1 - t0) / 1e6
        return {"fps": (f1 - f0) / secs, "decodes_per_s": (d1 - d0) / secs, "shown_per_s": (s1 - s0) / secs}


def window_figures(pid, xvfb_pid, win):
    """CPU (whole process, per thread, its Xvfb apart) and mean PSS over `win` seconds."""
    threads0, main0, x0 = thread_ticks(pid), proc_ticks(pid, pid), proc_ticks(xvfb_pid)
    total0, sys0, t0 = proc_ticks(pid), machine_busy(), time.monotonic()
    pss = []
    while time.monotonic() - t0 < win:
        time.sleep(min(2.0, win - (time.monotonic() - t0)))
        pss.append(pss_kib(pid))
    secs = time.monotonic() - t0
    total1, main1, x1 = proc_ticks(pid), proc_ticks(pid, pid), proc_ticks(xvfb_pid)
    threads1, sys1 = thread_ticks(pid), machine_busy()
    per_thread = {}
    for tid, (name, ticks) in threads1.items():
        per_thread[name] = per_thread.get(name, 0) + ticks - threads0.get(tid, (name, 0))[1]
    pct = lambda ticks: 100.0 * ticks / HZ / secs
    busy = ((sys1[0] - sys1[1]) - (sys0[0] - sys0[1])) / max(1, sys1[0] - sys0[0])
    return {
        "cpu": pct(total1 - total0),
        "main_thread_cpu": pct(main1 - main0),
        "threads_cpu": {k: round(pct(v), 1) for k, v in sorted(per_thread.items()) if v},
        "xvfb_cpu": pct(x1 - x0),
        "pss_mib": statistics.mean(pss) / 1024.0,
        "other_load": 200.0 * busy - pct(total1 - total0) - pct(x1 - x0),
        "loadavg": os.getloadavg()[0],
    }


def measure_kiosk(kiosk, conf, renderer, args):
    prefix = nice_prefix(args.nice)
    xvfb, display = start_xvfb(prefix)
    runtime = tempfile.mkdtemp(prefix="kiosk-runtime-")
    env = kiosk_env(display, renderer, runtime)
    starts = []
    try:
        for i in range(args.launches):
            run = KioskRun(kiosk, conf, env, prefix)
            run.wait_ready()
            starts.append(run)
            if i < args.launches - 1:
                stop(run.process)
                time.sleep(0.3)
        time.sleep(args.warm)
        since = time.monotonic()
        figures = window_figures(run.process.pid, xvfb.pid, args.win)
        if run.process.poll() is not None:
            raise RuntimeError("the kiosk exited during the window")
        stop(run.process)
    finally:
        stop(xvfb)
        shutil.rmtree(runtime, ignore_errors=True)
    renderers = [line.split("renderer: ", 1)[1] for line in run.lines if "renderer: " in line]
    figures.update(run.rates(since) or {"fps": CAMERA_FPS, "decodes_per_s": None, "shown_per_s": None})
    figures.update(ready_ms=[r.ready_ms for r in starts], ready_cpu_ms=[r.ready_cpu_ms for r in starts],
                   ready_main_ms=[r.ready_main_ms for r in starts],
                   renderer=renderers[0] if renderers else renderer)
    return figures


def run_js(webkiosk, webm, video, loop, rep, args, out):
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_CHECK_", "G_SLICE", "G_DEBUG")}
    env["WEBM_DIR"] = webm
    result = subprocess.run(nice_prefix(args.nice) + ["node", "run.js", "--video", video, "--loop", loop,
                                                      "--rep", str(rep), "--warm", str(args.warm),
                                                      "--win", str(args.win), "--out", out],
                            cwd=webkiosk, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, timeout=300)
    with open(os.path.join(out, f"{video}_dontInvert_{loop}_{rep}.json")) as f:
        data = json.load(f)
    if result.returncode != 0 or "error" in data:
        raise RuntimeError(f"web kiosk run failed: {data.get('error', result.stderr[-300:])}")
    return data


def measure_web(webkiosk, webm, video, rep, args, out, loop="rvfc"):
    data = run_js(webkiosk, webm, video, loop, rep, args, out)
    window, page = data["window"], data["page"]
    return {
        "cpu": window["cpu_pct_of_one_core"],
        "cpu_by_type": window["cpu_by_type_pct"],
        "xvfb_cpu": window["xvfb_cpu_pct"] or 0.0,
        "pss_mib": window["pss_MiB_mean"],
        "ready_ms": data["cold"]["ready_from_exec_ms"],
        "fps": page["fps_processed"] if loop != "none" else 0.0,
        "fps_presented": page["video_fps_presented"],
        "decodes_per_s": page["decodes_per_s"],
        "jsqr_ms_median": page["jsqr_ms"]["median"],
        "other_load": window["other_load_pct_of_one_core"],
        "loadavg": window["loadavg"][0],
    }


def measure_vp8(webm, video, args):
    """The camera stand-in alone: the same file decoded in real time."""
    process = subprocess.Popen(nice_prefix(args.nice) + [
        "gst-launch-1.0", "-q", "filesrc", f"location={webm}/{video}.webm", "!", "matroskademux", "!",
        "vp8dec", "!", "fakesink", "sync=true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        t0, c0 = time.monotonic(), proc_ticks(process.pid)
        time.sleep(min(args.win, 15.0))
        cpu = 100.0 * (proc_ticks(process.pid) - c0) / HZ / (time.monotonic() - t0)
    finally:
        stop(process)
    return {"cpu": cpu}


# --- the run ----------------------------------------------------------------

def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.median(values), [round(min(values), 3), round(max(values), 3)]


def emit_spread(name, values, unit, **extra):
    median, span = spread(values)
    if median is not None:
        emit(name, float(median), unit, range=span, runs=[round(v, 3) for v in values if v is not None],
             **extra)
    return median


def full_rate_web_cpu(web, video_only):
    """The web kiosk's CPU scanning all 30 frames a second: as measured when it kept up,
    else its video playback plus its scanning scaled to 30 frames."""
    if web["fps"] >= KEEPS_UP_FPS:
        return web["cpu"], "measured"
    if video_only is None or web["fps"] < MIN_FPS_TO_SCALE:
        return None, f"unknown (scanned {web['fps']} fps)"
    scanning = max(0.0, web["cpu"] - video_only["cpu"])
    return video_only["cpu"] + scanning * CAMERA_FPS / web["fps"], "estimate"


def report_side(tag, runs, video):
    emit_spread(f"{tag}/{video}/cpu", [r["cpu"] for r in runs], "% of one core",
                main_thread=[round(r.get("main_thread_cpu", 0.0), 1) for r in runs],
                threads=[r.get("threads_cpu") or r.get("cpu_by_type") for r in runs],
                xvfb=[round(r["xvfb_cpu"], 1) for r in runs],
                other_load=[round(r["other_load"], 1) for r in runs if r["other_load"] is not None],
                loadavg=[round(r["loadavg"], 1) for r in runs])
    if tag == "web-video-only":
        emit_spread(f"{tag}/{video}/fps", [r["fps_presented"] for r in runs], "frames/s",
                    meaning="video frames presented")
        emit_spread(f"{tag}/{video}/pss", [r["pss_mib"] for r in runs], "MiB")
        return
    emit_spread(f"{tag}/{video}/fps", [r["fps"] for r in runs], "frames/s",
                meaning="camera frames handled" if tag.startswith("kiosk") else "frames jsQR scanned")
    emit_spread(f"{tag}/{video}/cpu-per-frame", [10.0 * r["cpu"] / r["fps"] for r in runs if r["fps"]],
                "ms of CPU per frame")
    emit_spread(f"{tag}/{video}/pss", [r["pss_mib"] for r in runs], "MiB")


def report_kiosk_start(tag, runs, video):
    walls = [v for r in runs for v in r["ready_ms"]]
    ready = emit_spread(f"{tag}/{video}/ready", walls, "ms", target=TARGETS["ready_ms"],
                        met=statistics.median(walls) <= TARGETS["ready_ms"])
    emit_spread(f"{tag}/{video}/ready-cpu", [v for r in runs for v in r["ready_cpu_ms"]], "ms",
                meaning="CPU time of the whole process from exec to ready")
    emit_spread(f"{tag}/{video}/ready-ui-cpu", [v for r in runs for v in r["ready_main_ms"]], "ms",
                meaning="CPU time of the UI thread from exec to ready")
    return ready


def report_ratios(tag, kiosks, webs, video_only, vp8, video):
    target = TARGETS[f"{video}_cpu"]
    raw = [k["cpu"] / w["cpu"] for k, w in zip(kiosks, webs)]
    median = emit_spread(f"{tag}-vs-web/{video}/ratio", raw, "ratio", target=target)
    emit(f"{tag}-vs-web/{video}/ratio-met", median <= target, "bool", target=target)
    emit_spread(f"{tag}-vs-web/{video}/ratio-per-frame",
                [(k["cpu"] / k["fps"]) / (w["cpu"] / w["fps"]) for k, w in zip(kiosks, webs) if w["fps"]],
                "ratio", meaning="CPU per camera frame handled / CPU per frame jsQR scanned")
    full = [full_rate_web_cpu(w, v) for w, v in zip(webs, video_only)]
    bases = sorted({basis for _, basis in full})
    ratios = [k["cpu"] / f for k, (f, _) in zip(kiosks, full) if f]
    median = emit_spread(f"{tag}-vs-web/{video}/ratio-full-rate", ratios, "ratio", target=target,
                         basis=bases, web_cpu=[round(f, 1) for f, _ in full if f])
    if median is not None:
        emit(f"{tag}-vs-web/{video}/ratio-full-rate-met", median <= target, "bool", target=target)
    emit_spread(f"{tag}-vs-web/{video}/ratio-without-vp8",
                [(k["cpu"] - v["cpu"]) / (w["cpu"] - v["cpu"]) for k, w, v in zip(kiosks, webs, vp8)],
                "ratio", vp8_cpu=[round(v["cpu"], 1) for v in vp8])
    emit_spread(f"{tag}-vs-web/{video}/pss", [k["pss_mib"] / w["pss_mib"] for k, w in zip(kiosks, webs)],
                "ratio", target=TARGETS["pss"])


def variants(kiosk, args):
    """The kiosks to measure: this build with each renderer, and --before (another
    build, e.g. the previous release) with the renderer it picks."""
    found = {f"kiosk-{r}": (kiosk, r) for r in args.renderers.split(",")}
    if args.before:
        found["kiosk-before"] = (os.path.abspath(args.before), "auto")
    return found


def run_round(i, video, v_index, conf, paths, args):
    """One round on one video; who goes first alternates with the round and the video."""
    webkiosk, webm, out, kiosk = paths
    result = {}
    web_first = (i + v_index) % 2 == 0
    if web_first and not args.no_web:
        result["web"] = measure_web(webkiosk, webm, video, i + 1, args, out)
    result["kiosks"] = {name: measure_kiosk(binary, conf, renderer, args)
                        for name, (binary, renderer) in variants(kiosk, args).items()}
    if not web_first and not args.no_web:
        result["web"] = measure_web(webkiosk, webm, video, i + 1, args, out)
    if not args.no_web:
        result["vp8"] = measure_vp8(webm, video, args)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.environ.get("CURB_BUILD_ROOT", "_build"))
    parser.add_argument("--shared", default=os.environ.get("CURB_SHARED_DIR", "../shared"))
    parser.add_argument("--work", default=None)
    parser.add_argument("--warm", type=float, default=4)
    parser.add_argument("--win", type=float, default=12)
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--renderers", default="auto")
    parser.add_argument("--videos", default="idle,active")
    parser.add_argument("--no-web", action="store_true")
    parser.add_argument("--before", default=None, help="another curbside-kiosk to measure alongside")
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
    note(f"{args.rounds} rounds, warm-up {args.warm} s, window {args.win} s, kiosk launched "
         f"{args.launches} times per round and video, nice {args.nice}")
    videos = args.videos.split(",")
    paths = (webkiosk, webm, out, kiosk)
    rounds = {video: [] for video in videos}
    video_only = []
    for i in range(args.rounds):
        for v_index, video in enumerate(videos):
            conf = kiosk_config(build, work, webm, video)
            rounds[video].append(run_round(i, video, v_index, conf, paths, args))
        if not args.no_web:
            video_only.append(measure_web(webkiosk, webm, "idle", i + 1, args, out, loop="none"))
    report(rounds, video_only, args)


def report(rounds, video_only, args):
    if video_only:
        report_side("web-video-only", video_only, "idle")
    for video, results in rounds.items():
        for tag in variants("", args):
            kiosks = [r["kiosks"][tag] for r in results]
            report_side(tag, kiosks, video)
            emit(f"{tag}/{video}/renderer", kiosks[0]["renderer"], "text")
            report_kiosk_start(tag, kiosks, video)
            if not args.no_web:
                webs = [r["web"] for r in results]
                report_ratios(tag, kiosks, webs, video_only, [r["vp8"] for r in results], video)
        if not args.no_web:
            webs = [r["web"] for r in results]
            report_side("web", webs, video)
            emit_spread(f"web/{video}/ready", [w["ready_ms"] for w in webs], "ms")
            emit_spread(f"web/{video}/jsqr-ms", [w["jsqr_ms_median"] for w in webs], "ms")
            emit_spread(f"vp8/{video}/cpu", [r["vp8"]["cpu"] for r in results], "% of one core")


if __name__ == "__main__":
    main()
