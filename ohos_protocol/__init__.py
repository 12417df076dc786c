"""What the harness (host side) and the emulated device must agree on, and nothing else.

The hdc wire format, the shim's build variants and its JS core, the device capability
names, the endpoints file's shape and the configuration error type. Both sides import this package;
it imports neither of them.
"""
