#!/usr/bin/python3
"""Staff journey: the staging station driven with a keyboard, the keypad, a
keyboard-wedge scanner and the pointer, against a real hub."""

import os
import time
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glob  # noqa: E402
import subprocess  # noqa: E402

import curbjourney  # noqa: E402
from curbjourney import Journey, JourneyFailure, wait_for, main, open_order_on_board  # noqa: E402

journey = Journey("staff")


def staff_field(staging, label):
    return staging.find(role="password text" if label == "PIN" else "text", contains=label)


@journey.setup
def start_station(j, store):
    store.staging = store.start_staging()


@journey.test
def sign_in_with_keyboard(j, store):
    """Sign in with a USB keyboard: staff number, Enter, PIN, Enter"""
    staging = store.staging
    staging.wait_text("Scan your badge")
    staff_field(staging, "Staff number").click()
    j.desk.type_text("101")
    wait_for(lambda: staff_field(staging, "Staff number").text() == "101",
             "the typed staff number in its field")
    j.desk.key("Return")   # Enter moves to the PIN
    j.desk.type_text("1234")
    j.shot("staff number and PIN typed", staging)
    j.desk.key("Return")
    staging.wait_text("Signed in: Alex")
    j.shot("signed in with the keyboard", staging)


def stage_with_keyboard(j, store, staging, ref, location, ambient=1):
    """On Stage orders: choose @ref, type the bin label, count bags, mark as staged."""
    staging.click("Stage orders")
    staging.wait_text("Orders to stage")
    staging.find(role="label", contains=ref + " ·").click()
    staging.find(role="text", contains="Staging location").click()
    j.desk.type_text(location + "\n")
    staging.wait_text(location)
    for _ in range(ambient):
        staging.click("One more Ambient bag")
    j.shot(f"{ref}: location typed, bags counted", staging)
    staging.click("Mark as staged")
    order = wait_for(lambda: (lambda o: o["staged"] and o)(store.hub.order(ref)), f"{ref} staged at the hub")
    zone, shelf, bin_ = location.split("-")
    if {"zone": zone, "shelf": shelf, "bin": bin_} not in order["locations"] or order["bags"]["ambient"] != ambient:
        raise JourneyFailure(f"the hub has {order['locations']} and {order['bags']} for {ref}")
    return order


@journey.test
def stage_with_typed_locations(j, store):
    """Stage orders: a bin label typed on a keyboard, bags counted; the hub has them, the labels print"""
    stage_with_keyboard(j, store, store.staging, "P00005", "C-2-14", ambient=2)
    labels = wait_for(lambda: len(glob.glob(store.path("labels", "*.png"))) >= 2 and
                      glob.glob(store.path("labels", "*.png")), "two bag labels to print")
    j.shot("P00005 staged, its two bag labels printed", store.staging)
    if len(labels) != 2:
        raise JourneyFailure(f"{len(labels)} labels printed for 2 bags")


@journey.test
def never_staged_arrival_needs_its_bags(j, store):
    """A shopper arrives before their order was staged: no handoff without the bag check; Stage orders lists it"""
    staging = store.staging
    store.hub.check_in(store.sign_token("P00007"), bay="4")
    staging.wait_text("Shopper waiting: Mohammed A.")
    staging.click(contains="Shopper waiting: Mohammed A.")
    staging.click("Claim: I am taking it out")
    staging.wait_text("Never staged")
    complete = staging.button("Complete handoff")
    staging.find(role="check box", contains="photo ID").click()
    j.shot("claimed, never staged: the handoff waits for the bags", staging)
    if complete.is_sensitive():
        raise JourneyFailure("Complete handoff is offered for an order whose bags were never counted")
    stage_with_keyboard(j, store, staging, "P00007", "A-1-3", ambient=1)
    staging.click("Board")
    staging.find(role="label", name="P00007").click()
    staging.wait_text("Scan each bag label: 0 of 1 scanned")
    staging.find(role="text", contains="Bag label").click()
    j.desk.wedge_scan("CB1:P00007:1/1")
    staging.wait_text("All 1 bags scanned")
    staging.find(role="check box", contains="photo ID").click()
    wait_for(lambda: staging.button("Complete handoff").is_sensitive(), "Complete handoff to be offered")
    staging.click("Complete handoff")
    wait_for(lambda: store.hub.order("P00007")["state"] == "handed_over", "the hub to record the handoff")
    j.shot("bags proven with the wedge scanner, handed over", staging)


def sign_out(j, staging):
    staging.click("Sign out")
    staging.wait_text("Scan your badge")
    staging.wait_gone("Signed in:")


@journey.test
def sign_in_with_keypad_and_badge(j, store):
    """Sign out; sign in on the on-screen keypad; sign out; a wedge scanner types a badge: signed in by badge"""
    staging = store.staging
    signed_in(j, staging)
    sign_out(j, staging)
    j.shot("signed out", staging)
    for key in "101":
        staging.click(key)
    staging.click("Next")
    for key in "1234":
        staging.click(key)
    staging.click("Sign in")
    staging.wait_text("Signed in: Alex")
    j.shot("signed in on the keypad", staging)
    sign_out(j, staging)
    # the sign-in page puts the keyboard focus in the staff number: the
    # scanner types there, as a keyboard-wedge scanner does
    j.desk.wedge_scan("CB-BADGE-0102")
    staging.wait_text("Signed in: María")     # before: the badge sat in the staff number field
    j.shot("signed in with a badge scan", staging)
    sign_out(j, staging)
    if staff_field(staging, "Staff number").text():
        raise JourneyFailure("the badge was left in the staff number field")
    sign_in_keyboard_again(j, staging)


