"""The serving process tunes Python's garbage collector once it is ready."""

from __future__ import annotations

import gc

from maxremind.app import GC_YOUNG_THRESHOLD, tune_gc_for_serving


def test_start_up_objects_are_frozen_and_the_young_generation_collected_less_often() -> None:
    threshold = gc.get_threshold()
    try:
        tune_gc_for_serving()
        assert gc.get_freeze_count() > 10_000  # modules, schemas, settings: all of start-up
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *threshold[1:])
        assert threshold[0] < GC_YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
