"""The bottom of the stack: the shared store (Base, engine, migrations) and the clock."""
