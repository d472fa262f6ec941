#!/usr/bin/python3
"""Staff journey: the staging station driven with a keyboard, the keypad, a
keyboard-wedge scanner and the pointer, against a real hub."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glob  # noqa: E402
import subprocess  # noqa: E402

from curbjourney import Journey, JourneyFailure, wait_for, main  # noqa: E402

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


if __name__ == "__main__":
    main(journey)
