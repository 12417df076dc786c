"""A device under test: one transport, its controls, and the shim."""
