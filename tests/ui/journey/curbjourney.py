"""The journey driver: Curbside's real programs under one Xvfb, driven with
real X input events (XTest), widgets found through the accessibility tree.

A journey starts the store the way scripts/run-demo does (central, hub, two
virtual printers, the staging station, the kiosk), then acts as a person:
the pointer moves to a widget's on-screen position and clicks, keys are
pressed, a keyboard-wedge scanner types a label in a burst and presses
Enter, a phone with a pickup code is held up to the kiosk's camera (the
camera pipeline reads a picture that the driver swaps). What the person
sees is read back from the accessibility tree (AT-SPI) and the hub's API,
and every step saves a screenshot.

Widget positions: GTK 4.8 reports AT-SPI component extents relative to the
window (screen coordinates are not supported), so the driver adds the X
window's position on the root window (X11, no window manager: the driver
places the windows itself).
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback

SOURCE_ROOT = os.environ.get("CURB_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD_ROOT = os.environ.get("CURB_BUILD_ROOT") or os.path.join(SOURCE_ROOT, "_build")

# --- waiting ----------------------------------------------------------------

# Generous: the CI machine is shared and slow; a journey never depends on
# being fast, only on things happening.
TIMEOUT = float(os.environ.get("CURB_JOURNEY_TIMEOUT", "30"))


class JourneyFailure(AssertionError):
    pass


class JourneyRetry(Exception):
    """Something to look at again (wait_for retries it)."""


def wait_for(predicate, what, timeout=TIMEOUT, interval=0.2):
    """Polls @predicate until it returns something true; returns that."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except JourneyFailure:
            raise
        except Exception as error:  # the tree changes under our feet
            last_error = error
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise JourneyFailure(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


# --- the desk: Xvfb, a session bus, the accessibility bus ------------------

class Desktop:
    """One Xvfb screen, a D-Bus session bus (with the AT-SPI bus behind it)
    and an XTest connection for input."""

    def __init__(self, workdir, width=3200, height=1700):
        self.workdir = workdir
        self.width, self.height = width, height
        self.processes = []
        self.env = None
        self.display = None

    def start(self):
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{self.width}x{self.height}x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=[write_fd], stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.workdir, "xvfb.log"), "w"), start_new_session=True)
        os.close(write_fd)
        self.processes.append(xvfb)
        number = _read_line(read_fd)
        if not number:
            raise RuntimeError("Xvfb did not start (see xvfb.log)")
        self.display = f":{number}"
        env = dict(os.environ)
        for name in ("G_DEBUG", "GTK_A11Y", "NO_AT_BRIDGE", "WAYLAND_DISPLAY", "MALLOC_CHECK_"):
            env.pop(name, None)
        runtime = os.path.join(self.workdir, "runtime")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        env.update(DISPLAY=self.display, GDK_BACKEND="x11", GSK_RENDERER="cairo",
                   XDG_RUNTIME_DIR=runtime, GSETTINGS_BACKEND="memory",
                   XDG_STATE_HOME=os.path.join(self.workdir, "state"),
                   XDG_CONFIG_HOME=os.path.join(self.workdir, "config"),
                   XDG_CACHE_HOME=os.path.join(self.workdir, "cache"),
                   CURB_LOCALEDIR=os.path.join(BUILD_ROOT, "po"))
        read_fd, write_fd = os.pipe()
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--print-address={write_fd}"],
            pass_fds=[write_fd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(write_fd)
        self.processes.append(bus)
        env["DBUS_SESSION_BUS_ADDRESS"] = _read_line(read_fd)
        self.env = env
        # pyatspi and Xlib read these when they connect
        os.environ.update(DISPLAY=self.display, DBUS_SESSION_BUS_ADDRESS=env["DBUS_SESSION_BUS_ADDRESS"])
        from Xlib import display as xdisplay
        self.x = xdisplay.Display(self.display)
        if not self.x.query_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        self._spare_keycodes = None

    def stop(self):
        for process in reversed(self.processes):
            stop_process(process)
        self.processes.clear()

    # -- pointer ------------------------------------------------------------

    def click(self, x, y, button=1):
        from Xlib import X
        from Xlib.ext import xtest
        xtest.fake_input(self.x, X.MotionNotify, x=int(x), y=int(y))
        self.x.sync()
        time.sleep(0.05)
        xtest.fake_input(self.x, X.ButtonPress, button)
        self.x.sync()
        time.sleep(0.06)
        xtest.fake_input(self.x, X.ButtonRelease, button)
        self.x.sync()

    def scroll(self, x, y, clicks):
        """Turns the mouse wheel over (x, y): @clicks down, or up if negative."""
        from Xlib import X
        from Xlib.ext import xtest
        xtest.fake_input(self.x, X.MotionNotify, x=int(x), y=int(y))
        self.x.sync()
        time.sleep(0.05)
        button = 5 if clicks > 0 else 4
        for _ in range(abs(clicks)):
            xtest.fake_input(self.x, X.ButtonPress, button)
            xtest.fake_input(self.x, X.ButtonRelease, button)
            self.x.sync()
            time.sleep(0.03)

    # -- keyboard -------------------------------------------------------------

    def _keycode_for(self, keysym):
        """(keycode, needs_shift) for @keysym; maps a spare keycode when the
        keymap has none (letters with accents)."""
        keycode = self.x.keysym_to_keycode(keysym)
        if keycode:
            if self.x.keycode_to_keysym(keycode, 0) == keysym:
                return keycode, False
            if self.x.keycode_to_keysym(keycode, 1) == keysym:
                return keycode, True
        if self._spare_keycodes is None:
            first = self.x.display.info.min_keycode
            count = self.x.display.info.max_keycode - first + 1
            mapping = self.x.get_keyboard_mapping(first, count)
            self._spare_keycodes = [first + i for i, syms in enumerate(mapping) if not any(syms)]
        keycode = self._spare_keycodes[-1]
        self.x.change_keyboard_mapping(keycode, [(keysym, keysym)])
        self.x.sync()
        time.sleep(0.1)
        return keycode, False

    def key(self, keysym_name, delay=0.03):
        from Xlib import XK
        keysym = XK.string_to_keysym(keysym_name)
        if not keysym:
            raise ValueError(f"no keysym {keysym_name}")
        self._press_keysym(keysym, delay)

    def _press_keysym(self, keysym, delay):
        from Xlib import X, XK
        from Xlib.ext import xtest
        keycode, shift = self._keycode_for(keysym)
        shift_code = self.x.keysym_to_keycode(XK.XK_Shift_L)
        if shift:
            xtest.fake_input(self.x, X.KeyPress, shift_code)
        xtest.fake_input(self.x, X.KeyPress, keycode)
        self.x.sync()
        time.sleep(delay)
        xtest.fake_input(self.x, X.KeyRelease, keycode)
        if shift:
            xtest.fake_input(self.x, X.KeyRelease, shift_code)
        self.x.sync()
        time.sleep(delay)

    def type_text(self, text, delay=0.03):
        """Types @text key by key, as a person at a keyboard."""
        for char in text:
            if char == "\n":
                self.key("Return", delay)
                continue
            code = ord(char)
            keysym = code if code < 0x100 else 0x01000000 | code
            self._press_keysym(keysym, delay)

    def wedge_scan(self, text):
        """A keyboard-wedge scanner: the label's characters in a burst of
        key events a few milliseconds apart, then Enter."""
        self.type_text(text, delay=0.004)
        self.key("Return", 0.004)

    # -- windows ---------------------------------------------------------------

    def window_of_pid(self, pid):
        atom = self.x.intern_atom("_NET_WM_PID")
        root = self.x.screen().root
        for window in root.query_tree().children:
            try:
                prop = window.get_full_property(atom, 0)
                attrs = window.get_attributes()
            except Exception:
                continue
            if prop and prop.value and prop.value[0] == pid and attrs.map_state != 0:
                return window
        return None

    def focus(self, window):
        """Click to focus, as a window manager does (there is none here):
        the keyboard then types into the window a person touched last."""
        from Xlib import X
        window.set_input_focus(X.RevertToParent, X.CurrentTime)
        self.x.sync()

    def place(self, window, x, y):
        window.configure(x=x, y=y)
        self.x.sync()

    def origin(self, window):
        """Where the window's contents start on the screen: its position on
        the root window plus the invisible frame GTK draws around it
        (_GTK_FRAME_EXTENTS: left, right, top, bottom)."""
        coords = window.translate_coords(self.x.screen().root, 0, 0)
        left = top = 0
        extents = window.get_full_property(self.x.intern_atom("_GTK_FRAME_EXTENTS"), 0)
        if extents and len(extents.value) == 4:
            left, top = extents.value[0], extents.value[2]
        return -coords.x + left, -coords.y + top

    def corner(self, window):
        coords = window.translate_coords(self.x.screen().root, 0, 0)
        return -coords.x, -coords.y

    def screenshot(self, path, rect=None):
        from PIL import Image
        x, y, w, h = rect or (0, 0, self.width, self.height)
        root = self.x.screen().root
        raw = root.get_image(x, y, w, h, 2, 0xFFFFFFFF)  # ZPixmap
        image = Image.frombytes("RGB", (w, h), raw.data, "raw", "BGRX")
        image.save(path)
        return path


def _read_line(fd):
    """Reads up to a newline (a server may write it in pieces), then closes."""
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 256)
        if not chunk:
            break
        line += chunk
    os.close(fd)
    return line.decode().strip()


