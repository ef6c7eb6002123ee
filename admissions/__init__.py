"""Admission cycle content (plans, timeline, categories, documents, channels), the composed
answer for a location, and inquiries. Framework-free; uses `zones`."""
