"""JSON API v1: plain functions in `logic`, a thin Flask blueprint in `views`."""
