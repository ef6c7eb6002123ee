"""The sample district and its reproducible generator (`python -m data.generate_sample`)."""