def sign_in_keyboard_again(j, staging):
    staff_field(staging, "Staff number").click()
    j.desk.type_text("101\n1234\n")
    staging.wait_text("Signed in: Alex")


def signed_in(j, staging):
    """A step run on its own (CURB_JOURNEY_ONLY) starts signed out."""
    staging.wait_text("Hub: connected")
    if not staging.sees("Signed in:"):
        sign_in_keyboard_again(j, staging)


def open_from_board(staging, ref):
    open_order_on_board(staging, ref)


def check_id_if_asked(staging):
    boxes = staging.find_all(role="check box", contains="photo ID")
    if boxes:
        boxes[0].click()
        wait_for(lambda: staging.find_all(role="check box", contains="photo ID")[0].is_checked(), "the ID check ticked")


@journey.test
def claim_from_banner_bags_and_id_check(j, store):
    """Claim from the banner; bag labels by wedge and typed; a repeated and a wrong bag; ID check; handoff; the warning goes"""
    staging = store.staging
    signed_in(j, staging)
    store.stage("P00001", bags={"ambient": 1, "chilled": 1, "frozen": 0})
    store.hub.check_in(store.sign_token("P00001"), bay="2")
    staging.wait_text("Shopper waiting: José N.")
    j.shot("a shopper arrived: the banner rings", staging)
    staging.click(contains="Shopper waiting: José N.")
    staging.click("Claim: I am taking it out")
    staging.wait_text("You claimed it")
    if store.hub.order("P00001")["state"] != "claimed":
        raise JourneyFailure("the claim did not reach the hub")
    staging.find(role="text", contains="Bag label").click()
    j.desk.wedge_scan("CB1:P00001:1/2")
    staging.wait_text("1 of 2 scanned")
    j.desk.wedge_scan("CB1:P00001:1/2")
    staging.wait_text("That bag was already scanned.")
    staging.wait_text("1 of 2 scanned")
    j.shot("the same bag scanned twice: counted once", staging)
    staging.find(role="text", contains="Bag label").click()
    j.desk.type_text("CB1:P00001:2/2\n")       # the label typed by hand
    staging.wait_text("All 2 bags scanned")
    if staging.button("Complete handoff").is_sensitive():
        raise JourneyFailure("Complete handoff is offered before the ID check of an age-restricted order")
    j.desk.wedge_scan("CB1:P00002:1/4")          # a bag of another order comes along
    staging.wait_text("WRONG BAG: this bag belongs to order P00002")
    j.shot("a bag of another order: WRONG BAG", staging)
    # the ID check is further down the page: on with the keyboard (Tab from the bag label)
    id_check = staging.find(role="check box", contains="photo ID")
    j.desk.key("Tab")
    wait_for(id_check.is_focused, "the keyboard focus on the ID check")
    j.desk.key("space")
    wait_for(id_check.is_checked, "the ID check ticked")
    answer_the_substitution_at_handoff(j, store, staging)
    wait_for(lambda: staging.button("Complete handoff").is_sensitive(), "Complete handoff to be offered")
    j.shot("every bag, the ID checked, the shopper answered: ready to hand over", staging)
    staging.click("Complete handoff")
    order = wait_for(lambda: (lambda o: o["state"] == "handed_over" and o)(store.hub.order("P00001")),
                     "the hub to record the handoff")
    staging.wait_text("Handed over")
    staging.wait_gone("WRONG BAG")              # before: it stayed on the order page
    j.shot("handed over: the warning is gone", staging)
    if not order.get("id_checked", True):
        raise JourneyFailure(f"the hub did not record the ID check: {order}")
    # before: the handed-over order still read "Ask the shopper: Soy milk 1 L instead?"
    decided = [s["status"] for s in order.get("substitutions", [])]
    if decided != ["declined"]:
        raise JourneyFailure(f"the hub recorded the substitution as {decided}, not the shopper's no")
    staging.wait_text("the shopper declined Soy milk 1 L")
    staging.wait_gone("Ask the shopper")
    j.shot("handed over: the shopper's answer on the order screen", staging)


