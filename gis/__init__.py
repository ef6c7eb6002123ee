"""Coordinates, geometry, geocoding and vector file I/O. Depends on nothing of ours."""
