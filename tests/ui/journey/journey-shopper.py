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
from curbjourney import open_order_on_board, Widget, Journey, JourneyFailure, wait_for, main, sign_in_with_keyboard, tap_keys  # noqa: E402

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
    """QR, greeting (Spanish), substitution, ID notice, bay, waiting, claimed, handed over, receipt opens; staff see the arrival at the scan, the bay once chosen"""
    store.stage("P00001")
    kiosk, staging = store.kiosk, store.staging
    kiosk.wait_text("Hold your pickup code up to the camera")
    j.shot("welcome", kiosk)
    sign_in_with_keyboard(j.desk, staging)        # the board shows the cards
    hold_up(store, store.sign_token("P00001"))
    kiosk.wait_text("Hola, José")
    walk_away(store)
    # checked in on the scan: the staging station rings while José reads his order
    staging.wait_text("José N.")
    staging.wait_text("Bay: choosing…")
    staging.wait_text("order P00001, bay being chosen")          # the alert banner
    j.shot("checked in on the scan: staff see the arrival, the bay is being chosen")
    if store.hub.order("P00001")["state"] != "arrived":
        raise JourneyFailure(f"the scan did not check José in: {store.hub.order('P00001')}")
    kiosk.wait_text("Tenga a mano su identificación")
    j.shot("greeting in Spanish with the substitution and the ID notice", kiosk)
    kiosk.click("Sí, está bien")
    kiosk.click("Registrar mi llegada")
    kiosk.wait_text("¿En qué plaza está estacionado?")
    j.shot("which bay", kiosk)
    kiosk.click("Plaza 3")
    kiosk.wait_text("Puede esperar en su auto en la plaza 3")
    staging.wait_text("Bay 3")
    staging.wait_text("order P00001, bay 3")
    staging.wait_gone("Bay: choosing…")
    j.shot("the bay chosen: the kiosk waits, the staging card shows the bay")
    order = wait_for(lambda: (lambda o: o["bay"] == "3" and o)(store.hub.order("P00001")), "the bay at the hub")
    if order["state"] != "arrived":
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
    if staging.find_all(role="text", contains="Staff number"):
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
    kiosk.wait_text("our team knows you are here")
    j.shot("Back from help returns to the screen the shopper was on", kiosk)
    kiosk.click("Continue")
    kiosk.wait_text("Hi Zoë")
    kiosk.click("Not you? Start over")
    kiosk.wait_text("Hold your pickup code up to the camera")
    for ref in ("P00002", "P00003"):     # both taken back: nobody is waiting
        if store.hub.order(ref)["state"] not in ("pending", "ready"):
            raise JourneyFailure(f"Not you? left {ref} {store.hub.order(ref)['state']}")


@journey.test
def not_you_takes_the_arrival_back(j, store):
    """Checked in on the scan, staging rings with the bay being chosen; "Not you? Start over" takes the arrival back: the card and the alert go, the order is ready again"""
    kiosk, staging = store.kiosk, store.staging
    store.stage("P00008")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    hold_up(store, store.sign_token("P00008"))
    kiosk.wait_text("Not you? Start over")
    walk_away(store)
    staging.wait_text("Bay: choosing…")
    staging.wait_text("order P00008, bay being chosen")      # the alert banner
    if "P00008" not in store.hub.orders_board()["alerts"]:
        raise JourneyFailure("the scan raised no staff alert")
    j.shot("the scan rang at the staging station")
    kiosk.click("Not you? Start over")
    kiosk.wait_text("Hold your pickup code up to the camera")
    staging.wait_gone("Bay: choosing…")
    staging.wait_gone("order P00008, bay")          # no alert for it, nor "bay not given"
    if staging.sees("Bay not given"):
        raise JourneyFailure("Not you? left the arrival on the board without a bay")
    j.shot("Not you? took the arrival back: no card, no alert")
    order = store.hub.order("P00008")
    if order["state"] != "ready" or order["arrived_at"] is not None or order["bay"] is not None:
        raise JourneyFailure(f"the withdrawn order is {order['state']}, arrived {order['arrived_at']}, bay {order['bay']}")
    if "P00008" in store.hub.orders_board()["alerts"]:
        raise JourneyFailure("the alert outlived the withdrawal")


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


def lookup_fields(kiosk):
    return (kiosk.find(role="push button", contains="Order number:").name.strip(),
            kiosk.find(role="push button", contains="Last name:").name.strip())


def expect_fields(kiosk, expected, what):
    seen = []
    try:
        wait_for(lambda: seen.append(lookup_fields(kiosk)) or seen[-1] == expected, what, timeout=15)
    except JourneyFailure as error:
        raise JourneyFailure(f"{error}: the fields say {seen[-1:]}") from None


