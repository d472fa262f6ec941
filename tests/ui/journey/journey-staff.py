#!/usr/bin/python3
"""Staff journey: the staging station driven with a keyboard, the keypad, a
keyboard-wedge scanner and the pointer, against a real hub."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from curbjourney import Journey, JourneyFailure, wait_for, main  # noqa: E402

journey = Journey("staff")


def staff_field(staging, label):
    return staging.find(role="password text" if label == "PIN" else "text", contains=label)


@journey.test
def sign_in_with_keyboard(j, store):
    """Sign in with a USB keyboard: staff number, Enter, PIN, Enter"""
    store.staging = store.start_staging()
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


if __name__ == "__main__":
    main(journey)
