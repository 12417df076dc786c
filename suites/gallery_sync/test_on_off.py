"""GallerySync.on / off: the event on registration, and silence after unsubscribing."""

import pytest

from harness.shim.values import UNDEFINED

from .steps import expect_run_over, listen


@pytest.mark.requirement("GallerySync.contract.first-event", "SyncState.note.callback-on-change")
def test_registration_delivers_the_current_state_once(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    progress = cloudsync.progress("first")
    gallery.call("on", "progress", progress.callback).expect_ok()
    cloudsync.expect_sync_states([progress.next()], "COMPLETED", what="registration on a fresh service")

    gallery.call("stop", style="promise").expect_ok()
    cloudsync.expect_sync_states(
        [progress.next()], "STOPPED", what="the next event (the registration event came once)"
    )

    gallery.call("off", "progress").expect_ok()
    again = cloudsync.progress("again")
    gallery.call("on", "progress", again.callback).expect_ok()
    cloudsync.expect_sync_states([again.next()], "STOPPED", what="registration after a stop (current state)")
    again.expect_none_queued("registration delivers one event")


@pytest.mark.requirement("GallerySync.off")
def test_no_event_reaches_the_callback_after_off(cloudsync, lab):
    lab.add_photo("taken-here.jpg", 200_000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    assert gallery.call("off", "progress").expect_ok() is UNDEFINED, "off() returns undefined"
    gallery.call("start", style="promise").expect_ok()
    expect_run_over(lab, progress, "off('progress')")
    assert "taken-here.jpg" in lab.cloud_files(), "the run did happen (and would have reported)"
