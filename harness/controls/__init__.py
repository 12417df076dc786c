"""Device conditions the harness sets (battery, network, storage, lab) and always restores."""
