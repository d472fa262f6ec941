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
from curbjourney import Journey, JourneyFailure, wait_for, main  # noqa: E402

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


@journey.test
def qr_to_receipt(j, store):
    """QR, greeting (Spanish), substitution, ID notice, bay, waiting, claimed, handed over, receipt opens"""
    store.stage("P00001")
    store.staging = store.start_staging()
    kiosk = store.kiosk = store.start_kiosk()
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


if __name__ == "__main__":
    main(journey)
