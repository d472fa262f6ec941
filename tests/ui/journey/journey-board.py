#!/usr/bin/python3
"""Board journey: what staff read on the staging board, the order screen and
the handoff, driven through the real windows (issue 12, items 3 and 8): the
substitution the shopper decided at the kiosk is what staff hand over; the
columns hold what their titles say; a shopper past the pickup window is
late; the board opens at the top with the first card whole; no text is cut."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from curbjourney import JourneyFailure, Journey, Widget, _off_screen, wait_for, main  # noqa: E402

journey = Journey("board")

ARRIVED = "Arrived: waiting"
STAGED = "Staged: not arrived"
TO_STAGE = "To stage"
DONE = "Done today"
STAGED_REFS = ("P00001", "P00003", "P00004", "P00005", "P00006", "P00007", "P00008")


def focus(app):
    """The keyboard goes to @app, as a window manager gives it to the window
    a person touches (the desk has none: the kiosk took the focus when it
    opened)."""
    from Xlib import X
    app.desk.x.set_input_focus(app.xwindow(), X.RevertToParent, X.CurrentTime)
    app.desk.x.sync()
    time.sleep(0.2)


def sign_in(j, staging):
    staging.wait_text("Scan your badge")
    staging.find(role="text", contains="Staff number").click()
    j.desk.type_text("101")
    j.desk.key("Return")
    j.desk.type_text("1234")
    j.desk.key("Return")
    staging.wait_text("Signed in: Alex")


def _descendants(accessible):
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is None:
            continue
        yield child
        yield from _descendants(child)


class Card:
    """One order card on screen: its texts and where it is."""

    def __init__(self, widget, texts):
        self.widget = widget
        self.texts = texts
        self.ref = texts[0] if texts else ""
        self.box = widget.extents()

    def text(self):
        return "\n".join(self.texts)

    def __repr__(self):
        return f"<card {self.ref} at y={self.box[1]}: {self.texts}>"


def column_list(staging, title):
    return staging.find(role="list", name=title)


def column_cards(staging, title):
    """The cards a person sees in the column called @title, top to bottom."""
    lst = column_list(staging, title)
    cards = []
    for i in range(lst.acc.childCount):
        item = lst.acc.getChildAtIndex(i)
        if item is None or item.childCount == 0:
            continue
        widget = Widget(staging, item.getChildAtIndex(0))
        x, y, w, h = widget.extents()
        if w <= 0 or h <= 0 or _off_screen(item):
            continue
        texts = [Widget(staging, a).name for a in _descendants(item)
                 if a.getRoleName() == "label" and Widget(staging, a).extents()[2] > 0]
        cards.append(Card(widget, [t for t in texts if t]))
    return sorted(cards, key=lambda card: card.box[1])


def card_of(staging, title, ref):
    for card in column_cards(staging, title):
        if card.ref == ref:
            return card
    return None


def header(staging, title):
    return staging.find(role="label", pattern="^" + re.escape(title) + r" \(\d+\)$")


def assert_opens_at_top(staging, title, first_ref):
    """The column shows its first card first, whole: not scrolled, not cut."""
    lst = column_list(staging, title)
    _, list_top, _, list_height = lst.extents()
    cards = wait_for(lambda: column_cards(staging, title), f"cards in {title}")
    top = cards[0]
    if top.ref != first_ref:
        raise JourneyFailure(f"{title} opens at {top.ref}, not at its first order {first_ref}: {cards}")
    if top.box[1] < list_top or top.box[1] + top.box[3] > list_top + list_height:
        raise JourneyFailure(f"{title}: the first card {top.ref} is cut (card y {top.box[1]}, "
                             f"height {top.box[3]}; list y {list_top}, height {list_height})")


def assert_nothing_sticks_out(staging, title):
    """Every text of every card lies inside its card (a cut line would be
    clipped at the card's edge)."""
    for card in column_cards(staging, title):
        cx, _, cw, _ = card.box
        for acc in _descendants(card.widget.acc):
            if acc.getRoleName() != "label":
                continue
            x, y, w, h = Widget(staging, acc).extents()
            if w > 0 and (x < cx or x + w > cx + cw):
                raise JourneyFailure(f"{title}: {Widget(staging, acc).name!r} sticks out of card {card.ref}")


def wheel_down(j, widget, clicks=12):
    x, y = widget.center()
    for _ in range(clicks):
        j.desk.click(x, y, button=5)
        time.sleep(0.05)


@journey.test
def substitution_and_lateness_shown_to_staff(j, store):
    """The shopper approves a substitution at the kiosk, an hour past the pickup window: the card, the order screen and the handoff show the soy milk; the card says late, not on time"""
    store.session = store.hub.staff_session()
    for ref in STAGED_REFS:
        store.stage(ref, session=store.session)
    staging = store.staging = store.start_staging()
    sign_in(j, staging)
    kiosk = store.kiosk = store.start_kiosk()
    kiosk.wait_text("Hold your pickup code up to the camera")
    store.show_camera(store.sign_token("P00001"))
    kiosk.wait_text("Hola, José")
    store.show_camera(None)
    kiosk.click("Sí, está bien")
    kiosk.click("Registrar mi llegada")
    kiosk.click("Plaza 3")
    kiosk.wait_text("Puede esperar en su auto en la plaza 3")

    card = wait_for(lambda: card_of(staging, ARRIVED, "P00001"), "José's card in Arrived: waiting")
    card = wait_for(lambda: (lambda c: c if c and "Soy milk 1 L" in c.text() else None)(
        card_of(staging, ARRIVED, "P00001")), "the card to show the approved substitution")
    j.shot("the card shows the substitution and that José is late", staging)
    if "Oat milk 1 L" not in card.text() or "instead of" not in card.text():
        raise JourneyFailure(f"the card does not say the soy milk replaces the oat milk: {card.texts}")
    order = store.hub.order("P00001")
    if "on time" in card.text().lower():
        raise JourneyFailure(f"José checked in after his pickup window ({order['window_end']}), "
                             f"yet his card says on time: {card.texts}")
    if "late" not in card.text().lower():
        raise JourneyFailure(f"José's card does not say he is late: {card.texts}")

    card.widget.click()
    staging.wait_text("Claim: I am taking it out")
    staging.wait_text("Soy milk 1 L")
    items = staging.find(role="list", name="Items in this order")
    rows = " ".join(Widget(staging, a).name for a in _descendants(items.acc))
    if "Soy milk 1 L" not in rows or "instead of" not in rows:
        raise JourneyFailure(f"the order screen's items do not show the soy milk: {rows}")
    j.shot("the order screen lists the soy milk instead of the oat milk", staging)

    staging.click("Claim: I am taking it out")
    staging.wait_text("You claimed it")
    handoff = staging.find(role="label", contains="Hand over")
    if "Soy milk 1 L" not in handoff.name:
        raise JourneyFailure(f"the handoff does not say to hand over the soy milk: {handoff.name!r}")
    j.shot("the handoff says what to hand over", staging)
    kiosk.wait_text("Alex")

    focus(staging)
    staging.find(role="text", contains="Bag label").click()
    for n in range(1, 5):
        j.desk.wedge_scan(f"CB1:P00001:{n}/4")
    staging.wait_text("All 4 bags scanned")
    staging.find(role="check box", contains="photo ID").click()
    complete = staging.button("Complete handoff")
    wait_for(complete.is_sensitive, "Complete handoff to be enabled")
    complete.click()
    kiosk.wait_text("¡Gracias, José!")
    j.shot("handed over", staging, kiosk)


@journey.test
def columns_mean_what_they_say(j, store):
    """Staged and not-staged orders in their own columns, each opening at its first card, whole, with no text cut"""
    staging = store.staging
    staging.click("Today's numbers")
    staging.wait_text("Arrivals by hour")
    staging.click("Board")
    orders = {o["ref"]: o for o in store.hub.orders()}
    waiting = [o for o in orders.values() if o["state"] in ("pending", "ready")]
    staged = sorted((o for o in waiting if o["staged"]), key=lambda o: (o["window_start"], o["ref"]))
    unstaged = sorted((o for o in waiting if not o["staged"]), key=lambda o: (o["window_start"], o["ref"]))
    wait_for(lambda: header(staging, STAGED).name == f"{STAGED} ({len(staged)})",
             f"{STAGED} to count the {len(staged)} staged orders")
    wait_for(lambda: header(staging, TO_STAGE).name == f"{TO_STAGE} ({len(unstaged)})",
             f"{TO_STAGE} to count the {len(unstaged)} orders not staged yet")
    j.shot("the board: staged and not staged apart", staging)
    for card in column_cards(staging, STAGED):
        if card.ref not in [o["ref"] for o in staged] or "Not staged yet" in card.texts:
            raise JourneyFailure(f"{STAGED} shows an order that is not staged: {card}")
    for card in column_cards(staging, TO_STAGE):
        if card.ref not in [o["ref"] for o in unstaged]:
            raise JourneyFailure(f"{TO_STAGE} shows an order that is staged: {card}")
    assert_opens_at_top(staging, STAGED, staged[0]["ref"])
    assert_opens_at_top(staging, TO_STAGE, unstaged[0]["ref"])
    for title in (STAGED, TO_STAGE, DONE):
        assert_nothing_sticks_out(staging, title)

    wheel_down(j, column_list(staging, STAGED))
    wait_for(lambda: column_cards(staging, STAGED)[0].ref != staged[0]["ref"], "the column to scroll down")
    j.shot("scrolled down", staging)
    staging.click("Today's numbers")
    staging.wait_text("Arrivals by hour")
    staging.click("Board")
    wait_for(lambda: column_cards(staging, STAGED), "the board again")
    time.sleep(0.5)
    assert_opens_at_top(staging, STAGED, staged[0]["ref"])
    j.shot("the board opens at the top again", staging)


if __name__ == "__main__":
    main(journey)
