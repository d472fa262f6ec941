#!/usr/bin/python3
"""Shopper journey: the kiosk driven by taps (XTest pointer clicks), a keyboard
and pickup codes held up to its camera, against a real hub and central."""

import glob
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from curbjourney import Journey, JourneyFailure, wait_for, main, sign_in_with_keyboard  # noqa: E402

journey = Journey("shopper")


def hold_up(store, payload):
    """The shopper holds a phone showing @payload to the camera."""
    store.show_camera(payload)


def walk_away(store):
    store.show_camera(None)


def receipt_qr(path):
    """The URL in the QR code printed on a receipt page."""
    out = subprocess.run(["ZXingReader", "-fast", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Text:"):
            return line.split(":", 1)[1].strip().strip('"')
    return None


@journey.setup
def start_apps(j, store):
    store.staging = store.start_staging(extra=("--escalate-after", "12"))
    store.kiosk = store.start_kiosk()


@journey.test
def qr_to_receipt(j, store):
    """QR, greeting (Spanish), substitution, ID notice, bay, waiting, claimed, handed over, receipt opens"""
    store.stage("P00001")
    kiosk = store.kiosk
    kiosk.wait_text("Hold your pickup code up to the camera")
    j.shot("welcome", kiosk)
    hold_up(store, store.sign_token("P00001"))
    kiosk.wait_text("Hola, José")
    walk_away(store)
    kiosk.wait_text("Tenga a mano su identificación")
    j.shot("greeting in Spanish with the substitution and the ID notice", kiosk)
    kiosk.click("Sí, está bien")
    kiosk.click("Registrar mi llegada")
    kiosk.wait_text("¿En qué plaza está estacionado?")
    j.shot("which bay", kiosk)
    kiosk.click("Plaza 3")
    kiosk.wait_text("Puede esperar en su auto en la plaza 3")
    store.staging.wait_text("José N.")
    j.shot("checked in: the kiosk waits, the staging station rings")
    order = store.hub.order("P00001")
    if order["state"] != "arrived" or order["bay"] != "3":
        raise JourneyFailure(f"the hub has {order['state']} at bay {order['bay']}")
    if [d for d in order.get("decisions") or [] if d.get("approved")] == [] and \
            not any(s.get("status") == "approved" for s in order.get("substitutions", [])):
        raise JourneyFailure(f"the substitution decision did not reach the hub: {order}")
    session = store.hub.staff_session()
    store.hub.act("P00001", "claim", session=session)
    kiosk.wait_text("Alex le lleva su pedido")
    j.shot("staff claimed: the kiosk names who is coming", kiosk)
    store.hub.act("P00001", "handover", {"id_checked": True, "not_taken": []}, session=session)
    kiosk.wait_text("¡Gracias, José!")
    j.shot("handed over: thanks", kiosk)
    receipts = wait_for(lambda: glob.glob(os.path.join(store.path("receipts"), "*.png")),
                        "the receipt to print")
    url = wait_for(lambda: receipt_qr(receipts[0]), "a QR code on the receipt")
    if "P00001" not in url:
        raise JourneyFailure(f"the receipt's QR opens {url}")
    def receipt_page():
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    page = wait_for(lambda: "Picked up on" in receipt_page() and receipt_page(),
                    f"the digital receipt at {url} to show the pickup (central learns it from the hub)")
    for expected in ("Receipt for order P00001", "José N.", "Rioja", "Soy milk 1 L"):
        if expected not in page:
            raise JourneyFailure(f"the digital receipt at {url} does not show {expected}:\n{page[:900]}")


@journey.test
def call_staff(j, store):
    """Call staff rings on the staging station (named kiosk, where the shopper was), escalates, is answered; Back returns to the order"""
    kiosk, staging = store.kiosk, store.staging
    store.stage("P00002")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    hold_up(store, store.sign_token("P00002"))
    kiosk.wait_text("Hi Sam")
    walk_away(store)
    kiosk.click("Call staff")
    kiosk.wait_text("Help is on the way")
    staging.wait_text("Call for staff: a shopper at kiosk-door-1 (order P00002, checking their order)")
    j.shot("a shopper calls for staff: every station rings")
    status = store.ctl_status()
    if "Calls for staff: 1 WAITING" not in status or "kiosk-door-1" not in status:
        raise JourneyFailure(f"curbside-ctl status does not show the call:\n{status}")
    if "curbside_assistance_open 1" not in store.hub.metrics():
        raise JourneyFailure("/metrics does not count the open call")
    staging.wait_text("ESCALATED, manager please help: a shopper at kiosk-door-1", timeout=60)
    j.shot("nobody went: the call escalates", staging)
    sign_in_with_keyboard(j.desk, staging)
    staging.click(contains="a shopper at kiosk-door-1")
    kiosk.wait_text("Alex is on the way to help you")
    staging.wait_gone("a shopper at kiosk-door-1")
    j.shot("staff answered: the kiosk says who is coming")
    if "curbside_assistance_open 0" not in store.hub.metrics():
        raise JourneyFailure("/metrics still counts the answered call")
    kiosk.click("Back")
    kiosk.wait_text("Hi Sam")
    kiosk.wait_text("Check me in")
    j.shot("Back returns to the shopper's order", kiosk)
    kiosk.click("Not you? Start over")
    kiosk.wait_text("Hold your pickup code up to the camera")
    hold_up(store, store.sign_token("P00003"))      # not staged yet
    kiosk.wait_text("Your order is not quite ready")
    walk_away(store)
    kiosk.click("Call staff")
    kiosk.wait_text("Help is on the way")
    staging.wait_text("(order P00003, on a problem screen)")
    kiosk.click("Back")
    kiosk.wait_text("Your order is not quite ready")
    j.shot("Back from help returns to the screen the shopper was on", kiosk)
    kiosk.click("Check in anyway")
    kiosk.wait_text("Hi Zoë")
    kiosk.click("Not you? Start over")


def larger_text_grows_everything(j, kiosk, screen):
    """Turns A+ on and checks that no text on the screen got smaller."""
    before = kiosk.font_sizes()
    kiosk.click("Larger text")
    wait_for(lambda: kiosk.font_sizes() != before, f"larger text on the {screen} screen")
    after = kiosk.font_sizes()
    smaller = {text: (before[text], size) for text, size in after.items()
               if text in before and size < before[text]}
    j.shot(f"larger text on the {screen} screen", kiosk)
    if smaller:
        raise JourneyFailure(f"A+ made text smaller on the {screen} screen: {smaller}")


@journey.test
def larger_text_and_high_contrast(j, store):
    """A+ makes nothing smaller (welcome, greeting, bay); high contrast on each"""
    kiosk = store.kiosk
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    larger_text_grows_everything(j, kiosk, "welcome")
    kiosk.click("Larger text")   # off again
    hold_up(store, store.sign_token("P00002"))
    kiosk.wait_text("Hi Sam")
    walk_away(store)
    larger_text_grows_everything(j, kiosk, "greeting")
    kiosk.click("High contrast")
    j.shot("greeting with larger text and high contrast", kiosk)
    kiosk.click("Larger text")
    kiosk.click("Check me in")
    kiosk.wait_text("Which bay are you parked in?")
    larger_text_grows_everything(j, kiosk, "bay")
    kiosk.click("Español")
    kiosk.wait_text("¿En qué plaza está estacionado?")
    j.shot("bay in Spanish, larger text, high contrast", kiosk)
    kiosk.click("Texto más grande")
    kiosk.click("Alto contraste")
    kiosk.click("Atrás")
    kiosk.click(contains="Empezar de nuevo")
    kiosk.wait_text("Hold your pickup code up to the camera")


@journey.test
def wait_line(j, store):
    """The wait line on the welcome screen is plain text (no button look) and follows arrivals live"""
    kiosk = store.kiosk
    kiosk.wait_text("No wait right now", timeout=60)
    line = kiosk.find(name="No wait right now")
    x, y, w, h = line.extents()
    inside, outside = kiosk.pixel(x + 2, y + 2), kiosk.pixel(x + 2, y - 24)
    if max(abs(a - b) for a, b in zip(inside, outside)) > 24:
        raise JourneyFailure(f"the wait line sits on a filled box like a button ({inside} on {outside})")
    if line.role != "label":
        raise JourneyFailure(f"the wait line is a {line.role}")
    store.hub.check_in(store.sign_token("P00004"), bay="5")     # a car at the other kiosk
    kiosk.wait_text("1 shopper waiting for staff", timeout=15)
    j.shot("another shopper arrived: the wait line counts them at once", kiosk)
    store.hub.act("P00004", "claim")
    kiosk.wait_text("No wait right now", timeout=15)


def tampered(token):
    """The same code with one character of its signature changed."""
    i = len(token) - 10
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


@journey.test
def codes_that_do_not_work(j, store):
    """A web address, a tampered, an expired, another store's and an already collected code each say what happened, with Start over"""
    kiosk = store.kiosk
    cases = [
        ("https://example.com/offers", "That is not a pickup code", "Start over"),
        (tampered(store.sign_token("P00005")), "We cannot use this code", "Start over"),
        (store.sign_token("P00005", expires=int(time.time()) - 3600), "This pickup code has expired", "Start over"),
        (store.sign_token("P00005", store="store-999"), "This code is for a different store", "Start over"),
        # José's order, in his language
        (store.sign_token("P00001"), "Este pedido ya fue recogido", "Empezar de nuevo"),
    ]
    for payload, says, start_over in cases:
        kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
        hold_up(store, payload)
        kiosk.wait_text(says)
        walk_away(store)
        j.shot(says, kiosk)
        kiosk.click(start_over)


if __name__ == "__main__":
    main(journey)