def stop_process(process, timeout=10):
    """Stops a process the driver started (and what it started in its own
    process group), politely first."""
    if process.poll() is not None:
        return process.returncode
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return process.wait(timeout)


# --- one app on the desk -----------------------------------------------------

def _pyatspi():
    import pyatspi
    return pyatspi


def _off_screen(accessible):
    """True when a person cannot see @accessible. GTK 4.8 marks only windows
    SHOWING, and a widget on a stack page that is not shown keeps its last
    bounds, so the test is a hit test: does the widget contain the middle of
    its own bounds (AT-SPI Component.Contains, GTK's gtk_widget_contains)?"""
    pyatspi = _pyatspi()
    try:
        component = accessible.queryComponent()
    except NotImplementedError:
        return False  # a stack page: not drawn itself, its child is
    box = component.getExtents(pyatspi.WINDOW_COORDS)
    if box.width <= 0 or box.height <= 0:
        return True
    return not component.contains(box.x + box.width // 2, box.y + box.height // 2, pyatspi.WINDOW_COORDS)


TEXT_ROLES = ("label", "alert", "heading", "static", "status bar")


class Widget:
    """An accessible object, with what a test needs of it."""

    def __init__(self, app, accessible):
        self.app = app
        self.acc = accessible

    @property
    def role(self):
        return self.acc.getRoleName()

    @property
    def name(self):
        """What a person reads: a label's text (GTK 4.8 does not always
        update the accessible name of a label whose role is not "label"),
        else the accessible name."""
        if self.role in TEXT_ROLES:
            try:
                text = self.acc.queryText()
                return text.getText(0, text.characterCount)
            except NotImplementedError:
                pass
        return self.acc.name or ""

    def extents(self):
        pyatspi = _pyatspi()
        box = self.acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return box.x, box.y, box.width, box.height

    def center(self):
        x, y, w, h = self.extents()
        ox, oy = self.app.origin()
        return ox + x + w // 2, oy + y + h // 2

    def click(self):
        x, y = self.center()
        self.app.desk.focus(self.app.xwindow())
        self.app.desk.click(x, y)

    def click_at(self, fx, fy=0.5):
        """Clicks at a fraction of the widget's width and height (a part
        the toolkit does not expose, such as a spin button's +)."""
        x, y, w, h = self.extents()
        ox, oy = self.app.origin()
        self.app.desk.focus(self.app.xwindow())
        self.app.desk.click(ox + x + int(w * fx), oy + y + int(h * fy))

    def scroll(self, clicks, fy=0.5):
        """Turns the mouse wheel over the widget (a list, a column)."""
        x, y, w, h = self.extents()
        ox, oy = self.app.origin()
        self.app.desk.scroll(ox + x + w // 2, oy + y + int(h * fy), clicks)

    def states(self):
        return self.acc.getState()

    def is_sensitive(self):
        return self.states().contains(_pyatspi().STATE_SENSITIVE)

    def is_checked(self):
        pyatspi = _pyatspi()
        states = self.states()
        return states.contains(pyatspi.STATE_CHECKED) or states.contains(pyatspi.STATE_PRESSED)

    def is_focused(self):
        return self.states().contains(_pyatspi().STATE_FOCUSED)

    def font_size(self):
        """The size of a label's text, as GTK tells a screen reader."""
        attributes = self.acc.queryText().getDefaultAttributes()
        match = re.search(r"(?:^|;)size:([0-9.]+)", attributes)
        return float(match.group(1)) if match else None

    def text(self):
        """The text in an entry, or a label's text."""
        try:
            text = self.acc.queryText()
            return text.getText(0, text.characterCount)
        except NotImplementedError:
            return self.name

    def __repr__(self):
        return f"<{self.role} {self.name!r}>"


class App:
    """A running GTK program, found on the accessibility bus by its pid."""

    def __init__(self, desk, process, label):
        self.desk = desk
        self.process = process
        self.label = label
        self._root = None
        self._xwindow = None

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process.poll() is None

    def root(self):
        if self._root is not None:
            return self._root
        pyatspi = _pyatspi()

        def find():
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                if app is not None and app.get_process_id() == self.pid:
                    return app
            return None
        self._root = wait_for(lambda: self._check_alive() and find(), f"{self.label} on the accessibility bus",
                              timeout=TIMEOUT * 2)
        return self._root

    def _check_alive(self):
        if not self.alive():
            raise JourneyFailure(f"{self.label} exited with status {self.process.returncode}")
        return True

    def xwindow(self):
        if self._xwindow is None:
            self._xwindow = wait_for(lambda: self._check_alive() and self.desk.window_of_pid(self.pid),
                                     f"{self.label}'s window", timeout=TIMEOUT * 2)
        return self._xwindow

    def origin(self):
        return self.desk.origin(self.xwindow())

    def geometry(self):
        geometry = self.xwindow().get_geometry()
        x, y = self.desk.corner(self.xwindow())
        return x, y, geometry.width, geometry.height

    def place(self, x, y):
        self.desk.place(self.xwindow(), x, y)
        wait_for(lambda: self.desk.corner(self.xwindow()) == (x, y), f"{self.label} placed at {x},{y}")

    # -- the tree -----------------------------------------------------------

    def _walk(self, accessible, out, showing_only):
        """Collects what is on screen. GTK 4.8 marks only windows SHOWING;
        a widget on a hidden stack page is VISIBLE but has no size."""
        pyatspi = _pyatspi()
        try:
            states = accessible.getState()
            if showing_only and not states.contains(pyatspi.STATE_VISIBLE):
                return
            if showing_only and _off_screen(accessible):
                return
            out.append(accessible)
            count = accessible.childCount
        except Exception:
            return
        for i in range(count):
            try:
                child = accessible.getChildAtIndex(i)
            except Exception:
                continue
            if child is not None:
                self._walk(child, out, showing_only)

    def widgets(self, showing_only=True):
        self._check_alive()
        out = []
        root = self.root()
        try:
            count = root.childCount
        except Exception as error:
            # GTK re-registered the application on the accessibility bus
            # (AT-SPI says "The application no longer exists"): find it again
            self._root = None
            raise JourneyRetry(f"{self.label} re-registered on the accessibility bus: {error}") from None
        for i in range(count):
            window = root.getChildAtIndex(i)
            if window is not None:
                self._walk(window, out, showing_only)
        return [Widget(self, acc) for acc in out]

    def find_all(self, name=None, role=None, contains=None, pattern=None):
        found = []
        for widget in self.widgets():
            try:
                if self._matches(widget, name, role, contains, pattern):
                    found.append(widget)
            except Exception:
                continue    # gone while we looked (a list recycles its rows)
        return found

    @staticmethod
    def _matches(widget, name, role, contains, pattern):
        widget_role = widget.role
        if role is not None and widget_role != role:
            return False
        widget_name = widget.name
        if name is not None and widget_name != name:
            return False
        if contains is not None and contains.lower() not in widget_name.lower():
            return False
        if pattern is not None and not re.search(pattern, widget_name):
            return False
        if widget_role in ("frame", "application") and name is None and contains is None:
            return False
        x, y, w, h = widget.extents()
        return w > 0 and h > 0

    def find(self, name=None, role=None, contains=None, pattern=None, timeout=TIMEOUT):
        what = f"{self.label}: {role or 'widget'} " + \
               (repr(name) if name is not None else f"containing {contains!r}" if contains else f"/{pattern}/")
        return wait_for(lambda: (self.find_all(name, role, contains, pattern) or [None])[0], what, timeout)

    def scroll_to(self, name, role="label", over=(), above=None, steps=12):
        """Finds @name, turning the mouse wheel over each list below the
        headings named in @over as a person looks through them: first to
        the top, then down a few notches at a time. A list keeps a few rows
        beyond its edges: a row counts when its middle is below the heading
        and above the widget named @above (what ends the lists)."""
        bottom = self.find(name=above).extents()[1] if above else 1 << 30
        seen = []
        for heading_text in over:
            heading = self.find(role="label", contains=heading_text)
            x, y, w, h = heading.extents()
            ox, oy = self.origin()
            px, py = ox + x + w // 2, oy + y + h + 100
            self.desk.scroll(px, py, -30)
            for _ in range(steps):
                time.sleep(0.3)
                for found in self.find_all(name=name, role=role):
                    try:
                        fy = found.extents()[1] + found.extents()[3] // 2
                    except Exception:
                        continue    # a recycled row
                    if y + h < fy < bottom:
                        return found
                    seen.append(fy)
                self.desk.scroll(px, py, 3)
        raise JourneyFailure(f"{self.label}: no {role} {name!r} in the lists under {', '.join(over)}"
                             f" between {y + h} and {bottom} (seen at {seen})")

    def button(self, name=None, contains=None, timeout=TIMEOUT):
        """A button by its name, or by the text it shows (a banner)."""
        def match():
            for role in ("push button", "toggle button", "label", "alert"):
                found = self.find_all(name=name, role=role, contains=contains)
                if found:
                    return found[0]
            return None
        return wait_for(match, f"{self.label}: button {name or contains!r}", timeout)

    def click(self, name=None, contains=None, timeout=TIMEOUT):
        widget = self.button(name=name, contains=contains, timeout=timeout)
        widget.click()
        return widget

    def texts(self):
        """Every piece of text on screen, in tree order (a button's name
        once, not again for the label inside it)."""
        out = []
        for widget in self.widgets():
            if widget.role in TEXT_ROLES + ("push button", "toggle button", "text", "password text"):
                name = widget.name
                if name and (not out or out[-1] != name):
                    out.append(name)
        return out

    def font_sizes(self):
        """{text: size} of every label on screen."""
        sizes = {}
        for widget in self.widgets():
            if widget.role in TEXT_ROLES and widget.name:
                size = widget.font_size()
                if size is not None:
                    sizes[widget.name] = size
        return sizes

    def screen_text(self):
        return "\n".join(self.texts())

    def sees(self, text):
        return text.lower() in self.screen_text().lower()

    def wait_text(self, text, timeout=TIMEOUT):
        if isinstance(text, (list, tuple)):
            return wait_for(lambda: any(self.sees(t) for t in text),
                            f"{self.label} to show one of {text!r}", timeout)
        try:
            return wait_for(lambda: self.sees(text), f"{self.label} to show {text!r}", timeout)
        except JourneyFailure as failure:
            raise JourneyFailure(f"{failure}\n--- {self.label} shows:\n{self.screen_text()}") from None

    def wait_gone(self, text, timeout=TIMEOUT):
        return wait_for(lambda: not self.sees(text), f"{self.label} to stop showing {text!r}", timeout)

    def screenshot(self, path):
        return self.desk.screenshot(path, self.geometry())

    def pixel(self, x, y):
        """The colour a person sees at window point (x, y)."""
        from PIL import Image
        ox, oy = self.origin()
        path = os.path.join(self.desk.workdir, "pixel.png")
        self.desk.screenshot(path, (ox + x, oy + y, 1, 1))
        return Image.open(path).getpixel((0, 0))


# --- the store: central, hub, printers, devices --------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def program(*parts):
    path = os.path.join(BUILD_ROOT, *parts)
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} is not built")
    return path


class Hub:
    """The store's hub API, as the staging station and curbside-ctl use it."""

    def __init__(self, store):
        self.store = store

    def request(self, method, path, body=None, credential=None, session=None):
        context = ssl.create_default_context(cafile=self.store.hub_cert)
        context.check_hostname = False
        connection = http.client.HTTPSConnection("127.0.0.1", self.store.hub_port, context=context, timeout=10)
        headers = {"Authorization": f"Bearer {credential or self.store.admin_credential}",
                   "Content-Type": "application/json"}
        if session:
            headers["X-Curbside-Staff-Session"] = session
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode(errors="replace")
        return response.status, parsed

    def get(self, path, **kwargs):
        status, body = self.request("GET", path, **kwargs)
        if status != 200:
            raise JourneyFailure(f"GET {path}: {status} {body}")
        return body

    def order(self, ref):
        return self.get(f"/v1/orders/{ref}", credential=self.store.back_room_credential)["order"]

    def orders_board(self):
        """The staging board: orders, outstanding alerts, escalated."""
        return self.get("/v1/orders?view=board", credential=self.store.back_room_credential)

    def orders(self):
        body = self.get("/v1/orders", credential=self.store.back_room_credential)
        return body.get("orders", body) if isinstance(body, dict) else body

    def staff_session(self, staff_id="101", pin="1234"):
        status, body = self.request("POST", "/v1/staff/session", {"staff_id": staff_id, "pin": pin},
                                    credential=self.store.back_room_credential)
        if status != 200:
            raise JourneyFailure(f"staff sign-in: {status} {body}")
        return body["session"]

    def act(self, ref, action, body=None, session=None):
        session = session or self.staff_session()
        status, answer = self.request("POST", f"/v1/orders/{ref}/{action}", body or {},
                                      credential=self.store.back_room_credential, session=session)
        if status not in (200, 201, 202):
            raise JourneyFailure(f"{action} {ref}: {status} {answer}")
        return answer

    def check_in(self, token, bay="5"):
        """A shopper checks in at another kiosk (any enrolled device may)."""
        import uuid
        status, body = self.request("POST", "/v1/checkins", {"token": token, "bay": bay,
                                                             "event_id": str(uuid.uuid4())},
                                    credential=self.store.back_room_credential)
        if status != 200:
            raise JourneyFailure(f"check-in: {status} {body}")
        return body

    def metrics(self):
        context = ssl.create_default_context(cafile=self.store.hub_cert)
        context.check_hostname = False
        connection = http.client.HTTPSConnection("127.0.0.1", self.store.hub_port, context=context, timeout=10)
        connection.request("GET", "/metrics", headers={"Authorization": f"Bearer {self.store.admin_credential}"})
        response = connection.getresponse()
        return response.read().decode()


class Store:
    """A demo store on 127.0.0.1, started as scripts/run-demo starts it."""

    def __init__(self, desk, folder, seed=12, staff=(("101", "Alex", "1234", "staff"),
                                                      ("102", "María", "5678", "manager", "CB-BADGE-0102"))):
        self.desk = desk
        self.folder = folder
        self.seed = seed
        self.staff = staff
        self.processes = {}
        self.apps = []
        self.hub_port = None
        self.hub = Hub(self)
        self.camera_picture = os.path.join(folder, "kiosk", "camera.png")

    # -- plumbing ---------------------------------------------------------------

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def spawn(self, name, argv, log, env=None, **kwargs):
        process = subprocess.Popen(argv, stdout=kwargs.pop("stdout", open(log, "w")), stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env or self.desk.env, start_new_session=True,
                                   **kwargs)
        self.processes[name] = process
        return process

    def run(self, argv, **kwargs):
        return subprocess.run(argv, check=True, capture_output=True, text=True, env=self.desk.env,
                              **kwargs).stdout

    def issue_code(self, role):
        return self.run([program("hub", "curbside-hub"), "--config", self.path("hub", "hub.conf"),
                         "--issue-code", role]).strip()

    def enroll_tool(self, role, name, credential):
        self.run([program("ctl", "curbside-ctl"), "enroll", "--hub", self.hub_url, "--fingerprint",
                  self.fingerprint, "--code", self.issue_code(role), "--name", name, "--tool",
                  "--credential-file", credential])
        with open(credential) as handle:
            return handle.read().strip()

    # -- start --------------------------------------------------------------------

    def start(self):
        for sub in ("central", "hub", "kiosk", "staging", "receipts", "labels", "screens"):
            os.makedirs(self.path(sub), exist_ok=True)
        self.start_central()
        self.write_hub_conf()
        self.start_hub()
        for staff_id, name, pin, role, *badge in self.staff:
            self.run([program("ctl", "curbside-ctl"), "staff", "--db", self.path("hub", "data", "store.db"),
                      "add", staff_id, name, pin, role, *badge])
        self.receipt_printer = self.start_printer("receipts")
        self.label_printer = self.start_printer("labels")
        self.admin_credential = self.enroll_tool("admin", "demo-it", self.path("hub", "admin.credential"))
        self.back_room_credential = self.enroll_tool("staging", "back-room", self.path("hub", "back-room.credential"))
        wait_for(lambda: self.hub.request("GET", "/v1/orders/P00002",
                                          credential=self.back_room_credential)[0] == 200,
                 "the hub to sync the demo orders from central")

    def start_central(self):
        port_file = self.path("central", "port")
        self.spawn("central", [program("central", "curbside-central"), "--port", "0", "--port-file", port_file,
                               "--db", self.path("central", "central.db"), "--seed-demo", str(self.seed),
                               "--issuer-key", self.path("central", "issuer.key"),
                               "--write-keyring", self.path("hub", "keyring")],
                   self.path("central", "log"))
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), "central's port")
        self.central_port = int(open(port_file).read().strip())
        self.central_url = f"http://127.0.0.1:{self.central_port}"

    def write_hub_conf(self):
        with open(self.path("hub", "central.key"), "w") as handle:
            handle.write("demo-store-key\n")
        os.chmod(self.path("hub", "central.key"), 0o600)
        self.hub_port = free_port()
        with open(self.path("hub", "hub.conf"), "w") as handle:
            handle.write(f"""[store]
id = store-001
name = Curbside Demo Market
phone = +1 555 0100
[storage]
data-dir = {self.path("hub", "data")}
[listen]
address = 127.0.0.1
port = {self.hub_port}
[central]
connector = curbside
url = {self.central_url}/v1
credentials-file = {self.path("hub", "central.key")}
poll-interval = 2
[tokens]
keyring = {self.path("hub", "keyring")}
""")

    def start_hub(self):
        """Starts (or restarts) the hub on the store's fixed port."""
        log = open(self.path("hub", "log"), "a")
        process = subprocess.Popen([program("hub", "curbside-hub"), "--config", self.path("hub", "hub.conf")],
                                   stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                   env=self.desk.env, start_new_session=True, text=True)
        self.processes["hub"] = process
        line = process.stdout.readline().split()
        if len(line) < 3 or line[0] != "READY":
            raise JourneyFailure(f"the hub did not start: {line} (see {self.path('hub', 'log')})")
        self.hub_url, self.fingerprint = line[1], line[2]
        self.hub_cert = self.path("hub", "data", "hub-cert.pem")
        return process

    def stop_hub(self):
        stop_process(self.processes.pop("hub"))

    def start_printer(self, folder):
        log = self.path(folder, "printer.log")
        self.spawn(f"printer-{folder}", [program("hardware", "curbside-virtual-printer"), "--port", "0",
                                         "--control-port", "0", "--profile", "generic-80",
                                         "--out-dir", self.path(folder)], log)
        wait_for(lambda: os.path.exists(log) and open(log).read().split(), f"the {folder} printer")
        return open(log).read().split()[1]

    def stage(self, ref, bags=None, locations=None, session=None):
        return self.hub.act(ref, "stage", {
            "locations": locations or [{"zone": "C", "shelf": "2", "bin": "14"}],
            "bags": bags or {"ambient": 2, "chilled": 1, "frozen": 1}}, session)

    def sign_token(self, ref, ttl="1d", store="store-001", expires=None):
        validity = ["--expires", str(expires)] if expires is not None else ["--ttl", ttl]
        return self.run([program("ctl", "curbside-ctl"), "token-sign", "--secret", self.path("central", "issuer.key"),
                         "--store", store, "--order", ref, *validity]).splitlines()[0].strip()

    # -- the kiosk's camera -----------------------------------------------------

    def show_camera(self, payload):
        """Holds a phone showing @payload as a QR code up to the kiosk's
        camera (None: nobody in front of it)."""
        target = self.camera_picture
        temporary = target + ".new.png"
        if payload is None:
            from PIL import Image
            Image.new("RGB", (640, 360), (70, 74, 80)).save(temporary)
        else:
            subprocess.run(["qrencode", "-s", "8", "-m", "4", "-o", temporary, payload], check=True)
        os.replace(temporary, target)

    # -- apps ---------------------------------------------------------------------

    def start_staging(self, name="staging", place=(1300, 0), extra=()):
        folder = self.path(name)
        os.makedirs(folder, exist_ok=True)
        credential = os.path.join(folder, "credential")
        argv = [program("staging", "curbside-staging"), "--hub", self.hub_url, "--hub-fingerprint",
                self.fingerprint, "--credential-file", credential, "--printer", self.label_printer,
                "--camera", "none", "--wedge", "none", "--audio-sink", "fakesink", *extra]
        if not os.path.exists(credential):
            argv[1:1] = ["--enroll", self.issue_code("staging")]
        env = dict(self.desk.env, XDG_STATE_HOME=os.path.join(folder, "state"))
        process = self.spawn(name, argv, os.path.join(folder, "log"), env=env)
        app = App(self.desk, process, name)
        self.apps.append(app)
        app.xwindow()
        app.place(*place)
        app.root()
        return app

    def write_kiosk_conf(self, name="kiosk", bays="1;2;3;4;5;6", extra=""):
        folder = self.path(name)
        os.makedirs(folder, exist_ok=True)
        if not os.path.exists(self.camera_picture):
            self.show_camera(None)
        conf = os.path.join(folder, "kiosk.conf")
        with open(conf, "w") as handle:
            handle.write(f"""[hub]
url = {self.hub_url}
credential-file = {folder}/credential
fingerprint = {self.fingerprint}
[device]
name = {name}-door-1
[tokens]
keyring = {self.path("hub", "keyring")}
[storage]
state-dir = {folder}
[camera]
pipeline = multifilesrc location={self.camera_picture} loop=true caps=image/png,framerate=4/1 ! pngdec ! videoconvert ! videoscale ! video/x-raw,width=1280,height=720
[printer]
uri = {self.receipt_printer}
receipt-url = {self.central_url}/receipts/
[pickup]
bays = {bays}
[ui]
languages = en;es
idle-timeout = 30
store-phone = +1 555 0100
{extra}""")
        return conf

    def start_kiosk(self, name="kiosk", place=(0, 0), extra_conf="", args=()):
        conf = self.write_kiosk_conf(name, extra=extra_conf)
        folder = self.path(name)
        argv = [program("kiosk", "curbside-kiosk"), "--config", conf, "--windowed", "--size", "1280x800", *args]
        if not os.path.exists(os.path.join(folder, "credential")):
            argv += ["--enroll", self.issue_code("kiosk")]
        process = self.spawn(name, argv, os.path.join(folder, "log"))
        app = App(self.desk, process, name)
        self.apps.append(app)
        app.xwindow()
        app.place(*place)
        app.root()
        return app

    def stop_app(self, app):
        stop_process(app.process)
        self.apps.remove(app)

    def ctl_status(self):
        result = subprocess.run([program("ctl", "curbside-ctl"), "status", "--hub", self.hub_url, "--fingerprint",
                                 self.fingerprint, "--credential-file", self.path("hub", "admin.credential")],
                                capture_output=True, text=True, env=self.desk.env)
        return result.stdout + result.stderr

    def stop(self):
        for name, process in reversed(list(self.processes.items())):
            stop_process(process)
        self.processes.clear()


