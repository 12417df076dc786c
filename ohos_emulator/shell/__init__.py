"""The emulated device's shell: a small POSIX-like interpreter and the commands a device has."""
