"""Schools, zone sets (versions), zones, lookup and publishing. Framework-free; uses `gis`."""