# --- a journey: TAP, steps, screenshots -----------------------------------------

class Journey:
    """A TAP test whose steps each end with a screenshot of what the person
    sees. Screenshots go to <build>/meson-logs/journeys/<name>/."""

    def __init__(self, name):
        self.name = name
        self.artifacts = os.environ.get("CURB_JOURNEY_ARTIFACTS") or os.path.join(
            BUILD_ROOT, "meson-logs", "journeys", name)
        shutil.rmtree(self.artifacts, ignore_errors=True)
        os.makedirs(self.artifacts, exist_ok=True)
        self.workdir = tempfile.mkdtemp(prefix=f"curb-journey-{name}-")
        self.desk = Desktop(self.workdir)
        self.store = None
        self.n_steps = 0
        self.n_failed = 0
        self.shots = []
        self.tests = []
        self.setup_function = None

    def start(self, **store_options):
        self.desk.start()
        self.store = Store(self.desk, os.path.join(self.workdir, "store"), **store_options)
        self.store.start()
        print(f"# screenshots: {self.artifacts}", flush=True)
        return self.store

    def shot(self, caption, *apps):
        """Saves one screenshot per app (or the whole desk) for this step."""
        self.n_steps += 1
        paths = []
        targets = apps or tuple(self.store.apps)
        for app in targets:
            slug = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:60]
            path = os.path.join(self.artifacts, f"{self.n_steps:02d}-{app.label}-{slug}.png")
            try:
                time.sleep(0.3)  # let the frame that shows the change be drawn
                app.screenshot(path)
                paths.append(path)
            except Exception as error:
                print(f"# no screenshot of {app.label}: {error}", flush=True)
        self.shots.append((caption, paths))
        return paths

    def test(self, function):
        self.tests.append(function)
        return function

    def setup(self, function):
        """Runs once after the store started (the apps a journey needs)."""
        self.setup_function = function
        return function

    def run(self, **store_options):
        print(f"1..{len(self.tests)}", flush=True)
        status = 0
        only = os.environ.get("CURB_JOURNEY_ONLY", "").split(",")
        try:
            self.start(**store_options)
            if self.setup_function is not None:
                self.setup_function(self, self.store)
        except Exception:
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
            for number, function in enumerate(self.tests, 1):
                print(f"not ok {number} {function.__name__} # store did not start")
            self.finish()
            return 1
        for number, function in enumerate(self.tests, 1):
            title = (function.__doc__ or function.__name__).strip().splitlines()[0]
            if only != [""] and function.__name__ not in only:
                print(f"ok {number} {title} # SKIP not in CURB_JOURNEY_ONLY", flush=True)
                continue
            try:
                function(self, self.store)
                print(f"ok {number} {title}", flush=True)
            except Exception:
                status = 1
                for line in traceback.format_exc().splitlines():
                    print(f"# {line}")
                self.shot(f"FAILED {function.__name__}")
                self.dump_logs()
                print(f"not ok {number} {title}", flush=True)
        self.finish()
        return status

    def dump_logs(self):
        for root, _, files in os.walk(self.store.folder if self.store else self.workdir):
            for file in files:
                if file.endswith("log"):
                    path = os.path.join(root, file)
                    try:
                        tail = open(path, errors="replace").read().splitlines()[-15:]
                    except OSError:
                        continue
                    print(f"# --- {path}")
                    for line in tail:
                        print(f"#   {line}")

    def finish(self):
        if self.store:
            for app in list(self.store.apps):
                stop_process(app.process)
            self.store.stop()
        self.desk.stop()
        keep = os.environ.get("CURB_JOURNEY_KEEP")
        if keep:
            print(f"# kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        sys.stdout.flush()


def main(journey, **store_options):
    sys.exit(journey.run(**store_options))


# --- what people do often -------------------------------------------------------

def tap_keys(kiosk, text):
    """Types @text on the kiosk's on-screen keyboard, one tap per key."""
    for char in text:
        kiosk.click("Dash" if char == "-" else char)


def sign_in_with_keyboard(desk, staging, staff_id="101", pin="1234", name="Alex"):
    """A staff member types the staff number and PIN on a USB keyboard."""
    staging.find(role="text", contains="Staff number").click()
    desk.type_text(staff_id + "\n")
    desk.type_text(pin + "\n")
    staging.wait_text(f"Signed in: {name}")


BOARD_COLUMNS = ("Arrived: waiting", "Claimed: on the way", "On the way (", "Staged: not arrived", "Done today")


def open_order_on_board(staging, ref):
    """Staff go to the board, look through its columns and tap @ref's card."""
    back = staging.find_all(role="push button", name="Back to board")
    (back[0] if back else staging.button("Board")).click()
    staging.scroll_to(ref, over=BOARD_COLUMNS, above="Stage orders").click()
    staging.wait_text(ref)
