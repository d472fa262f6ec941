#!/usr/bin/python3
"""scripts/run-demo --walkthrough: a shopper's and a staff member's whole
story, played by the journey driver (real taps and key presses under
Xvfb), written as screenshots and one contact sheet with a caption each."""

import argparse
import glob
import os
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import curbjourney  # noqa: E402
from curbjourney import Desktop, Store, sign_in_with_keyboard, wait_for  # noqa: E402


class Walkthrough:
    def __init__(self, out):
        self.out = out
        self.frames = []   # (caption, path)

    def shot(self, app, caption):
        path = os.path.join(self.out, "walkthrough", f"{len(self.frames) + 1:02d}-{app.label}.png")
        wait_for(lambda: True, "a frame")
        app.screenshot(path)
        self.frames.append((caption, path))
        print(f"  {len(self.frames):2d}. {caption}", flush=True)

    def contact_sheet(self, path, columns=3, width=420):
        from PIL import Image, ImageDraw, ImageFont
        font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
        font = ImageFont.truetype(font_path, 15) if os.path.exists(font_path) else ImageFont.load_default()
        height = int(width * 800 / 1280)
        caption_h = 64
        rows = (len(self.frames) + columns - 1) // columns
        sheet = Image.new("RGB", (columns * (width + 16) + 16, rows * (height + caption_h + 16) + 16), "white")
        draw = ImageDraw.Draw(sheet)
        for i, (caption, frame) in enumerate(self.frames):
            x = 16 + (i % columns) * (width + 16)
            y = 16 + (i // columns) * (height + caption_h + 16)
            sheet.paste(Image.open(frame).convert("RGB").resize((width, height)), (x, y))
            lines = textwrap.wrap(f"{i + 1}. {caption}", 50)[:3]
            for n, line in enumerate(lines):
                draw.text((x, y + height + 4 + n * 19), line, fill="black", font=font)
        sheet.save(path)
        return path


def play(store, desk, w):
    for ref in ("P00002", "P00003"):      # staff staged these earlier, as in scripts/run-demo
        store.stage(ref)
    staging = store.start_staging(place=(1300, 0))
    kiosk = store.start_kiosk(place=(0, 0))
    kiosk.wait_text("Hold your pickup code up to the camera")
    w.shot(kiosk, "Kiosk by the bays: the shopper holds up the QR code from their order message")
    store.show_camera(store.sign_token("P00002"))
    kiosk.wait_text("Hi Sam")
    store.show_camera(None)
    w.shot(kiosk, "The code is checked offline, then one request checks the shopper in and brings the order: a greeting, a substitution to decide")
    staging.wait_text("bay being chosen", timeout=30)
    w.shot(staging, "At the same moment the staging station rings (the bay is still being chosen): a banner on every screen until claimed")
    kiosk.click("Yes, that's fine")
    kiosk.click("Check me in")
    kiosk.wait_text("Which bay are you parked in?")
    w.shot(kiosk, "The shopper taps the bay they parked in")
    kiosk.click("Bay 2")
    kiosk.wait_text("You can wait in your car at bay 2")
    w.shot(kiosk, "Checked in: the kiosk tells them to wait in the car")
    staging.wait_text("bay 2,")
    w.shot(staging, "The station's banner now says bay 2")
    sign_in_with_keyboard(desk, staging)
    w.shot(staging, "Staff sign in (staff number 101, PIN 1234, typed on a keyboard)")
    staging.click(contains="Shopper waiting: Sam R.")
    staging.click("Claim: I am taking it out")
    staging.wait_text("You claimed it")
    w.shot(staging, "Tapping the banner opens the order: Claim, and the order's staging location")
    kiosk.wait_text("Alex is bringing your order")
    w.shot(kiosk, "The kiosk names who is coming")
    staging.find(role="text", contains="Bag label").click()
    for n in range(1, 5):
        desk.wedge_scan(f"CB1:P00002:{n}/4")
        staging.wait_text(f"{n} of 4 scanned" if n < 4 else "All 4 bags scanned")
    w.shot(staging, "Every bag label is scanned (a keyboard-wedge scanner) before the handoff can complete")
    desk.wedge_scan("CB1:P00003:1/4")
    staging.wait_text("WRONG BAG")
    w.shot(staging, "A bag of another order is a loud error")
    staging.click("Complete handoff")
    kiosk.wait_text("Thank you, Sam!")
    kiosk.wait_gone("Alex is bringing your order")    # not caught mid-crossfade
    w.shot(kiosk, "Handed over: the kiosk says thanks, the receipt prints with a QR to the digital receipt")
    receipts = wait_for(lambda: glob.glob(store.path("receipts", "*.png")), "the receipt")
    from PIL import Image
    receipt = Image.open(receipts[0]).convert("RGB")
    path = os.path.join(w.out, "walkthrough", f"{len(w.frames) + 1:02d}-receipt.png")
    canvas = Image.new("RGB", (1280, 800), "white")
    receipt.thumbnail((1200, 780))
    canvas.paste(receipt, ((1280 - receipt.width) // 2, 10))
    canvas.save(path)
    w.frames.append(("The receipt from the virtual printer", path))
    print(f"  {len(w.frames):2d}. The receipt from the virtual printer", flush=True)
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    kiosk.click("Call staff")
    staging.wait_text("Call for staff")
    w.shot(staging, "Another shopper taps Call staff: every station rings, naming the kiosk")
    staging.click(contains="Call for staff")
    kiosk.wait_text("Alex is on the way to help you")
    w.shot(kiosk, "Staff tap the call and the kiosk says who is coming")
    print(store.ctl_status(), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=curbjourney.BUILD_ROOT)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    curbjourney.BUILD_ROOT = os.path.abspath(args.build)
    os.makedirs(os.path.join(args.out, "walkthrough"), exist_ok=True)
    desk = Desktop(args.out)
    w = Walkthrough(args.out)
    store = None
    status = 0
    print(f"Walkthrough: a demo store in {args.out}, apps under Xvfb, driven with real input events.", flush=True)
    try:
        desk.start()
        store = Store(desk, os.path.join(args.out, "store"))
        store.start()
        play(store, desk, w)
    except Exception as error:
        print(f"The walkthrough stopped: {error}", file=sys.stderr)
        status = 1
    finally:
        if store is not None:
            for app in list(store.apps):
                curbjourney.stop_process(app.process)
            store.stop()
        desk.stop()
    if w.frames:
        sheet = w.contact_sheet(os.path.join(args.out, "walkthrough", "contact-sheet.png"))
        print(f"Contact sheet: {sheet}")
    return status


if __name__ == "__main__":
    sys.exit(main())