def answer_the_substitution_at_handoff(j, store, staging):
    """P00001 offers Soy milk for Oat milk and the shopper never answered at
    the kiosk: the handoff asks staff, who answer with a tap, then change it
    with the keyboard (Tab to Declined, Space)."""
    staging.wait_text("Ask the shopper before the handoff")
    accepted = staging.button(contains="Accepted: 1 × Soy milk 1 L instead of Oat milk 1 L?")
    declined = staging.button(contains="Declined: 1 × Soy milk 1 L instead of Oat milk 1 L?")
    time.sleep(1)                       # the ID check is in: only the answer is missing
    if staging.button("Complete handoff").is_sensitive():
        raise JourneyFailure("Complete handoff is offered while the shopper has not answered the substitution")
    for button in (accepted, declined):
        _, _, width, height = button.extents()
        if width < 56 or height < 56:
            raise JourneyFailure(f"{button.name!r} is {width}×{height} px, not a big button")
    j.shot("the handoff asks: Soy milk instead of Oat milk?", staging)
    accepted.click()
    wait_for(accepted.is_checked, "Accepted to be pressed")
    j.desk.key("Tab")
    wait_for(declined.is_focused, "the keyboard focus on Declined")
    j.desk.key("space")
    wait_for(lambda: declined.is_checked() and not accepted.is_checked(), "Declined by keyboard")
    j.shot("the shopper said no: Declined", staging)


@journey.test
def claim_from_board_partial_handoff(j, store):
    """Claim from the board; an item not taken; partial handoff at the hub"""
    staging = store.staging
    signed_in(j, staging)
    store.stage("P00004", bags={"ambient": 1, "chilled": 0, "frozen": 0})
    store.hub.check_in(store.sign_token("P00004"), bay="3")
    staging.wait_text("Siobhán N.")
    open_from_board(staging, "P00004")
    staging.click("Claim: I am taking it out")
    staging.wait_text("You claimed it")
    staging.find(role="text", contains="Bag label").click()
    j.desk.wedge_scan("CB1:P00004:1/1")
    staging.wait_text("All 1 bags scanned")
    check_id_if_asked(staging)
    staging.find(role="check box", contains="Some items are not taken").click()
    spin = staging.find(role="spin button")
    spin.click_at(0.9)                  # its + button
    wait_for(lambda: spin.text() == "1", "one item not taken")
    wait_for(lambda: staging.button("Complete handoff").is_sensitive(), "Complete handoff with one item not taken")
    j.shot("one item not taken", staging)
    staging.click("Complete handoff")
    order = wait_for(lambda: (lambda o: o["state"] == "partially_handed_over" and o)(store.hub.order("P00004")),
                     "the hub to record a partial handoff")
    staging.wait_text("Partly handed over")
    j.shot("partly handed over", staging)
    if not order.get("not_taken"):
        raise JourneyFailure(f"the hub has no item not taken: {order}")


@journey.test
def release_and_no_show(j, store):
    """Release a claimed order (back to waiting); mark an order past its window as a no-show, then return it to stock"""
    staging = store.staging
    signed_in(j, staging)
    store.hub.check_in(store.sign_token("P00005"), bay="6")
    staging.wait_text("Łukasz Ż.")
    open_from_board(staging, "P00005")
    staging.click("Claim: I am taking it out")
    staging.wait_text("You claimed it")
    staging.click("Release: someone else takes it")
    staging.wait_text("Shopper is waiting")
    order = wait_for(lambda: (lambda o: o["state"] == "arrived" and o)(store.hub.order("P00005")),
                     "the hub to take the release")
    j.shot("released: the shopper is waiting again", staging)
    if order.get("claimed_by"):
        raise JourneyFailure(f"still claimed after the release: {order}")
    open_from_board(staging, "P00002")           # its pickup window ended over half an hour ago
    staging.click("Mark as no-show")
    wait_for(lambda: store.hub.order("P00002")["state"] == "no_show", "the hub to record the no-show")
    staging.wait_text("No-show")
    staging.button("Return items to stock")
    j.shot("a no-show: return its items to stock", staging)


@journey.test
def two_stations_claim_the_same_order(j, store):
    """Two stations open the same waiting order and both tap Claim at once: one claim wins at the hub, the other station says who has it"""
    staging = store.staging
    signed_in(j, staging)
    second = store.start_staging(name="staging-2", place=(1300, 860))
    try:
        second.wait_text("Hub: connected")
        curbjourney.sign_in_with_keyboard(j.desk, second, staff_id="102", pin="5678", name="María")
        store.hub.check_in(store.sign_token("P00006"), bay="5")
        claims = []
        for station in (staging, second):
            open_from_board(station, "P00006")
            claims.append(station.button("Claim: I am taking it out"))
        j.shot("both stations on the same waiting order", staging, second)
        for claim in claims:            # one tap after the other, before either hears of the other's claim
            claim.click()
        order = wait_for(lambda: (lambda o: o["state"] == "claimed" and o)(store.hub.order("P00006")),
                         "one claim at the hub")
        winner_id = (order.get("claimed_by") or {}).get("id")
        winner, loser, name = (staging, second, "Alex") if winner_id == "101" else (second, staging, "María")
        winner.wait_text("You claimed it")
        wait_for(lambda: loser.sees(f"{name} already claimed this order") or loser.sees(f"Claimed by {name}"),
                 f"the other station to say {name} has it")
        j.shot(f"{name} won the claim; the other station says so", staging, second)
        if loser.sees("You claimed it"):
            raise JourneyFailure(f"both stations say they claimed it:\n{loser.screen_text()}")
    finally:
        store.stop_app(second)


if __name__ == "__main__":
    main(journey)
