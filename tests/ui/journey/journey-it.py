#!/usr/bin/python3
"""Store IT journey: curbside-ctl status and the staging station's Devices
screen tell the truth about every device after a session; the demo stops
everything it started, however it is stopped, and its hub can be
restarted on the same port."""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from curbjourney import (BUILD_ROOT, SOURCE_ROOT, Journey, JourneyFailure, main,  # noqa: E402
                         wait_for)

journey = Journey("it")


def device_line(status, name):
    for line in status.splitlines():
        if line.strip().startswith(name):
            return line
    raise JourneyFailure(f"curbside-ctl status does not list {name}:\n{status}")


@journey.test
def device_health_is_true(j, store):
    """After a session every app reports; tool credentials are not stale devices; plain words"""
    staging = store.start_staging()
    kiosk = store.start_kiosk(place=(0, 0))
    for key in "101":
        staging.click(key)
    staging.click("Next")
    for key in "1234":
        staging.click(key)
    staging.click("Sign in")
    staging.wait_text("Signed in: Alex")
    kiosk.wait_text("Hold your pickup code up to the camera")
    status = wait_for(lambda: (lambda s: "HAS NOT REPORTED" not in s and "SILENT" not in s and s)(store.ctl_status()),
                      "every device to report to the hub")
    print("# " + status.replace("\n", "\n# "))
    for name in ("kiosk-door-1",):
        if "online, reporting" not in device_line(status, name):
            raise JourneyFailure(f"{name} is not reported online:\n{status}")
    staging_lines = [line for line in status.splitlines() if " staging " in line and "tool" not in line]
    if not staging_lines or not all("online, reporting" in line for line in staging_lines):
        raise JourneyFailure(f"the staging station is not reported online:\n{status}")
    for tool in ("demo-it", "back-room"):
        if "tool credential" not in device_line(status, tool):
            raise JourneyFailure(f"{tool} is shown as a device:\n{status}")
    for wrong in ("NEVER CONNECTED", "a while"):
        if wrong in status:
            raise JourneyFailure(f"curbside-ctl status says {wrong!r}:\n{status}")
    staging.click("Devices")
    staging.wait_text("Devices and connection")
    wait_for(lambda: staging.sees("kiosk-door-1"), "the kiosk on the Devices screen")
    j.shot("the station's Devices screen after a session", staging)
    for wrong in ("Not heard from", "a while", "Has not reported", "Silent since", "demo-it", "back-room"):
        if staging.sees(wrong):
            raise JourneyFailure(f"the Devices screen shows {wrong!r}:\n{staging.screen_text()}")


def children_of(pid):
    """Every process below @pid (by /proc), itself excluded."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@journey.test
def demo_stops_everything(j, store):
    """scripts/run-demo: its hub restarts on the same port; SIGTERM stops everything it started"""
    folder = tempfile.mkdtemp(prefix="curb-demo-", dir=j.workdir)
    log = open(os.path.join(folder, "run-demo.log"), "w")
    env = dict(os.environ, CURB_DEMO_DIR=os.path.join(folder, "demo"), CURB_BUILD_DIR=BUILD_ROOT)
    env.pop("DISPLAY", None)
    demo = subprocess.Popen([os.path.join(SOURCE_ROOT, "scripts", "run-demo"), "--headless", "--seconds", "900"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    j.desk.processes.append(demo)   # stopped at the end whatever happens
    wait_for(lambda: "Press Ctrl-C" in open(log.name).read() or "Screenshots:" in open(log.name).read()
             or demo.poll() is not None, "the demo to start", timeout=180)
    if demo.poll() is not None:
        raise JourneyFailure(f"run-demo exited with {demo.returncode}:\n{open(log.name).read()[-2000:]}")
    started = children_of(demo.pid)
    names = {pid: open(f"/proc/{pid}/comm").read().strip() for pid in started if alive(pid)}
    for wanted in ("curbside-hub", "curbside-centr", "curbside-stagin", "curbside-kiosk", "Xvfb"):
        if not any(name.startswith(wanted) for name in names.values()):
            raise JourneyFailure(f"the demo did not start {wanted}: {sorted(names.values())}")
    demo_dir = env["CURB_DEMO_DIR"]
    conf = open(os.path.join(demo_dir, "hub", "hub.conf")).read()
    if "[listen]" not in conf:
        raise JourneyFailure(f"the demo's hub.conf keeps no port:\n{conf}")
    restarted = subprocess.run([os.path.join(demo_dir, "hub", "restart")], capture_output=True, text=True,
                               timeout=60)
    if restarted.returncode != 0:
        raise JourneyFailure(f"hub/restart failed: {restarted.stdout}{restarted.stderr}")
    hub_url = open(log.name).read().split("hub      ", 1)[1].split()[0]
    ctl = [os.path.join(BUILD_ROOT, "ctl", "curbside-ctl"), "status", "--hub", hub_url, "--fingerprint",
           open(os.path.join(demo_dir, "hub", "fingerprint")).read().strip(),
           "--credential-file", os.path.join(demo_dir, "hub", "admin.credential")]
    wait_for(lambda: "Store store-001" in subprocess.run(ctl, capture_output=True, text=True).stdout,
             "the restarted hub to answer on the same URL", timeout=60)
    started |= children_of(demo.pid)
    os.kill(demo.pid, signal.SIGTERM)
    try:
        demo.wait(timeout=60)
    except subprocess.TimeoutExpired:
        raise JourneyFailure("run-demo did not stop within 60 s of SIGTERM") from None
    time.sleep(1)
    left = {pid: open(f"/proc/{pid}/comm").read().strip() for pid in started if alive(pid)}
    for pid in left:     # leave nothing behind, then say what was left
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if left:
        raise JourneyFailure(f"SIGTERM to run-demo left running: {sorted(left.values())}")


if __name__ == "__main__":
    main(journey)
