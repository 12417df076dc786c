"""GallerySync.start() under every combination of the two networks, in both forms.

"If either network is available, synchronization can be performed normally": Wi-Fi alone, mobile
data alone and both start a run that ends COMPLETED; with neither, start() is refused with 22400002.
"""

import pytest

from .steps import expect_called_back_once, expect_run_over, listen

ROUTE = {"promise": "rejected", "callback": "callback"}
NETWORKS = [
    # id,                 Wi-Fi, mobile data, refusal code (None: the run goes on to COMPLETED)
    ("wifi-only", True, False, None),
    ("mobile-data-only", False, True, None),
    ("both", True, True, None),
    ("none", False, False, 22400002),
]


def _cases() -> list:
    cases = []
    for name, wifi, cellular, code in NETWORKS:
        for style in ROUTE:
            ids = (
                [f"GallerySync.start.{style}.E{code}", "module.contract.service-errors-async"]
                if code
                else [f"GallerySync.start.{style}", "ErrorType.note.either-network"]
            )
            cases.append(
                pytest.param(
                    wifi, cellular, code, style, id=f"{name}-{style}", marks=pytest.mark.requirement(*ids)
                )
            )
    return cases


@pytest.mark.parametrize(("wifi", "cellular", "code", "style"), _cases())
def test_start_with_each_network_alone_both_and_none(cloudsync, lab, network, wifi, cellular, code, style):
    lab.add_photo("taken-here.jpg", 20_000)
    network.set(wifi=wifi, cellular=cellular)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    started = gallery.call("start", style=style)
    if code is not None:
        started.expect_error(code, ROUTE[style])
        expect_run_over(lab, progress, f"a start() refused with {code}")
        assert lab.cloud_files() == {}, "no run followed the refused start()"
    else:
        started.expect_ok()
        run = cloudsync.sync_run(progress)
        cloudsync.expect_sync_states(
            run,
            "DOWNLOADING",
            "UPLOADING",
            "COMPLETED",
            what=f"a run with wifi={wifi}, mobile data={cellular}",
        )
        assert lab.cloud_files() == {"taken-here.jpg": 20_000}, "the photo was uploaded"
        expect_run_over(lab, progress, "COMPLETED")
    expect_called_back_once(cloudsync)