@journey.test
def find_my_order_by_name(j, store):
    """No code: order number and a wrong last name typed on a USB keyboard (not found, said plainly); the right name on the on-screen keyboard (greeted, checked in); left alone mid-journey the kiosk starts over and keeps nothing of the shopper, staff see 'bay not given'"""
    kiosk, staging = store.kiosk, store.staging
    store.stage("P00007")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    kiosk.click("No code? Find my order")
    kiosk.wait_text("Find your order")
    j.desk.type_text("P00007\n")             # a USB keyboard
    j.desk.type_text("SMITH")
    expect_fields(kiosk, ("Order number: P00007", "Last name: SMITH"), "the typed order number and name")
    j.shot("order number and last name typed on a keyboard", kiosk)
    j.desk.key("Return")
    kiosk.wait_text("We could not find that order")
    j.shot("a wrong last name: not found", kiosk)
    if kiosk.sees("Mohammed"):
        raise JourneyFailure("a wrong name shows the order's shopper")
    kiosk.click("Find my order")
    kiosk.wait_text("Find your order")
    for field in ("Last name:", "Order number:"):      # what the shopper typed may still be there
        kiosk.click(contains=field)
        for _ in range(20):
            if kiosk.find(role="push button", contains=field).name.strip().endswith(":"):
                break
            kiosk.click("Delete")
    tap_keys(kiosk, "P00007")
    kiosk.click(contains="Last name:")
    tap_keys(kiosk, "ALSAYED")          # the keyboard has letters only for names
    expect_fields(kiosk, ("Order number: P00007", "Last name: ALSAYED"), "the tapped order number and name")
    j.shot("order number and last name tapped on the on-screen keyboard", kiosk)
    kiosk.click("Find my order")
    kiosk.wait_text("Hi Mohammed")
    kiosk.click("Larger text")
    kiosk.click("Español")
    kiosk.wait_text("Hola, Mohammed")
    j.shot("found, the shopper chose Spanish and larger text, then walked off", kiosk)
    # nobody touches the kiosk (its idle timeout is 30 s)
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=90)
    j.shot("idle: back to the welcome screen", kiosk)
    if kiosk.sees("Mohammed") or kiosk.button("Larger text").is_checked():
        raise JourneyFailure(f"the idle reset kept something of the shopper:\n{kiosk.screen_text()}")
    kiosk.click("No code? Find my order")
    kiosk.wait_text("Find your order")
    if lookup_fields(kiosk) != ("Order number:", "Last name:"):
        raise JourneyFailure(f"the lookup still holds the last shopper's entry: {lookup_fields(kiosk)}")
    j.shot("the next shopper's lookup is empty", kiosk)
    kiosk.click("Back")
    kiosk.wait_text("Hold your pickup code up to the camera")
    # found and greeted, then walked off: still at the kerb, checked in, the bay not given
    order = store.hub.order("P00007")
    if order["state"] != "arrived" or order["bay"] is not None or not order.get("bay_skipped"):
        raise JourneyFailure(f"a shopper who walked off after the greeting: {order['state']}, bay {order['bay']}")
    staging.wait_text("Bay not given")
    j.shot("walked off after the greeting: staff see the arrival without a bay", staging)
    store.hub.act("P00007", "claim")         # staff went and looked


@journey.test
def substitution_declined(j, store):
    """The shopper says no to the substitute on the kiosk: the hub has it declined, and the staging board and order screen say the item is not handed over"""
    kiosk, staging = store.kiosk, store.staging
    store.stage("P00002")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    hold_up(store, store.sign_token("P00002"))
    kiosk.wait_text("Hi Sam")
    walk_away(store)
    kiosk.click("No, thanks")
    wait_for(lambda: kiosk.button("No, thanks").is_checked(), "No, thanks chosen")
    j.shot("the shopper declines the soy milk", kiosk)
    kiosk.click("Check me in")
    kiosk.wait_text("Which bay are you parked in?")
    kiosk.click("Bay 6")
    order = wait_for(lambda: (lambda o: o["state"] == "arrived" and o)(store.hub.order("P00002")),
                     "Sam's arrival at the hub")
    def declined(order):
        return any(s.get("status") == "declined" for s in order.get("substitutions") or []) or \
            any(d.get("approved") is False for d in order.get("decisions") or [])
    wait_for(lambda: declined(store.hub.order("P00002")), "the hub to have the substitute declined")
    if staging.find_all(role="text", contains="Staff number"):
        sign_in_with_keyboard(j.desk, staging)
    open_order_on_board(staging, "P00002")
    staging.wait_text("Claim: I am taking it out")
    wait_for(lambda: "the shopper declined Soy milk 1 L" in " ".join(
        w.name for w in staging.find_all(contains="declined Soy milk")), "the order screen to say the soy milk was declined")
    j.shot("staff see the substitute was declined", staging)
    if staging.find_all(contains="Ask the shopper"):
        raise JourneyFailure("the order screen still asks staff to ask the shopper")
    kiosk.click(contains="all set")
    kiosk.wait_text("Hold your pickup code up to the camera")


