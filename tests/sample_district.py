"""The sample district's profile, for tests that work below the snapshot (no app)."""
from __future__ import annotations

from admissions.dataset import SAMPLE_DIR
from gis.address import AddressGrammar
from gis.district import read_profile

SAMPLE_PROFILE = read_profile(SAMPLE_DIR)
SAMPLE_GRAMMAR = AddressGrammar(SAMPLE_PROFILE)
METRIC = SAMPLE_PROFILE.metric_crs  # the sample's metres (EPSG:4551)