KIOSK_SIZE = (1280, 800)      # start_kiosk's --size
TARGET_PX = 56


def looks_on(kiosk):
    """Larger text and high contrast on (a new shopper's session turns them off)."""
    for name in ("Texto más grande", "Alto contraste"):
        toggle = kiosk.button(name)
        if not toggle.is_checked():
            toggle.click()
            wait_for(lambda: kiosk.button(name).is_checked(), f"{name} on")


def check_screen(j, kiosk, screen):
    """A screenshot; every button a finger can hit (at least 56 px each way);
    no text outside the window or outside the widget that holds it."""
    looks_on(kiosk)
    time.sleep(0.5)       # the larger text laid out
    j.shot(f"{screen} in Spanish, larger text, high contrast", kiosk)
    small, cut = [], []
    width, height = KIOSK_SIZE
    for widget in kiosk.widgets():
        try:
            role, name = widget.role, widget.name
            x, y, w, h = widget.extents()
            if w <= 0 or h <= 0:
                continue
            if role in ("push button", "toggle button") and (w < TARGET_PX or h < TARGET_PX):
                small.append(f"{name!r} {w}×{h}")
            if role not in ("label", "push button", "toggle button") or not name.strip():
                continue
            if x < 0 or y < 0 or x + w > width or y + h > height:
                cut.append(f"{name!r} at {x},{y} {w}×{h} (the window is {width}×{height})")
                continue
            parent = widget.acc.parent
            px, py, pw, ph = Widget(kiosk, parent).extents() if parent is not None else (x, y, w, h)
            if pw > 0 and ph > 0 and (x < px - 1 or y < py - 1 or x + w > px + pw + 1 or y + h > py + ph + 1):
                cut.append(f"{name!r} at {x},{y} {w}×{h} sticks out of its {parent.getRoleName()} at {px},{py} {pw}×{ph}")
        except Exception:
            continue      # gone while we looked
    if small or cut:
        raise JourneyFailure(f"the {screen} screen: buttons under {TARGET_PX} px: {small}; cut text: {cut}")


@journey.test
def every_screen_in_spanish_with_larger_text_and_high_contrast(j, store):
    """Español, A+ and high contrast on every kiosk screen (welcome, lookup, not found, help, greeting, bay, waiting, claimed, thanks): a screenshot each, buttons at least 56 px, no text cut"""
    kiosk, staging = store.kiosk, store.staging
    store.stage("P00006")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=60)
    kiosk.click("Español")
    kiosk.wait_text("Acerque su código de recogida a la cámara")
    check_screen(j, kiosk, "welcome")
    kiosk.click("¿No tiene código? Buscar mi pedido")
    kiosk.wait_text("Buscar su pedido")
    check_screen(j, kiosk, "lookup")
    tap_keys(kiosk, "P00006")
    kiosk.click(contains="Apellido:")
    tap_keys(kiosk, "X")
    kiosk.click("Buscar mi pedido")
    kiosk.wait_text("No encontramos ese pedido")
    check_screen(j, kiosk, "not found")
    kiosk.click("Pedir ayuda")
    kiosk.wait_text("La ayuda está en camino")
    check_screen(j, kiosk, "help is on the way")
    staging.click(contains="a shopper at kiosk-door-1")       # staff answer the call
    kiosk.click("Atrás")
    kiosk.wait_text("No encontramos ese pedido")
    kiosk.click("Buscar mi pedido")
    kiosk.click("Atrás")
    kiosk.wait_text("Acerque su código de recogida a la cámara")
    hold_up(store, store.sign_token("P00006"))
    kiosk.wait_text("Hola, Ana María")
    walk_away(store)
    check_screen(j, kiosk, "greeting")
    kiosk.click("Registrar mi llegada")
    kiosk.wait_text("¿En qué plaza está estacionado?")
    check_screen(j, kiosk, "bay")
    kiosk.click("Plaza 2")
    kiosk.wait_text("Puede esperar en su auto en la plaza 2")
    check_screen(j, kiosk, "waiting")
    session = store.hub.staff_session()
    store.hub.act("P00006", "claim", session=session)
    kiosk.wait_text("Alex le lleva su pedido")
    check_screen(j, kiosk, "claimed")
    store.hub.act("P00006", "handover", {"id_checked": True, "not_taken": []}, session=session)
    kiosk.wait_text("¡Gracias, Ana María!")
    check_screen(j, kiosk, "thanks")
    kiosk.wait_text("Hold your pickup code up to the camera", timeout=90)     # the next shopper starts afresh


if __name__ == "__main__":
    main(journey)
